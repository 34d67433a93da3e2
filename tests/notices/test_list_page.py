"""The notices list (notices:index): filtered by state, type and title, thirty a page, in a
fixed number of queries; the approvals queue (notices:approvals) and the requests list
(notices:requests)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices.services import drafts
from notices.states import State

from .conftest import bring_to, make_notice, notice_type

LIST = reverse("notices:index")
APPROVALS = reverse("notices:approvals")
REQUESTS = reverse("notices:requests")


@pytest.fixture
def notices(site_a, clerk, approver):
    water = make_notice(site_a, clerk, title="3栋停水通知")
    fees = make_notice(site_a, clerk, title="物业费缴费通知", type=notice_type(site_a, "缴费通知"))
    bring_to(fees, State.PUBLISHED, clerk=clerk, boss=approver)
    lift = make_notice(site_a, clerk, title="电梯维保通知", urgent=True)
    bring_to(lift, State.SUBMITTED, clerk=clerk, boss=approver)
    return {"water": water, "fees": fees, "lift": lift}


@pytest.fixture
def other_site_notice(site_b, clerk_b):
    return make_notice(site_b, clerk_b, title="锦绣华庭停电通知")


def titles(response) -> list[str]:
    return [n.title for n in response.context["page"]]


def test_it_lists_the_sites_notices_newest_first(clerk_client, notices, other_site_notice):
    response = clerk_client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["电梯维保通知", "物业费缴费通知", "3栋停水通知"]
    html = response.content.decode()
    assert "锦绣华庭停电通知" not in html
    assert "待审核" in html and "已发布" in html and "草稿" in html
    # One table drawn once (desk.css makes its rows cards on a phone): each notice's
    # link once.
    water = reverse("notices:detail", args=[notices["water"].pk])
    assert html.count(f'href="{water}"') == 1
    assert 'class="table table-sm table-hover align-middle bg-white cards-on-phone"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "published"}, ["物业费缴费通知"]),
        ({"state": "in_progress"}, ["电梯维保通知", "3栋停水通知"]),
        ({"q": "停水"}, ["3栋停水通知"]),
    ],
)
def test_it_filters_by_state_and_title(clerk_client, notices, query, expected):
    assert titles(clerk_client.get(LIST, query)) == expected


def test_it_filters_by_type(clerk_client, site_a, notices):
    response = clerk_client.get(LIST, {"type": notice_type(site_a, "缴费通知").pk})
    assert titles(response) == ["物业费缴费通知"]


@pytest.mark.parametrize(
    ("query", "field"), [({"state": "nonsense"}, "state"), ({"type": "abc"}, "type")]
)
def test_it_answers_bad_filter_values_in_chinese(clerk_client, notices, query, field):
    response = clerk_client.get(LIST, query)
    assert response.status_code == 200
    errors = response.context["filter"].form.errors[field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0])
    # The list stays unfiltered.
    assert len(titles(response)) == 3


def test_it_refuses_another_sites_type(clerk_client, site_b, notices):
    response = clerk_client.get(LIST, {"type": notice_type(site_b).pk})
    assert "type" in response.context["filter"].form.errors
    assert len(titles(response)) == 3


def test_it_pages_thirty_notices_at_a_time(clerk_client, site_a, clerk):
    for i in range(31):
        make_notice(site_a, clerk, title=f"通知{i}")
    first = clerk_client.get(LIST)
    assert len(first.context["page"]) == 30
    second = clerk_client.get(LIST, {"page": 2})
    assert titles(second) == ["通知0"]


def count_queries(client, url, **query) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_it_reads_the_list_in_a_fixed_number_of_queries(
    clerk_client, site_a, clerk, django_assert_num_queries
):
    make_notice(site_a, clerk)
    clerk_client.get(LIST)  # the first request renews the session and caches access
    # session, user, the header's unread messages, the tabs' counts (one aggregate), the
    # type filter's choices, the page's count and the page's rows (type, author joined)
    with django_assert_num_queries(7):
        clerk_client.get(LIST)
    for i in range(40):
        make_notice(site_a, clerk, title=f"通知{i}")
    with django_assert_num_queries(7):
        clerk_client.get(LIST)
    with django_assert_num_queries(7):
        clerk_client.get(LIST, {"state": "draft", "q": "通知"})


def test_the_approvals_queue_lists_submitted_notices_urgent_first(
    approver_client, site_a, clerk, approver, notices
):
    calm = make_notice(site_a, clerk, title="社区活动通知")
    bring_to(calm, State.SUBMITTED, clerk=clerk, boss=approver)
    response = approver_client.get(APPROVALS)
    assert response.status_code == 200
    assert titles(response) == ["电梯维保通知", "社区活动通知"]


def test_the_approvals_queue_is_for_supervisors(clerk_client, notices):
    assert clerk_client.get(APPROVALS).status_code == 403


def test_the_approvals_queue_reads_in_a_fixed_number_of_queries(
    approver_client, site_a, clerk, approver, django_assert_num_queries
):
    bring_to(make_notice(site_a, clerk), State.SUBMITTED, clerk=clerk, boss=approver)
    approver_client.get(APPROVALS)
    # session, user, the header's unread messages, the tabs' counts, the page's count, the
    # page's rows
    with django_assert_num_queries(6):
        approver_client.get(APPROVALS)
    for i in range(5):
        bring_to(
            make_notice(site_a, clerk, title=f"通知{i}"),
            State.SUBMITTED,
            clerk=clerk,
            boss=approver,
        )
    with django_assert_num_queries(6):
        approver_client.get(APPROVALS)


def test_a_supervisor_is_told_of_notices_waiting_for_approval(site_a, clerk, approver, notices):
    from notices.selectors.desk import waiting_on

    (item,) = waiting_on(site_a, approver)
    assert (item.count, item.url) == (1, APPROVALS)
    assert waiting_on(site_a, clerk) == []


def test_the_requests_list_shows_the_sites_requests(clerk_client, site_a, site_b, clerk, clerk_b):
    asked = drafts.notice_request_create(
        site=site_a, user=clerk, requested_by="工程部 张经理", content="周二停水"
    )
    drafts.notice_request_create(site=site_b, user=clerk_b, requested_by="秩序部 李队", content="x")
    make_notice(site_a, clerk, request=asked)
    response = clerk_client.get(REQUESTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "工程部 张经理" in html and "秩序部 李队" not in html
    assert f"{reverse('notices:create')}?request={asked.pk}" in html


def test_the_requests_list_reads_in_a_fixed_number_of_queries(
    clerk_client, site_a, clerk, django_assert_num_queries
):
    drafts.notice_request_create(site=site_a, user=clerk, requested_by="张经理", content="停水")
    clerk_client.get(REQUESTS)
    # session, user, the header's unread messages, the tabs' counts, the page's count, the
    # page's rows
    with django_assert_num_queries(6):
        clerk_client.get(REQUESTS)
    for i in range(5):
        drafts.notice_request_create(
            site=site_a, user=clerk, requested_by=f"张经理{i}", content="停水"
        )
    with django_assert_num_queries(6):
        clerk_client.get(REQUESTS)


def test_a_clerk_of_another_site_sees_none_of_site_a(client, clerk_b, notices):
    client.force_login(clerk_b)
    assert titles(client.get(LIST)) == []


def test_the_list_shows_what_waits_on_the_clerk(clerk_client, site_a, clerk, approver):
    notice = make_notice(site_a, clerk)
    bring_to(notice, State.RETURNED, clerk=clerk, boss=approver)
    html = clerk_client.get(LIST).content.decode()
    assert 'id="tab-returned"' in html
