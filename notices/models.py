"""Notices (公告通知): from management's request to the paper on the board and the page
behind its QR code.

- ``NoticeType``: a site's kinds of notice (缴费通知, 停水停电 …), edited in admin; each
  says whether its notices also go to the owners by SMS (outages, urgent matters).
- ``NoticeRequest``: what management asked for, as it came (who, what, for when), before
  anyone writes the notice.
- ``NoticeTemplate``: a site's reusable notice with placeholders (``{小区}``, ``{日期}`` …;
  ``notices.rendering``).
- ``Notice``: one version of a notice, from draft to published and on to expired, withdrawn
  or superseded (``notices.states``). Its body is Markdown, rendered and sanitised by
  ``notices.rendering.render_body``. Its audience is the whole site, chosen buildings,
  chosen entrances (``NoticeEntrance``) or chosen houses, kept as rows the deliveries can
  join (``notices.selectors.audience``). A correction is a new version of the same
  *series*: every version keeps its own ``token``, and the public page looks a token up
  as the newest version of its series that was published (``Notice.objects.public``), so
  the QR code on an old poster leads to the correction.
- ``NoticeAttachment``: a PDF or an image, checked by content (frontdesk.uploads).
- ``NoticeEvent``: the timeline. Rows are only ever added: a trigger in the database
  refuses UPDATE and DELETE on it (migration 0003); notices are never deleted (their
  events PROTECT them).

Every write goes through ``notices.services``.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.models import AppendOnly, Department, Site
from frontdesk.scoping import SiteScopedQuerySet, check_same_site

from .states import BADGES, IN_PROGRESS, SHOWN_PUBLICLY, State

TOKEN_BYTES = 16  # 22 characters in the link; far beyond guessing
TITLE_LENGTH = 100
BODY_LENGTH = 10_000
REASON_LENGTH = 500

# The types every site starts with: (name, also by SMS to the owners).
DEFAULT_TYPES = [
    ("缴费通知", False),
    ("停水停电", True),
    ("维修安排", False),
    ("社区活动", False),
    ("温馨提示", False),
    ("紧急通知", True),
]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class NoticeType(models.Model):
    """A kind of notice at one site: its own list, so a supervisor edits it in admin for
    their site without touching the others'. Types are retired (not active), never
    deleted: notices name them."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(pgettext_lazy("notice type", "name"), max_length=30)
    sms = models.BooleanField(
        _("also by SMS to the owners"),
        default=False,
        help_text=_(
            "Notices of this type are also sent by SMS to the owners of the houses they "
            "concern (outages, urgent matters), through the approved SMS template."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice type")
        verbose_name_plural = _("notice types")
        ordering = ["site_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="noticetype_unique_name",
                violation_error_message=_("This site already has a notice type of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NoticeRequest(models.Model):
    """管理处的通知需求: what was asked for, by whom and for when, as it came in."""

    class Via(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone call")
        WECOM = "wecom", _("WeCom message")
        PAPER = "paper", _("On paper")
        EMAIL = "email", _("Email")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.CharField(
        _("asked by"), max_length=50, help_text=_("Who asked for the notice, e.g. 工程部 张经理.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("from department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    via = models.CharField(
        _("came in by"), max_length=10, choices=Via.choices, default=Via.IN_PERSON
    )
    content = models.TextField(_("what is to be announced"), max_length=5000)
    wanted_on = models.DateField(_("wanted by"), null=True, blank=True)
    received_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=pgettext_lazy("notice request", "received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(
        pgettext_lazy("notice request", "received at"), default=timezone.now
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice request")
        verbose_name_plural = _("notice requests")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["site", "-received_at"], name="noticerequest_site_time")]

    def __str__(self) -> str:
        return f"{self.requested_by} {timezone.localtime(self.received_at):%Y-%m-%d}"

    def clean(self) -> None:
        check_same_site(self, "department")


class NoticeTemplate(models.Model):
    """A site's reusable notice: title and body with placeholders (notices.rendering)."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(pgettext_lazy("notice template", "name"), max_length=50)
    type = models.ForeignKey(
        NoticeType, verbose_name=_("notice type"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    body = models.TextField(_("body (Markdown)"), max_length=BODY_LENGTH)
    urgent = models.BooleanField(_("urgent"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        ordering = ["site_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="noticetemplate_unique_name",
                violation_error_message=_("This site already has a template of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .rendering import PLACEHOLDERS, unknown_placeholders

        check_same_site(self, "type")
        known = "、".join(f"{{{name}}}" for name in PLACEHOLDERS)
        errors = {}
        for field in ("title", "body"):
            unknown = unknown_placeholders(getattr(self, field) or "")
            if unknown:
                errors[field] = _("Unknown placeholder %(names)s. Known ones: %(known)s.") % {
                    "names": "、".join(f"{{{name}}}" for name in unknown),
                    "known": known,
                }
        if errors:
            raise ValidationError(errors)


class NoticeQuerySet(SiteScopedQuerySet):
    def public(self, token: str) -> NoticeQuerySet:
        """The versions a token may lead to, newest first; ``.first()`` is the one, in one
        query: the newest version of the token's series that was ever published and is
        not superseded (published, expired or withdrawn). An old poster's QR code thus
        leads to its correction; a draft correction's token leads to the version in
        force; a token never published leads nowhere."""
        series = self.model.objects.filter(token=token).values("series")[:1]
        return (
            self.filter(series=models.Subquery(series), state__in=sorted(SHOWN_PUBLICLY))
            .filter(published_at__isnull=False)
            .order_by("-version")
        )


class Notice(models.Model):
    """One version of a notice.

    ``revision`` rises with every change of state or text; each change is an UPDATE
    conditional on the state and revision its author saw, so of two people acting at
    once the second gets a Conflict and loses nothing (notices.services.changes).
    ``version`` is what residents see: 第 2 版, the correction of version 1.
    """

    # {% state_badge notice %}
    STATE_BADGES = BADGES

    class Audience(models.TextChoices):
        SITE = "site", _("The whole site")
        BUILDINGS = "buildings", _("Chosen buildings")
        ENTRANCES = "entrances", _("Chosen entrances")
        HOUSES = "houses", _("Chosen houses")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    type = models.ForeignKey(
        NoticeType, verbose_name=_("notice type"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        NoticeRequest,
        verbose_name=_("from request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )
    template = models.ForeignKey(
        NoticeTemplate,
        verbose_name=_("from template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    body = models.TextField(_("body (Markdown)"), max_length=BODY_LENGTH)
    issuer = models.CharField(
        _("issued by"), max_length=100, help_text=_("The office that signs it, e.g. 物业服务中心.")
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # Who it is for; the rows of the chosen ones below (none for the whole site).
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.SITE
    )
    # Reverse names for the deliveries: House.objects.filter(audience_notices=notice).
    buildings = models.ManyToManyField(
        "residents.Building",
        verbose_name=_("buildings"),
        blank=True,
        related_name="audience_notices",
    )
    houses = models.ManyToManyField(
        "residents.House", verbose_name=_("houses"), blank=True, related_name="audience_notices"
    )
    effective_from = models.DateField(_("effective from"))
    expires_on = models.DateField(
        _("expires on"), help_text=_("The last day it is in force; it expires the day after.")
    )
    # The public page's address (/n/<token>/) and the QR code's; see NoticeQuerySet.public.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    # Versions of one notice share their series; each supersedes the one before.
    series = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        editable=False,
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    # Who made the last change, and when: what a Conflict names.
    updated_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_comment = models.CharField(_("approval comment"), max_length=REASON_LENGTH, blank=True)
    # The supervisor's comment when it was last sent back (the timeline keeps every one).
    return_comment = models.CharField(_("sent back because"), max_length=REASON_LENGTH, blank=True)
    published_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("withdrawn because"), max_length=REASON_LENGTH, blank=True)
    ended_at = models.DateTimeField(_("expired or replaced at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_notice", _("Can approve, send back and publish notices directly")),
        ]
        indexes = [
            # The site's notices, newest first (the list), and by state (its filter).
            models.Index(fields=["site", "-created_at"], name="notice_site_time"),
            models.Index(fields=["site", "state", "-created_at"], name="notice_site_state_time"),
            # The beat's expiry scan: the published ones by their last day.
            models.Index(
                fields=["expires_on"],
                name="notice_published_expiry",
                condition=Q(state="published"),
            ),
            # The public page: the versions of a token's series.
            models.Index(fields=["series", "-version"], name="notice_series_version"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="notice_unique_version"),
            # One version of a notice is in force at a time, and one is being prepared.
            models.UniqueConstraint(
                fields=["series"],
                name="notice_one_published_per_series",
                condition=Q(state="published"),
            ),
            models.UniqueConstraint(
                fields=["series"],
                name="notice_one_in_progress_per_series",
                condition=Q(state__in=sorted(IN_PROGRESS)),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("effective_from")),
                name="notice_expires_after_effective",
                violation_error_message=_("The expiry date cannot be before the effective date."),
            ),
            # Withdrawn may be before or after publication; these only after.
            models.CheckConstraint(
                condition=Q(published_at__isnull=False)
                | ~Q(state__in=["published", "expired", "superseded"]),
                name="notice_published_at_when_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）" if self.version > 1 else self.title

    def clean(self) -> None:
        check_same_site(self, "type", "request", "template")

    @property
    def public_path(self) -> str:
        """The public page of this notice's series (/n/<token>/), which the poster's QR
        code and the group text carry (served by the public page, Area.public_urls)."""
        return f"/n/{self.token}/"


class NoticeEntrance(models.Model):
    """An entrance (单元) of the audience: a building and its entrance number (House.unit)."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="entrances"
    )
    building = models.ForeignKey(
        "residents.Building", verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.PositiveSmallIntegerField(_("entrance"))

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrance of the audience")
        verbose_name_plural = _("entrances of the audience")
        ordering = ["building_id", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "building", "unit"], name="noticeentrance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.building.label}{self.unit}单元"


def attachment_path(instance: NoticeAttachment, filename: str) -> str:
    # The service names the file (frontdesk.uploads.generated_name); never the uploader.
    return filename


class NoticeAttachment(models.Model):
    """A PDF or an image that goes with the notice (a map of the outage, the schedule)."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    # The uploader's file name, kept as text only (it is never a path in storage).
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpeg", "png", "webp")


class NoticeEvent(AppendOnly):
    """One entry of a notice's timeline: who did what, when, from which state to which.
    Written once and kept as written (the model refuses a second save and any delete,
    the database's trigger UPDATE and DELETE)."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("notice event", "Drafted")
        EDITED = "edited", pgettext_lazy("notice event", "Edited")
        SUBMITTED = "submitted", pgettext_lazy("notice event", "Submitted for approval")
        APPROVED = "approved", pgettext_lazy("notice event", "Approved")
        SENT_BACK = "sent_back", pgettext_lazy("notice event", "Sent back")
        PUBLISHED = "published", pgettext_lazy("notice event", "Published")
        PUBLISHED_NOW = (
            "published_now",
            pgettext_lazy("notice event", "Approved and published directly (urgent)"),
        )
        WITHDRAWN = "withdrawn", pgettext_lazy("notice event", "Withdrawn")
        EXPIRED = "expired", pgettext_lazy("notice event", "Expired")
        NEW_VERSION = "new_version", pgettext_lazy("notice event", "New version drafted")
        SUPERSEDED = "superseded", pgettext_lazy("notice event", "Replaced by a new version")

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    # None: the system (the expiry scan).
    by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    from_state = models.CharField(_("from state"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=State.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # The other version (new_version, superseded), what was edited …
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice event")
        verbose_name_plural = _("notice timeline")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["notice", "at", "id"], name="noticeevent_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# --- Posting (张贴) and the public page's opens ------------------------------------------

# 8 characters in the QR code's link (?at=…): opaque, so a poster does not show the
# database's numbering, and short, so the QR code stays coarse enough to scan from afar.
LOCATION_CODE_BYTES = 6


def new_location_code() -> str:
    return secrets.token_urlsafe(LOCATION_CODE_BYTES)


class PostingLocation(models.Model):
    """A place at a site where notices are posted (a building's notice board, a lift lobby,
    a gate), edited in admin by supervisors. One tied to a building gets the notices of
    that building's audience; one without, every notice of the site (notices.selectors.
    postings). Locations are retired (not active), never deleted: postings name them.

    ``code`` is what the poster's QR code carries (``/n/<token>/?at=<code>``), so that an
    open of the public page is counted for the board it was scanned at."""

    class Kind(models.TextChoices):
        BOARD = "board", _("Building notice board")
        LIFT = "lift", _("Lift lobby")
        GATE = "gate", _("Gate")
        OTHER = "other", _("Other")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(
        pgettext_lazy("posting location", "name"),
        max_length=50,
        help_text=_("As the desk calls it, e.g. 3栋公告栏, 南门."),
    )
    kind = models.CharField(
        pgettext_lazy("posting location", "kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.BOARD,
    )
    building = models.ForeignKey(
        "residents.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The building whose notices go here. Leave empty for a place every notice of "
            "the site goes to (a gate, the central board)."
        ),
    )
    code = models.CharField(
        _("QR code key"), max_length=16, unique=True, default=new_location_code, editable=False
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting location")
        verbose_name_plural = _("posting locations")
        ordering = ["site_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="postinglocation_unique_name",
                violation_error_message=_("This site already has a posting location of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_same_site(self, "building")


def posting_photo_path(instance: Posting, filename: str) -> str:
    # The service names the file (frontdesk.uploads.generated_name); never the uploader.
    return filename


class Posting(models.Model):
    """One copy of a notice on one board: who posted it and when (with a photo as proof if
    they took one), and who took it down and when. While it is up (``removed_at`` empty)
    a board holds one copy of a notice; once taken down it may be posted again."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="postings"
    )
    location = models.ForeignKey(
        PostingLocation,
        verbose_name=_("posting location"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    posted_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    photo = models.FileField(_("photo"), upload_to=posting_photo_path, max_length=200, blank=True)
    removed_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("taken down by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("taken down at"), null=True, blank=True)

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["posted_at", "id"]
        constraints = [
            # Recording the same board twice is refused (services.postings); this also
            # holds when two clerks record it at the same moment. It is also the index of
            # the checklist's "still up" reads.
            models.UniqueConstraint(
                fields=["notice", "location"],
                name="posting_one_up_per_location",
                condition=Q(removed_at__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
                name="posting_removed_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} {timezone.localtime(self.posted_at):%Y-%m-%d %H:%M}"


class NoticeOpen(models.Model):
    """How often a notice's public page was opened on one day, per posting location (its
    QR code's ``?at=``; none: a link without one, such as the group message's).

    Only a count: no address, no device, no time of day, nothing of who opened it. One row
    per (notice, location, day), raised with INSERT … ON CONFLICT DO UPDATE (notices.
    services.opens). ``notice`` is the version whose link was opened, i.e. whose poster was
    scanned, even when the page showed its correction."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        PostingLocation,
        verbose_name=_("posting location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("opens"), default=0)

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice opens")
        verbose_name_plural = _("notice opens")
        ordering = ["notice_id", "day", "location_id"]
        constraints = [
            # Nulls not distinct: the opens without a location are one row a day too, and
            # the upsert's ON CONFLICT finds it (PostgreSQL 15).
            models.UniqueConstraint(
                fields=["notice", "location", "day"],
                name="noticeopen_one_row_a_day",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.count}"


class NoticeRecipient(models.Model):
    """A house a texted notice was published to, and the text that stands for it: the
    delivery to one of its current owners' phones (notices.services.delivery), or none
    when no owner could be texted (no owner, no phone).

    A delivery names a phone, not a house: this row is what lets the reach panel tell
    the households a text did not reach from the few texts that were not sent, rather
    than by matching every house to its owners' phones (~100 ms at 10,000 households).
    Written for every audience house of a notice that is texted, so the houses not
    reached are the rows without a text and the rows whose text was not sent (nor sent
    again to the same phone: a supervisor's resend is a new delivery). A house whose
    owners have several phones stands on the text most likely to arrive (not skipped),
    the first owner's of those."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+"
    )
    house = models.ForeignKey(
        "residents.House", verbose_name=_("house"), on_delete=models.CASCADE, related_name="+"
    )
    sms = models.ForeignKey(
        "channels.Delivery",
        verbose_name=_("SMS"),
        # A delivery purged from the log leaves the house as not texted.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    site_lookup = "notice__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [
            models.UniqueConstraint(fields=["notice", "house"], name="noticerecipient_one_a_house"),
        ]
        indexes = [
            # The houses no text was written for: with the unsent texts' rows (by the
            # sms foreign key's index), the reach panel's candidates for "not reached".
            models.Index(
                fields=["notice"], name="noticerecipient_untexted", condition=Q(sms__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.house_id}"
