"""Working a case: to a department and between departments, accepted, noted, paused and
resumed, resolved, withdrawn, its deadline changed.

Each service takes the case as its author saw it (and ``version``, the version the page
showed, when the case was read again since): a change is one conditional UPDATE
(``services.changes.case_change``), so of two people acting at once the second gets a
``Conflict`` and nothing of theirs is written. Bad input is a ValidationError beside the
field; an action the case's state does not allow is ``states.IllegalTransition``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import (
    FEEDBACK_DAYS,
    Case,
    CaseEvent,
    CasePhoto,
    new_feedback_token,
)
from complaints.photos import check_photo_count, photos_attach
from complaints.services.cases import department_tell_assigned
from complaints.services.changes import Step, case_change, case_tell
from complaints.states import RUNNING, Action, transition
from frontdesk.channels.recipients import DepartmentStaff, Staff
from frontdesk.models import Department, Site, User
from frontdesk.scoping import check_same_site

CASE_HANDED_BACK = "case_handed_back"
CASE_WITHDRAWN = "case_withdrawn"
PAUSE_CLEARED = {
    "paused_since": None,
    "pause_kind": "",
    "pause_reason": "",
    "resume_expected": None,
}


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _department_to(site: Site, department: Department) -> None:
    check_same_site(site, department=department)
    if not department.is_active:
        raise ValidationError({"department": _("This department is no longer active.")})


@transaction.atomic
def case_assign(
    *,
    site: Site,
    user: User,
    case: Case,
    department: Department,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """派单: send a case waiting at the desk to a department, which is told at once."""
    _department_to(site, department)
    now = now or timezone.now()
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.ASSIGN, CaseEvent.Kind.ASSIGNED, note.strip(), department)],
        changes={"department": department, "handler": None},
        version=version,
        now=now,
    )
    department_tell_assigned(site=site, user=user, case=case)
    return case


@transaction.atomic
def case_transfer(
    *,
    site: Site,
    user: User,
    case: Case,
    department: Department,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """转办: move a case to another department (of the same site), with the reason; the
    new department has to accept it, and is told. Its deadlines stay: the resident's
    wait does not start again."""
    transition(case.state, Action.TRANSFER)
    _department_to(site, department)
    reason = _required(reason, "reason", _("Say why the case is transferred."))
    if department.pk == case.department_id:
        raise ValidationError({"department": _("The case is already with this department.")})
    now = now or timezone.now()
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[
            Step(
                Action.TRANSFER,
                CaseEvent.Kind.TRANSFERRED,
                reason,
                department,
                {"from_department": case.department_id},
            )
        ],
        changes={"department": department, "handler": None},
        version=version,
        now=now,
    )
    department_tell_assigned(site=site, user=user, case=case, reason=reason)
    return case


@transaction.atomic
def case_hand_back(
    *,
    site: Site,
    user: User,
    case: Case,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """退回: the department gives the case back to the desk (not theirs, not enough to go
    on), with the reason; it waits at the desk without a department, and the clerk who
    recorded it is told."""
    transition(case.state, Action.HAND_BACK)
    reason = _required(reason, "reason", _("Say why the case is handed back."))
    now = now or timezone.now()
    department = case.department
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.HAND_BACK, CaseEvent.Kind.HANDED_BACK, reason, department)],
        changes={"department": None, "handler": None},
        version=version,
        now=now,
    )
    values = {"number": case.number, "department": department or "—", "reason": reason}
    case_tell(
        site=site,
        user=user,
        case=case,
        recipients=[Staff(case.created_by)],
        purpose=CASE_HANDED_BACK,
        subject=_("Case %(number)s handed back by %(department)s") % values,
        text=_("Reason: %(reason)s") % values,
    )
    return case


@transaction.atomic
def case_accept(
    *, site: Site, user: User, case: Case, version: int | None = None, now: datetime | None = None
) -> Case:
    """接单: the department takes the case on (again, when reopened); the first
    acceptance is its response."""
    now = now or timezone.now()
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.ACCEPT, CaseEvent.Kind.ACCEPTED, department=case.department)],
        changes={"handler": user, "responded_at": case.responded_at or now},
        version=version,
        now=now,
    )
    return case


@transaction.atomic
def case_note(
    *,
    site: Site,
    user: User,
    case: Case,
    note: str,
    photos: Sequence[ContentFile] = (),
    now: datetime | None = None,
) -> CaseEvent:
    """进展: a note (and photos) on the timeline. Notes never conflict with each other or
    with a change of state: the case's row is locked, not versioned, and only its last
    progress (and so its next reminder) moves."""
    note = _required(note, "note", _("Write what was done or found."))
    check_photo_count(photos)
    now = now or timezone.now()
    locked = Case.objects.for_site(site).select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise Case.DoesNotExist
    transition(locked.state, Action.NOTE)
    locked.last_progress_at = now
    locked.reminders_sent = [k for k in locked.reminders_sent if k != deadlines.IDLE]
    next_due = None
    if locked.state in RUNNING:
        clock, settings = deadlines.rules(site, calendar_time=locked.calendar_time)
        next_due = deadlines.next_due(locked, clock, settings)
    Case.objects.filter(pk=case.pk).update(
        last_progress_at=now, reminders_sent=locked.reminders_sent, next_due=next_due
    )
    case.last_progress_at, case.reminders_sent, case.next_due = now, locked.reminders_sent, next_due
    (event,) = CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                at=now,
                by=user,
                kind=CaseEvent.Kind.NOTE,
                from_state=locked.state,
                to_state=locked.state,
                note=note,
            )
        ]
    )
    photos_attach(case=case, event=event, photos=photos, kind=CasePhoto.Kind.PROGRESS)
    return event


@transaction.atomic
def case_pause(
    *,
    site: Site,
    user: User,
    case: Case,
    kind: str,
    reason: str,
    resume_expected: date | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """挂起: stop the clock while waiting for the resident, parts or a third party, with
    the reason and the day work is expected to go on. No reminder fires while paused."""
    transition(case.state, Action.PAUSE)
    if kind not in Case.PauseKind.values:
        raise ValidationError({"kind": _("Say what the case is waiting for.")})
    reason = _required(reason, "reason", _("Say why the case is paused."))
    now = now or timezone.now()
    if resume_expected is not None and resume_expected < timezone.localdate(now):
        raise ValidationError({"resume_expected": _("This date is already past.")})
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[
            Step(
                Action.PAUSE,
                CaseEvent.Kind.PAUSED,
                reason,
                data={"kind": kind, "resume_expected": resume_expected},
            )
        ],
        changes={
            "paused_since": now,
            "pause_kind": kind,
            "pause_reason": reason,
            "resume_expected": resume_expected,
        },
        version=version,
        now=now,
    )
    return case


@transaction.atomic
def case_resume(
    *,
    site: Site,
    user: User,
    case: Case,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Start the clock again: every pending deadline and reminder moves on by the working
    minutes the pause lasted (calendar minutes for an emergency). The hotline's own
    deadline does not wait, and still caps the resolution."""
    transition(case.state, Action.RESUME)
    now = now or timezone.now()
    clock = Clock.for_case(case)
    paused = clock.between(case.paused_since, now)
    moved = {
        name: clock.shift(getattr(case, name), paused)
        for name in ("respond_due", "respond_warn_at", "resolve_due", "resolve_warn_at")
    }
    if case.hotline_deadline is not None and moved["resolve_due"] is not None:
        moved["resolve_due"] = min(moved["resolve_due"], case.hotline_deadline)
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[
            Step(
                Action.RESUME,
                CaseEvent.Kind.RESUMED,
                note.strip(),
                data={
                    "paused_minutes": paused,
                    "resolve_due": {"from": case.resolve_due, "to": moved["resolve_due"]},
                },
            )
        ],
        changes={
            **moved,
            **PAUSE_CLEARED,
            "paused_minutes": case.paused_minutes + paused,
        },
        version=version,
        now=now,
        clock=clock,
    )
    return case


