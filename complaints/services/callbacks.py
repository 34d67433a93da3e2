"""After the resolution: the call-back (回访), the resident's answer by link, reopening and
closing.

- A call not answered is counted; the third closes the case as unreachable.
- A resident reached gives satisfaction 1–5, a comment, and says whether the problem is
  solved. “Not solved” or a rating of 1 or 2 reopens the case (back to the same department,
  counted); otherwise it is called back and closed, except a 12345 case, which waits
  called back until the desk records the reply sent to the hotline and its verdict.
- The resident may answer from the feedback link instead (``case_feedback_from_link``):
  one answer per resolution, within 30 days; after that the link says why it no longer
  works. A call-back recorded first uses up the link, and the other way round.
- Praise needs no call-back (closed from resolved), and a case the desk dealt with itself
  is closed while still registered.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import CallbackAttempt, Case, CaseEvent, CaseSettings
from complaints.services.changes import Step, case_change, case_tell
from complaints.states import Action, State, transition
from frontdesk.channels.recipients import DepartmentStaff
from frontdesk.conflicts import Conflict
from frontdesk.models import Site, User

CASE_REOPENED = "case_reopened"
# Three calls not answered and the desk stops trying.
MAX_CALLBACK_ATTEMPTS = 3
# A rating this low reopens the case even when the resident calls it solved.
REOPEN_AT_OR_BELOW = 2
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class FeedbackLinkError(ValidationError):
    """The feedback link cannot take an answer: unknown (mistyped, tampered with),
    expired, already answered, or the case is no longer waiting for one."""

    INVALID, EXPIRED, ANSWERED, CLOSED = "invalid", "expired", "answered", "closed"

    def __init__(self, code: str):
        messages = {
            self.INVALID: _("This feedback link is not valid. Check it, or call the service desk."),
            self.EXPIRED: _(
                "This feedback link has expired. Call the service desk to give feedback."
            ),
            self.ANSWERED: _("Feedback was already given for this case. Thank you."),
            self.CLOSED: _("This case is no longer waiting for feedback."),
        }
        super().__init__(messages[code], code=code)


def _check_feedback(rating: int | None, solved: bool | None) -> None:
    errors = {}
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = _("Give a rating from 1 to 5.")
    if solved is None:
        errors["solved"] = _("Say whether the problem is solved.")
    if errors:
        raise ValidationError(errors)


def _reopen(case: Case, clock: Clock, settings: CaseSettings, now: datetime) -> dict:
    """Back to the same department with new deadlines, counted from now."""
    respond, resolve = (
        (None, None)
        if case.kind == Case.Kind.PRAISE
        else deadlines.allowance(case.category, case.urgency)
    )
    due = deadlines.deadlines_from(
        clock,
        now,
        respond,
        resolve,
        percent=settings.warn_percent,
        hotline_deadline=case.hotline_deadline,
    )
    return {
        **due.as_fields(),
        "reopen_count": case.reopen_count + 1,
        "responded_at": None,
        "resolved_at": None,
        "callback_due": None,
    }


def _outcome(
    case: Case, *, rating: int, solved: bool, now: datetime, clock: Clock, settings: CaseSettings
) -> tuple[list[Step], dict]:
    """What a resident's answer leads to: reopened, closed, or (12345) called back."""
    if not solved or rating <= REOPEN_AT_OR_BELOW:
        reason = _("The resident is not satisfied.")
        return [Step(Action.REOPEN, CaseEvent.Kind.REOPENED, reason, case.department)], _reopen(
            case, clock, settings, now
        )
    if case.source == Case.Source.HOTLINE:
        return [], {}
    return [Step(Action.CLOSE, CaseEvent.Kind.CLOSED)], {
        "closed_at": now,
        "close_reason": Case.CloseReason.SATISFIED,
    }


