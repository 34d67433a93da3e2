"""Data quality: what makes the archive incomplete or wrong, so the desk can put it right."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet

from frontdesk.models import Site
from residents.models import INVALID_PHONE, House, Occupancy, Resident
from residents.selectors.houses import current_occupancies


def residents_without_phone(site: Site) -> QuerySet:
    return (
        Resident.objects.for_site(site)
        .filter(phone="", phone2="")
        .prefetch_related(current_occupancies())
        .order_by("name", "id")
    )


def residents_with_invalid_phone(site: Site) -> QuerySet:
    return (
        # In the order of the partial index resident_bad_phone, which holds only these.
        Resident.objects.for_site(site)
        .filter(INVALID_PHONE)
        .prefetch_related(current_occupancies())
        .order_by("name", "id")
    )


def houses_without_owner(site: Site) -> QuerySet:
    owners = Occupancy.objects.filter(
        house=OuterRef("pk"), relation=Occupancy.Relation.OWNER, moved_out__isnull=True
    )
    return (
        House.objects.for_site(site)
        .filter(~Exists(owners))
        .select_related("building")
        .order_by("building__number", "unit", "room")
    )


def duplicate_people(site: Site) -> QuerySet:
    """Same name and phone more than once: probably one person entered twice."""
    return (
        Resident.objects.for_site(site)
        .exclude(phone="")
        .values("name", "phone")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .order_by("name", "phone")
    )
