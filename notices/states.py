"""A notice's states and the one table of what may happen in each.

    draft → submitted → approved → published → expired
    submitted, approved → returned (sent back with a comment) → submitted
    draft, submitted → published (an urgent notice published by a supervisor at once)
    published → superseded (its correction was published: its QR code leads there)
    every state before publication, and published → withdrawn

Decisions the table makes:

- *Returned* (退回修改) is a state of its own, not a way back to *draft*: the clerk's list
  shows what was sent back to them, and the notice keeps the supervisor's comment until it
  is submitted again.
- Only *draft* and *returned* may be edited. A published notice's text is never changed:
  a correction is a new version (``NEW_VERSION`` leaves the published one as it is and
  starts a draft of the next version), which supersedes it when it is published.
- *Publish now* (直接发布) skips the approval step for an urgent notice; the supervisor who
  does it is recorded as its approver. Who may do what (only supervisors approve, send
  back and publish now) is checked by the services, not by this table.
- *Expired*, *withdrawn* and *superseded* are final.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontdesk import transitions


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("notice state", "Waiting for approval")
    RETURNED = "returned", pgettext_lazy("notice state", "Sent back")
    APPROVED = "approved", pgettext_lazy("notice state", "Approved")
    PUBLISHED = "published", pgettext_lazy("notice state", "Published")
    EXPIRED = "expired", pgettext_lazy("notice state", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice state", "Withdrawn")
    SUPERSEDED = "superseded", pgettext_lazy("notice state", "Replaced by a new version")


class Action(models.TextChoices):
    """What someone does to a notice; the labels read as what is refused (“现在不能提交审核”)."""

    EDIT = "edit", pgettext_lazy("notice action", "edit")
    SUBMIT = "submit", pgettext_lazy("notice action", "submit for approval")
    APPROVE = "approve", pgettext_lazy("notice action", "approve")
    SEND_BACK = "send_back", pgettext_lazy("notice action", "send back")
    PUBLISH = "publish", pgettext_lazy("notice action", "publish")
    PUBLISH_NOW = "publish_now", pgettext_lazy("notice action", "publish directly")
    WITHDRAW = "withdraw", pgettext_lazy("notice action", "withdraw")
    EXPIRE = "expire", pgettext_lazy("notice action", "expire")
    NEW_VERSION = "new_version", pgettext_lazy("notice action", "make a new version")
    SUPERSEDE = "supersede", pgettext_lazy("notice action", "replace by a new version")


S, A = State, Action

TRANSITIONS: dict[State, dict[Action, State]] = {
    S.DRAFT: {
        A.EDIT: S.DRAFT,
        A.SUBMIT: S.SUBMITTED,
        A.PUBLISH_NOW: S.PUBLISHED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.SUBMITTED: {
        A.APPROVE: S.APPROVED,
        A.SEND_BACK: S.RETURNED,
        A.PUBLISH_NOW: S.PUBLISHED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.RETURNED: {
        A.EDIT: S.RETURNED,
        A.SUBMIT: S.SUBMITTED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.APPROVED: {
        A.PUBLISH: S.PUBLISHED,
        A.SEND_BACK: S.RETURNED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.PUBLISHED: {
        A.NEW_VERSION: S.PUBLISHED,
        A.SUPERSEDE: S.SUPERSEDED,
        A.EXPIRE: S.EXPIRED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.EXPIRED: {},
    S.WITHDRAWN: {},
    S.SUPERSEDED: {},
}

# Not yet public: still being written or approved (one such version per notice at a time).
IN_PROGRESS = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED})
# Its text may change.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Once published: what the public page shows (a superseded one leads to its successor).
SHOWN_PUBLICLY = frozenset({S.PUBLISHED, S.EXPIRED, S.WITHDRAWN})
FINAL = frozenset({S.EXPIRED, S.WITHDRAWN, S.SUPERSEDED})


class IllegalTransition(transitions.IllegalTransition):
    """The action is not allowed in the notice's state; nothing was changed."""

    states, actions = State, Action
    message = gettext_lazy("This notice is “%(state)s”: it cannot %(action)s now.")


MACHINE = transitions.Transitions(TRANSITIONS, IllegalTransition)
allowed = MACHINE.allowed
actions_allowed = MACHINE.actions_allowed
transition = MACHINE.transition

# The badge of each state on the desk's pages ({% state_badge notice %}).
BADGES = transitions.Badges(
    State,
    {
        S.DRAFT: "text-bg-secondary",
        S.SUBMITTED: "text-bg-primary",
        S.RETURNED: "text-bg-warning",
        S.APPROVED: "text-bg-info",
        S.PUBLISHED: "text-bg-success",
        S.WITHDRAWN: "text-bg-danger",
        S.EXPIRED: "text-bg-dark",
        S.SUPERSEDED: "text-bg-dark",
    },
    "notice-state",
)
