from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.fields import IdNumberField, PhoneField, PlateField
from frontdesk.models import Site, SiteSettings
from frontdesk.personal import LANDLINE, MAINLAND_MOBILE
from frontdesk.scoping import SiteScopedQuerySet, check_same_site


def house_label(building_number: int, building_name: str, unit: int, room: str) -> str:
    """3栋2单元1201, or 3栋1201 in a building without entrances."""
    building = building_name or f"{building_number}栋"
    return f"{building}{unit}单元{room}" if unit else f"{building}{room}"


class Building(models.Model):
    """A building (楼栋) of a site, numbered the way residents say it: 3栋."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=30, blank=True, help_text=_("Defaults to “N栋”."))
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    # The building's residents' WeCom group (one group may serve several buildings).
    group_robot = models.ForeignKey(
        "channels.Robot",
        verbose_name=_("residents' group robot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        limit_choices_to={"kind": "residents"},
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["site_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="building_unique_number")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        check_same_site(self, "group_robot")

    @property
    def label(self) -> str:
        return self.name or f"{self.number}栋"


class House(models.Model):
    """A unit of property (房屋): a flat, a shop or a parking space."""

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        SHOP = "shop", _("Shop")
        PARKING = "parking", _("Parking")

    class Status(models.TextChoices):
        OWNER_OCCUPIED = "owner_occupied", _("Owner-occupied")
        RENTED = "rented", _("Rented")
        VACANT = "vacant", _("Vacant")
        RENOVATION = "renovation", _("Under renovation")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="houses"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="houses"
    )
    # 0 when the building has no entrances (单元): the code then reads 3栋1201.
    unit = models.PositiveSmallIntegerField(_("entrance"), default=0)
    floor = models.SmallIntegerField(_("floor"))
    # "C" collation: a plain btree index then answers LIKE '12%' while a clerk types.
    room = models.CharField(_("room number"), max_length=10, db_collation="C")
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    use = models.CharField(_("use"), max_length=20, choices=Use.choices, default=Use.RESIDENTIAL)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OWNER_OCCUPIED
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="house_unique_room")
        ]
        indexes = [
            models.Index(fields=["site", "room"], name="house_site_room"),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        check_same_site(self, "building")

    @property
    def label(self) -> str:
        """The address as people say it: 3栋2单元1201."""
        return house_label(self.building.number, self.building.name, self.unit, self.room)


# The patterns of frontdesk.personal, in PostgreSQL's syntax.
MOBILE_RE = MAINLAND_MOBILE.pattern.replace(r"\d", "[0-9]")
LANDLINE_RE = LANDLINE.pattern.replace(r"\d", "[0-9]")
# A phone on record that is neither a mainland mobile nor a landline (data quality). Its
# partial index holds only those residents: testing every resident of a site against the
# patterns took ~18 ms at company scale, for a list that is mostly empty.
INVALID_PHONE = (
    ~models.Q(phone="") & ~models.Q(phone__regex=MOBILE_RE) & ~models.Q(phone__regex=LANDLINE_RE)
)


class Resident(models.Model):
    """A person on the roll of a site: owner, family member or tenant of one or more houses."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="residents"
    )
    name = models.CharField(_("name"), max_length=50)
    # Derived from the name when saved (residents.services): what the lookup matches for
    # "zsf" and "zhangsanfeng"; pinyin cannot be computed by the database.
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=50, blank=True, editable=False
    )
    phone = PhoneField(_("phone"), blank=True)
    phone2 = PhoneField(_("second phone"), blank=True)
    id_number = IdNumberField(_("ID number"), blank=True)
    # Asked not to receive text messages: notices and parcel texts skip them, and say so.
    no_sms = models.BooleanField(_("no text messages"), default=False, db_default=False)
    notes = models.TextField(_("notes"), blank=True)
    houses = models.ManyToManyField(
        House, verbose_name=_("houses"), through="Occupancy", related_name="residents"
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["site", "phone"], name="resident_site_phone"),
            models.Index(Right("phone", 4), "site", name="resident_phone_last4"),
            models.Index(
                fields=["site", "name", "id"], condition=INVALID_PHONE, name="resident_bad_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Occupancy(models.Model):
    """A resident's tie to a house: who they are to it, and since and until when."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        FAMILY = "family", _("Family member")
        TENANT = "tenant", _("Tenant")

    house = models.ForeignKey(
        House, verbose_name=_("house"), on_delete=models.CASCADE, related_name="occupancies"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="occupancies"
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    moved_in = models.DateField(_("moved in"), null=True, blank=True)
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    site_lookup = "house__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["house_id", "relation", "id"]
        # One current tie per house, person and relation; ties that ended (moved out)
        # stay as history, so a resident who moves back in gets a new one.
        constraints = [
            models.UniqueConstraint(
                fields=["house", "resident", "relation"],
                condition=models.Q(moved_out__isnull=True),
                name="occupancy_unique_current",
            )
        ]
        indexes = [
            # Houses without an owner (data quality): the site's houses are looked up in
            # it, where otherwise every site's occupancies would be read and hashed.
            models.Index(
                fields=["house"],
                name="occupancy_current_owner",
                condition=models.Q(relation="owner", moved_out__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.house} · {self.get_relation_display()}"

    def clean(self) -> None:
        check_same_site(self, "house", "resident")


class Vehicle(models.Model):
    """A resident's registered vehicle; the lookup finds its owner by plate."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="vehicles"
    )
    plate = PlateField(_("plate number"))
    parking_space = models.ForeignKey(
        House,
        verbose_name=_("parking space"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        limit_choices_to={"use": "parking"},
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(fields=["site", "plate"], name="vehicle_unique_plate")
        ]

    def __str__(self) -> str:
        return self.plate

    def clean(self) -> None:
        check_same_site(self, "resident", "parking_space")


class SearchTerm(models.Model):
    """One key under which the lookup finds a resident.

    Why a table of terms: names are two to four Chinese characters, so the usual tools do
    not help — pg_trgm skips CJK characters under a C ctype and cannot index terms shorter
    than three characters, and ``icontains`` over several columns scans every row. Instead
    each resident gets a handful of short keys (see residents.search.terms_for): every
    suffix of the name (张三丰, 三丰, 丰), the full pinyin and the initials from each
    syllable on (zhangsanfeng, sanfeng, feng; zsf, sf, f), the phone numbers and their last
    four digits, and vehicle plates. A prefix match on a suffix is a substring match, so
    every lookup key is one range scan of the (site, term) btree in "C" collation (which
    LIKE 'x%' can use), whatever the key's length or script.
    """

    class Kind(models.IntegerChoices):
        # Lower sorts first: how good a match of this kind is.
        NAME = 1
        PHONE = 2
        PINYIN = 3
        INITIALS = 4
        PLATE = 5

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=64, db_collation="C")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    # 0 when the term starts where the key starts (a name's first character, a whole
    # phone): such matches rank above matches in the middle.
    offset = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # Covering: the lookup reads resident, kind and offset from the index alone, so a
        # one-letter query matching ten thousand terms never visits the table.
        indexes = [
            models.Index(
                fields=["site", "term"],
                include=["resident", "kind", "offset"],
                name="searchterm_site_term",
            ),
            # A single letter (the first of initials being typed) matches only initials
            # from the start of a name; this small index holds just those.
            models.Index(
                fields=["site", "term"],
                include=["resident", "kind", "offset"],
                condition=models.Q(kind=4, offset=0),
                name="searchterm_initials_start",
            ),
        ]

    def __str__(self) -> str:
        return self.term