def _tell_reopened(*, site: Site, user: User | None, case: Case, reason: str) -> None:
    if case.department is None:
        return
    values = {"number": case.number, "count": case.reopen_count, "reason": reason}
    case_tell(
        site=site,
        user=user,
        case=case,
        recipients=[DepartmentStaff(case.department)],
        purpose=CASE_REOPENED,
        subject=_("Case %(number)s reopened (%(count)s)") % values,
        text=_("Reason: %(reason)s") % values,
    )


@transaction.atomic
def case_callback(
    *,
    site: Site,
    user: User,
    case: Case,
    reached: bool,
    rating: int | None = None,
    solved: bool | None = None,
    comment: str = "",
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Record a call-back: not reached (the third closes the case as unreachable), or
    the resident's satisfaction (which reopens, closes, or for 12345 leaves it called
    back). The attempt itself is kept either way."""
    if case.skips_callback:
        raise ValidationError(_("Praise needs no call-back: close the case instead."))
    transition(case.state, Action.CALL_BACK if reached else Action.CALLBACK_FAILED)
    now = now or timezone.now()
    comment, note = comment.strip(), note.strip()
    if not reached:
        attempts = case.callback_attempts + 1
        steps = [
            Step(
                Action.CALLBACK_FAILED,
                CaseEvent.Kind.CALLBACK_FAILED,
                note,
                data={"attempt": attempts},
            )
        ]
        changes: dict = {"callback_attempts": attempts}
        if attempts >= MAX_CALLBACK_ATTEMPTS:
            steps.append(Step(Action.CLOSE, CaseEvent.Kind.CLOSED, _("Resident not reached.")))
            changes.update(closed_at=now, close_reason=Case.CloseReason.UNREACHABLE)
        case_change(
            site=site,
            user=user,
            case=case,
            steps=steps,
            changes=changes,
            version=version,
            now=now,
            progress=False,
        )
    else:
        _check_feedback(rating, solved)
        clock, settings = deadlines.rules(site, calendar_time=case.calendar_time)
        then, changes = _outcome(
            case, rating=rating, solved=solved, now=now, clock=clock, settings=settings
        )
        data = {"rating": rating, "solved": solved, "comment": comment, "via": "phone"}
        case_change(
            site=site,
            user=user,
            case=case,
            steps=[Step(Action.CALL_BACK, CaseEvent.Kind.CALLED_BACK, note, data=data), *then],
            changes={
                **changes,
                "rating": rating,
                "solved": solved,
                "satisfaction_comment": comment,
                "feedback_via": Case.FeedbackVia.PHONE,
                "feedback_at": now,
            },
            version=version,
            now=now,
            forget=[*deadlines.RESPOND_KEYS, *deadlines.RESOLVE_KEYS],
            clock=clock,
        )
        if case.state == State.REOPENED:
            reason = _("Not satisfied at the call-back.")
            _tell_reopened(site=site, user=user, case=case, reason=reason)
    CallbackAttempt.objects.create(case=case, at=now, by=user, reached=reached, note=note)
    return case


@transaction.atomic
def case_reopen(
    *,
    site: Site,
    user: User,
    case: Case,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """重新打开: the resident comes back unhappy after the resolution; the case goes back
    to the same department with new deadlines, and the reopening is counted."""
    transition(case.state, Action.REOPEN)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    now = now or timezone.now()
    clock, settings = deadlines.rules(site, calendar_time=case.calendar_time)
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.REOPEN, CaseEvent.Kind.REOPENED, reason, case.department)],
        changes=_reopen(case, clock, settings, now),
        version=version,
        now=now,
        forget=[*deadlines.RESPOND_KEYS, *deadlines.RESOLVE_KEYS],
        clock=clock,
    )
    _tell_reopened(site=site, user=user, case=case, reason=reason)
    return case


@transaction.atomic
def case_close(
    *,
    site: Site,
    user: User,
    case: Case,
    note: str = "",
    hotline_reply: str = "",
    hotline_result: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """结案. From *called back* (the resident was satisfied); from *registered* when the
    desk dealt with the case itself (saying how); from *resolved* only for praise, which
    needs no call-back. A 12345 case is closed with the reply sent to the hotline and the
    hotline's verdict."""
    transition(case.state, Action.CLOSE)
    note, hotline_reply = note.strip(), hotline_reply.strip()
    errors = {}
    if case.state == State.REGISTERED:
        reason = Case.CloseReason.DESK
        if not note:
            errors["note"] = _("Say how the desk dealt with it.")
    elif case.state == State.RESOLVED:
        if not case.skips_callback:
            raise ValidationError(_("A resolved case is closed by its call-back."))
        reason = Case.CloseReason.NO_CALLBACK
    else:
        reason = Case.CloseReason.SATISFIED
    if case.source == Case.Source.HOTLINE:
        if not hotline_reply:
            errors["hotline_reply"] = _("Record the reply sent to the 12345 hotline.")
        if hotline_result not in Case.HotlineResult.values:
            errors["hotline_result"] = _("Record the hotline's satisfaction result.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    changes = {"closed_at": now, "close_reason": reason}
    if case.source == Case.Source.HOTLINE:
        changes.update(hotline_reply=hotline_reply, hotline_result=hotline_result)
    case_change(
        site=site,
        user=user,
        case=case,
        steps=[Step(Action.CLOSE, CaseEvent.Kind.CLOSED, note, data={"reason": reason})],
        changes=changes,
        version=version,
        now=now,
    )
    return case


@transaction.atomic
def case_feedback_from_link(
    *,
    token: str,
    rating: int | None,
    solved: bool | None,
    comment: str = "",
    now: datetime | None = None,
) -> Case:
    """The resident's answer from the feedback link (/s/<token>/, no login): as a
    call-back that reached them, recorded by nobody. FeedbackLinkError when the link
    cannot take it; ValidationError for a missing rating or answer."""
    now = now or timezone.now()
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise FeedbackLinkError(FeedbackLinkError.INVALID)
    case = Case.objects.select_related("site", "category").filter(feedback_token=token).first()
    if case is None:
        raise FeedbackLinkError(FeedbackLinkError.INVALID)
    if case.feedback_at is not None:
        raise FeedbackLinkError(FeedbackLinkError.ANSWERED)
    if case.feedback_expires_at is None or case.feedback_expires_at <= now:
        raise FeedbackLinkError(FeedbackLinkError.EXPIRED)
    if case.state != State.RESOLVED:
        raise FeedbackLinkError(FeedbackLinkError.CLOSED)
    _check_feedback(rating, solved)
    comment = comment.strip()[:500]
    site = case.site
    clock, settings = deadlines.rules(site, calendar_time=case.calendar_time)
    then, changes = _outcome(
        case, rating=rating, solved=solved, now=now, clock=clock, settings=settings
    )
    data = {"rating": rating, "solved": solved, "comment": comment, "via": "link"}
    try:
        case_change(
            site=site,
            user=None,
            case=case,
            steps=[Step(Action.CALL_BACK, CaseEvent.Kind.CALLED_BACK, data=data), *then],
            changes={
                **changes,
                "rating": rating,
                "solved": solved,
                "satisfaction_comment": comment,
                "feedback_via": Case.FeedbackVia.LINK,
                "feedback_at": now,
            },
            now=now,
            forget=[*deadlines.RESPOND_KEYS, *deadlines.RESOLVE_KEYS],
            clock=clock,
        )
    except Conflict as conflict:
        # A clerk's call-back (or a second tap) got there first.
        answered = conflict.obj.feedback_at is not None
        raise FeedbackLinkError(
            FeedbackLinkError.ANSWERED if answered else FeedbackLinkError.CLOSED
        ) from None
    if case.state == State.REOPENED:
        _tell_reopened(site=site, user=None, case=case, reason=_("Not satisfied (feedback link)."))
    return case
