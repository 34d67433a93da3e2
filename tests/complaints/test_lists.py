"""The desk's lists of cases: the working views, every case with its filter, the count
per department; what each user may see of them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case
from complaints.selectors import lists
from complaints.states import State
from tests import factories

INDEX = reverse("complaints:index")
CASES = reverse("complaints:cases")


def put(case: Case, **fields) -> Case:
    """Move a case straight to a state (its services are tested in test_case_flow)."""
    Case.objects.filter(pk=case.pk).update(**fields)
    return Case.objects.get(pk=case.pk)


def numbers(response) -> list[str]:
    return [row.case.number for row in response.context["page"]]


@pytest.fixture
def cases(site_a, clerk, engineer, house_a):
    """One case of each list of site A, 工程部's unless said otherwise."""
    now = timezone.now()
    make = factories.make_case
    c = {
        # Assigned to 工程部, deadline days away.
        "assigned": make(site_a, clerk, house=house_a, description="漏水"),
        # Accepted by the engineer, near its deadline.
        "near": make(site_a, clerk, house=house_a, description="电梯异响"),
        "overdue": make(site_a, clerk, house=house_a, description="水管爆裂"),
        "paused": make(site_a, clerk, house=house_a, description="等配件"),
        "callback": make(site_a, clerk, house=house_a, description="已修好"),
        "callback_later": make(site_a, clerk, house=house_a, description="后天回访"),
        "closed": make(site_a, clerk, house=house_a, description="已结案"),
        # Another department's (环境部), and one waiting at the desk (no routing).
        "other_dept": make(site_a, clerk, category="环境卫生/垃圾清运", description="垃圾"),
        "at_desk": make(site_a, clerk, category="其他事项", kind="suggestion", description="建议"),
    }
    c["near"] = put(
        c["near"],
        state=State.IN_PROGRESS,
        handler=engineer,
        resolve_warn_at=now - timedelta(minutes=5),
        resolve_due=now + timedelta(hours=1),
    )
    c["overdue"] = put(
        c["overdue"],
        state=State.IN_PROGRESS,
        resolve_warn_at=now - timedelta(hours=3),
        resolve_due=now - timedelta(hours=1),
    )
    c["paused"] = put(
        c["paused"], state=State.PAUSED, paused_since=now, next_due=None, pause_reason="配件"
    )
    c["callback"] = put(
        c["callback"], state=State.RESOLVED, next_due=None, callback_due=now, resolved_at=now
    )
    c["callback_later"] = put(
        c["callback_later"],
        state=State.RESOLVED,
        next_due=None,
        callback_due=now + timedelta(days=2),
        resolved_at=now,
    )
    c["closed"] = put(c["closed"], state=State.CLOSED, next_due=None, closed_at=now)
    assert c["at_desk"].state == State.REGISTERED and c["at_desk"].department is None
    return c


@pytest.fixture
def other_site_case(site_b):
    clerk_b = factories.make_user(site_b, username="clerk_b")
    return factories.make_case(site_b, clerk_b, description="别的小区")


def view(client, name: str, **query):
    response = client.get(INDEX, {"view": name, **query})
    assert response.status_code == 200
    return response


def test_it_lists_each_working_view_for_the_desk(clerk_client, cases, other_site_case):
    n = {k: c.number for k, c in cases.items()}
    # The clerk's own queue: what waits at the desk to be sent on.
    assert numbers(view(clerk_client, "mine")) == [n["at_desk"]]
    assert numbers(view(clerk_client, "callbacks")) == [n["callback"]]
    assert numbers(view(clerk_client, "near")) == [n["near"]]
    assert numbers(view(clerk_client, "overdue")) == [n["overdue"]]
    assert numbers(view(clerk_client, "paused")) == [n["paused"]]
    html = view(clerk_client, "overdue").content.decode()
    assert "已超时" in html and "超时" in html
    assert other_site_case.number not in html


