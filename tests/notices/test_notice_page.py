"""A notice's page (notices:detail) and its actions (notices:action): what it shows, the
actions each user is offered and may take, and what happens when the page is out of date
or the action not allowed.

Access: the desk of the notice's site (clerks, supervisors); another site's notice is a
404. Approving, sending back and publishing directly are for supervisors (a 403 for a
clerk who posts them anyway)."""

import pytest
from django.urls import reverse

from notices.models import Notice, NoticeEvent
from notices.services import workflow
from notices.states import State

from .conftest import bring_to, make_notice


def page(notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


def action(notice, name: str) -> str:
    return reverse("notices:action", args=[notice.pk, name])


def fresh(notice) -> Notice:
    return Notice.objects.get(pk=notice.pk)


def offered(response) -> list[str]:
    return [str(a) for a, _label, _form in response.context["action_forms"]]


def test_it_shows_the_notice_rendered(clerk_client, site_a, clerk):
    notice = make_notice(site_a, clerk, body="# 停水\n\n- **3栋**\n\n<script>alert(1)</script>")
    response = clerk_client.get(page(notice))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>停水</h1>" in html and "<strong>3栋</strong>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "全体住户" in html
    assert "起草" in html  # the timeline


def test_it_escapes_a_title_with_markup(clerk_client, site_a, clerk):
    notice = make_notice(site_a, clerk, title='<img src=x onerror="alert(1)">')
    html = clerk_client.get(page(notice)).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_a_clerk_is_offered_submit_and_withdraw_on_a_draft(clerk_client, draft):
    response = clerk_client.get(page(draft))
    assert offered(response) == ["submit", "withdraw"]
    assert response.context["may_edit"]


def test_a_supervisor_is_offered_approval_on_a_submitted_notice(
    approver_client, site_a, clerk, approver
):
    notice = make_notice(site_a, clerk, urgent=True)
    bring_to(notice, State.SUBMITTED, clerk=clerk, boss=approver)
    response = approver_client.get(page(notice))
    assert offered(response) == ["approve", "send_back", "publish_now", "withdraw"]
    assert not response.context["may_edit"]


def test_a_clerk_is_offered_neither_approval_nor_withdrawal_of_a_published_notice(
    clerk_client, site_a, clerk, approver
):
    notice = bring_to(make_notice(site_a, clerk), State.PUBLISHED, clerk=clerk, boss=approver)
    assert offered(clerk_client.get(page(notice))) == ["new_version"]


def test_the_main_path_through_the_pages(client, site_a, clerk, approver, draft):
    client.force_login(clerk)
    response = client.post(action(draft, "submit"), {"revision": draft.revision})
    assert response.status_code == 302 and response["Location"] == page(draft)
    assert fresh(draft).state == State.SUBMITTED

    client.force_login(approver)
    response = client.post(
        action(draft, "approve"), {"revision": fresh(draft).revision, "comment": "同意发布"}
    )
    assert response.status_code == 302
    assert (fresh(draft).state, fresh(draft).approval_comment) == (State.APPROVED, "同意发布")
    response = client.post(action(draft, "publish"), {"revision": fresh(draft).revision})
    assert response.status_code == 302
    assert fresh(draft).state == State.PUBLISHED
    html = client.get(page(draft)).content.decode()
    assert "已发布" in html and draft.public_path in html


def test_sending_back_without_a_comment_says_so_beside_the_field(
    approver_client, site_a, clerk, approver, draft
):
    bring_to(draft, State.SUBMITTED, clerk=clerk, boss=approver)
    response = approver_client.post(
        action(draft, "send_back"), {"revision": fresh(draft).revision, "comment": ""}
    )
    assert response.status_code == 400
    assert "请说明需要修改的内容。" in response.content.decode()
    assert fresh(draft).state == State.SUBMITTED


def test_a_clerk_posting_an_approval_is_refused(clerk_client, site_a, clerk, approver, draft):
    bring_to(draft, State.SUBMITTED, clerk=clerk, boss=approver)
    response = clerk_client.post(action(draft, "approve"), {"revision": fresh(draft).revision})
    assert response.status_code == 403
    assert fresh(draft).state == State.SUBMITTED


def test_an_out_of_date_page_gets_the_conflict_in_chinese(
    client, site_a, clerk, approver, supervisor, draft
):
    bring_to(draft, State.SUBMITTED, clerk=clerk, boss=approver)
    seen = fresh(draft).revision
    workflow.notice_approve(site=site_a, user=approver, notice=fresh(draft))

    client.force_login(supervisor)
    response = client.post(action(draft, "send_back"), {"revision": seen, "comment": "再改改"})

    assert response.status_code == 409
    alert = response.context["alert"]
    assert "陈静" in alert and "本次未作任何更改" in alert
    assert fresh(draft).state == State.APPROVED


def test_an_action_the_state_refuses_is_said_in_chinese(
    clerk_client, site_a, clerk, approver, draft
):
    bring_to(draft, State.PUBLISHED, clerk=clerk, boss=approver)
    response = clerk_client.post(action(draft, "submit"), {"revision": fresh(draft).revision})
    assert response.status_code == 409
    assert response.context["alert"] == "该通知当前为“已发布”，现在不能提交审核。"


def test_a_missing_revision_is_refused_without_change(clerk_client, draft):
    response = clerk_client.post(action(draft, "submit"), {})
    assert response.status_code == 400
    assert "页面已过期" in response.content.decode()
    assert fresh(draft).state == State.DRAFT


def test_an_unknown_action_is_not_found(clerk_client, draft):
    assert clerk_client.post(action(draft, "explode"), {"revision": 1}).status_code == 404


def test_a_new_version_opens_as_its_own_draft(clerk_client, site_a, clerk, approver, draft):
    bring_to(draft, State.PUBLISHED, clerk=clerk, boss=approver)
    response = clerk_client.post(action(draft, "new_version"), {"revision": fresh(draft).revision})
    correction = Notice.objects.get(supersedes=draft)
    assert response["Location"] == page(correction)
    assert (correction.version, correction.state) == (2, State.DRAFT)
    html = clerk_client.get(page(correction)).content.decode()
    assert "第 2 版" in html


def test_another_sites_user_gets_a_404(client, clerk_b, draft):
    client.force_login(clerk_b)
    assert client.get(page(draft)).status_code == 404
    assert client.post(action(draft, "submit"), {"revision": 1}).status_code == 404
    assert fresh(draft).state == State.DRAFT


def test_the_page_reads_in_a_fixed_number_of_queries(
    clerk_client, site_a, clerk, approver, django_assert_num_queries
):
    from residents.models import Building

    from .conftest import notice_type

    buildings = [Building.objects.create(site=site_a, number=n) for n in (3, 5)]
    notice = make_notice(
        site_a, clerk, audience="buildings", buildings=buildings, type=notice_type(site_a)
    )
    bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)
    clerk_client.get(page(notice))
    # session, user, the header's unread messages, the notice with its people, its
    # buildings, houses, entrances and attachments (four prefetches), its timeline, its
    # versions
    with django_assert_num_queries(10):
        clerk_client.get(page(notice))
    assert NoticeEvent.objects.filter(notice=notice).count() == 4


@pytest.mark.parametrize("state", [State.WITHDRAWN])
def test_a_withdrawn_notice_says_why(clerk_client, site_a, clerk, approver, state):
    notice = bring_to(make_notice(site_a, clerk), state, clerk=clerk, boss=approver)
    html = clerk_client.get(page(notice)).content.decode()
    assert "已撤回" in html and "不再需要" in html