@transaction.atomic
def case_resolve(
    *,
    site: Site,
    user: User,
    case: Case,
    note: str,
    photos: Sequence[ContentFile] = (),
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """办结: the department says what was done (and shows it: after-photos). The case
    enters the desk's call-back queue, due one working day later, and gets the resident's
    feedback link, valid for 30 days."""
    transition(case.state, Action.RESOLVE)
    note = _required(note, "note", _("Say how the case was resolved."))
    check_photo_count(photos)
    now = now or timezone.now()
    clock = Clock.for_case(case).working()
    (event,) = case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.RESOLVE, CaseEvent.Kind.RESOLVED, note, case.department)],
        changes={
            "resolved_at": now,
            "resolution": note,
            "handler": case.handler or user,
            "callback_due": clock.add(now, clock.day_minutes),
            "callback_attempts": 0,
            "feedback_token": new_feedback_token(),
            "feedback_expires_at": now + timedelta(days=FEEDBACK_DAYS),
            "feedback_at": None,
        },
        version=version,
        now=now,
        clock=clock,
    )
    photos_attach(case=case, event=event, photos=photos, kind=CasePhoto.Kind.AFTER)
    return case


@transaction.atomic
def case_withdraw(
    *,
    site: Site,
    user: User,
    case: Case,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """撤销: the resident no longer wants it (or it was recorded by mistake); the
    department working on it is told to stop."""
    transition(case.state, Action.WITHDRAW)
    reason = _required(reason, "reason", _("Say why the case is withdrawn."))
    now = now or timezone.now()
    department = case.department
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.WITHDRAW, CaseEvent.Kind.WITHDRAWN, reason, department)],
        changes={"closed_at": now, **PAUSE_CLEARED},
        version=version,
        now=now,
    )
    if department is not None:
        values = {"number": case.number, "reason": reason}
        case_tell(
            site=site,
            user=user,
            case=case,
            recipients=[DepartmentStaff(department)],
            purpose=CASE_WITHDRAWN,
            subject=_("Case %(number)s withdrawn") % values,
            text=_("No need to go on with it. Reason: %(reason)s") % values,
        )
    return case


