"""The complaints area on today's desk (near deadline, overdue, call-backs due) and on
"waiting on me" (cases to accept, cases waiting at the desk)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case
from complaints.selectors.desk import desk_items, waiting_on
from complaints.states import State
from tests import factories

DESK = reverse("desk")


def counts(items) -> dict[str, int]:
    return {str(i.label): i.count for i in items}


def put(case, **fields) -> None:
    Case.objects.filter(pk=case.pk).update(**fields)


@pytest.fixture
def cases(site_a, site_b, clerk, house_a):
    now = timezone.now()
    make = factories.make_case
    near = make(site_a, clerk, house=house_a)
    put(
        near,
        state=State.IN_PROGRESS,
        resolve_warn_at=now - timedelta(minutes=1),
        resolve_due=now + timedelta(hours=2),
    )
    overdue = make(site_a, clerk, house=house_a)
    put(overdue, state=State.IN_PROGRESS, resolve_due=now - timedelta(minutes=1))
    # Paused past its date: its clock is stopped, so not overdue.
    paused = make(site_a, clerk, house=house_a)
    put(
        paused,
        state=State.PAUSED,
        paused_since=now,
        next_due=None,
        resolve_due=now - timedelta(hours=1),
    )
    due_today = make(site_a, clerk, house=house_a)
    put(due_today, state=State.RESOLVED, next_due=None, callback_due=now - timedelta(days=1))
    later = make(site_a, clerk, house=house_a)
    put(later, state=State.RESOLVED, next_due=None, callback_due=now + timedelta(days=2))
    # Assigned to 工程部, not yet accepted; one reopened; one waiting at the desk.
    make(site_a, clerk, house=house_a)
    reopened = make(site_a, clerk, house=house_a)
    put(reopened, state=State.REOPENED)
    make(site_a, clerk, category="其他事项", kind="suggestion")
    # Another site's of every kind.
    clerk_b = factories.make_user(site_b)
    for state in (State.IN_PROGRESS, State.REGISTERED):
        other = make(site_b, clerk_b)
        put(other, state=state, resolve_due=now - timedelta(hours=1))


def test_it_counts_what_needs_the_desk(site_a, clerk, cases):
    assert counts(desk_items(site_a, clerk)) == {
        "即将超时的工单": 1,
        "已超时的工单": 1,
        "今日待回访": 1,
    }
    assert counts(waiting_on(site_a, clerk)) == {"待派单的工单": 1}


def test_it_links_each_count_to_its_list(site_a, clerk, cases):
    urls = {str(i.label): i.url for i in desk_items(site_a, clerk)}
    assert urls["已超时的工单"] == "/complaints/?view=overdue"
    assert urls["今日待回访"] == "/complaints/?view=callbacks"


def test_it_leaves_out_late_counts_when_there_are_none(site_a, clerk):
    assert counts(desk_items(site_a, clerk)) == {"今日待回访": 0}


def test_department_staff_see_their_departments_cases_to_accept(site_a, engineer, cases):
    assert desk_items(site_a, engineer) == []
    assert counts(waiting_on(site_a, engineer)) == {"待接单的工单": 2}
    assert waiting_on(site_a, engineer)[0].url == "/complaints/?view=department"


def test_staff_of_another_department_have_none_to_accept(site_a, cases):
    guard = factories.make_user(site_a, role="部门员工", department="秩序部")
    assert counts(waiting_on(site_a, guard)) == {"待接单的工单": 0}
    assert waiting_on(site_a, factories.make_user(site_a, role="部门员工")) == []


def test_another_site_sees_none_of_them(site_b, cases):
    clerk_b = factories.make_user(site_b)
    # Its in-progress case and the one waiting at its desk are both past their deadline.
    assert counts(desk_items(site_b, clerk_b)) == {"已超时的工单": 2, "今日待回访": 0}
    assert counts(waiting_on(site_b, clerk_b)) == {"待派单的工单": 0}


def test_it_counts_in_one_query(site_a, clerk, cases):
    clerk.has_perm("frontdesk.use_desk")  # the user's permissions (a request has them)
    with CaptureQueriesContext(connection) as queries:
        desk_items(site_a, clerk)
    assert len(queries) == 1


def test_the_desk_shows_them(clerk_client, cases):
    html = clerk_client.get(DESK).content.decode()
    assert "已超时的工单" in html and "待派单的工单" in html