CENT = Decimal("0.01")


class FeeKind(models.TextChoices):
    PROPERTY = "property", _("Property fee")
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")
    PARKING = "parking", _("Parking fee")
    SHARED = "shared", _("Shared utilities")
    OTHER = "other", _("Other")


class BillQuerySet(SiteScopedQuerySet):
    """What is owed, written once: every page and service that asks uses these."""

    def open(self) -> BillQuerySet:
        """Not fully settled (paid_amount is kept by residents.services.allocations)."""
        return self.filter(paid_amount__lt=models.F("amount"))

    def overdue(self, today: date) -> BillQuerySet:
        """Open and past the due date: arrears (the bill_overdue partial index's rows)."""
        return self.open().filter(due_date__lt=today)


def outstanding() -> models.Expression:
    """What is still owed on a bill, as the database computes it."""
    return models.F("amount") - models.F("paid_amount")


class Bill(models.Model):
    """What a house owes for one fee and one period, as finance issued it.

    ``paid_amount`` is how much of it is settled: the paid figure finance's bill file gave,
    raised by what payments recorded here were allocated to it (PaymentAllocation); the
    allocation service keeps it, so that arrears are a sum over one partial index.
    """

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    house = models.ForeignKey(
        House, verbose_name=_("house"), on_delete=models.CASCADE, related_name="bills"
    )
    kind = models.CharField(_("fee"), max_length=20, choices=FeeKind.choices)
    # The first day of the month billed.
    period = models.DateField(_("period"))
    amount = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2)
    due_date = models.DateField(_("due date"))
    paid_amount = models.DecimalField(_("amount paid"), max_digits=10, decimal_places=2, default=0)

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["house", "kind", "period"], name="bill_unique_period"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="bill_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["house", "-period"], name="bill_house_period"),
            # Admin lists a site's bills newest first; without it, every page view walks
            # the whole table backwards until it meets the site's rows.
            models.Index(fields=["site", "-id"], name="bill_site_newest"),
            # Only overdue unpaid bills are ever summed for arrears: a small partial index
            # that holds what the arrears list adds up, so it never reads the table.
            models.Index(
                fields=["site", "due_date"],
                include=["house", "period", "amount", "paid_amount"],
                name="bill_overdue",
                condition=models.Q(paid_amount__lt=models.F("amount")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.get_kind_display()} {self.period:%Y-%m}"

    def clean(self) -> None:
        check_same_site(self, "house")

    @property
    def outstanding(self):
        return max(self.amount - self.paid_amount, 0)


class Payment(models.Model):
    """A payment as finance reported it; the desk records, it does not take money."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CARD = "card", _("Bank card")
        TRANSFER = "transfer", _("Bank transfer")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    house = models.ForeignKey(
        House, verbose_name=_("house"), on_delete=models.CASCADE, related_name="payments"
    )
    bill = models.ForeignKey(
        Bill,
        verbose_name=_("bill"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    receipt_no = models.CharField(_("receipt number"), max_length=40)
    # The part of the payment no bill has taken yet: the house's credit (预存), applied to
    # its next bills when they come (residents.services.allocations). Kept by the service.
    unallocated = models.DecimalField(
        _("credit left"), max_digits=10, decimal_places=2, default=0, editable=False
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "receipt_no"], name="payment_unique_receipt"),
            # No credit at all is always allowed: rows older than the column may not add up.
            models.CheckConstraint(
                condition=models.Q(unallocated=0)
                | models.Q(unallocated__gt=0, unallocated__lte=models.F("amount")),
                name="payment_unallocated_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["house", "-paid_on"], name="payment_house_date"),
            models.Index(fields=["site", "-id"], name="payment_site_newest"),
            # Credit is rare (a prepayment, a payment larger than all that was owed): the
            # allocation service finds a house's in this small index.
            models.Index(
                fields=["house", "paid_on"],
                name="payment_credit",
                condition=models.Q(unallocated__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    def clean(self) -> None:
        check_same_site(self, "house", "bill")
        if self.bill_id and self.house_id and self.bill.house_id != self.house_id:
            raise ValidationError({"bill": _("This bill is another house's.")})


class PaymentAllocation(models.Model):
    """Part of a payment settling part of a bill (先缴旧欠): written by the allocation
    service when a payment is recorded, or when credit meets a new bill; given back (to
    the payment's credit) only when finance lowers a bill below what was paid on it."""

    # Rows are reached through their payment or bill, never listed by site: no index.
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    # A bill that payments settled is not deleted by itself: what they paid would vanish.
    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.RESTRICT, related_name="allocations"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(_("allocated at"), default=timezone.now)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["payment_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="paymentallocation_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        # The bill alone: shown on its payment's page, beside each of the payment's rows.
        return f"{self.bill} ¥{self.amount}"

    def clean(self) -> None:
        check_same_site(self, "payment", "bill")


def roster_upload_path(instance, filename: str) -> str:
    # Stored under a generated name: the uploader's file name is kept only as text. No
    # extension: upload_to sees only that name, and downloads are typed by content.
    from frontdesk.uploads import generated_name

    return generated_name("roster", instance.site_id, None)


class RosterImport(models.Model):
    """A spreadsheet a supervisor uploaded: previewed first, imported all-or-nothing."""

    class Kind(models.TextChoices):
        HOUSES = "houses", _("Buildings and houses")
        RESIDENTS = "residents", _("Residents")
        BILLS = "bills", _("Bills")
        PAYMENTS = "payments", _("Payments")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("contents"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=roster_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    uploaded_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The check made at upload, as the preview shows it (RosterResult.summary): reading a
    # 50,000-row file again takes seconds. None for files uploaded before it was kept.
    preview = models.JSONField(_("preview"), null=True, blank=True, editable=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]
        permissions = [("import_roster", _("Can import the roster from spreadsheets"))]

    def __str__(self) -> str:
        return self.original_name


DEFAULT_REMINDER_INTERVAL_DAYS = 30

DEFAULT_HOW_TO_PAY = _(
    "Pay at the finance office of the property service centre (cash or bank card), "
    "or by WeChat Pay or Alipay at the service desk."
)


class RecordsSettings(SiteSettings):
    """A site's rules for payment reminders, set by its supervisor in admin; defaults when
    absent (``RecordsSettings.of``)."""

    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="records_settings",
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("minimum days between payment reminders"),
        default=DEFAULT_REMINDER_INTERVAL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A house reminded by text message (or given a door slip) is not reminded the "
            "same way again before this many days have passed."
        ),
    )
    how_to_pay = models.TextField(
        _("how to pay"),
        max_length=300,
        blank=True,
        help_text=_("Printed on the door slips. Empty: the standard text."),
    )
    finance_phone = models.CharField(
        _("finance office phone"),
        max_length=30,
        blank=True,
        help_text=_(
            "On the slips and in the text message. Empty: the finance department's phone, "
            "or else the site's service phone."
        ),
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("records settings")
        verbose_name_plural = _("records settings")

    def __str__(self) -> str:
        return str(self.site)

    @property
    def payment_instructions(self) -> str:
        return self.how_to_pay.strip() or str(DEFAULT_HOW_TO_PAY)


class ArrearsReminder(models.Model):
    """One payment reminder given to one owing house: a text message to its owners, or a
    door slip recorded as delivered. What the house owed then is kept as it was said."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        SLIP = "slip", _("Door slip")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    house = models.ForeignKey(
        House,
        verbose_name=_("house"),
        on_delete=models.CASCADE,
        related_name="arrears_reminders",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months owed"))
    # The owners' text messages written (frontdesk.channels deliveries about this row).
    messages = models.PositiveSmallIntegerField(_("text messages"), default=0)
    sent_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The site's day it was sent on: one reminder a house, channel and day at most, held
    # by the database too (the services lock the houses first, so it is never hit).
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "channel", "sent_on"], name="arrearsreminder_once_a_day"
            ),
        ]
        indexes = [
            # A house's last reminder (its page, the arrears list, the interval check).
            models.Index(fields=["house", "channel", "-sent_at"], name="arrearsreminder_house"),
            # Admin lists a site's reminders newest first.
            models.Index(fields=["site", "-sent_at"], name="arrearsreminder_site"),
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.get_channel_display()} {self.sent_on:%Y-%m-%d}"

    def clean(self) -> None:
        check_same_site(self, "house")
