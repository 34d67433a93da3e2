"""The workflow's services (notices.services.workflow, drafts, versions) on real notices:
every pair of state and action through the service that does it, who may do what, the
comments and reasons required, and two people acting at once."""

from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from frontdesk.conflicts import Conflict, conflict_message
from notices.models import Notice, NoticeEvent
from notices.services import drafts, versions, workflow
from notices.states import Action, IllegalTransition, State

from .conftest import bring_to, make_notice
from .test_states import EXPECTED

S, A = State, Action
# What people do through the pages; expiring and superseding are the system's (below).
USER_ACTIONS = [a for a in Action if a not in (A.EXPIRE, A.SUPERSEDE)]
PAIRS = list(product(State, USER_ACTIONS))


def edit(site, user, notice, **changes):
    values = {
        "type": notice.type,
        "title": notice.title,
        "body": notice.body,
        "issuer": notice.issuer,
        "effective_from": notice.effective_from,
        "expires_on": notice.expires_on,
        "urgent": notice.urgent,
        **changes,
    }
    return drafts.notice_update(site=site, user=user, notice=notice, **values)


def run(action, site, clerk, boss, notice):
    """The service of ``action``, called by whoever may take it."""
    if action == A.EDIT:
        return edit(site, clerk, notice, title="停水通知（更正）")
    if action == A.SUBMIT:
        return workflow.notice_submit(site=site, user=clerk, notice=notice)
    if action == A.APPROVE:
        return workflow.notice_approve(site=site, user=boss, notice=notice, comment="同意")
    if action == A.SEND_BACK:
        return workflow.notice_send_back(site=site, user=boss, notice=notice, comment="补充时间")
    if action == A.PUBLISH:
        return workflow.notice_publish(site=site, user=clerk, notice=notice)
    if action == A.PUBLISH_NOW:
        return workflow.notice_publish_now(site=site, user=boss, notice=notice)
    if action == A.WITHDRAW:
        return workflow.notice_withdraw(site=site, user=boss, notice=notice, reason="取消")
    if action == A.NEW_VERSION:
        return versions.notice_new_version(site=site, user=clerk, notice=notice)
    raise AssertionError(action)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_it_takes_each_action_in_exactly_the_states_the_table_allows(
    state, action, site_a, clerk, approver
):
    notice = bring_to(make_notice(site_a, clerk, urgent=True), state, clerk=clerk, boss=approver)
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == state
    events = NoticeEvent.objects.filter(notice=notice).count()
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(IllegalTransition):
            run(action, site_a, clerk, approver, notice)
        fresh = Notice.objects.get(pk=notice.pk)
        assert (fresh.state, fresh.revision) == (state, notice.revision)
        assert NoticeEvent.objects.filter(notice=notice).count() == events
        return
    run(action, site_a, clerk, approver, notice)
    fresh = Notice.objects.get(pk=notice.pk)
    assert fresh.state == expected
    assert NoticeEvent.objects.filter(notice=notice).count() == events + 1


def test_it_expires_only_published_notices_past_their_last_day(site_a, clerk, approver):
    from notices.services.expiry import notices_expire

    notices = {
        state: bring_to(make_notice(site_a, clerk), state, clerk=clerk, boss=approver)
        for state in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.WITHDRAWN)
    }
    in_force = bring_to(
        make_notice(site_a, clerk, expires_on=timezone.localdate() + timedelta(days=30)),
        S.PUBLISHED,
        clerk=clerk,
        boss=approver,
    )
    # The day after the week's last day (make_notice: in force for 7 days).
    later = timezone.now() + timedelta(days=8)

    assert notices_expire(later).expired == 1
    assert notices_expire(later).expired == 0  # idempotent

    states = dict(Notice.objects.values_list("pk", "state"))
    assert states[notices[S.PUBLISHED].pk] == S.EXPIRED
    assert states[in_force.pk] == S.PUBLISHED
    assert [states[notices[s].pk] for s in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.WITHDRAWN)] == [
        S.DRAFT,
        S.SUBMITTED,
        S.APPROVED,
        S.WITHDRAWN,
    ]


def test_the_expiry_scan_writes_a_system_entry(site_a, clerk, approver):
    from notices.services.expiry import notices_expire

    notice = bring_to(make_notice(site_a, clerk), S.PUBLISHED, clerk=clerk, boss=approver)
    Notice.objects.filter(pk=notice.pk).update(expires_on=timezone.localdate())

    assert notices_expire(timezone.now() + timedelta(days=1)).expired == 1

    event = NoticeEvent.objects.filter(notice=notice).last()
    assert (event.kind, event.by, event.from_state, event.to_state) == (
        "expired",
        None,
        "published",
        "expired",
    )
    assert Notice.objects.get(pk=notice.pk).ended_at is not None


