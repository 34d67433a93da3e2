"""Chasing (催办): the beat's scan that sends every reminder due, once.

``cases_chase(now)`` finds the cases whose ``next_due`` has come with one range scan of the
partial index ``case_next_due`` (only running cases have a ``next_due``), then, for up to
``CHUNK`` cases per transaction:

- locks them (``SELECT … FOR UPDATE SKIP LOCKED``, one statement: a case someone is
  changing right now is left to the next tick, which is a minute away);
- recomputes each one's schedule (``complaints.deadlines.chase_schedule``) and takes the
  reminders whose moment has come and whose key is not yet in ``reminders_sent``;
- writes all their messages (``messages_send``: deliveries in this same transaction, one
  insert), one timeline entry each (one insert), and each case's keys into
  ``reminders_sent`` with its next ``next_due`` (one update).

The messages, the timeline and the keys commit together or not at all: a worker killed
half-way leaves its cases as they were, to be chased by the next tick, and a case chased
twice (two ticks, a redelivered task, two beats) finds its keys already sent. A case
paused, resolved, closed or withdrawn has no ``next_due`` and is never found. A few
statements per chunk rather than a few per case: ten cases due cost 88 round trips one
case at a time.

Who is told:

    respond_warn / resolve_warn         the department (robot and inboxes); the desk's
                                        clerk who recorded it while no department has it
    respond_overdue / resolve_overdue   the site's supervisors
    respond_escalate / resolve_escalate the manager (CaseSettings.manager); the
                                        supervisors when no manager is named
    idle                                the clerk who recorded it

A warning found only once its deadline has passed too (the beat was down) is not sent:
the overdue message says more, and the key is kept as sent all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import Case, CaseEvent, CaseSettings, Category
from complaints.services.changes import case_message, local
from complaints.states import RUNNING
from frontdesk.channels.recipients import Recipient, Staff
from frontdesk.channels.services.messages import (
    Outgoing,
    department_recipients,
    departments_recipients,
    messages_send,
)
from frontdesk.models import Department, Site, User

# Message purposes (complaints/area.py, message_purposes).
CASE_DUE_SOON = "case_due_soon"
CASE_OVERDUE = "case_overdue"
CASE_IDLE = "case_idle"

# Cases chased by one run; the task runs again at once when more were due (a backlog
# after an outage goes out in runs of this size, each of short transactions).
BATCH = 500
# Cases locked and written by one transaction: a page saving one of them waits at most
# for one chunk's few statements.
CHUNK = 50

WARN = {deadlines.RESPOND_WARN, deadlines.RESOLVE_WARN}
OVERDUE = {deadlines.RESPOND_OVERDUE, deadlines.RESOLVE_OVERDUE}
ESCALATE = {deadlines.RESPOND_ESCALATE, deadlines.RESOLVE_ESCALATE}
# A warning is moot once its deadline's overdue message goes out with it.
SUPERSEDED_BY = {
    deadlines.RESPOND_WARN: deadlines.RESPOND_OVERDUE,
    deadlines.RESOLVE_WARN: deadlines.RESOLVE_OVERDUE,
}
# The order in which one case's reminders due together are written.
ORDER = [
    deadlines.RESPOND_WARN,
    deadlines.RESPOND_OVERDUE,
    deadlines.RESPOND_ESCALATE,
    deadlines.RESOLVE_WARN,
    deadlines.RESOLVE_OVERDUE,
    deadlines.RESOLVE_ESCALATE,
    deadlines.IDLE,
]


@dataclass
class ChaseReport:
    """What one run did: the cases it looked at and the reminders it sent."""

    cases: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    # More cases were due than one run takes.
    more: bool = False

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def cases_due(now: datetime, limit: int = BATCH) -> list[int]:
    """The ids of the cases whose next reminder is due, earliest first: one range scan of
    the partial index ``case_next_due``, whatever the number of cases."""
    return list(
        Case.objects.filter(next_due__lte=now)
        .order_by("next_due")
        .values_list("id", flat=True)[:limit]
    )


def cases_chase(now: datetime | None = None, *, limit: int = BATCH) -> ChaseReport:
    """Send every reminder due at ``now`` (see the module), each once."""
    now = now or timezone.now()
    report = ChaseReport()
    due = cases_due(now, limit + 1)
    report.more = len(due) > limit
    due = due[:limit]
    context = _Context()
    context.load(due)
    for start in range(0, len(due), CHUNK):
        chunk = due[start : start + CHUNK]
        report.cases += len(chunk)
        for key in _chase(chunk, now, context):
            report.sent[key] = report.sent.get(key, 0) + 1
    return report


# What a reminder reads of its case, loaded for the run's cases at once.
RELATED = ("site", "department", "category", "created_by")


class _Context:
    """What the cases of one run share: each site's settings, clock and supervisors."""

    def __init__(self) -> None:
        self._settings: dict[int, CaseSettings] = {}
        self._clocks: dict[tuple[int, bool], Clock] = {}
        self._supervisors: dict[int, list[User]] = {}
        self._places: dict[int, str] = {}
        self._related: dict[int, Case] = {}
        self._departments: dict[int, list[Recipient]] = {}

    def load(self, ids: list[int]) -> None:
        """What each case of the run names (its site, department, category, clerk) and
        where it is (3栋2单元1201), read for all of them at once: the lock of each case
        then reads its row alone (joined to six more, PostgreSQL took ~1.5 ms a case
        to plan it)."""
        # Joined to the places only, the rest in a query each: eight relations joined
        # took PostgreSQL ~8 ms to plan.
        cases = (
            Case.objects.filter(pk__in=ids)
            .select_related("house__building", "building")
            .prefetch_related(
                "site",
                "department",
                "created_by",
                Prefetch("category", Category.objects.select_related("parent")),
            )
        )
        self._related = {case.pk: case for case in cases}
        self._places = {case.pk: case.where for case in cases}
        departments = {case.department_id for case in cases} - {None}
        self._departments = departments_recipients(departments) if departments else {}

    def attach(self, case: Case) -> None:
        """The relations read by ``load`` on the locked row, where it still names them."""
        read = self._related.get(case.pk)
        for name in RELATED:
            if read is not None and getattr(read, f"{name}_id") == getattr(case, f"{name}_id"):
                setattr(case, name, getattr(read, name))

    def place(self, case: Case) -> str:
        if case.pk not in self._places:
            self._places[case.pk] = case.where
        return self._places[case.pk]

    def settings(self, site: Site) -> CaseSettings:
        if site.pk not in self._settings:
            self._settings[site.pk] = CaseSettings.of(site)
        return self._settings[site.pk]

    def clock(self, case: Case) -> Clock:
        key = (case.site_id, case.calendar_time)
        if key not in self._clocks:
            self._clocks[key] = Clock.for_case(case)
        return self._clocks[key]

    def department(self, department: Department) -> list[Recipient]:
        """Its robots and members, read once a run for all the run's departments."""
        if department.pk not in self._departments:
            self._departments[department.pk] = department_recipients(department)
        return self._departments[department.pk]

    def supervisors(self, site: Site) -> list[User]:
        if site.pk not in self._supervisors:
            self._supervisors[site.pk] = case_supervisors(site)
        return self._supervisors[site.pk]


