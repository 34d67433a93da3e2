"""`manage.py calendar_from_holidays YEAR`: a year of China's official days from the
`holidays` package, the same days the data migration holds for 2025 and 2026."""

from datetime import date
from importlib import import_module
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frontdesk import worktime
from frontdesk.management.commands.calendar_from_holidays import days_from_package
from frontdesk.models import CalendarDay

MIGRATION_DAYS = import_module(worktime.CALENDAR_MIGRATION).DAYS


@pytest.fixture(autouse=True)
def _fresh_cache():
    worktime.calendar_cache_clear()
    yield
    worktime.calendar_cache_clear()


@pytest.mark.parametrize("year", [2025, 2026])
def test_it_reads_the_days_the_data_migration_holds(year):
    assert days_from_package(year) == [d for d in MIGRATION_DAYS if d[0].startswith(str(year))]


def test_it_finds_2026s_make_up_workdays_in_the_package():
    work = [day for day, kind, _ in days_from_package(2026) if kind == "work"]
    assert work == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


def test_it_prints_a_year_as_the_migration_lists_it(db):
    out = StringIO()
    call_command("calendar_from_holidays", "2026", stdout=out)
    assert '    ("2026-02-14", "work", "春节"),  # 周六 班' in out.getvalue().splitlines()
    assert (
        not CalendarDay.objects.filter(date__year=2026)
        .exclude(date__in=[d for d, _, _ in MIGRATION_DAYS])
        .exists()
    )


def test_it_loads_a_year_adding_and_updating_without_deleting(db):
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarDay.objects.create(date=date(2026, 3, 16), kind="off", name="公司自定")
    out = StringIO()
    call_command("calendar_from_holidays", "2026", "--load", stdout=out)
    count = len(days_from_package(2026))
    assert f"2026: {count} added, 0 changed, {count} in all." in out.getvalue()
    assert CalendarDay.objects.filter(date__year=2026).count() == count + 1
    assert worktime.load_calendar().is_workday(date(2026, 2, 14))

    CalendarDay.objects.filter(date=date(2026, 2, 14)).update(kind="off")
    out = StringIO()
    call_command("calendar_from_holidays", "2026", "--load", stdout=out)
    assert "2026: 0 added, 1 changed" in out.getvalue()
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).kind == "work"


def test_it_refuses_a_year_without_an_official_schedule(db):
    with pytest.raises(CommandError, match="no official schedule for 2027"):
        call_command("calendar_from_holidays", "2027", "--load", stdout=StringIO())
    assert not CalendarDay.objects.filter(date__year=2027).exists()
