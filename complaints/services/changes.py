"""The one way a case changes state: a conditional UPDATE and its timeline entries.

Every service of ``complaints.services`` that moves a case calls ``case_change``. It
checks the steps against ``complaints.states``, then writes the new state and fields with
``UPDATE … WHERE id = … AND site = … AND state = <seen> AND version = <seen>``: when no
row changes, someone else changed the case since it was read, and ``Conflict`` names who
and when; nothing is written. Otherwise each step gets its ``CaseEvent``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import Case, CaseEvent
from complaints.states import RUNNING, transition
from frontdesk.channels.recipients import Message, Recipient
from frontdesk.channels.services.messages import message_send
from frontdesk.conflicts import Conflict
from frontdesk.models import Department, Site, User


@dataclass
class Step:
    """One action of a change and the timeline entry that records it."""

    action: str
    event: str
    note: str = ""
    department: Department | None = None
    data: dict[str, Any] = field(default_factory=dict)


def case_change(
    *,
    site: Site,
    user: User | None,
    case: Case,
    steps: Sequence[Step],
    changes: dict[str, Any] | None = None,
    version: int | None = None,
    now: datetime,
    progress: bool = True,
    forget: Iterable[str] = (),
    clock: Clock | None = None,
) -> list[CaseEvent]:
    """Apply ``steps`` (and ``changes`` to fields) to ``case`` as its author saw it.

    ``version`` is the version the author saw (a page's hidden field), by default the
    case's own. ``progress`` counts the change as progress (the no-progress prompt starts
    again); ``forget`` names reminders to send again (a new deadline). The case object is
    updated in place. Another site's case is Case.DoesNotExist.
    """
    if case.site_id != site.pk:
        raise Case.DoesNotExist
    changes = dict(changes or {})
    state = case.state
    for step in steps:
        state = transition(state, step.action)
    seen = case.version if version is None else version

    draft = copy.copy(case)
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.state = state
    forgotten = set(forget) | ({deadlines.IDLE} if progress else set())
    draft.reminders_sent = [key for key in case.reminders_sent if key not in forgotten]
    if progress:
        changes["last_progress_at"] = draft.last_progress_at = now
    if state in RUNNING:
        ruled, settings = deadlines.rules(site, calendar_time=case.calendar_time)
        draft.next_due = deadlines.next_due(draft, clock or ruled, settings)
    else:
        draft.next_due = None
    changes.update(state=state, next_due=draft.next_due)

    update = {**changes, "version": F("version") + 1, "updated_at": now, "updated_by": user}
    if forgotten:
        # In SQL, on the row as it is: the beat may have marked a reminder sent since the
        # case was read, one to keep (another deadline's) or to forget all the same.
        update["reminders_sent"] = _without(F("reminders_sent"), forgotten)
    updated = Case.objects.filter(pk=case.pk, site=site, state=case.state, version=seen).update(
        **update
    )
    if not updated:
        raise case_conflict(site, case)

    from_state = case.state
    for name in changes:
        setattr(case, name, getattr(draft, name))
    case.reminders_sent = draft.reminders_sent
    case.version, case.updated_at, case.updated_by = seen + 1, now, user
    return case_events_write(case=case, user=user, now=now, steps=steps, from_state=from_state)


def case_events_write(
    *, case: Case, user: User | None, now: datetime, steps: Sequence[Step], from_state: str
) -> list[CaseEvent]:
    rows = case_event_rows(case=case, user=user, now=now, steps=steps, from_state=from_state)
    return CaseEvent.objects.bulk_create(rows)


def case_event_rows(
    *, case: Case, user: User | None, now: datetime, steps: Sequence[Step], from_state: str
) -> list[CaseEvent]:
    """The timeline entries of ``steps`` from ``from_state``, not yet written."""
    rows, state = [], from_state
    for step in steps:
        to_state = transition(state, step.action)
        rows.append(
            CaseEvent(
                case=case,
                at=now,
                by=user,
                kind=step.event,
                from_state=state,
                to_state=to_state,
                department=step.department,
                note=step.note,
                data=step.data,
            )
        )
        state = to_state
    return rows


def case_conflict(site: Site, case: Case) -> Conflict:
    """The case as it is now, and who changed it last and when."""
    current = Case.objects.for_site(site).select_related("updated_by").get(pk=case.pk)
    return Conflict(current, by=current.updated_by, at=current.updated_at)


def _without(expression, keys: Iterable[str]):
    """``reminders_sent - 'a' - 'b'``: jsonb's minus drops those strings from the list."""
    for key in sorted(keys):
        expression = Func(
            expression,
            Cast(Value(key), models.TextField()),
            template="(%(expressions)s)",
            arg_joiner=" - ",
            output_field=models.JSONField(),
        )
    return expression


# --- Telling people -------------------------------------------------------------------


def case_link(case: Case) -> str:
    """The case's page, once the pages exist (complaints:case_detail); until then none."""
    try:
        return reverse("complaints:case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else "—"


def case_tell(
    *,
    site: Site,
    user: User | None,
    case: Case,
    recipients: Sequence[Recipient],
    purpose: str,
    subject: str,
    text: str,
) -> None:
    """A message about the case, through the channels, sent once the transaction commits."""
    message_send(
        site=site,
        recipients=recipients,
        message=case_message(case, purpose=purpose, subject=subject, text=text),
        about=case,
        user=user,
    )


def case_message(case: Case, *, purpose: str, subject: str, text: str) -> Message:
    """A message about the case: its page linked, urgent when it counts calendar time."""
    return Message(
        purpose=purpose, subject=subject, text=text, link=case_link(case), urgent=case.calendar_time
    )