@transaction.atomic
def case_deadline_change(
    *,
    site: Site,
    user: User,
    case: Case,
    resolve_due: datetime,
    reason: str,
    respond_due: datetime | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Set new deadlines (agreed with the resident, or set by a supervisor), with the
    reason; their reminders are sent again against the new ones."""
    transition(case.state, Action.CHANGE_DEADLINE)
    reason = _required(reason, "reason", _("Say why the deadline changes."))
    now = now or timezone.now()
    errors = {}
    if resolve_due <= now:
        errors["resolve_due"] = _("This deadline is already past.")
    if respond_due is not None and case.responded_at is None:
        if respond_due <= now:
            errors["respond_due"] = _("This deadline is already past.")
        elif respond_due > resolve_due:
            errors["respond_due"] = _("The response cannot be due after the resolution.")
    if errors:
        raise ValidationError(errors)
    clock, settings = deadlines.rules(site, calendar_time=case.calendar_time)
    percent = settings.warn_percent
    changes = {
        "resolve_due": resolve_due,
        "resolve_warn_at": clock.warn_at(now, resolve_due, percent),
    }
    forget = list(deadlines.RESOLVE_KEYS)
    data = {"resolve_due": {"from": case.resolve_due, "to": resolve_due}}
    if respond_due is not None and case.responded_at is None:
        changes.update(
            respond_due=respond_due, respond_warn_at=clock.warn_at(now, respond_due, percent)
        )
        forget += deadlines.RESPOND_KEYS
        data["respond_due"] = {"from": case.respond_due, "to": respond_due}
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.CHANGE_DEADLINE, CaseEvent.Kind.DEADLINE_CHANGED, reason, data=data)],
        changes=changes,
        version=version,
        now=now,
        forget=forget,
        progress=False,
        clock=clock,
    )
    return case
