"""Reads of the parcels held at the desk, always within one site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from frontdesk.models import Site
from frontdesk.scoping import get_for_site_or_404
from residents.models import Occupancy
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


def parcel_for_site(site: Site, pk: int) -> Parcel:
    return get_for_site_or_404(Parcel.objects.select_related("handed_over_by"), site, pk=pk)
