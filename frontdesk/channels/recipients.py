"""Who a message is for, as an area names them; `message_send` turns each into deliveries.

Areas build these from their own records (a house's residents, a building's group robot),
so the core never needs to know what a house or a building is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontdesk.channels.models import Robot
    from frontdesk.models import Department, User


@dataclass(frozen=True)
class Message:
    purpose: str  # a key of an area's message_purposes (or the core's)
    subject: str
    text: str
    # The page with the whole story (the notice's public page, the case): robots and the
    # inbox link to it; SMS cannot carry it (the approved template's fixed text may).
    link: str = ""
    # Named values for the SMS template's parameters (see SmsTemplate.params).
    params: dict[str, str] = field(default_factory=dict)
    # Urgent messages to residents ignore quiet hours.
    urgent: bool = False


@dataclass(frozen=True)
class ResidentPhone:
    """A resident, reached by SMS."""

    phone: str
    name: str = ""
    no_sms: bool = False


@dataclass(frozen=True)
class GroupRobot:
    """A WeCom group, through its robot (a building's residents' group, say)."""

    robot: Robot | None
    # Named for the delivery log even when no robot is configured (then it is skipped).
    name: str = ""
    # @ these mobiles in the group (a text message; markdown cannot mention).
    mention: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staff:
    """A member of staff: their inbox always, and email when they have an address."""

    user: User


@dataclass(frozen=True)
class DepartmentStaff:
    """A department: its staff group's robot and each active member's inbox."""

    department: Department


@dataclass(frozen=True)
class Personal:
    """A recipient with a message of its own, about a record of its own (a payment
    reminder: each house its amount, its months, its reminder), written by the same one
    ``message_send`` as the others. Its message keeps the call's purpose."""

    recipient: ResidentPhone | GroupRobot | Staff | DepartmentStaff
    message: Message
    about: object | None = None  # a model instance


Recipient = ResidentPhone | GroupRobot | Staff | DepartmentStaff | Personal
