"""Robots, SMS templates and deliveries: every message the system sends is a row here.

The database is the source of truth: an area writes deliveries in its own transaction
(frontdesk.channels.services.messages.message_send) and workers send them after commit
(frontdesk.channels.sending), so a message is neither lost nor sent twice.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.fields import PhoneField
from frontdesk.models import Department, Site
from frontdesk.scoping import SiteScopedQuerySet, check_same_site

# A robot's key as WeCom shows it in the webhook address (…/webhook/send?key=KEY).
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def robot_key_from(value: str) -> str:
    """The key alone, also when the supervisor pastes the whole webhook address."""
    value = value.strip()
    if match := re.search(r"[?&]key=([^&#\s]+)", value):
        value = match.group(1)
    return value


def validate_robot_key(value: str) -> None:
    if not KEY_PATTERN.match(value):
        raise ValidationError(
            _("Paste the robot's webhook address or the key after “key=” as WeCom shows it."),
            code="invalid",
        )


class Robot(models.Model):
    """A WeCom group robot (企业微信群机器人): one chat group the system can post into."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("Residents' group")
        STAFF = "staff", _("Staff group")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    name = models.CharField(
        _("group name"), max_length=50, help_text=_("As the group is called in WeCom.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="robots",
        help_text=_("For a staff group: the department whose messages go to it."),
    )
    key = models.CharField(_("robot key"), max_length=64, validators=[validate_robot_key])
    is_active = models.BooleanField(_("active"), default=True)
    # Set when WeCom says the robot is gone (removed, disabled, not in the group): it is
    # not tried again until a supervisor saves it anew.
    broken_at = models.DateTimeField(_("broken since"), null=True, blank=True, editable=False)
    broken_reason = models.CharField(_("why broken"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["site", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_key(self) -> str:
        return f"****{self.key[-4:]}" if self.key else ""

    @property
    def usable(self) -> bool:
        return self.is_active and self.broken_at is None

    def clean(self) -> None:
        check_same_site(self, "department")
        if self.kind == self.Kind.STAFF and not self.department_id:
            raise ValidationError({"department": _("A staff group belongs to a department.")})
        if self.kind == self.Kind.RESIDENTS and self.department_id:
            raise ValidationError(
                {"department": _("A residents' group belongs to buildings, not a department.")}
            )


class SmsTemplate(models.Model):
    """An SMS template approved by the provider, recorded per site and purpose.

    SMS in China is template-only: the text is fixed at approval, and a message fills its
    parameters ({1}, {2} …) in the order named here. A link can only be part of the fixed
    text; the provider refuses one in a parameter.
    """

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    purpose = models.CharField(_("message purpose"), max_length=40)
    template_id = models.CharField(
        _("template ID"),
        max_length=20,
        validators=[
            RegexValidator(r"^\d{1,20}$", _("The template ID is the number the provider gave."))
        ],
    )
    sign_name = models.CharField(
        _("signature"), max_length=30, help_text=_("The approved signature, without 【】.")
    )
    params = models.CharField(
        _("parameters"),
        max_length=200,
        blank=True,
        help_text=_("The names the template's {1}, {2} … are filled with, comma separated."),
    )
    text = models.CharField(
        _("template text"),
        max_length=500,
        blank=True,
        help_text=_("The approved text, for reference (what residents will read)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["site", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "purpose"],
                condition=Q(is_active=True),
                name="smstemplate_one_active_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.template_id})"

    @property
    def param_names(self) -> list[str]:
        return [p.strip() for p in re.split(r"[,，]", self.params) if p.strip()]

    def fill(self, params: dict) -> list[str]:
        return [str(params.get(name, "")) for name in self.param_names]


class DeliveryQuerySet(SiteScopedQuerySet):
    def inbox_of(self, user) -> DeliveryQuerySet:
        return self.filter(channel=Delivery.Channel.INBOX, user=user)


class Delivery(models.Model):
    """One message to one recipient over one channel, and what became of it."""

    class Channel(models.TextChoices):
        ROBOT = "robot", _("WeCom group")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        INBOX = "inbox", _("Inbox")

    class Audience(models.TextChoices):
        RESIDENT = "resident", _("Residents")
        STAFF = "staff", _("Staff")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")
        # A worker stopped between handing it to the provider and hearing back: it may
        # have arrived, so it is not sent again on its own (a supervisor can resend).
        UNCERTAIN = "uncertain", _("Outcome unknown")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    purpose = models.CharField(_("message purpose"), max_length=40)
    urgent = models.BooleanField(_("urgent"), default=False)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The recipient: a group's robot, a member of staff (inbox, email) or a phone.
    robot = models.ForeignKey(
        Robot, verbose_name=_("group"), on_delete=models.PROTECT, null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    phone = PhoneField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=100, blank=True)
    # What the message is about (the parcel, the case, the notice).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not before: quiet hours, a retry's backoff, a robot's rate limit.
    not_before = models.DateTimeField(_("not before"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A worker's claim on the row (see sending): rows whose lease ran out are free again.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    backend = models.CharField(_("sent through"), max_length=20, blank=True)
    code = models.CharField(_("provider code"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        indexes = [
            # The senders' scan: what is due.
            models.Index(fields=["not_before"], name="delivery_due", condition=Q(state="pending")),
            # Claims left by a worker that died while sending.
            models.Index(
                fields=["lease_until"], name="delivery_sending", condition=Q(state="sending")
            ),
            # A member of staff's inbox, newest first, and its unread count.
            models.Index(
                fields=["user", "-id"], name="delivery_inbox", condition=Q(channel="inbox")
            ),
            models.Index(
                fields=["user"],
                name="delivery_inbox_unread",
                condition=Q(channel="inbox", read_at__isnull=True),
            ),
            # The delivery log of a site, newest first.
            models.Index(fields=["site", "-id"], name="delivery_site_log"),
            # The log's problems (failed, outcome unknown): what a supervisor filters for.
            models.Index(
                fields=["site", "-id"],
                name="delivery_site_problems",
                condition=Q(state__in=["failed", "uncertain"]),
            ),
            # What was sent about a parcel, a case, a notice; by channel, state and
            # phone, so that a notice's reach counts its texts sent from the index alone,
            # reads only those not sent (a few hundred of ten thousand), and finds
            # whether a phone got one.
            models.Index(
                fields=["about_type", "about_id", "channel", "state", "phone"],
                name="delivery_about",
            ),
            # SMS sent per site and month (they cost money).
            models.Index(
                fields=["site", "sent_at"],
                name="delivery_sms_sent",
                condition=Q(channel="sms", state="sent"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_name or self.pk}"
