"""How a case's deadlines and reminders are counted.

A case's allowances come from its category (``CategoryDeadline``: the category's own row
for the urgency, else its parent's, else ``DEFAULT_ALLOWANCES``) and are counted from the
moment the case is recorded, in the site's working time (``frontdesk.worktime``: working
hours, weekends, public holidays and make-up workdays), or in calendar time for an
emergency. A 12345 case is also due by the hotline's own deadline, whichever comes first.

While a case is paused its clock stops: on resume every pending moment moves on by the
working minutes the pause lasted (calendar minutes for an emergency).

The reminders (sent by the beat) are, per running case::

    respond_warn / resolve_warn          when ``CaseSettings.warn_percent`` of the time is used
    respond_overdue / resolve_overdue    at the deadline (the site's supervisor)
    respond_escalate / resolve_escalate  one working day after it (the manager)
    idle                                 ``idle_hours`` working hours after the last progress

The respond ones only until the case is accepted. Each is sent once: its key goes into
``Case.reminders_sent``; a new deadline (a reopening, a changed deadline) clears the keys
of that deadline, and progress clears ``idle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk import worktime
from frontdesk.models import Site, WorkingHours

from .models import Case, CaseSettings, Category, CategoryDeadline, Urgency
from .states import RUNNING

# Working minutes (calendar minutes for emergencies): (respond, resolve). One working
# day of the default hours is 450 minutes.
DEFAULT_ALLOWANCES: dict[str, tuple[int, int]] = {
    Urgency.NORMAL: (120, 3 * 450),
    Urgency.URGENT: (30, 450),
    Urgency.EMERGENCY: (15, 4 * 60),
}

RESPOND_WARN = "respond_warn"
RESPOND_OVERDUE = "respond_overdue"
RESPOND_ESCALATE = "respond_escalate"
RESOLVE_WARN = "resolve_warn"
RESOLVE_OVERDUE = "resolve_overdue"
RESOLVE_ESCALATE = "resolve_escalate"
IDLE = "idle"
RESPOND_KEYS = (RESPOND_WARN, RESPOND_OVERDUE, RESPOND_ESCALATE)
RESOLVE_KEYS = (RESOLVE_WARN, RESOLVE_OVERDUE, RESOLVE_ESCALATE)


def allowance(category: Category, urgency: str) -> tuple[int, int]:
    """(respond, resolve) minutes for a case of this category and urgency: one query."""
    rows = {
        row.category_id: row
        for row in CategoryDeadline.objects.filter(
            category_id__in=[c for c in (category.pk, category.parent_id) if c is not None],
            urgency=urgency,
        )
    }
    row = rows.get(category.pk) or rows.get(category.parent_id)
    if row is not None:
        return row.respond_minutes, row.resolve_minutes
    return DEFAULT_ALLOWANCES[urgency]


def rules(site: Site, *, calendar_time: bool = False) -> tuple[Clock, CaseSettings]:
    """The site's clock and chasing rules, read together in one query; the defaults
    (unsaved) for what its supervisor has not set."""
    row = Site.objects.select_related("working_hours", "case_settings").get(pk=site.pk)
    hours = getattr(row, "working_hours", None) or WorkingHours(site=site)
    settings = getattr(row, "case_settings", None) or CaseSettings(site=site)
    return Clock(hours, worktime.load_calendar(), calendar_time), settings


@dataclass(frozen=True)
class Clock:
    """Counts minutes for one case: the site's working time, or calendar time."""

    hours: WorkingHours
    calendar: worktime.Calendar
    calendar_time: bool = False

    @classmethod
    def of(cls, site: Site, *, calendar_time: bool = False) -> Clock:
        return cls(WorkingHours.of(site), worktime.load_calendar(), calendar_time)

    @classmethod
    def for_case(cls, case: Case) -> Clock:
        return cls.of(case.site, calendar_time=case.calendar_time)

    def working(self) -> Clock:
        """The same site's working time, whatever the case's urgency (call-backs)."""
        return Clock(self.hours, self.calendar, False)

    def add(self, start: datetime, minutes: int) -> datetime:
        if self.calendar_time:
            return start + timedelta(minutes=minutes)
        return worktime.add_working_minutes(self.hours, start, minutes, self.calendar)

    def between(self, start: datetime, end: datetime) -> int:
        if self.calendar_time:
            return max(0, int((end - start).total_seconds()) // 60)
        return worktime.working_minutes_between(self.hours, start, end, self.calendar)

    @property
    def day_minutes(self) -> int:
        """One more day: a working day of the site's hours, or 24 hours."""
        if self.calendar_time:
            return 24 * 60
        return sum(
            (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            for start, end in self.hours.periods()
        )

    def warn_at(self, start: datetime, due: datetime, percent: int) -> datetime:
        """The moment ``percent`` of the time from ``start`` to ``due`` is used."""
        return self.add(start, self.between(start, due) * percent // 100)

    def shift(self, moment: datetime | None, minutes: int) -> datetime | None:
        """A pending moment moved on by a pause of ``minutes``."""
        if moment is None or minutes <= 0:
            return moment
        return self.add(moment, minutes)


@dataclass(frozen=True)
class Deadlines:
    respond_due: datetime | None
    resolve_due: datetime | None
    respond_warn_at: datetime | None
    resolve_warn_at: datetime | None

    def as_fields(self) -> dict[str, datetime | None]:
        return {
            "respond_due": self.respond_due,
            "resolve_due": self.resolve_due,
            "respond_warn_at": self.respond_warn_at,
            "resolve_warn_at": self.resolve_warn_at,
        }


def deadlines_from(
    clock: Clock,
    start: datetime,
    respond_minutes: int | None,
    resolve_minutes: int | None,
    *,
    percent: int,
    hotline_deadline: datetime | None = None,
) -> Deadlines:
    """Deadlines counted from ``start``; the hotline's deadline caps both."""
    respond = clock.add(start, respond_minutes) if respond_minutes is not None else None
    resolve = clock.add(start, resolve_minutes) if resolve_minutes is not None else None
    if hotline_deadline is not None:
        resolve = min(resolve, hotline_deadline) if resolve else hotline_deadline
    if respond is not None and resolve is not None:
        respond = min(respond, resolve)
    return Deadlines(
        respond,
        resolve,
        clock.warn_at(start, respond, percent) if respond else None,
        clock.warn_at(start, resolve, percent) if resolve else None,
    )


def chase_schedule(case: Case, clock: Clock, settings: CaseSettings) -> dict[str, datetime]:
    """Every reminder of the case with its moment, sent or not; none unless it is running."""
    if case.state not in RUNNING:
        return {}
    schedule: dict[str, datetime] = {}
    pending = [(RESOLVE_KEYS, case.resolve_warn_at, case.resolve_due)]
    if case.responded_at is None:
        pending.append((RESPOND_KEYS, case.respond_warn_at, case.respond_due))
    for (warn_key, overdue_key, escalate_key), warn, due in pending:
        if due is None:
            continue
        if warn is not None:
            schedule[warn_key] = warn
        schedule[overdue_key] = due
        schedule[escalate_key] = clock.add(due, clock.day_minutes)
    # Progress is counted in working time even for an emergency: the prompt is the desk's.
    schedule[IDLE] = clock.working().add(case.last_progress_at, settings.idle_hours * 60)
    return schedule


def next_due(case: Case, clock: Clock, settings: CaseSettings) -> datetime | None:
    """The earliest reminder of the case not yet sent (None: nothing to chase)."""
    sent = set(case.reminders_sent)
    moments = [at for key, at in chase_schedule(case, clock, settings).items() if key not in sent]
    return min(moments, default=None)