def test_the_expiry_task_runs_the_scan(site_a, clerk, approver):
    from notices.tasks import expire_due

    notice = bring_to(make_notice(site_a, clerk), S.PUBLISHED, clerk=clerk, boss=approver)
    Notice.objects.filter(pk=notice.pk).update(
        effective_from=timezone.localdate() - timedelta(days=9),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    assert expire_due.apply().get() == {"expired": 1}
    assert Notice.objects.get(pk=notice.pk).state == S.EXPIRED


def test_the_expiry_is_a_periodic_task_of_the_area():
    from frontdesk.schedules import all_schedules

    assert "notices.expire_due" in {s.task for s in all_schedules()}


# --- Who may do what -------------------------------------------------------------------


@pytest.mark.parametrize("action", [A.APPROVE, A.SEND_BACK, A.PUBLISH_NOW])
def test_a_clerk_may_not_approve_send_back_or_publish_directly(action, site_a, clerk, approver):
    notice = bring_to(
        make_notice(site_a, clerk, urgent=True), S.SUBMITTED, clerk=clerk, boss=approver
    )
    with pytest.raises(PermissionDenied):
        run(action, site_a, approver, clerk, notice)  # the clerk in the boss's place
    assert Notice.objects.get(pk=notice.pk).state == S.SUBMITTED


def test_a_clerk_may_not_withdraw_a_published_notice(site_a, clerk, approver):
    notice = bring_to(make_notice(site_a, clerk), S.PUBLISHED, clerk=clerk, boss=approver)
    with pytest.raises(PermissionDenied):
        workflow.notice_withdraw(site=site_a, user=clerk, notice=notice, reason="错了")
    assert Notice.objects.get(pk=notice.pk).state == S.PUBLISHED


def test_a_clerk_may_withdraw_a_draft(site_a, clerk, draft):
    workflow.notice_withdraw(site=site_a, user=clerk, notice=draft, reason="重复了")
    fresh = Notice.objects.get(pk=draft.pk)
    assert (fresh.state, fresh.withdraw_reason, fresh.withdrawn_by) == (
        "withdrawn",
        "重复了",
        clerk,
    )


def test_another_sites_notice_is_not_found(site_b, clerk_b, draft):
    with pytest.raises(Notice.DoesNotExist):
        workflow.notice_submit(site=site_b, user=clerk_b, notice=draft)


# --- What each step records --------------------------------------------------------------


def test_it_records_who_submitted_approved_and_published(site_a, clerk, approver, draft):
    workflow.notice_submit(site=site_a, user=clerk, notice=draft)
    workflow.notice_approve(site=site_a, user=approver, notice=draft, comment=" 内容准确 ")
    workflow.notice_publish(site=site_a, user=clerk, notice=draft)

    fresh = Notice.objects.get(pk=draft.pk)
    assert (fresh.submitted_by, fresh.approved_by, fresh.published_by) == (clerk, approver, clerk)
    assert fresh.approval_comment == "内容准确"
    assert fresh.submitted_at <= fresh.approved_at <= fresh.published_at
    kinds = list(NoticeEvent.objects.filter(notice=draft).values_list("kind", "by__username"))
    assert kinds == [
        ("created", "clerk_a"),
        ("submitted", "clerk_a"),
        ("approved", "approver"),
        ("published", "clerk_a"),
    ]


def test_sending_back_needs_a_comment_and_keeps_it(site_a, clerk, approver, draft):
    workflow.notice_submit(site=site_a, user=clerk, notice=draft)
    with pytest.raises(ValidationError) as refused:
        workflow.notice_send_back(site=site_a, user=approver, notice=draft, comment="  ")
    assert refused.value.message_dict == {"comment": ["请说明需要修改的内容。"]}
    assert Notice.objects.get(pk=draft.pk).state == S.SUBMITTED

    workflow.notice_send_back(site=site_a, user=approver, notice=draft, comment="请补充时间段")
    fresh = Notice.objects.get(pk=draft.pk)
    assert (fresh.state, fresh.return_comment) == ("returned", "请补充时间段")
    assert NoticeEvent.objects.filter(notice=draft).last().note == "请补充时间段"


def test_withdrawing_needs_a_reason(site_a, clerk, draft):
    with pytest.raises(ValidationError) as refused:
        workflow.notice_withdraw(site=site_a, user=clerk, notice=draft, reason="")
    assert refused.value.message_dict == {"reason": ["请说明撤回的原因。"]}


def test_a_supervisor_publishes_an_urgent_draft_directly_and_is_its_approver(
    site_a, clerk, approver
):
    notice = make_notice(site_a, clerk, urgent=True)
    workflow.notice_publish_now(site=site_a, user=approver, notice=notice, comment="紧急")

    fresh = Notice.objects.get(pk=notice.pk)
    assert fresh.state == S.PUBLISHED
    assert (fresh.approved_by, fresh.published_by, fresh.approval_comment) == (
        approver,
        approver,
        "紧急",
    )
    event = NoticeEvent.objects.filter(notice=notice).last()
    assert (event.kind, event.from_state, event.to_state) == ("published_now", "draft", "published")


def test_a_notice_not_urgent_is_not_published_without_approval(site_a, clerk, approver, draft):
    with pytest.raises(ValidationError) as refused:
        workflow.notice_publish_now(site=site_a, user=approver, notice=draft)
    assert refused.value.messages == ["只有紧急通知可以不经审核直接发布，请提交审核。"]
    assert Notice.objects.get(pk=draft.pk).state == S.DRAFT


def test_a_notice_past_its_expiry_is_not_published(site_a, clerk, approver, draft):
    bring_to(draft, S.APPROVED, clerk=clerk, boss=approver)
    later = timezone.now() + timedelta(days=9)
    with pytest.raises(ValidationError) as refused:
        workflow.notice_publish(site=site_a, user=clerk, notice=draft, now=later)
    assert "已过" in refused.value.messages[0]
    assert Notice.objects.get(pk=draft.pk).state == S.APPROVED


def test_the_publish_hook_is_called_inside_the_transaction(
    site_a, clerk, approver, draft, monkeypatch
):
    seen = []

    def hook(notice, *, user, now):
        # Inside the transaction: the row already says published.
        seen.append(Notice.objects.get(pk=notice.pk).state)

    monkeypatch.setattr(workflow, "notice_published", hook)
    bring_to(draft, S.PUBLISHED, clerk=clerk, boss=approver)
    assert seen == [S.PUBLISHED]


def test_a_hook_that_fails_publishes_nothing(site_a, clerk, approver, draft, monkeypatch):
    def hook(notice, *, user, now):
        raise RuntimeError("delivery failed")

    bring_to(draft, S.APPROVED, clerk=clerk, boss=approver)
    monkeypatch.setattr(workflow, "notice_published", hook)
    with pytest.raises(RuntimeError):
        workflow.notice_publish(site=site_a, user=clerk, notice=draft)
    assert Notice.objects.get(pk=draft.pk).state == S.APPROVED


# --- Two people at once ------------------------------------------------------------------


def test_the_second_of_two_approvers_gets_a_conflict_naming_the_first(
    site_a, clerk, approver, supervisor, draft
):
    workflow.notice_submit(site=site_a, user=clerk, notice=draft)
    seen = Notice.objects.get(pk=draft.pk).revision
    first = Notice.objects.get(pk=draft.pk)
    second = Notice.objects.get(pk=draft.pk)
    workflow.notice_approve(site=site_a, user=approver, notice=first, revision=seen)

    with pytest.raises(Conflict) as conflict:
        workflow.notice_send_back(
            site=site_a, user=supervisor, notice=second, comment="不行", revision=seen
        )
    assert conflict.value.by == approver
    assert "陈静" in conflict_message(conflict.value, "修改")
    fresh = Notice.objects.get(pk=draft.pk)
    assert (fresh.state, fresh.return_comment) == ("approved", "")


def test_a_stale_page_changes_nothing_even_in_the_same_state(site_a, clerk, draft):
    seen = draft.revision
    edit(site_a, clerk, Notice.objects.get(pk=draft.pk), title="第一次修改")
    with pytest.raises(Conflict):
        drafts.notice_update(
            site=site_a,
            user=clerk,
            notice=Notice.objects.get(pk=draft.pk),
            type=draft.type,
            title="第二次修改",
            body=draft.body,
            issuer=draft.issuer,
            effective_from=draft.effective_from,
            expires_on=draft.expires_on,
            revision=seen,
        )
    assert Notice.objects.get(pk=draft.pk).title == "第一次修改"
