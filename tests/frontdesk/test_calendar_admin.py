"""The holiday calendar (the company's) and each site's working hours in admin."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk import worktime
from frontdesk.models import CalendarDay, WorkingHours
from tests import factories

CALENDAR_LIST = reverse("admin:frontdesk_calendarday_changelist")
CALENDAR_ADD = reverse("admin:frontdesk_calendarday_add")
HOURS_LIST = reverse("admin:frontdesk_workinghours_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:frontdesk_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture(autouse=True)
def _fresh_cache():
    worktime.calendar_cache_clear()
    yield
    worktime.calendar_cache_clear()


@pytest.fixture
def superuser(site_a):
    root = factories.make_user(site_a, username="root")
    root.is_superuser = root.is_staff = True
    root.save()
    return root


@pytest.fixture
def spring_saturday(db) -> CalendarDay:
    return CalendarDay.objects.get(date=date(2026, 2, 14))


def in_november(monkeypatch) -> None:
    november = datetime(2026, 11, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: november)


# --- The holiday calendar -------------------------------------------------------------


def test_it_shows_a_site_supervisor_the_calendar_read_only(
    client, local_supervisor, spring_saturday
):
    client.force_login(local_supervisor)
    response = client.get(CALENDAR_LIST, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "节假日日历" in html and "班（调休上班）" in html and "星期六" in html
    assert CALENDAR_ADD not in html
    response = client.get(change_url(spring_saturday))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_it_refuses_a_site_supervisor_any_change_to_the_calendar(
    client, local_supervisor, spring_saturday
):
    client.force_login(local_supervisor)
    post = {"date": "2026-02-14", "kind": "off", "name": "春节"}
    assert client.post(change_url(spring_saturday), post).status_code == 403
    assert client.post(CALENDAR_ADD, {**post, "date": "2026-03-16"}).status_code == 403
    delete = reverse("admin:frontdesk_calendarday_delete", args=[spring_saturday.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    spring_saturday.refresh_from_db()
    assert spring_saturday.kind == "work"
    assert not CalendarDay.objects.filter(date=date(2026, 3, 16)).exists()


def test_it_closes_the_calendar_to_clerks(client, clerk, spring_saturday):
    client.force_login(clerk)
    response = client.get(CALENDAR_LIST)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_lets_a_company_administrator_enter_next_years_days(client, superuser):
    client.force_login(superuser)
    response = client.post(CALENDAR_ADD, {"date": "2027-02-06", "kind": "work", "name": "春节"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).kind == "work"
    # Deadlines counted in this process see it at once.
    assert worktime.load_calendar().is_workday(date(2027, 2, 6))


def test_it_lets_a_company_administrator_change_a_day(client, superuser, spring_saturday):
    client.force_login(superuser)
    response = client.post(
        change_url(spring_saturday), {"date": "2026-02-14", "kind": "off", "name": "春节"}
    )
    assert response.status_code == 302
    spring_saturday.refresh_from_db()
    assert spring_saturday.kind == "off"


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        # 16 March 2026 is a Monday: a make-up workday is always a weekend day.
        (
            {"date": "2026-03-16", "kind": "work", "name": "春节"},
            "kind",
            "只有周六或周日才能设为调休上班日",
        ),
        ({"date": "2026-02-31", "kind": "off", "name": "春节"}, "date", "有效的日期"),
        ({"date": "2026-02-14", "kind": "off", "name": "春节"}, "date", "已存在"),
        ({"date": "2026-03-16", "kind": "maybe", "name": "春节"}, "kind", "有效的选项"),
        ({"date": "2026-03-16", "kind": "off", "name": ""}, "name", "这个字段是必填项"),
    ],
)
def test_it_refuses_bad_days_in_chinese_beside_the_field(client, superuser, post, field, message):
    client.force_login(superuser)
    before = CalendarDay.objects.count()
    response = client.post(CALENDAR_ADD, post)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert CalendarDay.objects.count() == before
    # What was typed is still there.
    assert f'value="{post["date"]}"' in response.content.decode()


def test_it_filters_the_calendar_by_year(client, local_supervisor):
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="off", name="元旦")
    client.force_login(local_supervisor)
    response = client.get(CALENDAR_LIST, {"year": "2027"})
    assert [d.date for d in response.context["cl"].result_list] == [date(2027, 1, 1)]
    response = client.get(CALENDAR_LIST, {"year": "2026", "kind__exact": "work"})
    assert [d.date.isoformat() for d in response.context["cl"].result_list] == [
        "2026-10-10",
        "2026-09-20",
        "2026-05-09",
        "2026-02-28",
        "2026-02-14",
        "2026-01-04",
    ]
    # A year with no days is no choice: admin's "incorrect lookup", not an error.
    response = client.get(CALENDAR_LIST, {"year": "1999"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_it_warns_on_the_calendar_from_november_until_next_year_is_in(
    client, monkeypatch, local_supervisor
):
    in_november(monkeypatch)
    client.force_login(local_supervisor)
    html = client.get(CALENDAR_LIST).content.decode()
    assert "2027年的节假日和调休上班安排尚未录入" in html
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="off", name="元旦")
    assert "尚未录入" not in client.get(CALENDAR_LIST).content.decode()


# --- Working hours --------------------------------------------------------------------


def hours_post(**changes) -> dict:
    return {
        "morning_start": "08:30",
        "morning_end": "12:00",
        "afternoon_start": "13:30",
        "afternoon_end": "17:30",
        **changes,
    }


def test_it_gives_a_supervisor_the_hours_of_their_own_sites(
    client, local_supervisor, site_a, site_b
):
    client.force_login(local_supervisor)
    response = client.get(HOURS_LIST)
    assert response.status_code == 200
    assert [h.site for h in response.context["cl"].result_list] == [site_a]
    assert "08:30–12:00" in response.content.decode()
    assert not WorkingHours.objects.filter(site=site_b).exists()


def test_it_lets_a_supervisor_change_their_sites_hours(client, local_supervisor, site_a):
    hours = WorkingHours.objects.get_or_create(site=site_a)[0]
    client.force_login(local_supervisor)
    response = client.post(change_url(hours), hours_post(morning_start="09:00"))
    assert response.status_code == 302
    hours.refresh_from_db()
    assert hours.morning_start == time(9) and hours.site == site_a


def test_it_keeps_another_sites_hours_out_of_a_supervisors_reach(client, local_supervisor, site_b):
    theirs = WorkingHours.objects.get_or_create(site=site_b)[0]
    client.force_login(local_supervisor)
    # Django admin's answer to a row outside its queryset: back to the index, "does not
    # exist", as for any row that is not there (nothing confirms it is).
    for response in (
        client.get(change_url(theirs)),
        client.post(change_url(theirs), hours_post(morning_start="06:00")),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    theirs.refresh_from_db()
    assert theirs.morning_start == time(8, 30)


def test_it_neither_adds_nor_deletes_hours(client, local_supervisor, superuser, site_a):
    hours = WorkingHours.objects.get_or_create(site=site_a)[0]
    for user in (local_supervisor, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:frontdesk_workinghours_add")).status_code == 403
        delete = reverse("admin:frontdesk_workinghours_delete", args=[hours.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert WorkingHours.objects.filter(pk=hours.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"morning_end": "08:00"}, "morning_end", "上午下班时间须晚于上班时间"),
        ({"afternoon_end": "13:30"}, "afternoon_end", "下午下班时间须晚于上班时间"),
        ({"afternoon_start": "11:30"}, "afternoon_start", "下午上班时间不能早于上午下班时间"),
        ({"morning_start": "25:99"}, "morning_start", "有效的时间"),
        ({"afternoon_end": ""}, "afternoon_end", "这个字段是必填项"),
    ],
)
def test_it_refuses_bad_hours_in_chinese_beside_the_field(
    client, local_supervisor, site_a, changes, field, message
):
    hours = WorkingHours.objects.get_or_create(site=site_a)[0]
    client.force_login(local_supervisor)
    response = client.post(change_url(hours), hours_post(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    hours.refresh_from_db()
    assert hours.describe() == "08:30–12:00，13:30–17:30"
    typed = next(iter(changes.values()))
    assert f'value="{typed}"' in response.content.decode() or not typed


def test_a_lunchless_day_is_allowed(client, local_supervisor, site_a):
    hours = WorkingHours.objects.get_or_create(site=site_a)[0]
    client.force_login(local_supervisor)
    response = client.post(change_url(hours), hours_post(afternoon_start="12:00"))
    assert response.status_code == 302


@pytest.mark.parametrize("sites", [1, 6])
def test_it_lists_hours_with_the_same_queries_for_one_site_or_many(
    client, db, sites, django_assert_num_queries
):
    supervisor = factories.make_user(
        *[factories.make_site() for _ in range(sites)], role="客服主管", username="multi"
    )
    client.force_login(supervisor)
    client.get(HOURS_LIST)  # renews the session, makes the rows
    # session, user, the user's sites, the rows made if missing (one INSERT … ON
    # CONFLICT DO NOTHING), the site filter's sites, the filtered and the total count,
    # the page
    with django_assert_num_queries(8):
        response = client.get(HOURS_LIST)
    assert len(response.context["cl"].result_list) == sites


def test_the_roles_give_supervisors_the_calendar_and_the_hours(local_supervisor, clerk):
    for perm in ("view_calendarday", "view_workinghours", "change_workinghours"):
        assert local_supervisor.has_perm(f"frontdesk.{perm}")
        assert not clerk.has_perm(f"frontdesk.{perm}")
    for perm in ("add_calendarday", "change_calendarday", "delete_calendarday"):
        assert not local_supervisor.has_perm(f"frontdesk.{perm}")
