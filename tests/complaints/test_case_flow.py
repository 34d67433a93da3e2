"""Working a case, service by service: the timeline each writes, who is told, what two
people at once get, pauses that move deadlines, the call-back and the feedback link."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import CallbackAttempt, Case, CaseEvent, CasePhoto, CaseSettings, Urgency
from complaints.services import callbacks, handling
from complaints.services.callbacks import FeedbackLinkError
from complaints.states import RUNNING, IllegalTransition, State
from frontdesk.channels.models import Delivery
from frontdesk.conflicts import Conflict
from tests import factories
from tests.complaints.conftest import at, photo


@pytest.fixture
def case(site_a, clerk, engineer, house_a):
    """A leak at 3-2-1201, assigned to 工程部 (the engineer's department)."""
    return factories.make_case(site_a, clerk, house=house_a)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def timeline(case) -> list[tuple[str, str, str]]:
    return list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")
        .values_list("kind", "from_state", "to_state")
    )


def assert_chased_as_scheduled(case):
    """next_due is the earliest reminder not yet sent, or None when the clock is stopped."""
    stored = fresh(case)
    expected = deadlines.next_due(stored, Clock.for_case(stored), CaseSettings.of(stored.site))
    assert stored.next_due == expected
    assert (stored.next_due is not None) == (stored.state in RUNNING)


def inbox(user):
    return list(
        Delivery.objects.filter(user=user, channel="inbox")
        .order_by("id")
        .values_list("purpose", "subject")
    )


def resolve(site, engineer, case, **kw):
    handling.case_accept(site=site, user=engineer, case=case)
    return handling.case_resolve(site=site, user=engineer, case=case, note="已更换水管", **kw)


# --- To and between departments -------------------------------------------------------


def test_it_assigns_a_case_waiting_at_the_desk(site_a, clerk, engineer, house_a):
    case = factories.make_case(site_a, clerk, category="新分类", house=house_a)
    assert case.state == State.REGISTERED
    handling.case_assign(
        site=site_a, user=clerk, case=case, department=engineer.department, note="请尽快"
    )
    stored = fresh(case)
    assert (stored.state, stored.department, stored.version) == ("assigned", engineer.department, 2)
    assert timeline(case)[-1] == ("assigned", "registered", "assigned")
    assert inbox(engineer) == [("case_assigned", f"新工单 {case.number}：新分类")]
    assert_chased_as_scheduled(case)


def test_it_transfers_with_a_reason_and_tells_the_new_department(site_a, clerk, case):
    guard = factories.make_user(site_a, username="guard", department="秩序部")
    security = site_a.departments.get(name="秩序部")
    due = case.resolve_due
    handling.case_transfer(
        site=site_a, user=clerk, case=case, department=security, reason="噪音问题，非漏水"
    )
    stored = fresh(case)
    assert (stored.state, stored.department, stored.resolve_due) == ("assigned", security, due)
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.department, event.note) == (
        "transferred",
        security,
        "噪音问题，非漏水",
    )
    assert inbox(guard) == [("case_assigned", f"工单 {case.number} 转办给你部门：工程维修/漏水")]
    assert "转办原因：噪音问题，非漏水" in Delivery.objects.get(user=guard).text


def test_a_transfer_needs_a_reason_and_another_department_of_the_site(site_a, site_b, clerk, case):
    version = case.version
    with pytest.raises(ValidationError) as refused:
        handling.case_transfer(
            site=site_a,
            user=clerk,
            case=case,
            department=site_a.departments.get(name="秩序部"),
            reason=" ",
        )
    assert refused.value.message_dict == {"reason": ["请填写转办原因。"]}
    with pytest.raises(ValidationError) as refused:
        handling.case_transfer(
            site=site_a, user=clerk, case=case, department=case.department, reason="重派"
        )
    assert refused.value.message_dict == {"department": ["工单已在该部门。"]}
    with pytest.raises(ValidationError) as refused:
        handling.case_transfer(
            site=site_a,
            user=clerk,
            case=case,
            department=site_b.departments.get(name="秩序部"),
            reason="转到别的小区",
        )
    assert list(refused.value.message_dict) == ["department"]
    assert fresh(case).version == version and len(timeline(case)) == 2


