"""The site's posting checklist (notices:checklist, 张贴检查): the notices in force with
boards still waiting for them, and the copies of notices no longer in force (expired,
also past their last day before the hourly expiry; withdrawn; replaced) still up, to
take down from the list itself. Each list of one site, paginated, in a fixed number of
queries."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from notices.models import Notice, Posting
from notices.selectors.postings import notice_board, notices_waiting
from notices.services import versions, workflow
from notices.services.expiry import notices_expire
from notices.states import State
from tests import factories

from .conftest import bring_to, make_notice
from .postings_builders import boards as boards  # a fixture, used below
from .postings_builders import make_boards, make_location, post, published

URL = reverse("notices:checklist")


def waiting(response) -> dict[str, list[str]]:
    return {n.title: n.waiting for n in response.context["page"]}


def taken_down_list(response) -> list[tuple[str, str]]:
    return [(p.notice.title, p.location.name) for p in response.context["page"]]


def test_it_lists_the_boards_still_waiting_for_each_notice_in_force(
    clerk_client, site_a, clerk, approver, boards
):
    whole = published(site_a, clerk, approver, title="全体停水")
    post(whole, boards["南门"], clerk)
    post(whole, boards["4栋"], clerk)
    three = boards["3栋"].building
    some = published(
        site_a, clerk, approver, title="3栋停电", audience="buildings", buildings=[three]
    )
    done = published(
        site_a, clerk, approver, title="3栋电梯", audience="buildings", buildings=[three]
    )
    post(done, boards["南门"], clerk)
    post(done, boards["3栋"], clerk)
    make_notice(site_a, clerk, title="草稿不张贴")
    response = clerk_client.get(URL)
    assert response.status_code == 200
    assert waiting(response) == {
        "全体停水": ["3栋公告栏", "5栋公告栏"],
        "3栋停电": ["南门", "3栋公告栏"],
    }
    assert response.context["counts"] == {"waiting": 2, "take_down": 0}
    html = response.content.decode()
    assert "3栋公告栏、5栋公告栏" in html
    assert reverse("notices:posters", args=[some.pk]) in html


def test_a_retired_board_waits_for_nothing(clerk_client, site_a, clerk, approver, boards):
    published(site_a, clerk, approver, title="全体停水")
    for name in ("3栋", "4栋", "5栋"):
        boards[name].is_active = False
        boards[name].save()
    assert waiting(clerk_client.get(URL)) == {"全体停水": ["南门"]}


def test_a_copy_taken_down_is_waited_for_again(clerk_client, site_a, clerk, approver):
    gate = make_location(site_a, "南门", "gate")
    notice = published(site_a, clerk, approver, title="全体停水")
    from notices.services.postings import posting_remove

    posting_remove(site=site_a, user=clerk, posting=post(notice, gate, clerk))
    assert waiting(clerk_client.get(URL)) == {"全体停水": ["南门"]}


def test_the_checklist_and_the_notice_page_agree_on_every_audience(site_a, clerk, approver):
    boards = make_boards(site_a, buildings=(3, 4, 5))
    house = factories.make_house(site_a, building=5, unit=1, room="101")
    three, four = boards["3栋"].building, boards["4栋"].building
    make_location(site_a, "4栋电梯厅", "lift", building=four, sort_order=9)
    audiences = [
        {},
        {"audience": "buildings", "buildings": [three, four]},
        {"audience": "entrances", "entrances": [(four, 1)]},
        {"audience": "houses", "houses": [house]},
    ]
    notices = [published(site_a, clerk, approver, **a) for a in audiences]
    post(notices[1], boards["4栋"], clerk)
    listed = {n.pk: n.waiting for n in notices_waiting(site_a, timezone.localdate())}
    for notice in notices:
        board = notice_board(Notice.objects.get(pk=notice.pk))
        expected = [r.location.name for r in board.rows if r.goes_here and r.status == "missing"]
        assert listed[notice.pk] == expected, notice.audience


def test_it_lists_the_copies_to_take_down(clerk_client, site_a, clerk, approver, boards):
    expired = published(site_a, clerk, approver, title="已到期")
    post(expired, boards["南门"], clerk)
    Notice.objects.filter(pk=expired.pk).update(
        effective_from=date(2020, 1, 1), expires_on=date(2020, 1, 2)
    )
    notices_expire()
    overdue = published(site_a, clerk, approver, title="未下架的过期")
    post(overdue, boards["3栋"], clerk)
    Notice.objects.filter(pk=overdue.pk).update(
        effective_from=date(2020, 1, 1), expires_on=date(2020, 1, 3)
    )
    withdrawn = published(site_a, clerk, approver, title="已撤回")
    post(withdrawn, boards["4栋"], clerk)
    workflow.notice_withdraw(site=site_a, user=approver, notice=withdrawn, reason="延期")
    replaced = published(site_a, clerk, approver, title="第一版")
    post(replaced, boards["5栋"], clerk)
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=replaced)
    bring_to(correction, State.PUBLISHED, clerk=clerk, boss=approver)
    in_force = published(site_a, clerk, approver, title="生效中")
    post(in_force, boards["南门"], clerk)

    response = clerk_client.get(URL, {"show": "take_down"})
    assert response.status_code == 200
    assert taken_down_list(response) == [
        ("已到期", "南门"),
        ("未下架的过期", "3栋公告栏"),
        ("已撤回", "4栋公告栏"),
        ("第一版", "5栋公告栏"),
    ]
    html = response.content.decode()
    assert "2020-01-03 后已到期" in html and "已撤回" in html and "已被新版本替换" in html


def test_taking_a_copy_down_from_the_checklist_comes_back_to_it(
    clerk_client, site_a, clerk, approver, boards
):
    notice = published(site_a, clerk, approver, title="已撤回")
    posting = post(notice, boards["南门"], clerk)
    workflow.notice_withdraw(site=site_a, user=approver, notice=notice, reason="延期")
    response = clerk_client.post(
        reverse("notices:posting_remove", args=[posting.pk]), {"back": "checklist"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "?show=take_down"
    assert Posting.objects.get(pk=posting.pk).removed_by == clerk
    after = clerk_client.get(response["Location"])
    assert taken_down_list(after) == []
    assert "南门" in after.content.decode()  # the message: taken down from 南门


def test_an_unknown_list_or_page_falls_back(clerk_client):
    response = clerk_client.get(URL, {"show": "<script>", "page": "x"})
    assert response.status_code == 200 and response.context["show"] == "waiting"


def test_another_sites_notices_and_copies_are_not_listed(
    client, site_a, site_b, clerk, clerk_b, approver, boards
):
    mine = published(site_a, clerk, approver, title="翠湖停水")
    post(mine, boards["南门"], clerk)
    workflow.notice_withdraw(site=site_a, user=approver, notice=mine, reason="延期")
    published(site_a, clerk, approver, title="翠湖停电")
    make_location(site_b, "锦绣南门", "gate")
    client.force_login(clerk_b)
    assert waiting(client.get(URL)) == {}
    assert taken_down_list(client.get(URL, {"show": "take_down"})) == []


def test_each_list_reads_in_a_fixed_number_of_queries(
    client, site_a, clerk, approver, django_assert_num_queries
):
    boards = make_boards(site_a, buildings=range(1, 7))

    def add(n: int) -> None:
        notice = published(site_a, clerk, approver, title=f"停水{n}")
        post(notice, boards["1栋"], clerk)
        old = published(site_a, clerk, approver, title=f"旧通知{n}")
        for board in list(boards.values())[:3]:
            post(old, board, clerk)
        workflow.notice_withdraw(site=site_a, user=approver, notice=old, reason="延期")

    def count() -> None:
        # The session and its user, this list's count and page, the other list's count,
        # the header's unread messages.
        for show in ("waiting", "take_down"):
            with django_assert_num_queries(6):
                assert client.get(URL, {"show": show}).status_code == 200

    add(0)
    client.force_login(clerk)
    client.get(URL)  # the session's permissions cached, as on any later page
    count()
    for n in range(1, 4):
        add(n)
    count()
    assert len(client.get(URL).context["page"]) == 4
    assert len(client.get(URL, {"show": "take_down"}).context["page"]) == 12


def test_the_waiting_list_is_soonest_in_force_first(clerk_client, site_a, clerk, approver):
    make_location(site_a, "南门", "gate")
    today = timezone.localdate()
    later = published(site_a, clerk, approver, title="下周", effective_from=today + timedelta(7))
    sooner = published(site_a, clerk, approver, title="今天", effective_from=today)
    titles = [n.title for n in clerk_client.get(URL).context["page"]]
    assert titles == [sooner.title, later.title]
