"""Who may do what to a notice, beside what its state allows (notices.states).

The desk (frontdesk.use_desk) drafts, edits, submits, publishes what was approved, and
starts corrections. Supervisors (``APPROVE``, given to their role in notices/area.py)
approve, send back, publish an urgent notice directly, and withdraw a notice once it
is approved or public: taking down what residents may already have read is their call.
"""

from __future__ import annotations

from frontdesk.models import User
from frontdesk.roles import USE_DESK
from notices.states import Action, State

APPROVE = "notices.approve_notice"

APPROVERS_ONLY = frozenset({Action.APPROVE, Action.SEND_BACK, Action.PUBLISH_NOW})
# Withdrawn by the desk before approval (a draft abandoned); by a supervisor after.
WITHDRAWN_BY_APPROVERS = frozenset({State.APPROVED, State.PUBLISHED})
# Done by the system alone (the expiry scan, publishing a correction).
SYSTEM_ONLY = frozenset({Action.EXPIRE, Action.SUPERSEDE})


def is_approver(user: User) -> bool:
    return user.has_perm(APPROVE)


def may_act(user: User, notice, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``notice`` (its state aside)."""
    if action in SYSTEM_ONLY or not user.has_perm(USE_DESK):
        return False
    if action in APPROVERS_ONLY:
        return is_approver(user)
    if action == Action.WITHDRAW and notice.state in WITHDRAWN_BY_APPROVERS:
        return is_approver(user)
    return True