def test_the_department_hands_it_back_to_the_desk(site_a, clerk, engineer, case):
    handling.case_accept(site=site_a, user=engineer, case=case)
    handling.case_hand_back(site=site_a, user=engineer, case=case, reason="属公共维修基金范围")
    stored = fresh(case)
    assert (stored.state, stored.department, stored.handler) == ("registered", None, None)
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.department.name) == ("handed_back", "工程部")
    assert inbox(clerk) == [("case_handed_back", f"工单 {case.number} 被工程部退回")]
    assert_chased_as_scheduled(case)


def test_accepting_is_the_first_response(site_a, engineer, case):
    handling.case_accept(site=site_a, user=engineer, case=case)
    stored = fresh(case)
    assert (stored.state, stored.handler) == ("in_progress", engineer)
    assert stored.responded_at is not None
    schedule = deadlines.chase_schedule(stored, Clock.for_case(stored), CaseSettings.of(site_a))
    assert not set(deadlines.RESPOND_KEYS) & set(schedule)
    assert_chased_as_scheduled(case)


# --- Two at once ----------------------------------------------------------------------


def test_of_two_people_acting_at_once_the_second_is_told_and_changes_nothing(
    site_a, clerk, engineer, case
):
    seen_by_clerk = fresh(case)
    seen_by_engineer = fresh(case)
    handling.case_accept(site=site_a, user=engineer, case=seen_by_engineer)
    with pytest.raises(Conflict) as conflict:
        handling.case_transfer(
            site=site_a,
            user=clerk,
            case=seen_by_clerk,
            department=site_a.departments.get(name="秩序部"),
            reason="转秩序部",
        )
    assert conflict.value.by == engineer
    assert conflict.value.obj.state == "in_progress"
    assert conflict.value.at == seen_by_engineer.updated_at
    stored = fresh(case)
    assert (stored.state, stored.department.name) == ("in_progress", "工程部")
    assert [kind for kind, *_ in timeline(case)] == ["created", "assigned", "accepted"]


def test_a_change_made_on_an_old_version_of_the_page_is_refused(site_a, clerk, engineer, case):
    shown = case.version
    handling.case_accept(site=site_a, user=engineer, case=case)
    handling.case_pause(
        site=site_a, user=engineer, case=case, kind="waiting_parts", reason="等配件"
    )
    handling.case_resume(site=site_a, user=engineer, case=case)
    # Back in progress, as when the clerk's page was drawn before the pause: the state
    # matches, the version does not.
    with pytest.raises(Conflict):
        handling.case_deadline_change(
            site=site_a,
            user=clerk,
            case=fresh(case),
            version=shown + 1,
            resolve_due=timezone.now() + timedelta(days=3),
            reason="业主要求延期",
        )
    assert fresh(case).version == shown + 3


def test_notes_never_conflict(site_a, clerk, engineer, case, media):
    old = fresh(case)
    handling.case_accept(site=site_a, user=engineer, case=case)
    event = handling.case_note(
        site=site_a, user=clerk, case=old, note="业主来电催促", photos=[photo()]
    )
    assert (event.from_state, event.to_state) == ("in_progress", "in_progress")
    assert CasePhoto.objects.get(event=event).kind == "progress"
    assert fresh(case).version == case.version  # a note is not a change of the case
    assert_chased_as_scheduled(case)


def test_an_illegal_action_is_refused_in_chinese(site_a, engineer, case):
    with pytest.raises(IllegalTransition) as refused:
        handling.case_resolve(site=site_a, user=engineer, case=case, note="修好了")
    assert refused.value.messages == ["该工单当前为“已派单”，现在不能办结。"]


def test_another_sites_case_does_not_exist_for_this_site(site_b, clerk_b, case):
    with pytest.raises(Case.DoesNotExist):
        handling.case_accept(site=site_b, user=clerk_b, case=case)
    with pytest.raises(Case.DoesNotExist):
        handling.case_note(site=site_b, user=clerk_b, case=case, note="看看")
    assert fresh(case).state == "assigned"


