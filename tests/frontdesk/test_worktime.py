"""Deadlines in working time (frontdesk.worktime) across 2026's holidays and make-up days.

The 2026 schedule below is written out from the State Council's notice (国办发明电〔2025〕
7号) rather than read from the data migration, so that a wrong day there fails here.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk import worktime
from frontdesk.models import CalendarDay, WorkingHours
from frontdesk.worktime import (
    Calendar,
    add_working_minutes,
    is_working_time,
    next_working_moment,
    working_minutes_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFF, WORK = "off", "work"

# The weekdays off and the weekend days worked of 2026 (holidays on a weekend change
# nothing and are left out).
OFFICIAL_2026 = {
    # 元旦: 1月1日至3日, 1月4日（周日）上班
    "2026-01-01": OFF,
    "2026-01-02": OFF,
    "2026-01-04": WORK,
    # 春节: 2月15日至23日, 2月14日（周六）、2月28日（周六）上班
    "2026-02-14": WORK,
    **{f"2026-02-{d}": OFF for d in (16, 17, 18, 19, 20, 23)},
    "2026-02-28": WORK,
    # 清明节: 4月4日至6日
    "2026-04-06": OFF,
    # 劳动节: 5月1日至5日, 5月9日（周六）上班
    "2026-05-01": OFF,
    "2026-05-04": OFF,
    "2026-05-05": OFF,
    "2026-05-09": WORK,
    # 端午节: 6月19日至21日
    "2026-06-19": OFF,
    # 中秋节: 9月25日至27日
    "2026-09-25": OFF,
    # 国庆节: 10月1日至7日, 9月20日（周日）、10月10日（周六）上班
    "2026-09-20": WORK,
    **{f"2026-10-0{d}": OFF for d in (1, 2, 5, 6, 7)},
    "2026-10-10": WORK,
}
CALENDAR = Calendar.of(OFFICIAL_2026.items())
HOURS = WorkingHours()  # the defaults: 08:30–12:00, 13:30–17:30
DAY_MINUTES = 450


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def deadline(start: str, minutes: int, calendar: Calendar = CALENDAR, hours=HOURS) -> str:
    return f"{add_working_minutes(hours, at(start), minutes, calendar):%Y-%m-%d %H:%M}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The process's copy of the calendar outlives a test's rolled-back rows.
    worktime.calendar_cache_clear()
    yield
    worktime.calendar_cache_clear()


# --- Holidays and make-up workdays -------------------------------------------------


def test_it_skips_the_spring_festival_from_its_last_workday():
    # 14 Feb (a Saturday) is the last workday before it: 90 minutes that afternoon, then
    # nothing until Tuesday 24 Feb, 210 in the morning and 180 after lunch.
    assert deadline("2026-02-14 16:00", 8 * 60) == "2026-02-24 16:30"


def test_it_counts_the_make_up_saturday_before_the_spring_festival():
    assert deadline("2026-02-13 16:00", 8 * 60) == "2026-02-14 16:30"
    # By the weekly rule alone it would land on the holiday.
    assert deadline("2026-02-13 16:00", 8 * 60, Calendar()) == "2026-02-16 16:30"


def test_it_counts_the_make_up_saturday_after_the_spring_festival():
    assert deadline("2026-02-27 16:00", 8 * 60) == "2026-02-28 16:30"
    assert deadline("2026-02-24 09:00", 5 * DAY_MINUTES) == "2026-03-02 09:00"


def test_it_skips_national_day():
    assert deadline("2026-09-30 16:00", 8 * 60) == "2026-10-08 16:30"
    # Three working days from the eve: 8, 9 and the make-up Saturday 10 October.
    assert deadline("2026-09-30 17:30", 3 * DAY_MINUTES) == "2026-10-10 17:30"


def test_it_counts_the_make_up_days_around_national_day():
    assert deadline("2026-09-18 16:00", 8 * 60) == "2026-09-20 16:30"  # Sunday 20 Sep
    assert deadline("2026-10-09 16:00", 8 * 60) == "2026-10-10 16:30"  # Saturday 10 Oct
    # Mid-Autumn (Friday 25 Sep) in between.
    assert deadline("2026-09-24 16:00", 8 * 60) == "2026-09-28 16:30"


def test_it_skips_new_year_and_works_its_sunday():
    assert deadline("2025-12-31 17:00", 60) == "2026-01-04 09:00"


def test_it_knows_workdays_from_the_calendar_and_the_week():
    assert CALENDAR.is_workday(date(2026, 2, 14))  # make-up Saturday
    assert not CALENDAR.is_workday(date(2026, 2, 17))  # 春节, a Tuesday
    assert not CALENDAR.is_workday(date(2026, 3, 14))  # an ordinary Saturday
    assert CALENDAR.is_workday(date(2026, 3, 16))  # an ordinary Monday


# --- Hours within a day --------------------------------------------------------------


def test_it_skips_the_lunch_break():
    assert deadline("2026-03-10 11:00", 120) == "2026-03-10 14:30"
    assert deadline("2026-03-10 11:30", 30) == "2026-03-10 12:00"
    assert deadline("2026-03-10 11:30", 31) == "2026-03-10 13:31"


def test_it_ends_a_deadline_at_the_end_of_a_period_not_after_the_break():
    assert deadline("2026-03-10 11:00", 60) == "2026-03-10 12:00"
    assert deadline("2026-03-10 16:30", 60) == "2026-03-10 17:30"


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-03-10 19:00", "2026-03-11 09:30"),  # evening: from the next morning
        ("2026-03-10 06:00", "2026-03-10 09:30"),  # before opening
        ("2026-03-10 12:30", "2026-03-10 14:30"),  # over lunch
        ("2026-03-14 10:00", "2026-03-16 09:30"),  # Saturday: from Monday
        ("2026-03-15 23:59", "2026-03-16 09:30"),  # Sunday night
        ("2026-02-17 10:00", "2026-02-24 09:30"),  # during the Spring Festival
    ],
)
def test_it_counts_a_start_outside_working_time_from_the_next_working_moment(start, due):
    assert deadline(start, 60) == due


def test_it_skips_the_weekend():
    assert deadline("2026-03-13 17:00", 60) == "2026-03-16 09:00"
    assert deadline("2026-03-13 08:30", 2 * DAY_MINUTES) == "2026-03-16 17:30"


def test_it_gives_the_next_working_moment_for_zero_minutes():
    assert deadline("2026-03-13 18:00", 0) == "2026-03-16 08:30"
    assert deadline("2026-03-13 10:15", 0) == "2026-03-13 10:15"


def test_it_counts_a_sites_own_hours():
    hours = WorkingHours(
        morning_start=time(9),
        morning_end=time(12),
        afternoon_start=time(14),
        afternoon_end=time(18),
    )
    assert deadline("2026-03-13 17:00", 120, hours=hours) == "2026-03-16 10:00"
    assert deadline("2026-03-16 11:00", 120, hours=hours) == "2026-03-16 15:00"


def test_it_knows_working_time():
    def working(text: str) -> bool:
        return is_working_time(HOURS, at(text), CALENDAR)

    assert working("2026-03-10 08:30") and working("2026-03-10 17:29")
    assert not working("2026-03-10 08:29") and not working("2026-03-10 17:30")
    assert not working("2026-03-10 12:00") and working("2026-03-10 13:30")
    assert working("2026-02-14 10:00")  # make-up Saturday
    assert not working("2026-10-06 10:00")  # National Day, a Tuesday


def test_it_finds_the_next_working_moment():
    def following(text: str) -> str:
        return f"{next_working_moment(HOURS, at(text), CALENDAR):%Y-%m-%d %H:%M}"

    assert following("2026-03-10 12:00") == "2026-03-10 13:30"
    assert following("2026-03-10 10:00") == "2026-03-10 10:00"
    assert following("2026-09-30 17:30") == "2026-10-08 08:30"


# --- Minutes between ------------------------------------------------------------------


def test_it_counts_minutes_between_across_a_holiday():
    def between(a: str, b: str) -> int:
        return working_minutes_between(HOURS, at(a), at(b), CALENDAR)

    assert between("2026-02-14 16:00", "2026-02-24 16:30") == 480
    assert between("2026-03-10 11:00", "2026-03-10 14:00") == 90
    assert between("2026-03-13 17:00", "2026-03-16 09:00") == 60
    assert between("2026-03-10 14:00", "2026-03-10 11:00") == 0
    assert between("2026-03-14 09:00", "2026-03-15 17:00") == 0  # a weekend


def test_it_counts_whole_minutes():
    a = at("2026-03-10 09:00")
    assert working_minutes_between(HOURS, a, a + timedelta(seconds=119), CALENDAR) == 1


def test_it_counts_2026s_workdays_a_day_at_a_time():
    @dataclass(frozen=True)
    class CountingCalendar(Calendar):
        asked: list = field(default_factory=list)

        def is_workday(self, day: date) -> bool:
            self.asked.append(day)
            return super().is_workday(day)

    calendar = CountingCalendar(CALENDAR.days)
    minutes = working_minutes_between(
        HOURS, at("2026-01-01 00:00"), at("2027-01-01 00:00"), calendar
    )
    # 261 weekdays, 19 of them off, 6 weekend days worked.
    assert minutes == (261 - 19 + 6) * DAY_MINUTES
    assert len(calendar.asked) <= 366
    calendar.asked.clear()
    due = add_working_minutes(HOURS, at("2026-01-01 00:00"), minutes, calendar)
    assert due == at("2026-12-31 17:30")
    assert len(calendar.asked) <= 366


starts = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
)


@settings(max_examples=300, deadline=None)
@given(start=starts, minutes=st.integers(min_value=0, max_value=20 * DAY_MINUTES))
def test_it_counts_back_what_it_added(start, minutes):
    due = add_working_minutes(HOURS, start, minutes, CALENDAR)
    assert working_minutes_between(HOURS, start, due, CALENDAR) == minutes
    assert due >= start
    if minutes:
        # A deadline falls within working time, or at the very end of a period.
        just_before = due - timedelta(microseconds=1)
        assert is_working_time(HOURS, just_before, CALENDAR)


@settings(max_examples=300, deadline=None)
@given(a=starts, span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)))
def test_it_adds_back_what_it_counted(a, span):
    b = a + span
    used = working_minutes_between(HOURS, a, b, CALENDAR)
    due = add_working_minutes(HOURS, a, used, CALENDAR)
    # The deadline of the minutes used is the next working moment at most at b: nothing
    # of a whole working minute is left between them.
    assert due <= max(b, next_working_moment(HOURS, a, CALENDAR))
    assert working_minutes_between(HOURS, due, b, CALENDAR) == 0


@settings(max_examples=200, deadline=None)
@given(moment=starts)
def test_it_finds_a_working_moment_with_no_working_time_before_it(moment):
    following = next_working_moment(HOURS, moment, CALENDAR)
    assert following >= moment
    assert is_working_time(HOURS, following, CALENDAR)
    assert working_minutes_between(HOURS, moment, following, CALENDAR) == 0
    assert (following == moment) == is_working_time(HOURS, moment, CALENDAR)


# --- Time zones and bad input ---------------------------------------------------------


def test_it_reads_any_time_zone_and_answers_in_shanghai_time():
    start = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    due = add_working_minutes(HOURS, start, 60, CALENDAR)
    assert due == at("2026-03-10 09:30")
    assert due.utcoffset() == timedelta(hours=8)


def test_it_refuses_naive_times_and_negative_minutes():
    with pytest.raises(ValueError):
        add_working_minutes(HOURS, datetime(2026, 3, 10, 9), 60, CALENDAR)
    with pytest.raises(ValueError):
        working_minutes_between(HOURS, datetime(2026, 3, 10, 9), at("2026-03-10 10:00"), CALENDAR)
    with pytest.raises(ValueError):
        add_working_minutes(HOURS, at("2026-03-10 09:00"), -1, CALENDAR)


def test_it_gives_up_on_a_calendar_without_workdays():
    every_day_off = Calendar({date(2026, 1, 1) + timedelta(days=n): OFF for n in range(800)})
    with pytest.raises(ValueError):
        add_working_minutes(HOURS, at("2026-03-10 09:00"), 60, every_day_off)


# --- The calendar in the database ---------------------------------------------------


def test_the_data_migration_holds_the_official_2026_days(db):
    loaded = worktime.load_calendar()
    for day, kind in OFFICIAL_2026.items():
        assert loaded.days[date.fromisoformat(day)] == kind, day
    # Every other day of 2026 in the table is a holiday that falls on a weekend.
    for day, kind in loaded.days.items():
        if day.year == 2026 and day.isoformat() not in OFFICIAL_2026:
            assert kind == OFF and day.weekday() >= 5, day
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).name == "春节"
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).name == "国庆节"


def test_it_puts_the_official_days_back_into_an_emptied_calendar(db):
    CalendarDay.objects.all().delete()
    worktime.ensure_calendar()
    assert worktime.load_calendar().days[date(2026, 2, 14)] == WORK
    CalendarDay.objects.filter(date=date(2026, 2, 14)).update(name="改过")
    worktime.ensure_calendar()  # a calendar with days in it is left alone
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).name == "改过"


def test_it_loads_the_calendar_once_and_sees_an_edit_at_once(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        worktime.load_calendar()
        worktime.load_calendar()
    CalendarDay.objects.create(date=date(2026, 3, 16), kind=OFF, name="停水")
    assert not worktime.load_calendar().is_workday(date(2026, 3, 16))


def test_it_gives_each_site_its_hours_with_the_defaults(site_a):
    hours = WorkingHours.of(site_a)
    assert hours.describe() == "08:30–12:00，13:30–17:30"
    # Reading writes nothing: the defaults stand until a supervisor saves the site's row.
    assert hours.pk is None and not WorkingHours.objects.exists()
    WorkingHours.objects.create(site=site_a, morning_start=time(9))
    assert WorkingHours.of(site_a).describe() == "09:00–12:00，13:30–17:30"


# --- Next year's calendar ------------------------------------------------------------


def test_it_warns_from_november_when_next_year_is_missing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not worktime.calendar_missing_next_year(date(2026, 10, 31))
    with django_assert_num_queries(1):
        assert worktime.calendar_missing_next_year(date(2026, 11, 1))
        assert worktime.calendar_missing_next_year(date(2026, 12, 31))  # cached
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=OFF, name="元旦")
    assert not worktime.calendar_missing_next_year(date(2026, 11, 1))
    assert not worktime.calendar_missing_next_year(date(2025, 12, 1))  # 2026 is in


def test_it_shows_supervisors_the_missing_year_on_todays_desk(
    client, monkeypatch, local_supervisor, clerk
):
    november = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: november)
    client.force_login(local_supervisor)
    html = client.get(reverse("desk")).content.decode()
    assert "2027年节假日安排未录入" in html
    assert reverse("admin:frontdesk_calendarday_changelist") in html
    client.force_login(clerk)
    assert "2027年节假日安排未录入" not in client.get(reverse("desk")).content.decode()


def test_it_stops_warning_once_next_year_is_entered(client, monkeypatch, local_supervisor):
    november = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: november)
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=OFF, name="元旦")
    client.force_login(local_supervisor)
    assert "节假日安排未录入" not in client.get(reverse("desk")).content.decode()


def test_it_does_not_warn_before_november(client, monkeypatch, local_supervisor):
    october = datetime(2026, 10, 30, 9, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: october)
    client.force_login(local_supervisor)
    assert "节假日安排未录入" not in client.get(reverse("desk")).content.decode()


def test_a_supervisors_desk_asks_for_the_calendar_at_most_hourly(
    client, monkeypatch, local_supervisor, django_assert_num_queries
):
    november = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: november)
    client.force_login(local_supervisor)
    client.get(reverse("desk"))  # renews the session, caches access and the answer
    # session and user, the header's unread messages, reception's counts, the cases'
    # counts and those waiting at the desk (complaints), the notices waiting for the
    # supervisor's approval
    with django_assert_num_queries(7):
        client.get(reverse("desk"))
