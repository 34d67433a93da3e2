"""Payments meet bills: every write of who paid what (PaymentAllocation, Bill.paid_amount,
Payment.unallocated) is here.

The rule is residents.allocation's (its own bill first, then the oldest open bills, the rest
kept as credit). Credit is applied whenever a house's money is allocated: when a payment is
recorded, and when bills come in (the bills import, a bill added in admin), so a prepayment
pays the next bill the day it is issued.

Concurrency: every writer of a house's allocations first locks the house row (FOR NO KEY
UPDATE, which still lets other rows refer to the house), then its open bills in bill order.
The house lock makes the decision "no bill open, keep it as credit" safe too, which locking
bills alone cannot (there is no row to lock). Writers of several houses lock them in id
order, so two of them never wait on each other in a circle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Least

from frontdesk.models import Site
from frontdesk.scoping import check_same_site
from residents.allocation import Money, OpenBill, plan
from residents.models import Bill, House, Payment, PaymentAllocation

BATCH = 2000
ZERO = Decimal(0)


def houses_lock(*, site: Site, house_ids: Iterable[int]) -> list[int]:
    """Lock these houses of the site for allocating their money; returns their ids."""
    return list(
        House.objects.for_site(site)
        .filter(pk__in=set(house_ids))
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )


def payment_record(*, site: Site, payment: Payment) -> Payment:
    """Save a payment finance reported (built by a form or admin, not yet saved) and
    allocate it: its bill first if it names one, then the house's oldest open bills."""
    check_same_site(site, house=payment.house, bill=payment.bill)
    if payment.bill is not None and payment.bill.house_id != payment.house_id:
        raise ValueError("A payment's bill is a bill of its house.")
    if payment.amount <= 0:
        raise ValueError("A payment is of a positive amount.")
    with transaction.atomic():
        houses_lock(site=site, house_ids=[payment.house_id])
        payment.site = site
        payment.unallocated = payment.amount
        payment.save()
        houses_allocate(site=site, house_ids=[payment.house_id])
        payment.refresh_from_db(fields=["unallocated"])
    return payment


def houses_allocate(*, site: Site, house_ids: Iterable[int]) -> list[PaymentAllocation]:
    """Allocate every payment of these houses that has money left (new payments, credit)
    to their open bills; returns the allocations written."""
    with transaction.atomic():
        ids = houses_lock(site=site, house_ids=house_ids)
        payments = list(
            Payment.objects.for_site(site)
            .filter(house_id__in=ids, unallocated__gt=0)
            .order_by("house_id", "paid_on", "id")
            .select_for_update()
        )
        if not payments:
            return []
        bills = list(
            Bill.objects.for_site(site)
            .open()
            .filter(house_id__in={p.house_id for p in payments})
            .order_by("house_id", "period", "id")
            .select_for_update()
        )
        return _write(site, bills, payments)


def _write(site: Site, bills: list[Bill], payments: list[Payment]) -> list[PaymentAllocation]:
    open_bills = [
        OpenBill(b.pk, b.house_id, b.period, b.amount - b.paid_amount, b.kind) for b in bills
    ]
    money = [Money(p.pk, p.house_id, p.paid_on, p.unallocated, p.bill_id) for p in payments]
    allocations, paid = [], defaultdict(Decimal)
    for share in plan(open_bills, money):
        if share.bill is not None:
            allocations.append(
                PaymentAllocation(
                    site=site, payment_id=share.key, bill_id=share.bill.id, amount=share.amount
                )
            )
            paid[share.key] += share.amount
    if not allocations:
        return []
    PaymentAllocation.objects.bulk_create(allocations, batch_size=BATCH)
    left = {b.id: b.outstanding for b in open_bills}
    changed = [b for b in bills if b.amount - b.paid_amount != left[b.pk]]
    for bill in changed:
        bill.paid_amount = bill.amount - left[bill.pk]
    Bill.objects.bulk_update(changed, ["paid_amount"], batch_size=BATCH)
    spent = [p for p in payments if p.pk in paid]
    for payment in spent:
        payment.unallocated -= paid[payment.pk]
    Payment.objects.bulk_update(spent, ["unallocated"], batch_size=BATCH)
    return allocations


def allocated_to_bill() -> Subquery:
    """What payments recorded here have paid on the bill (OuterRef "pk")."""
    return Coalesce(
        Subquery(
            PaymentAllocation.objects.filter(bill=OuterRef("pk"))
            .order_by()
            .values("bill")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        ZERO,
    )


def bills_settle(*, site: Site, bill_ids: Iterable[int]) -> None:
    """After bills were written from outside (the bills import, admin): square their paid
    figure with the payments allocated to them, then apply the houses' credit.

    A paid figure finance gave (已收金额) counts the receipts it linked to the bill, which
    may be the very payments recorded here: the bill is settled by the larger of the two,
    never by their sum, so no receipt is counted twice and none is lost. A bill lowered
    below what payments here have paid on it gives the difference back to them as credit,
    newest payment first.
    """
    bill_ids = list(bill_ids)
    with transaction.atomic():
        house_ids = set(
            Bill.objects.for_site(site).filter(pk__in=bill_ids).values_list("house_id", flat=True)
        )
        houses_lock(site=site, house_ids=house_ids)
        bills = Bill.objects.for_site(site).filter(pk__in=bill_ids)
        _give_back_overpaid(bills)
        # Also caps a paid figure kept from before at a lowered amount.
        settled = Least(F("amount"), Greatest(F("paid_amount"), allocated_to_bill()))
        bills.exclude(paid_amount=settled).update(paid_amount=settled)
        houses_allocate(site=site, house_ids=house_ids)


def _give_back_overpaid(bills) -> None:
    # Rare (finance corrected a bill downwards after it was paid here): row by row.
    over = list(
        bills.annotate(allocated=allocated_to_bill())
        .filter(allocated__gt=F("amount"))
        .select_for_update(of=("self",))
    )
    if not over:
        return
    excess = {bill.pk: bill.allocated - bill.amount for bill in over}
    allocations = (
        PaymentAllocation.objects.filter(bill__in=over)
        .select_related("payment")
        .order_by("bill_id", "-payment__paid_on", "-payment_id", "-id")
        .select_for_update(of=("self", "payment"))
    )
    back: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in allocations:
        take = min(excess[allocation.bill_id], allocation.amount)
        if take <= 0:
            continue
        excess[allocation.bill_id] -= take
        back[allocation.payment_id] += take
        if take == allocation.amount:
            allocation.delete()
        else:
            PaymentAllocation.objects.filter(pk=allocation.pk).update(amount=F("amount") - take)
    for payment_id, amount in back.items():
        Payment.objects.filter(pk=payment_id).update(unallocated=F("unallocated") + amount)