# --- Pause and resume -----------------------------------------------------------------


@pytest.fixture
def leak_at_friday(site_a, clerk, engineer, house_a):
    """Recorded Friday 4 December 2026 09:00, to be resolved within 660 working minutes
    (420 on Friday, 240 on Monday: by Monday 7 December 14:00), accepted at once."""
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (60, 660)})
    case = factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-04 09:00"))
    handling.case_accept(site=site_a, user=engineer, case=case, now=at("2026-12-04 09:10"))
    assert case.resolve_due == at("2026-12-07 14:00")
    return case


def test_a_pause_stops_the_clock_and_resuming_moves_the_deadline(site_a, engineer, leak_at_friday):
    case = leak_at_friday
    handling.case_pause(
        site=site_a,
        user=engineer,
        case=case,
        kind=Case.PauseKind.WAITING_PARTS,
        reason="等待水管配件",
        resume_expected=date(2026, 12, 7),
        now=at("2026-12-04 16:30"),
    )
    stored = fresh(case)
    assert (stored.state, stored.pause_kind, stored.next_due) == ("paused", "waiting_parts", None)
    handling.case_resume(site=site_a, user=engineer, case=case, now=at("2026-12-07 09:30"))
    stored = fresh(case)
    # Paused Friday 16:30–17:30 and Monday 08:30–09:30: 120 working minutes.
    assert stored.paused_minutes == 120
    assert stored.resolve_due == at("2026-12-07 16:00")
    assert (stored.state, stored.paused_since, stored.pause_kind) == ("in_progress", None, "")
    event = CaseEvent.objects.filter(case=case).last()
    assert event.data["paused_minutes"] == 120
    assert_chased_as_scheduled(case)


def test_the_hotlines_deadline_does_not_wait(site_a, clerk, engineer, house_a):
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (60, 900)})
    case = factories.make_case(
        site_a,
        clerk,
        house=house_a,
        source=Case.Source.HOTLINE,
        hotline_ref="HZ-1",
        hotline_deadline=at("2026-12-07 15:00"),
        now=at("2026-12-04 09:00"),
    )
    handling.case_accept(site=site_a, user=engineer, case=case, now=at("2026-12-04 09:10"))
    handling.case_pause(
        site=site_a,
        user=engineer,
        case=case,
        kind="third_party",
        reason="等燃气公司",
        now=at("2026-12-04 16:30"),
    )
    handling.case_resume(site=site_a, user=engineer, case=case, now=at("2026-12-07 09:30"))
    assert fresh(case).resolve_due == at("2026-12-07 15:00")


def test_an_emergency_is_paused_in_calendar_time(site_a, clerk, engineer, house_a):
    case = factories.make_case(
        site_a, clerk, house=house_a, urgency=Urgency.EMERGENCY, now=at("2026-12-05 20:00")
    )
    due = case.resolve_due
    handling.case_accept(site=site_a, user=engineer, case=case, now=at("2026-12-05 20:05"))
    handling.case_pause(
        site=site_a,
        user=engineer,
        case=case,
        kind="waiting_resident",
        reason="业主不在家",
        now=at("2026-12-05 20:10"),
    )
    handling.case_resume(site=site_a, user=engineer, case=case, now=at("2026-12-05 22:10"))
    assert fresh(case).resolve_due == due + timedelta(hours=2)


def test_a_pause_needs_what_it_waits_for_a_reason_and_no_past_date(site_a, engineer, case):
    handling.case_accept(site=site_a, user=engineer, case=case)
    with pytest.raises(ValidationError) as refused:
        handling.case_pause(site=site_a, user=engineer, case=case, kind="lunch", reason="等")
    assert list(refused.value.message_dict) == ["kind"]
    with pytest.raises(ValidationError) as refused:
        handling.case_pause(
            site=site_a,
            user=engineer,
            case=case,
            kind="waiting_parts",
            reason="等配件",
            resume_expected=timezone.localdate() - timedelta(1),
        )
    assert refused.value.message_dict == {"resume_expected": ["该日期已经过去。"]}
    assert fresh(case).state == "in_progress"


