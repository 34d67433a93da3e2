"""Reception: visits, the watch list, walk-in and phone inquiries, parcels held at the desk.

Visitors' phone and ID numbers are personal data kept only for the site's retention period
(ReceptionSettings.retention_days); the visit itself stays for the statistics.
"""

import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.fields import IdNumberField, PhoneField, PlateField
from frontdesk.models import Site, SiteSettings
from frontdesk.scoping import SiteScopedQuerySet, check_same_site

DEFAULT_RETENTION_DAYS = 30
DEFAULT_PARCEL_OVERDUE_DAYS = 3
# The purposes a register starts with; supervisors rename, add or retire them in admin.
DEFAULT_PURPOSES = ["走亲访友", "快递外卖", "装修施工", "看房", "维修服务", "政府/社区工作", "其他"]


# A pass's code is printed under its QR code and now and then typed by hand: from an
# alphabet without look-alikes (Crockford's base 32: no I, L, O or U), in capitals.
PASS_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PASS_LENGTH = 16  # 80 bits: short enough for a small QR code, far too long to guess
# What a hand types for the look-alikes: I and L for one, O for nought.
PASS_LOOK_ALIKES = str.maketrans("ILO", "110")


def new_pass_token() -> str:
    return "".join(secrets.choice(PASS_ALPHABET) for _ in range(PASS_LENGTH))


def typed_pass_code(value: str) -> str:
    """A code as typed (lower case, in groups, with look-alikes) as it is stored; passes
    printed before the alphabet changed keep their codes, which are matched as they are."""
    return "".join(value.split()).replace("-", "").upper().translate(PASS_LOOK_ALIKES)


def pass_code_groups(token: str) -> str:
    """ABCD EFGH JKMN PQRS: the code as printed, in fours, for the eye."""
    if len(token) != PASS_LENGTH or any(c not in PASS_ALPHABET for c in token):
        return token
    return " ".join(token[i : i + 4] for i in range(0, PASS_LENGTH, 4))


