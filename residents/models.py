from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site
from frontdesk.scoping import SiteScopedQuerySet


class Building(models.Model):
    """A building (楼栋) of a site, numbered the way residents say it: 3栋."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=30, blank=True, help_text=_("Defaults to “N栋”."))
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)

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
    room = models.CharField(_("room number"), max_length=10)
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
        indexes = [models.Index(fields=["site", "room"], name="house_site_room")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The address as people say it: 3栋2单元1201."""
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building.label}{unit}{self.room}"


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
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["house", "resident", "relation"], name="occupancy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.house} · {self.get_relation_display()}"