# --- Resolve, withdraw, deadlines ----------------------------------------------------


def test_resolving_queues_the_call_back_and_makes_the_feedback_link(site_a, engineer, case, media):
    now = timezone.now()
    resolve(site_a, engineer, case, photos=[photo("green")], now=now)
    stored = fresh(case)
    assert (stored.state, stored.resolution, stored.next_due) == ("resolved", "已更换水管", None)
    assert stored.callback_due > now
    assert len(stored.feedback_token) >= 32
    assert stored.feedback_expires_at == now + timedelta(days=30)
    assert CasePhoto.objects.get(case=case).kind == "after"
    with pytest.raises(ValidationError) as refused:
        handling.case_resolve(site=site_a, user=engineer, case=fresh(case), note="")
    assert refused.value.code == "illegal_transition"


def test_a_resolution_says_how(site_a, engineer, case):
    handling.case_accept(site=site_a, user=engineer, case=case)
    with pytest.raises(ValidationError) as refused:
        handling.case_resolve(site=site_a, user=engineer, case=case, note="  ")
    assert refused.value.message_dict == {"note": ["请填写处理结果。"]}


def test_withdrawing_a_paused_case_ends_the_pause_and_tells_the_department(
    site_a, clerk, engineer, case
):
    handling.case_accept(site=site_a, user=engineer, case=case)
    handling.case_pause(
        site=site_a, user=engineer, case=case, kind="waiting_resident", reason="业主出差"
    )
    handling.case_withdraw(site=site_a, user=clerk, case=case, reason="业主已自行修好")
    stored = fresh(case)
    assert (stored.state, stored.paused_since, stored.next_due) == ("withdrawn", None, None)
    assert stored.closed_at is not None
    assert inbox(engineer)[-1] == ("case_withdrawn", f"工单 {case.number} 已撤销")
    with pytest.raises(IllegalTransition):
        handling.case_note(site=site_a, user=clerk, case=case, note="再看看")


def test_a_new_deadline_is_chased_again(site_a, clerk, case):
    Case.objects.filter(pk=case.pk).update(reminders_sent=["resolve_warn", "idle"])
    case = fresh(case)
    new = timezone.now() + timedelta(days=5)
    handling.case_deadline_change(
        site=site_a, user=clerk, case=case, resolve_due=new, reason="业主下周在家"
    )
    stored = fresh(case)
    assert stored.resolve_due == new and stored.reminders_sent == ["idle"]
    event = CaseEvent.objects.filter(case=case).last()
    assert event.kind == "deadline_changed" and event.note == "业主下周在家"
    assert_chased_as_scheduled(case)
    with pytest.raises(ValidationError) as refused:
        handling.case_deadline_change(
            site=site_a,
            user=clerk,
            case=stored,
            reason="补录",
            resolve_due=timezone.now() - timedelta(hours=1),
        )
    assert refused.value.message_dict == {"resolve_due": ["该时限已经过去。"]}


# --- Call-back ------------------------------------------------------------------------


