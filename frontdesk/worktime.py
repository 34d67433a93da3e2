"""Working time: deadlines that count only a site's working hours on workdays.

A workday is Monday to Friday, unless the holiday calendar (``CalendarDay``) marks it 休;
a Saturday or Sunday is a day off, unless the calendar marks it 班 (调休上班). Within a
workday only the site's working periods count (``WorkingHours``: 08:30–12:00 and
13:30–17:30 unless its supervisor changed them), so the lunch break, evenings, weekends
and public holidays are skipped.

The functions are pure: they take the site's hours and a ``Calendar`` and read nothing
else, so that a caller counting many deadlines (a beat tick) loads each once::

    calendar = worktime.load_calendar()          # cached per process
    hours = WorkingHours.of(site)
    due = worktime.add_working_minutes(hours, opened_at, 8 * 60, calendar)
    used = worktime.working_minutes_between(hours, opened_at, now, calendar)

Times are aware datetimes; results are in the project's time zone (Asia/Shanghai).
Intervals are half-open: 12:00 is not working time when the morning ends at 12:00, yet a
deadline that runs out exactly then is 12:00, not 13:30. The loops step a day at a time,
never a minute at a time.

Cases counted in calendar time (emergencies) need nothing from here: the deadline is
``start + timedelta(minutes=n)`` and the time used is ``now - start``.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import import_module
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from frontdesk.models import CalendarDay

OFF = CalendarDay.Kind.DAY_OFF.value
WORK = CalendarDay.Kind.WORKDAY.value

# A calendar edited in admin reaches the other processes (workers, the other web
# processes) within this time; the process that saved it forgets its copy at once.
CALENDAR_TTL_SECONDS = 600
# "Is next year's calendar in?" changes once a year: asked at most hourly per process.
MISSING_TTL_SECONDS = 3600
# From this month on, next year's calendar is expected (the State Council publishes it
# in late October or November).
WARN_FROM_MONTH = 11
# A year without a single working moment means a calendar entered wrongly (every weekday
# marked 休), not a deadline to look for forever.
MAX_DAYS_WITHOUT_WORK = 366

# The data migration that holds the official days, read again by ensure_calendar.
CALENDAR_MIGRATION = "frontdesk.migrations.0010_calendar_days"


class SiteHours(Protocol):
    """What the functions need of a site's hours (``frontdesk.models.WorkingHours``)."""

    def periods(self) -> tuple[tuple[time, time], ...]: ...


@dataclass(frozen=True)
class Calendar:
    """The holiday calendar: the days that break the weekly rule, date → kind."""

    days: Mapping[date, str] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        kind = self.days.get(day)
        if kind is not None:
            return kind == WORK
        return day.weekday() < 5

    @classmethod
    def of(cls, rows) -> Calendar:
        """From (date, kind) pairs; dates may be ISO strings."""
        return cls({date.fromisoformat(d) if isinstance(d, str) else d: k for d, k in rows})


# --- Loading the calendar -------------------------------------------------------------

_cache: dict[str, tuple[float, object]] = {}


def load_calendar() -> Calendar:
    """The whole holiday calendar (a few dozen rows a year), cached per process."""
    found = _cache.get("calendar")
    if found and clock.monotonic() - found[0] < CALENDAR_TTL_SECONDS:
        return found[1]
    calendar = Calendar.of(CalendarDay.objects.values_list("date", "kind"))
    _cache["calendar"] = (clock.monotonic(), calendar)
    return calendar


def calendar_cache_clear() -> None:
    """Forget this process's copy of the calendar (and of the missing-year answer)."""
    _cache.clear()


def calendar_changed() -> None:
    """A calendar day was saved or deleted: forget now, and again once it is committed
    (a request in between may have read the rows as they were)."""
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


def ensure_calendar() -> None:
    """Load the official days of the data migration into an empty calendar.

    Run after every migrate (post_migrate): a database flush, as transactional tests do,
    empties the table, and deadlines would then count holidays as workdays.
    """
    if CalendarDay._meta.db_table not in connection.introspection.table_names():
        return  # migrated back before the calendar existed
    if CalendarDay.objects.exists():
        return
    days = import_module(CALENDAR_MIGRATION).DAYS
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, kind=kind, name=name) for day, kind, name in days],
        ignore_conflicts=True,
    )
    calendar_cache_clear()


def calendar_missing_next_year(today: date) -> bool:
    """From November on, whether next year's holidays are still to be entered.

    One EXISTS on the date index, asked at most hourly per process.
    """
    if today.month < WARN_FROM_MONTH:
        return False
    year = today.year + 1
    key = f"missing:{year}"
    found = _cache.get(key)
    if found and clock.monotonic() - found[0] < MISSING_TTL_SECONDS:
        return found[1]
    missing = not CalendarDay.objects.filter(
        date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
    ).exists()
    _cache[key] = (clock.monotonic(), missing)
    return missing


# --- Counting -------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working time is counted between aware datetimes")
    return moment.astimezone(_zone())


def _periods_of(hours: SiteHours, calendar: Calendar, day: date) -> list[tuple[datetime, datetime]]:
    if not calendar.is_workday(day):
        return []
    zone = _zone()
    return [
        (datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone))
        for start, end in hours.periods()
    ]


def _working_periods(
    hours: SiteHours, calendar: Calendar, start: date
) -> Iterator[tuple[datetime, datetime]]:
    """Every working period from ``start`` on, day by day."""
    day, idle = start, 0
    while True:
        periods = _periods_of(hours, calendar, day)
        idle = 0 if periods else idle + 1
        if idle > MAX_DAYS_WITHOUT_WORK:
            raise ValueError(f"no working time in the year after {day - timedelta(days=idle)}")
        yield from periods
        day += timedelta(days=1)


def is_working_time(hours: SiteHours, moment: datetime, calendar: Calendar) -> bool:
    at = _local(moment)
    return any(start <= at < end for start, end in _periods_of(hours, calendar, at.date()))


def next_working_moment(hours: SiteHours, moment: datetime, calendar: Calendar) -> datetime:
    """``moment`` itself in working time, else the start of the next working period."""
    at = _local(moment)
    for start, end in _working_periods(hours, calendar, at.date()):
        if at < end:
            return max(at, start)
    raise AssertionError("unreachable: _working_periods never ends")


def add_working_minutes(
    hours: SiteHours, start: datetime, minutes: int, calendar: Calendar
) -> datetime:
    """The moment ``minutes`` working minutes after ``start`` (a deadline).

    A start outside working time counts from the next working moment; 0 minutes is that
    moment itself. A deadline that runs out at the end of a period is that end.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    at = _local(start)
    left = timedelta(minutes=minutes)
    for period_start, period_end in _working_periods(hours, calendar, at.date()):
        if period_end <= at:
            continue
        begin = max(period_start, at)
        if left <= period_end - begin:
            return begin + left
        left -= period_end - begin
    raise AssertionError("unreachable: _working_periods never ends")


def working_minutes_between(hours: SiteHours, a: datetime, b: datetime, calendar: Calendar) -> int:
    """Whole working minutes from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
    a, b = _local(a), _local(b)
    if b <= a:
        return 0
    total = timedelta()
    day = a.date()
    while day <= b.date():
        for start, end in _periods_of(hours, calendar, day):
            low, high = max(start, a), min(end, b)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return int(total.total_seconds()) // 60
