"""The one way an area sends a message: deliveries written in the caller's transaction.

``message_send`` returns at once: it only writes rows (one per recipient and channel) and
asks for a sender once the transaction commits. Whatever cannot be sent is written too,
as skipped with its reason, so the area's page can say who was not reached and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.bulk import copy_create
from frontdesk.channels import backends
from frontdesk.channels.adapters.tencent_sms import is_mainland_mobile
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.purposes import ROBOT_BROKEN
from frontdesk.channels.quiet import next_allowed
from frontdesk.channels.recipients import (
    DepartmentStaff,
    GroupRobot,
    Message,
    Personal,
    Recipient,
    ResidentPhone,
    Staff,
)
from frontdesk.deferred import enqueue_once_on_commit
from frontdesk.models import Department, Site, User

Audience, Channel, State = Delivery.Audience, Delivery.Channel, Delivery.State

# frontdesk.channels.tasks.send_due, by name: the sender it runs uses these services.
SEND_TASK = "frontdesk.channels.send_due"


@dataclass(frozen=True)
class Outgoing:
    """One message and who it is for, as ``message_send`` takes them."""

    site: Site
    recipients: Sequence[Recipient]
    message: Message
    about: models.Model | None = None
    user: User | None = None


# No transaction of its own: its one write is the rows' bulk insert (atomic by itself),
# part of the caller's change when it has one. A savepoint here cost the beat's chasing
# two more round trips per message.
def message_send(
    *,
    site: Site,
    recipients: Iterable[Recipient],
    message: Message,
    about: models.Model | None = None,
    user: User | None = None,
) -> list[Delivery]:
    """Write the deliveries of one message; they are sent after the caller commits."""
    return messages_send([Outgoing(site, list(recipients), message, about, user)])


def messages_send(outgoing: Iterable[Outgoing]) -> list[Delivery]:
    """Write the deliveries of several messages (a beat run's reminders, each about its
    own case) in one insert; they are sent after the caller commits."""
    now = timezone.now()
    rows: list[Delivery] = []
    for each in outgoing:
        planner = _Planner(each.site, each.message, now)
        for recipient in each.recipients:
            planner.add(recipient)
        about = each.about
        about_type = ContentType.objects.get_for_model(about) if about is not None else None
        for row in planner.rows:
            if row.about_id == "":  # a Personal recipient's rows name their own record
                row.about_type, row.about_id = (
                    about_type,
                    str(about.pk) if about is not None else "",
                )
            row.created_by = each.user
        rows += planner.rows
    copy_create(rows, batch_size=2000)
    if any(r.state == State.PENDING and r.not_before <= now for r in rows):
        enqueue_once_on_commit(SEND_TASK)
    return rows


def department_recipients(department: Department) -> list[Recipient]:
    """What ``DepartmentStaff`` stands for: the department's active staff-group robots and
    each active member."""
    return departments_recipients([department.pk])[department.pk]


def departments_recipients(ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """``department_recipients`` of several departments in two queries, for a caller
    telling many departments at once (the beat's chasing)."""
    ids = list(ids)
    found: dict[int, list[Recipient]] = {pk: [] for pk in ids}
    for robot in Robot.objects.filter(department__in=ids, is_active=True):
        found[robot.department_id].append(GroupRobot(robot, robot.name))
    for member in User.objects.filter(department__in=ids, is_active=True):
        found[member.department_id].append(Staff(member))
    return found


class _Planner:
    """Turns recipients into delivery rows: which channel, when, or why not."""

    def __init__(self, site: Site, message: Message, now: datetime) -> None:
        self.site, self.message, self.now = site, message, now
        self.rows: list[Delivery] = []
        self._staff_seen: set[int] = set()
        self._template: SmsTemplate | None | bool = False  # False: not looked up yet
        self._sms_configured: bool | None = None

    def add(self, recipient: Recipient) -> None:
        match recipient:
            case Personal():
                if recipient.message.purpose != self.message.purpose:
                    raise ValueError("a personal message keeps the call's purpose")
                first, shared = len(self.rows), self.message
                self.message = recipient.message
                try:
                    self.add(recipient.recipient)
                finally:
                    self.message = shared
                about = recipient.about
                if about is not None:
                    about_type = ContentType.objects.get_for_model(about)  # cached
                    for row in self.rows[first:]:
                        row.about_type, row.about_id = about_type, str(about.pk)
            case ResidentPhone():
                self._sms(recipient)
            case GroupRobot():
                self._robot(recipient.robot, recipient.name, recipient.mention)
            case Staff():
                self._staff(recipient.user)
            case DepartmentStaff():
                for each in department_recipients(recipient.department):
                    self.add(each)
            case _:
                raise TypeError(f"not a recipient: {recipient!r}")

    def _row(self, channel: str, audience: str, **fields) -> Delivery:
        message = self.message
        when = self.now
        if audience == Audience.RESIDENT and not message.urgent:
            when = next_allowed(self.now)
        row = Delivery(
            site=self.site,
            channel=channel,
            audience=audience,
            purpose=message.purpose,
            urgent=message.urgent,
            subject=message.subject,
            text=message.text,
            link=message.link,
            params=message.params,
            not_before=when,
            **fields,
        )
        self.rows.append(row)
        return row

    def _skip(self, row: Delivery, reason: str, code: str) -> None:
        row.state, row.detail, row.code = State.SKIPPED, reason, code

    def _sms(self, resident: ResidentPhone) -> None:
        row = self._row(
            Channel.SMS, Audience.RESIDENT, phone=resident.phone, recipient_name=resident.name
        )
        if not resident.phone:
            self._skip(row, _("No phone number on record."), "no_phone")
        elif not is_mainland_mobile(resident.phone):
            self._skip(row, _("The phone number on record is not a mobile."), "not_mobile")
        elif resident.no_sms:
            self._skip(row, _("The resident asked not to receive text messages."), "opted_out")
        elif not self.sms_configured():
            self._skip(row, _("No SMS provider is configured."), "no_provider")
        elif self.template() is None:
            self._skip(
                row, _("No SMS template is recorded for this purpose in admin."), "no_template"
            )

    def sms_configured(self) -> bool:
        if self._sms_configured is None:  # once per message, not per resident
            self._sms_configured = backends.sms_configured()
        return self._sms_configured

    def template(self) -> SmsTemplate | None:
        if self._template is False:
            self._template = SmsTemplate.objects.filter(
                site=self.site, purpose=self.message.purpose, is_active=True
            ).first()
        return self._template

    def _robot(self, robot: Robot | None, name: str, mention: tuple[str, ...] = ()) -> None:
        audience = Audience.STAFF if robot and robot.kind == Robot.Kind.STAFF else Audience.RESIDENT
        row = self._row(
            Channel.ROBOT,
            audience,
            robot=robot,
            recipient_name=name or (robot.name if robot else ""),
            phone=mention[0] if mention else "",
        )
        if robot is None:
            self._skip(row, _("No group robot is configured for this group."), "no_robot")
        elif robot.site_id != self.site.pk:
            raise ValueError("a robot of another site")
        elif not robot.is_active:
            self._skip(row, _("The group robot is switched off in admin."), "robot_inactive")
        elif robot.broken_at is not None:
            self._skip(row, robot.broken_reason or _("The group robot is broken."), "robot_broken")

    def _staff(self, user: User) -> None:
        if user.pk in self._staff_seen:
            return
        self._staff_seen.add(user.pk)
        name = user.get_full_name() or user.username
        inbox = self._row(Channel.INBOX, Audience.STAFF, user=user, recipient_name=name)
        # The inbox is this database: it has arrived the moment it is written.
        inbox.state, inbox.sent_at, inbox.backend = State.SENT, self.now, "inbox"
        if user.email and backends.email_configured():
            self._row(
                Channel.EMAIL, Audience.STAFF, user=user, email=user.email, recipient_name=name
            )


def robot_mark_broken(*, robot: Robot, outcome) -> None:
    """WeCom says the robot is gone: stop using it and tell the site's supervisors once."""
    now = timezone.now()
    with transaction.atomic():
        updated = Robot.objects.filter(pk=robot.pk, broken_at__isnull=True).update(
            broken_at=now, broken_reason=outcome.detail[:300]
        )
        if not updated:
            return  # another worker found it first and told them
        robot.broken_at, robot.broken_reason = now, outcome.detail[:300]
        message = Message(
            purpose=ROBOT_BROKEN,
            subject=_("Group robot “%(name)s” no longer works") % {"name": robot.name},
            text=_(
                "WeCom refused the robot of “%(name)s” (%(code)s): %(detail)s "
                "Its messages are not sent until the robot is fixed and saved again in admin."
            )
            % {"name": robot.name, "code": outcome.code, "detail": outcome.detail},
            link=f"/admin/channels/robot/{robot.pk}/change/",
        )
        message_send(
            site=robot.site,
            recipients=[Staff(u) for u in supervisors_of(robot.site)],
            message=message,
            about=robot,
        )


def supervisors_of(site: Site) -> list[User]:
    """Who configures the site's channels: its members allowed to change robots."""
    return list(
        User.objects.filter(is_active=True, sites=site)
        .filter(
            models.Q(groups__permissions__codename="change_robot")
            | models.Q(user_permissions__codename="change_robot")
        )
        .distinct()
    )