def test_it_lands_department_staff_on_their_department_queue(client, engineer, cases):
    client.force_login(engineer)
    response = client.get(INDEX)
    assert response.context["current"] == "department"
    # Open cases of 工程部 by deadline: the overdue first, the paused one (no clock) too.
    listed = numbers(response)
    assert listed[:2] == [cases["overdue"].number, cases["near"].number]
    assert set(listed) == {cases[k].number for k in ("overdue", "near", "assigned", "paused")}
    html = response.content.decode()
    assert cases["other_dept"].number not in html and cases["at_desk"].number not in html
    # One table, drawn once (desk.css makes its rows cards on a phone), linking to the
    # case's page.
    assert html.count(f'href="{lists.case_url_prefix()}{cases["near"].pk}/"') == 1
    assert "共 4 条工单" in html
    assert f'href="{lists.case_url_prefix()}{cases["near"].pk}/"' in html
    # No call-backs (the desk's work) and no count per department.
    assert "callbacks" not in [v.key for v in response.context["views"]]
    assert 'id="by-department"' not in html


def test_it_shows_department_staff_only_their_department(client, engineer, cases):
    client.force_login(engineer)
    mine = numbers(client.get(INDEX, {"view": "mine"}))
    assert cases["other_dept"].number not in mine and cases["at_desk"].number not in mine
    assert cases["near"].number in mine
    # A view that is not theirs is their default one, never someone else's cases.
    assert client.get(INDEX, {"view": "callbacks"}).context["current"] == "department"
    every = numbers(client.get(CASES))
    assert set(every) == {
        cases[k].number
        for k in ("assigned", "near", "overdue", "paused", "callback", "callback_later", "closed")
    }


def test_it_shows_staff_of_no_department_nothing(client, site_a, cases):
    user = factories.make_user(site_a, role="部门员工", username="nodept")
    client.force_login(user)
    assert numbers(client.get(INDEX)) == []
    assert numbers(client.get(CASES)) == []


def test_it_counts_open_and_overdue_cases_per_department(clerk_client, cases):
    summary = {d.name: (d.open, d.overdue) for d in view(clerk_client, "mine").context["summary"]}
    # assigned, near, overdue, paused; the paused one is not overdue whatever its date.
    assert summary["工程部"] == (4, 1)
    assert summary["环境部"] == (1, 0)
    assert summary["待派单"] == (1, 0)


def test_it_ignores_an_unknown_view(clerk_client, cases):
    response = clerk_client.get(INDEX, {"view": "<script>", "page": "abc"})
    assert response.status_code == 200
    assert response.context["current"] == "mine"


def test_it_filters_every_case(clerk_client, cases, other_site_case, engineer):
    n = {k: c.number for k, c in cases.items()}
    assert set(numbers(clerk_client.get(CASES))) == set(n.values())
    assert numbers(clerk_client.get(CASES, {"state": "paused"})) == [n["paused"]]
    assert set(numbers(clerk_client.get(CASES, {"state": "open"}))) == {
        n[k] for k in ("assigned", "near", "overdue", "paused", "other_dept", "at_desk")
    }
    department = engineer.department
    assert n["other_dept"] not in numbers(clerk_client.get(CASES, {"department": department.pk}))
    # A top-level category takes its sub-categories.
    top = cases["other_dept"].category.parent
    assert numbers(clerk_client.get(CASES, {"category": top.pk})) == [n["other_dept"]]
    assert numbers(clerk_client.get(CASES, {"kind": "suggestion"})) == [n["at_desk"]]
    assert numbers(clerk_client.get(CASES, {"source": "walk_in"})) == []
    assert len(numbers(clerk_client.get(CASES, {"source": "phone", "urgency": "normal"}))) == 9
    today = timezone.localdate()
    assert len(numbers(clerk_client.get(CASES, {"since": today, "until": today}))) == 9
    assert numbers(clerk_client.get(CASES, {"since": today + timedelta(days=1)})) == []


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"state": "lost"}, "state", "选择一个有效的选项"),
        ({"urgency": "x"}, "urgency", "选择一个有效的选项"),
        ({"category": "abc"}, "category", "选择一个有效的选项"),
        ({"since": "2026-13-45"}, "since", "输入一个有效的日期"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until", "结束日期早于开始日期"),
        ({"since": "1900-01-01"}, "since", "请选择"),
    ],
)
def test_it_answers_bad_filter_values_in_chinese(clerk_client, cases, query, field, message):
    response = clerk_client.get(CASES, query)
    assert response.status_code == 200
    assert message in " ".join(response.context["filter"].form.errors[field])
    # The list stays unfiltered rather than wrong.
    assert len(numbers(response)) == 9