class ReceptionSettings(SiteSettings):
    """A site's reception rules, set by its supervisor in admin; defaults when absent."""

    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reception_settings",
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep visitors' phone and ID numbers for (days)"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("After this many days the numbers are erased; the visit itself stays."),
    )
    id_number_required = models.BooleanField(
        _("ask for the visitor's ID number"),
        default=False,
        help_text=_("Only where the site's security rules require it."),
    )
    parcel_overdue_days = models.PositiveSmallIntegerField(
        _("parcel uncollected warning after (days)"),
        default=DEFAULT_PARCEL_OVERDUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception settings")
        verbose_name_plural = _("reception settings")

    def __str__(self) -> str:
        return str(self.site)


class VisitPurpose(models.Model):
    """来访事由: the company's list, kept in admin (走亲访友, 快递外卖, …)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("visit purpose")
        verbose_name_plural = _("visit purposes")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class VisitQuerySet(SiteScopedQuerySet):
    def on_site(self) -> "VisitQuerySet":
        return self.filter(checked_out_at__isnull=True)


class Visit(models.Model):
    """来访登记: one visitor (or party) in, and out."""

    class Exit(models.TextChoices):
        DESK = "desk", _("Checked out at the desk")
        PASS = "pass", _("Checked out by scanning the pass")
        HANDOVER = "handover", _("Not seen leaving (closed at the handover)")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    visitor_name = models.CharField(_("visitor's name"), max_length=50)
    # Empty once the retention period has passed (see ``personal_data_erased_at``).
    visitor_phone = PhoneField(_("visitor's phone"), blank=True)
    id_number = IdNumberField(_("ID number"), blank=True)
    party_size = models.PositiveSmallIntegerField(
        _("party size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    purpose = models.ForeignKey(
        VisitPurpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey(
        "residents.House",
        verbose_name=_("house visited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident visited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plate = PlateField(_("vehicle plate"), blank=True)
    expected_out_at = models.DateTimeField(_("expected to leave by"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    pass_token = models.CharField(max_length=20, unique=True, default=new_pass_token)
    checked_in_at = models.DateTimeField(_("time in"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("time out"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("checked out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exit = models.CharField(_("how they left"), max_length=10, choices=Exit.choices, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("phone and ID number erased at"), null=True, blank=True
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            # The register: a site's visits newest first, by day.
            models.Index(fields=["site", "-checked_in_at"], name="visit_site_time"),
            # The register of one purpose: beside the one above, PostgreSQL reads the
            # purpose's own index, every site's visits of it (a third of all), to count a
            # month of them.
            models.Index(
                fields=["site", "purpose", "-checked_in_at"], name="visit_site_purpose_time"
            ),
            # On site now: small, whatever the size of the register.
            models.Index(
                fields=["site", "checked_in_at"],
                name="visit_on_site",
                condition=Q(checked_out_at__isnull=True),
            ),
            # A returning visitor, recognised by phone.
            models.Index(
                fields=["site", "visitor_phone", "-checked_in_at"],
                name="visit_phone",
                condition=~Q(visitor_phone=""),
            ),
            # What the retention task still has to erase.
            models.Index(
                fields=["checked_in_at"],
                name="visit_personal_data",
                condition=~Q(visitor_phone="") | ~Q(id_number=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="visit_out_after_in",
                violation_error_message=_("The time out is before the time in."),
            ),
        ]

    def __str__(self) -> str:
        return self.visitor_name

    def clean(self) -> None:
        check_same_site(self, "house", "resident")

    @property
    def on_site(self) -> bool:
        return self.checked_out_at is None

    @property
    def overdue(self) -> bool:
        return self.on_site and self.expected_out_at < timezone.now()

    @property
    def time_on_site(self) -> timedelta:
        return (self.checked_out_at or timezone.now()) - self.checked_in_at

    @property
    def pass_code(self) -> str:
        return pass_code_groups(self.pass_token)


class WatchEntry(models.Model):
    """关注名单: a person or plate the desk must refuse or escalate, with the reason."""

    class Action(models.TextChoices):
        REFUSE = "refuse", _("Refuse entry")
        ESCALATE = "escalate", _("Call the supervisor / security first")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    id_number = IdNumberField(_("ID number"), blank=True)
    plate = PlateField(_("vehicle plate"), blank=True)
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.ESCALATE
    )
    reason = models.CharField(_("reason"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch list entry")
        verbose_name_plural = _("watch list")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="", phone="", id_number="", plate=""),
                name="watchentry_names_someone",
            )
        ]

    def __str__(self) -> str:
        # Shown in admin lists and the access log: never a full phone or ID number.
        from frontdesk.personal import mask_id_number, mask_phone

        return self.name or self.plate or mask_phone(self.phone) or mask_id_number(self.id_number)


class WatchHit(models.Model):
    """The log of every time the watch list warned a clerk at registration."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        WatchEntry,
        verbose_name=_("watch list entry"),
        on_delete=models.CASCADE,
        related_name="hits",
    )
    matched_on = models.CharField(_("matched on"), max_length=50)
    visitor_name = models.CharField(_("visitor's name"), max_length=50, blank=True)
    # Set when the clerk went on and registered the visit after the warning.
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        "frontdesk.User", verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch list warning")
        verbose_name_plural = _("watch list warnings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.created_at:%Y-%m-%d %H:%M}"


class Inquiry(models.Model):
    """咨询/查询登记: a question put to the desk — by someone who came or called, at
    reception or about a house being looked up — answered there or referred to a
    department, with the department's reply. The one record of work the desk sends to a
    department (a department's inbox is ``selectors.inquiries.referral_list``)."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")

    class Asker(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        CALLER = "caller", _("Caller")
        VISITOR = "visitor", _("Visitor")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WALK_IN
    )
    asker_name = models.CharField(_("name"), max_length=50, blank=True)
    asker_phone = PhoneField(_("phone"), blank=True)
    house = models.ForeignKey(
        "residents.House",
        verbose_name=_("house"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    # The resident asked about (or asking), when the question came from their record.
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    # Who asked, as the request log (查询登记) recorded it before it became one with the
    # inquiries; kept for those records. The form records the name and, when the question
    # came from a resident's record, the resident.
    # (A default in the database too: the demo and bench data are COPYed without it.)
    asker_kind = models.CharField(
        _("asked by"), max_length=10, choices=Asker.choices, blank=True, default="", db_default=""
    )
    question = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("answer given"), max_length=2000, blank=True)
    referred_to = models.ForeignKey(
        "frontdesk.Department",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    # The department's side of a referral.
    referral_reply = models.TextField(_("department's reply"), max_length=2000, blank=True)
    referral_done_at = models.DateTimeField(_("referral handled at"), null=True, blank=True)
    referral_done_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("referral handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    personal_data_erased_at = models.DateTimeField(_("phone erased at"), null=True, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "-created_at"], name="inquiry_site_time"),
            # A department's open referrals.
            models.Index(
                fields=["referred_to", "created_at"],
                name="inquiry_open_referral",
                condition=Q(referred_to__isnull=False, referral_done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.question[:30]

    def clean(self) -> None:
        check_same_site(self, "house", "resident", "referred_to")


class Parcel(models.Model):
    """代收快递: a parcel the desk holds for a household until someone collects it."""

    class Courier(models.TextChoices):
        SF = "sf", "顺丰"
        ZTO = "zto", "中通"
        YTO = "yto", "圆通"
        YUNDA = "yunda", "韵达"
        STO = "sto", "申通"
        JD = "jd", "京东"
        EMS = "ems", "邮政 EMS"
        JT = "jt", "极兔"
        OTHER = "other", _("Other")

    class NoticeMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("Text message")
        WECHAT = "wechat", _("WeChat")
        NOTE = "note", _("Note at the door")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    house = models.ForeignKey(
        "residents.House", verbose_name=_("house"), on_delete=models.PROTECT, related_name="parcels"
    )
    recipient_name = models.CharField(_("recipient (as on the label)"), max_length=50, blank=True)
    courier = models.CharField(_("courier"), max_length=10, choices=Courier.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    shelf = models.CharField(_("shelf position"), max_length=20, blank=True)
    photo = models.ImageField(_("photo"), upload_to="parcels/", blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(_("household notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("notified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notice_method = models.CharField(
        _("notified by way of"), max_length=10, choices=NoticeMethod.choices, blank=True
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by_name = models.CharField(_("collected by"), max_length=50, blank=True)
    handed_over_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["site", "-received_at"], name="parcel_site_time"),
            # Waiting at the desk: the shelf, whatever the size of the log.
            models.Index(
                fields=["site", "received_at"],
                name="parcel_waiting",
                condition=Q(collected_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_courier_display()} {self.tracking_number}".strip()

    def clean(self) -> None:
        check_same_site(self, "house")

    @property
    def waiting(self) -> bool:
        return self.collected_at is None