def case_supervisors(site: Site) -> list[User]:
    """The site's supervisors: its active staff who may set its chasing rules."""
    return list(
        User.objects.filter(is_active=True, sites=site)
        .filter(
            models.Q(
                groups__permissions__codename="change_casesettings",
                groups__permissions__content_type__app_label="complaints",
            )
            | models.Q(
                user_permissions__codename="change_casesettings",
                user_permissions__content_type__app_label="complaints",
            )
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def _chase(ids: list[int], now: datetime, context: _Context) -> list[str]:
    """Chase these cases in one transaction: the keys of the reminders sent (none for a
    case no longer due, or being changed by someone else right now: it waits for the
    next tick)."""
    cases = list(
        Case.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids, next_due__lte=now, state__in=sorted(RUNNING))
        .order_by("next_due", "pk")
    )
    told, outgoing, events = [], [], []
    for case in cases:
        context.attach(case)
        settings = context.settings(case.site)
        clock = context.clock(case)
        schedule = deadlines.chase_schedule(case, clock, settings)
        sent = set(case.reminders_sent)
        due = [k for k in ORDER if k in schedule and k not in sent and schedule[k] <= now]
        for key in due:
            if SUPERSEDED_BY.get(key) in due:
                continue
            message, event = _remind(case, key, schedule[key], now, context)
            if message is not None:
                outgoing.append(message)
            events.append(event)
            told.append(key)
        case.reminders_sent = [*case.reminders_sent, *due]
        case.next_due = deadlines.next_due(case, clock, settings)
    messages_send(outgoing)
    CaseEvent.objects.bulk_create(events)
    # The rows are locked: the versions they were read at still hold. The version is not
    # raised: a reminder changes nothing a person set, and a page open on the case can
    # still be saved.
    Case.objects.bulk_update(cases, ["reminders_sent", "next_due"])
    return told


def _remind(
    case: Case, key: str, moment: datetime, now: datetime, context: _Context
) -> tuple[Outgoing | None, CaseEvent]:
    """One reminder: its message for the channels (None when nobody is set up to be
    told), and its entry for the timeline."""
    recipients, names = _recipients(case, key, context)
    purpose, subject, text = _message(
        case, key, context.settings(case.site).warn_percent, context.place(case)
    )
    message = None
    if recipients:
        message = Outgoing(
            site=case.site,
            recipients=recipients,
            message=case_message(case, purpose=purpose, subject=subject, text=text),
            about=case,
        )
    told = "、".join(names) if names else _("nobody (no one to tell is set up)")
    return message, CaseEvent(
        case=case,
        at=now,
        by=None,
        kind=CaseEvent.Kind.REMINDER_SENT
        if key in WARN or key == deadlines.IDLE
        else CaseEvent.Kind.ESCALATED,
        from_state=case.state,
        to_state=case.state,
        department=case.department,
        note=_("%(subject)s. Told: %(told)s") % {"subject": subject, "told": told},
        data={"reminder": key, "at": moment, "told": names},
    )


def _staff_name(user: User) -> str:
    return user.get_full_name() or user.username


def _recipients(case: Case, key: str, context: _Context) -> tuple[list[Recipient], list[str]]:
    """Who the reminder goes to, and their names for the timeline."""
    if key in WARN and case.department is not None:
        return context.department(case.department), [str(case.department)]
    if key in WARN or key == deadlines.IDLE:
        clerk = case.created_by
        if clerk.is_active:
            return [Staff(clerk)], [_staff_name(clerk)]
        # The clerk has left: the case is not forgotten with them.
        people = context.supervisors(case.site)
    elif key in ESCALATE:
        manager = context.settings(case.site).manager
        people = [manager] if manager is not None and manager.is_active else []
        people = people or context.supervisors(case.site)
    else:
        people = context.supervisors(case.site)
    return [Staff(user) for user in people], [_staff_name(user) for user in people]


def _message(case: Case, key: str, percent: int, where: str) -> tuple[str, str, str]:
    """(purpose, subject, text) of one reminder."""
    values = {
        "number": case.number,
        "category": case.category.full_name,
        "where": where or "—",
        "department": case.department or _("the desk"),
        "respond": local(case.respond_due),
        "resolve": local(case.resolve_due),
        "since": local(case.last_progress_at),
        "percent": percent,
    }
    about = _("%(category)s, %(where)s, with %(department)s.") % values
    if key == deadlines.RESPOND_WARN:
        return (
            CASE_DUE_SOON,
            _("Case %(number)s: respond by %(respond)s") % values,
            _("%(percent)s%% of the time to respond is used. %(about)s")
            % {**values, "about": about},
        )
    if key == deadlines.RESOLVE_WARN:
        return (
            CASE_DUE_SOON,
            _("Case %(number)s: resolve by %(resolve)s") % values,
            _("%(percent)s%% of the time to resolve it is used. %(about)s")
            % {**values, "about": about},
        )
    if key == deadlines.RESPOND_OVERDUE:
        return (
            CASE_OVERDUE,
            _("Case %(number)s not responded to by %(respond)s") % values,
            about,
        )
    if key == deadlines.RESOLVE_OVERDUE:
        return (
            CASE_OVERDUE,
            _("Case %(number)s not resolved by %(resolve)s") % values,
            about,
        )
    if key == deadlines.RESPOND_ESCALATE:
        return (
            CASE_OVERDUE,
            _("Case %(number)s still not responded to a day after %(respond)s") % values,
            about,
        )
    if key == deadlines.RESOLVE_ESCALATE:
        return (
            CASE_OVERDUE,
            _("Case %(number)s still not resolved a day after %(resolve)s") % values,
            about,
        )
    return (
        CASE_IDLE,
        _("Case %(number)s: no progress since %(since)s") % values,
        _("Ask %(department)s how it is going. %(about)s") % {**values, "about": about},
    )