def test_it_refuses_another_sites_category_and_department(clerk_client, cases, site_b):
    b_category = factories.make_category(site_b)
    b_department = site_b.departments.first()
    response = clerk_client.get(CASES, {"category": b_category.pk, "department": b_department.pk})
    errors = response.context["filter"].form.errors
    assert "category" in errors and "department" in errors


def test_it_shows_a_clerk_of_another_site_none_of_site_a(client, cases, site_b):
    client.force_login(factories.make_user(site_b, username="clerk_b"))
    for url in (INDEX, CASES, INDEX + "?view=overdue"):
        html = client.get(url).content.decode()
        assert all(c.number not in html for c in cases.values())


def test_it_pages_thirty_cases_at_a_time(clerk_client, site_a, clerk):
    for _ in range(31):
        factories.make_case(site_a, clerk, category="其他事项", kind="suggestion")
    first = clerk_client.get(INDEX)
    assert len(numbers(first)) == 30
    assert len(numbers(clerk_client.get(INDEX, {"page": 2}))) == 1


def _many(site, clerk, engineer, count: int) -> None:
    now = timezone.now()
    for i in range(count):
        case = factories.make_case(site, clerk, description=f"漏水{i}")
        put(case, state=State.IN_PROGRESS, handler=engineer, resolve_due=now - timedelta(hours=1))


@pytest.mark.parametrize("rows", [1, 12])
def test_it_reads_a_working_view_in_a_fixed_number_of_queries(
    client, site_a, clerk, engineer, rows, django_assert_num_queries
):
    _many(site_a, clerk, engineer, rows)
    client.force_login(clerk)
    client.get(INDEX)  # the first request renews the session and caches access (writes)
    # session, user, the count of the view's cases, their page (category and place
    # joined), the departments and handlers it names, the count per department, the
    # header's unread messages
    with django_assert_num_queries(8):
        response = client.get(INDEX, {"view": "overdue"})
    assert len(numbers(response)) == rows
    client.force_login(engineer)
    client.get(INDEX)
    # session, user, the count, the page, its departments and handlers, the header's
    # unread messages (no summary)
    with django_assert_num_queries(7):
        assert len(numbers(client.get(INDEX))) == rows


def test_a_page_reads_only_the_columns_it_shows(client, site_a, clerk, engineer):
    """A case has over fifty columns (its description, the hotline's reply, the
    call-back's comment…): the page reads the few its rows show."""
    _many(site_a, clerk, engineer, 3)
    client.force_login(clerk)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX, {"view": "overdue"})
    assert len(numbers(response)) == 3
    page = [q["sql"] for q in queries if '"complaints_case"."number"' in q["sql"]]
    assert len(page) == 1, page
    for column in ("description", "hotline_reply", "feedback_token", "reminders_sent"):
        assert f'"complaints_case"."{column}"' not in page[0]


@pytest.mark.parametrize("rows", [1, 12])
def test_it_reads_every_case_filtered_in_a_fixed_number_of_queries(
    clerk_client, site_a, clerk, engineer, rows, django_assert_num_queries
):
    _many(site_a, clerk, engineer, rows)
    clerk_client.get(CASES)
    # session, user, the department asked for (the filter checks it is the site's), the
    # count, the page, its departments and handlers, the header's unread messages, the
    # filter's categories and departments (its choices, as the form is drawn)
    with django_assert_num_queries(10):
        response = clerk_client.get(CASES, {"state": "open", "department": engineer.department_id})
    assert len(numbers(response)) == rows


def test_it_reads_a_department_queue_from_its_partial_index(site_a, clerk, engineer):
    """Three thousand cases, most of them closed: the department's open cases are read in
    deadline order from case_dept_open_due, not by scanning the site's cases."""
    from django.db import connection

    category = factories.make_category(site_a)
    departments = list(site_a.departments.all())
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            site=site_a,
            number=f"TS20260101-{i:04d}",
            kind=Case.Kind.REPAIR,
            source=Case.Source.PHONE,
            category=category,
            description="漏水",
            place="地下车库",
            state=State.IN_PROGRESS if i % 20 == 0 else State.CLOSED,
            department=departments[i % len(departments)],
            resolve_due=now + timedelta(minutes=i),
            last_progress_at=now,
            created_by=clerk,
            created_at=now - timedelta(minutes=i),
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_case")
    page = lists.working_list(site_a, engineer, lists.DEPARTMENT)[: lists.PAGE]
    plan = page.explain()
    assert "case_dept_open_due" in plan, plan
