"""Arrears: what houses owe past the due date, always within one site.

The one reading of what is owed, for every page and area that shows or acts on it (the
house page, the arrears list and its export, payment reminders): the overdue open bills
(Bill.objects.overdue) and what is still owed on them (residents.models.outstanding), after
every payment allocated to them (residents.services.allocations keeps paid_amount).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from frontdesk.models import Site
from residents.models import Bill, House, Payment, outstanding
from residents.selectors.houses import channel_label, house_occupants, last_reminder


@dataclass(frozen=True)
class Arrears:
    months: int
    total: Decimal

    @property
    def paid_up(self) -> bool:
        return self.total <= 0


def unpaid_bills(site: Site, today: date | None = None) -> QuerySet:
    """Bills past their due date and not fully paid (the partial index's rows)."""
    return Bill.objects.for_site(site).overdue(today or timezone.localdate())


def house_arrears(house: House, today: date | None = None) -> Arrears:
    totals = (
        unpaid_bills(house.site, today)
        .filter(house=house)
        .aggregate(months=Count("period", distinct=True), total=Sum(outstanding()))
    )
    return Arrears(totals["months"] or 0, totals["total"] or Decimal(0))


def house_credit(house: House) -> Decimal:
    """What the house has paid beyond every bill (预存), which pays its next bills as they
    come (the payment_credit index). The house page reads it with its payments instead."""
    credit = Payment.objects.filter(house=house, unallocated__gt=0).aggregate(
        total=Sum("unallocated")
    )["total"]
    return credit or Decimal(0)


def arrears_totals(site: Site, today: date | None = None) -> QuerySet:
    """Per owing house of the site: months owed and total, largest debts first.

    Aggregates the overdue unpaid bills alone (the bill_overdue partial index), then the
    page's houses are fetched by ``arrears_houses``: a site's bills are never all read.
    """
    return (
        unpaid_bills(site, today)
        .values("house")
        .annotate(arrears_months=Count("period", distinct=True), arrears_total=Sum(outstanding()))
        .order_by("-arrears_total", "house")
    )


def houses_owing(site: Site, house_ids, today: date | None = None) -> dict[int, Arrears]:
    """What each of these houses owes now, by house id; a house that owes nothing (it has
    paid since, say) is not in it. For areas acting on arrears (payment reminders)."""
    rows = arrears_totals(site, today).filter(house__in=house_ids)
    return {r["house"]: Arrears(r["arrears_months"], r["arrears_total"]) for r in rows}


def arrears_houses(
    site: Site, rows, *, with_occupants: bool = False, with_reminders: bool = False
) -> list[House]:
    """The houses of ``arrears_totals`` rows, in their order, carrying the two figures
    (and, ``with_reminders``, their last reminder: ``last_reminder_at`` and ``_channel``)."""
    rows = list(rows)
    houses = (
        House.objects.for_site(site)
        .filter(pk__in=[row["house"] for row in rows])
        .select_related("building")
    )
    if with_occupants:
        houses = houses.prefetch_related(house_occupants())
    if with_reminders:
        houses = houses.annotate(
            last_reminder_at=last_reminder(), last_reminder_channel=last_reminder("channel")
        )
    by_id = {house.pk: house for house in houses}
    result = []
    for row in rows:
        house = by_id.get(row["house"])
        if house is not None:
            house.arrears_months = row["arrears_months"]
            house.arrears_total = row["arrears_total"]
            if with_reminders:
                house.last_reminder_label = channel_label(house.last_reminder_channel)
            result.append(house)
    return result
