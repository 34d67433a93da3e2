"""Reads of one house (its page) and of who lives where now, always within one site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, Subquery, Sum, TextField, Window
from django.db.models.functions import Cast, JSONObject

from frontdesk.models import Site
from residents.models import (
    ArrearsReminder,
    Bill,
    Building,
    FeeKind,
    House,
    Occupancy,
    Payment,
    PaymentAllocation,
)
from residents.search import HouseCode


def current_occupancies(other_side: str = "house__building") -> Prefetch:
    """Ties not ended, as ``current_occupancies``, with the other side of each loaded:
    a resident's houses (the default) or, with "resident", a house's occupants."""
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(moved_out__isnull=True)
        .select_related(other_side)
        .order_by("relation", "id"),
        to_attr="current_occupancies",
    )


def house_occupants() -> Prefetch:
    return current_occupancies("resident")


def last_reminder(field: str = "sent_at") -> Subquery:
    """A house's last payment reminder (OuterRef "pk"), any channel: ``field`` of it."""
    return Subquery(
        ArrearsReminder.objects.filter(house=OuterRef("pk")).order_by("-sent_at").values(field)[:1]
    )


def channel_label(channel: str | None) -> str:
    return ArrearsReminder.Channel(channel).label if channel else ""


def house_detail(site: Site, pk: int) -> House:
    from frontdesk.scoping import get_for_site_or_404

    # The last payment reminder comes with the house (two subqueries of its row): the
    # page gathers what every area knows of the house, under a cap on its queries.
    house = get_for_site_or_404(
        House.objects.select_related("building", "site")
        .prefetch_related(house_occupants())
        .annotate(last_reminder_at=last_reminder(), last_reminder_channel=last_reminder("channel")),
        site,
        pk=pk,
    )
    house.last_reminder_label = channel_label(house.last_reminder_channel)
    return house


@dataclass
class BillMonth:
    """One month of a house's bills, one column per fee, as the bill history shows it."""

    period: date
    bills: dict[str, Bill]
    due: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    due_date: date | None = None

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def cells(self, kinds: list[str]) -> list[Bill | None]:
        return [self.bills.get(kind) for kind in kinds]


def house_bill_months(house: House, months: int = 12) -> tuple[list[str], list[BillMonth]]:
    """The last ``months`` billed months, newest first, and the fee kinds that occur."""
    periods = list(
        house.bills.order_by("-period").values_list("period", flat=True).distinct()[:months]
    )
    by_period: dict[date, BillMonth] = {p: BillMonth(p, {}) for p in periods}
    kinds: list[str] = []
    for bill in house.bills.filter(period__in=periods).order_by("kind"):
        month = by_period[bill.period]
        month.bills[bill.kind] = bill
        month.due += bill.amount
        month.paid += bill.paid_amount
        month.due_date = max(filter(None, [month.due_date, bill.due_date]))
        if bill.kind not in kinds:
            kinds.append(bill.kind)
    order = [k for k, _ in FeeKind.choices]
    kinds.sort(key=order.index)
    return kinds, [by_period[p] for p in periods]


@dataclass(frozen=True)
class PaidBill:
    """What one payment paid on one bill, as the house page lists it."""

    month: str
    fee: str
    amount: Decimal


def house_payments(house: House, limit: int = 10) -> tuple[list[Payment], Decimal]:
    """The house's latest payments, each with the bills it paid (``bills_paid``), and its
    credit: what it paid beyond every bill.

    One query: the bills paid come as an array per payment and the credit as a window
    over all the house's payments (computed before the limit). The house page gathers
    what every area knows of the house, under a cap on its queries.
    """
    bills_paid = ArraySubquery(
        PaymentAllocation.objects.filter(payment=OuterRef("pk"))
        .order_by("bill__period", "bill_id", "id")
        .values(
            json=JSONObject(
                period="bill__period", kind="bill__kind", amount=Cast("amount", TextField())
            )
        )
    )
    payments = list(
        house.payments.annotate(
            house_credit=Window(Sum("unallocated")), paid_bills=bills_paid
        ).order_by("-paid_on", "-id")[:limit]
    )
    for payment in payments:
        payment.bills_paid = [
            PaidBill(row["period"][:7], FeeKind(row["kind"]).label, Decimal(row["amount"]))
            for row in payment.paid_bills
        ]
    return payments, payments[0].house_credit if payments else Decimal(0)


def site_buildings(site: Site) -> list[Building]:
    return list(Building.objects.for_site(site).order_by("number"))


def houses_by_code(site: Site, code: HouseCode, limit: int = 2) -> list[House]:
    """The site's houses with exactly this code; parts not typed match any value.

    ``limit`` 2 is enough to tell “none”, “one” and “which one?”.
    """
    queryset = House.objects.for_site(site).filter(room=code.room).select_related("building")
    if code.building is not None:
        queryset = queryset.filter(building__number=code.building)
    if code.unit is not None:
        queryset = queryset.filter(unit=code.unit)
    return list(queryset.order_by("building__number", "unit", "id")[:limit])