def test_three_calls_not_answered_close_the_case_as_unreachable(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    for _ in range(3):
        callbacks.case_callback(site=site_a, user=clerk, case=case, reached=False, note="无人接听")
    stored = fresh(case)
    assert (stored.state, stored.close_reason, stored.callback_attempts) == (
        "closed",
        "unreachable",
        3,
    )
    assert CallbackAttempt.objects.filter(case=case, reached=False).count() == 3
    assert [k for k, *_ in timeline(case)][-4:] == [
        "callback_failed",
        "callback_failed",
        "callback_failed",
        "closed",
    ]


def test_a_satisfied_resident_closes_the_case(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    callbacks.case_callback(
        site=site_a,
        user=clerk,
        case=case,
        reached=True,
        rating=5,
        solved=True,
        comment="师傅很专业",
    )
    stored = fresh(case)
    assert (stored.state, stored.close_reason, stored.rating) == ("closed", "satisfied", 5)
    assert (stored.feedback_via, stored.satisfaction_comment) == ("phone", "师傅很专业")
    assert timeline(case)[-2:] == [
        ("called_back", "resolved", "called_back"),
        ("closed", "called_back", "closed"),
    ]
    # The link is used up by the call.
    with pytest.raises(FeedbackLinkError) as refused:
        callbacks.case_feedback_from_link(token=stored.feedback_token, rating=1, solved=False)
    assert refused.value.code == "answered"


@pytest.mark.parametrize(("rating", "solved"), [(2, True), (5, False), (1, False)])
def test_an_unhappy_resident_reopens_it_with_the_same_department(
    site_a, clerk, engineer, case, rating, solved
):
    resolve(site_a, engineer, case)
    callbacks.case_callback(
        site=site_a, user=clerk, case=case, reached=True, rating=rating, solved=solved
    )
    stored = fresh(case)
    assert (stored.state, stored.reopen_count, stored.department) == (
        "reopened",
        1,
        engineer.department,
    )
    assert stored.responded_at is None and stored.resolve_due > timezone.now()
    assert timeline(case)[-2:] == [
        ("called_back", "resolved", "called_back"),
        ("reopened", "called_back", "reopened"),
    ]
    assert inbox(engineer)[-1] == ("case_reopened", f"工单 {case.number} 重新打开（第 1 次）")
    assert_chased_as_scheduled(case)
    # Back with the department: accepted again, resolved again, a new link.
    token = stored.feedback_token
    resolve(site_a, engineer, case)
    assert fresh(case).feedback_token != token


def test_a_reached_resident_must_rate_and_say_if_solved(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    with pytest.raises(ValidationError) as refused:
        callbacks.case_callback(site=site_a, user=clerk, case=case, reached=True, rating=6)
    assert set(refused.value.message_dict) == {"rating", "solved"}
    assert not CallbackAttempt.objects.exists()


def test_a_12345_case_waits_for_the_hotlines_verdict(site_a, clerk, engineer, house_a):
    case = factories.make_case(
        site_a,
        clerk,
        house=house_a,
        source=Case.Source.HOTLINE,
        hotline_ref="HZ-9",
        hotline_deadline=timezone.now() + timedelta(7),
    )
    resolve(site_a, engineer, case)
    callbacks.case_callback(site=site_a, user=clerk, case=case, reached=True, rating=4, solved=True)
    assert fresh(case).state == "called_back"
    with pytest.raises(ValidationError) as refused:
        callbacks.case_close(site=site_a, user=clerk, case=case)
    assert set(refused.value.message_dict) == {"hotline_reply", "hotline_result"}
    callbacks.case_close(
        site=site_a,
        user=clerk,
        case=case,
        hotline_reply="已维修，业主满意",
        hotline_result="satisfied",
    )
    stored = fresh(case)
    assert (stored.state, stored.hotline_result) == ("closed", "satisfied")


def test_praise_needs_no_call_back(site_a, clerk, engineer, house_a):
    case = factories.make_case(
        site_a,
        clerk,
        category="服务态度",
        house=house_a,
        kind=Case.Kind.PRAISE,
        description="表扬保安小李",
    )
    with pytest.raises(IllegalTransition):
        callbacks.case_close(site=site_a, user=clerk, case=case)
    handling.case_accept(site=site_a, user=clerk, case=case)
    handling.case_resolve(site=site_a, user=clerk, case=case, note="已转达并通报表扬")
    with pytest.raises(ValidationError, match="表扬无需回访"):
        callbacks.case_callback(site=site_a, user=clerk, case=case, reached=False)
    callbacks.case_close(site=site_a, user=clerk, case=case)
    assert fresh(case).close_reason == "no_callback"


def test_a_resolved_complaint_is_closed_by_its_call_back(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    with pytest.raises(ValidationError, match="须经回访后结案"):
        callbacks.case_close(site=site_a, user=clerk, case=case)
    assert fresh(case).state == "resolved"


def test_the_desk_closes_what_it_dealt_with_itself(site_a, clerk, house_a):
    case = factories.make_case(
        site_a, clerk, category="新分类", house=house_a, kind=Case.Kind.SUGGESTION
    )
    with pytest.raises(ValidationError) as refused:
        callbacks.case_close(site=site_a, user=clerk, case=case)
    assert refused.value.message_dict == {"note": ["请填写前台的处理情况。"]}
    callbacks.case_close(site=site_a, user=clerk, case=case, note="已当面解释收费标准")
    stored = fresh(case)
    assert (stored.state, stored.close_reason, stored.next_due) == ("closed", "desk", None)


def test_reopening_by_hand_needs_a_reason_and_is_counted(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    with pytest.raises(ValidationError):
        callbacks.case_reopen(site=site_a, user=clerk, case=case, reason="")
    callbacks.case_reopen(site=site_a, user=clerk, case=case, reason="业主来电说又漏水")
    handling.case_accept(site=site_a, user=engineer, case=case)
    resolve_again = handling.case_resolve(site=site_a, user=engineer, case=case, note="重新打胶")
    callbacks.case_reopen(site=site_a, user=clerk, case=resolve_again, reason="仍在漏")
    assert fresh(case).reopen_count == 2


# --- The feedback link ----------------------------------------------------------------


def test_the_resident_answers_once_from_the_link(site_a, engineer, case):
    resolve(site_a, engineer, case)
    token = fresh(case).feedback_token
    answered = callbacks.case_feedback_from_link(
        token=token, rating=4, solved=True, comment="很快就修好了"
    )
    assert (answered.state, answered.feedback_via, answered.rating) == ("closed", "link", 4)
    event = CaseEvent.objects.get(case=case, kind="called_back")
    assert event.by is None and event.data["via"] == "link"
    with pytest.raises(FeedbackLinkError) as refused:
        callbacks.case_feedback_from_link(token=token, rating=1, solved=False)
    assert refused.value.code == "answered"
    assert refused.value.messages == ["此工单已评价过，谢谢。"]
    assert fresh(case).rating == 4


def test_an_unhappy_answer_from_the_link_reopens_the_case(site_a, engineer, case):
    resolve(site_a, engineer, case)
    callbacks.case_feedback_from_link(token=fresh(case).feedback_token, rating=1, solved=False)
    stored = fresh(case)
    assert (stored.state, stored.reopen_count) == ("reopened", 1)
    assert inbox(engineer)[-1][0] == "case_reopened"


def test_a_link_expires_after_30_days(site_a, engineer, case):
    resolve(site_a, engineer, case)
    token = fresh(case).feedback_token
    with pytest.raises(FeedbackLinkError) as refused:
        callbacks.case_feedback_from_link(
            token=token, rating=5, solved=True, now=timezone.now() + timedelta(days=30, minutes=1)
        )
    assert refused.value.code == "expired"
    assert fresh(case).state == "resolved"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:10],
        lambda t: "../" + t,
        lambda t: "",
    ],
)
def test_a_link_tampered_with_is_refused(site_a, engineer, case, tamper):
    resolve(site_a, engineer, case)
    with pytest.raises(FeedbackLinkError) as refused:
        callbacks.case_feedback_from_link(
            token=tamper(fresh(case).feedback_token), rating=5, solved=True
        )
    assert refused.value.code == "invalid"
    assert fresh(case).state == "resolved"


def test_a_link_of_a_case_reopened_meanwhile_says_so(site_a, clerk, engineer, case):
    resolve(site_a, engineer, case)
    token = fresh(case).feedback_token
    callbacks.case_reopen(site=site_a, user=clerk, case=case, reason="业主来电又漏")
    with pytest.raises(FeedbackLinkError) as refused:
        callbacks.case_feedback_from_link(token=token, rating=5, solved=True)
    assert refused.value.code == "closed"


def test_the_link_needs_a_rating_and_an_answer(site_a, engineer, case):
    resolve(site_a, engineer, case)
    with pytest.raises(ValidationError) as refused:
        callbacks.case_feedback_from_link(
            token=fresh(case).feedback_token, rating=None, solved=None
        )
    assert set(refused.value.message_dict) == {"rating", "solved"}
    assert fresh(case).feedback_at is None
