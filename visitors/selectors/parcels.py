"""Reads of the parcels held at the desk, always within one site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from frontdesk.conflicts import Conflict
from frontdesk.models import Site
from frontdesk.scoping import get_for_site_or_404
from residents.models import House, Occupancy
from residents.search import HouseCode
from visitors.models import Parcel, ReceptionSettings

WAITING = "waiting"
OVERDUE = "overdue"
COLLECTED = "collected"
ALL = "all"


@dataclass(frozen=True)
class Shelf:
    """What is waiting at the desk, and how much of it is past the site's limit."""

    overdue_days: int
    cutoff: datetime
    waiting: int
    overdue: int


def overdue_cutoff(site: Site, now: datetime | None = None) -> tuple[int, datetime]:
    """The site's limit in days, and the moment before which a waiting parcel is overdue."""
    days = ReceptionSettings.of(site).parcel_overdue_days
    return days, (now or timezone.now()) - timedelta(days=days)


def shelf(site: Site, now: datetime | None = None) -> Shelf:
    """Counts from the parcel_waiting partial index, in one query."""
    days, cutoff = overdue_cutoff(site, now)
    counts = (
        Parcel.objects.for_site(site)
        .filter(collected_at__isnull=True)
        .aggregate(waiting=Count("id"), overdue=Count("id", filter=Q(received_at__lt=cutoff)))
    )
    return Shelf(days, cutoff, counts["waiting"], counts["overdue"])


def parcels(
    site: Site,
    *,
    status: str,
    cutoff: datetime,
    house_code: HouseCode | None = None,
    tracking_tail: str = "",
) -> QuerySet:
    """Waiting (and overdue) ones oldest first, through the parcel_waiting partial index;
    collected and all newest first, through (site, -received_at)."""
    queryset = Parcel.objects.for_site(site).select_related("house__building")
    if status in (WAITING, OVERDUE):
        queryset = queryset.filter(collected_at__isnull=True).order_by("received_at", "id")
        if status == OVERDUE:
            queryset = queryset.filter(received_at__lt=cutoff)
    else:
        if status == COLLECTED:
            queryset = queryset.filter(collected_at__isnull=False)
        queryset = queryset.order_by("-received_at", "-id")
    if house_code is not None:
        queryset = queryset.filter(house__room=house_code.room)
        if house_code.building is not None:
            queryset = queryset.filter(house__building__number=house_code.building)
        if house_code.unit is not None:
            queryset = queryset.filter(house__unit=house_code.unit)
    if tracking_tail:
        queryset = queryset.filter(tracking_number__endswith=tracking_tail)
    return queryset


def parcel_detail(site: Site, pk: int) -> Parcel:
    """A parcel of the site with its house's current occupants (for whom to call)."""
    occupants = Prefetch(
        "house__occupancies",
        queryset=Occupancy.objects.filter(moved_out__isnull=True)
        .select_related("resident")
        .order_by("relation", "id"),
        to_attr="current_occupancies",
    )
    return get_for_site_or_404(
        Parcel.objects.select_related(
            "house__building", "received_by", "notified_by", "handed_over_by"
        ).prefetch_related(occupants),
        site,
        pk=pk,
    )


def parcel_overdue(site: Site, parcel: Parcel, now: datetime | None = None) -> tuple[int, bool]:
    """The site's limit in days, and whether this parcel has waited past it."""
    days, cutoff = overdue_cutoff(site, now)
    return days, parcel.waiting and parcel.received_at < cutoff


def parcel_photo(site: Site, pk: int) -> tuple[FieldFile, str]:
    """A parcel's photo and the name to download it as; 404 for a parcel without one."""
    parcel = get_for_site_or_404(Parcel, site, pk=pk)
    if not parcel.photo:
        raise Http404
    ext = "png" if parcel.photo.name.endswith(".png") else "jpg"
    return parcel.photo, f"parcel-{parcel.pk}.{ext}"


def parcel_waiting(site: Site, pk: int) -> Parcel:
    """A parcel of the site to notify about or hand over (as ``parcel_detail``); Conflict
    if it has been collected already, so a page loaded before says so first."""
    parcel = parcel_detail(site, pk)
    if not parcel.waiting:
        raise Conflict(parcel, by=parcel.handed_over_by, at=parcel.collected_at)
    return parcel


def collected_conflict(parcel: Parcel) -> Conflict:
    """What a change to a parcel collected meanwhile runs into: the parcel as it is now,
    the clerk who handed it over, and when."""
    current = Parcel.objects.select_related("handed_over_by").get(pk=parcel.pk)
    return Conflict(current, by=current.handed_over_by, at=current.collected_at)


def house_parcels_waiting(house: House) -> list[Parcel]:
    """The parcels held at the desk for a house, oldest first (the shelf's partial index)."""
    return list(
        Parcel.objects.filter(
            site_id=house.site_id, house=house, collected_at__isnull=True
        ).order_by("received_at", "id")
    )
