from __future__ import annotations

import datetime
import hashlib
import hmac

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.fields import PhoneField
from frontdesk.scoping import SiteScopedQuerySet


class Site(models.Model):
    """A residential estate (小区/项目) the company manages; almost every row belongs to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200)
    service_phone = models.CharField(_("service phone"), max_length=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["id"]
        permissions = [
            ("use_desk", _("Can use the front desk")),
            ("export_personal_data", _("Can export whole phone and ID numbers")),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        ENGINEERING = "engineering", _("Engineering")
        SECURITY = "security", _("Security")
        ENVIRONMENT = "environment", _("Environment")
        FINANCE = "finance", _("Finance")
        OTHER = "other", _("Other")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["site_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="department_unique_name_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. The role is the user's group (see frontdesk.roles)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="staff", blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    # Part of the session hash every session is checked against on each request: raising
    # it ends all of the user's sessions at once, wherever they are and whatever their
    # key (frontdesk.services.user_sessions_end).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name or self.username

    # Django ends a session whose stored hash no longer matches (that is how a password
    # change ends the other sessions); these add the generation to the hash. Generation 0
    # keeps Django's own hash, so sessions made before the field existed stay valid.
    def get_session_auth_hash(self) -> str:
        return self._with_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._with_generation(fallback)

    def _with_generation(self, auth_hash: str) -> str:
        if not self.session_generation:
            return auth_hash
        # Keyed by Django's hash, itself keyed by the secret key (or a fallback key), so
        # rotating SECRET_KEY keeps working as Django documents.
        return hmac.new(
            auth_hash.encode(), str(self.session_generation).encode(), hashlib.sha256
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


class CompanySettings(models.Model):
    """Rules that hold for the whole company, kept by its administrators (superusers): one
    row, made when first asked for."""

    login_log_days = models.PositiveSmallIntegerField(
        _("keep login and logout logs for (days)"),
        default=180,
        validators=[MinValueValidator(30)],
        help_text=_("Older entries of the login, logout and failure logs are deleted daily."),
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return str(_("company settings"))

    @classmethod
    def current(cls) -> CompanySettings:
        return cls.objects.get_or_create(pk=1)[0]


class Heartbeat(models.Model):
    """The last time a Celery worker ran the periodic heartbeat; /healthz reports it."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class PersonalDataAccess(models.Model):
    """A record that someone saw a full phone or ID number (revealed or exported)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Revealed on screen")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # "residents.resident"; kept as text so the record outlives the row it names.
    model = models.CharField(_("record type"), max_length=60)
    object_id = models.CharField(_("record"), max_length=40, blank=True)
    field = models.CharField(_("field"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.model}#{self.object_id}.{self.field}"


class CalendarDay(models.Model):
    """A day that breaks the weekly rule (Monday to Friday worked, the weekend off): a
    public holiday (休) or a weekend day worked in its place (班, 调休上班).

    China's holidays and make-up workdays are set by the State Council for the whole
    country each November, so the table is the company's, kept by its administrators;
    frontdesk.worktime counts deadlines with it.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Day off (public holiday)")
        WORKDAY = "work", _("Make-up workday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(
        _("holiday"),
        max_length=50,
        help_text=_("The holiday it belongs to, such as 春节 or 国庆节."),
    )

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        # A weekday is worked anyway: marking it 班 changes nothing and hides a typo in
        # the date (the make-up days are always a Saturday or a Sunday).
        if self.date and self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("Only a Saturday or a Sunday can be a make-up workday.")}
            )


class SiteSettings(models.Model):
    """One row of a site's settings (its working hours, reception's, the cases', the
    records'): ``of(site)`` reads it, or gives the defaults, unsaved, when the site's
    supervisor has set none. A read never writes."""

    class Meta:
        abstract = True

    @classmethod
    def of(cls, site: Site):
        return cls.objects.filter(site=site).first() or cls(site=site)


def _hours(hour: int, minute: int = 0):
    return datetime.time(hour, minute)


class WorkingHours(SiteSettings):
    """A site's working day: a morning and an afternoon, with the lunch break between.

    Deadlines in working time count only these hours of the site's workdays
    (frontdesk.worktime). A site without its row works the defaults; admin gives each
    site its row to edit (``ensure_for_sites``).
    """

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="working_hours"
    )
    morning_start = models.TimeField(_("morning starts"), default=_hours(8, 30))
    morning_end = models.TimeField(_("morning ends"), default=_hours(12))
    afternoon_start = models.TimeField(_("afternoon starts"), default=_hours(13, 30))
    afternoon_end = models.TimeField(_("afternoon ends"), default=_hours(17, 30))

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["site_id"]

    def __str__(self) -> str:
        return f"{self.site}: {self.describe()}"

    def describe(self) -> str:
        return "{}–{}，{}–{}".format(*(f"{t:%H:%M}" for t in self.bounds()))

    def bounds(self) -> tuple[datetime.time, datetime.time, datetime.time, datetime.time]:
        return (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end)

    def periods(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        """The day's working periods, in order."""
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    def clean(self) -> None:
        errors = {}
        if None in self.bounds():
            return  # each missing time is already reported beside its field
        if self.morning_start >= self.morning_end:
            errors["morning_end"] = _("The morning must end after it starts.")
        if self.afternoon_start >= self.afternoon_end:
            errors["afternoon_end"] = _("The afternoon must end after it starts.")
        if self.afternoon_start < self.morning_end:
            errors["afternoon_start"] = _("The afternoon cannot start before the morning ends.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def ensure_for_sites(cls, site_ids) -> None:
        """Give every one of these sites its row (the defaults), in one statement."""
        cls.objects.bulk_create([cls(site_id=pk) for pk in site_ids], ignore_conflicts=True)


class ImmutableRecord(Exception):
    """A row kept as written (a timeline entry, a photo, an attempt) was asked to change."""


class AppendOnly(models.Model):
    """Rows that are written once and kept as written (the timelines of cases and
    notices): the model refuses a second save and any delete, and each table's database
    trigger (its app's migration) refuses UPDATE and DELETE whoever sends them."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} {self.pk} is kept as written")
        # Never Django's UPDATE-then-INSERT for a row given a primary key.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{type(self).__name__} {self.pk} cannot be deleted")
