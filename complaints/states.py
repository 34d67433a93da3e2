"""A case's states and the one table of what may happen in each.

    registered  → assigned → in_progress ⇄ paused
    in_progress → resolved → called_back → closed
    resolved, called_back → reopened → in_progress (the same department accepts it again)
    assigned, in_progress, reopened → assigned (transfer); assigned, in_progress → registered
    (hand-back); every open state → withdrawn; registered → closed (the desk dealt with it);
    resolved → closed (praise, or the third call-back not answered)

Decisions the table makes:

- *Reopened* is a state of its own, not a way back to *assigned*: the case stays with the
  department that resolved it (counted in ``Case.reopen_count``, listed apart), and that
  department accepts it again (reopened → in_progress) or the desk transfers it.
- A *transfer* always lands in *assigned*: the new department has to accept it, whether
  the old one had started or not.
- A *hand-back* (退回) returns the case to the desk (registered), without a department.
- *Paused* cases are resumed before anything else is done to them but a note or a
  withdrawal: a transfer or a resolution of a case whose clock is stopped would leave the
  pause open.
- A call-back passes through *called_back* even when it reopens or closes the case at once
  (the services chain the steps), so the timeline shows the call and what came of it.
- *Closed* and *withdrawn* are final; nothing, not even a note, is added to them.

Which services chain which steps, and the checks the table cannot express (only praise is
closed from *resolved* by hand, a 12345 case needs the hotline's reply to close), live in
``complaints.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontdesk import transitions


class State(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("case state", "Registered")
    ASSIGNED = "assigned", pgettext_lazy("case state", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("case state", "In progress")
    PAUSED = "paused", pgettext_lazy("case state", "Paused")
    RESOLVED = "resolved", pgettext_lazy("case state", "Resolved")
    CALLED_BACK = "called_back", pgettext_lazy("case state", "Called back")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    REOPENED = "reopened", pgettext_lazy("case state", "Reopened")
    WITHDRAWN = "withdrawn", pgettext_lazy("case state", "Withdrawn")


class Action(models.TextChoices):
    """What someone does to a case; the labels read as what is refused (“现在不能转办”)."""

    ASSIGN = "assign", pgettext_lazy("case action", "assign to a department")
    TRANSFER = "transfer", pgettext_lazy("case action", "transfer to another department")
    HAND_BACK = "hand_back", pgettext_lazy("case action", "hand back to the desk")
    ACCEPT = "accept", pgettext_lazy("case action", "accept")
    NOTE = "note", pgettext_lazy("case action", "add progress")
    PAUSE = "pause", pgettext_lazy("case action", "pause")
    RESUME = "resume", pgettext_lazy("case action", "resume")
    RESOLVE = "resolve", pgettext_lazy("case action", "resolve")
    CALL_BACK = "call_back", pgettext_lazy("case action", "record the call-back")
    CALLBACK_FAILED = (
        "callback_failed",
        pgettext_lazy("case action", "record a call-back not answered"),
    )
    REOPEN = "reopen", pgettext_lazy("case action", "reopen")
    WITHDRAW = "withdraw", pgettext_lazy("case action", "withdraw")
    CLOSE = "close", pgettext_lazy("case action", "close")
    CHANGE_DEADLINE = "change_deadline", pgettext_lazy("case action", "change the deadline")


S, A = State, Action

TRANSITIONS: dict[State, dict[Action, State]] = {
    S.REGISTERED: {
        A.ASSIGN: S.ASSIGNED,
        A.NOTE: S.REGISTERED,
        A.CHANGE_DEADLINE: S.REGISTERED,
        A.WITHDRAW: S.WITHDRAWN,
        A.CLOSE: S.CLOSED,
    },
    S.ASSIGNED: {
        A.TRANSFER: S.ASSIGNED,
        A.HAND_BACK: S.REGISTERED,
        A.ACCEPT: S.IN_PROGRESS,
        A.NOTE: S.ASSIGNED,
        A.CHANGE_DEADLINE: S.ASSIGNED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.IN_PROGRESS: {
        A.TRANSFER: S.ASSIGNED,
        A.HAND_BACK: S.REGISTERED,
        A.NOTE: S.IN_PROGRESS,
        A.PAUSE: S.PAUSED,
        A.RESOLVE: S.RESOLVED,
        A.CHANGE_DEADLINE: S.IN_PROGRESS,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.PAUSED: {
        A.RESUME: S.IN_PROGRESS,
        A.NOTE: S.PAUSED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.RESOLVED: {
        A.CALL_BACK: S.CALLED_BACK,
        A.CALLBACK_FAILED: S.RESOLVED,
        A.REOPEN: S.REOPENED,
        A.CLOSE: S.CLOSED,
        A.NOTE: S.RESOLVED,
    },
    S.CALLED_BACK: {
        A.CLOSE: S.CLOSED,
        A.REOPEN: S.REOPENED,
        A.NOTE: S.CALLED_BACK,
    },
    S.REOPENED: {
        A.ACCEPT: S.IN_PROGRESS,
        A.TRANSFER: S.ASSIGNED,
        A.NOTE: S.REOPENED,
        A.CHANGE_DEADLINE: S.REOPENED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.CLOSED: {},
    S.WITHDRAWN: {},
}

# Still being worked on: in the queues, on the deadline lists, withdrawable.
OPEN = frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.PAUSED, S.REOPENED})
# Open with the clock running: what the reminders chase.
RUNNING = OPEN - {S.PAUSED}
FINAL = frozenset({S.CLOSED, S.WITHDRAWN})


class IllegalTransition(transitions.IllegalTransition):
    """The action is not allowed in the case's state; nothing was changed."""

    states, actions = State, Action
    message = gettext_lazy("This case is “%(state)s”: it cannot %(action)s now.")


MACHINE = transitions.Transitions(TRANSITIONS, IllegalTransition)
allowed = MACHINE.allowed
actions_allowed = MACHINE.actions_allowed
transition = MACHINE.transition
path = MACHINE.path

# The badge of each state on the desk's pages ({% state_badge case %}); a withdrawn case's
# is light.
BADGES = transitions.Badges(
    State,
    {
        State.REGISTERED: "text-bg-secondary",
        State.ASSIGNED: "text-bg-primary",
        State.IN_PROGRESS: "text-bg-info",
        State.PAUSED: "text-bg-warning",
        State.RESOLVED: "text-bg-success",
        State.CALLED_BACK: "text-bg-success",
        State.REOPENED: "text-bg-danger",
        State.CLOSED: "text-bg-dark",
    },
    "case-state",
)
