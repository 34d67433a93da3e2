"""How money meets bills (先缴旧欠), worked out without the database.

One rule, used by the allocation service (residents.services.allocations) on locked rows,
by the payments import's preview on the rows as they are, and by the demo data:

- money is taken in the order it was paid (paid on, then the caller's order);
- a payment that names its bill pays that bill first, as far as it is still owed;
- the rest pays the house's open bills oldest first (by period, then id), the last one
  possibly in part;
- what is left over stays with the payment as the house's credit (预存), to be allocated
  the next time the house's money is allocated (a new payment, or a new bill).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(slots=True)
class OpenBill:
    """A bill with something still owed on it; ``outstanding`` goes down as it is paid."""

    id: int
    house_id: int
    period: date
    outstanding: Decimal
    kind: str = ""


@dataclass(slots=True)
class Money:
    """Money of a house not allocated yet: a new payment, or the credit left of an old one.

    ``key`` names it to the caller (a payment id, a file's row) and orders payments made
    on the same day.
    """

    key: Hashable
    house_id: int
    paid_on: date
    amount: Decimal
    bill_id: int | None = None


@dataclass(frozen=True, slots=True)
class Share:
    """Part of a payment: paying ``bill``, or kept as credit when ``bill`` is None."""

    key: Hashable
    bill: OpenBill | None
    amount: Decimal


def plan(bills: Iterable[OpenBill], money: Iterable[Money]) -> list[Share]:
    """Every payment's shares, in the order the money was taken.

    ``bills`` are the open bills of the houses of ``money`` (others are ignored); they are
    changed in place to what is still owed afterwards.
    """
    queues: dict[int, list[OpenBill]] = defaultdict(list)
    by_id: dict[int, OpenBill] = {}
    for bill in sorted(bills, key=lambda b: (b.house_id, b.period, b.id)):
        queues[bill.house_id].append(bill)
        by_id[bill.id] = bill
    # Where each house's oldest bill still owed is: the ones before it are paid.
    first: dict[int, int] = defaultdict(int)
    shares: list[Share] = []
    for item in sorted(money, key=lambda m: (m.house_id, m.paid_on, m.key)):
        left = item.amount
        own = by_id.get(item.bill_id) if item.bill_id is not None else None
        if own is not None and own.house_id == item.house_id and own.outstanding > 0:
            paid = min(left, own.outstanding)
            own.outstanding -= paid
            left -= paid
            shares.append(Share(item.key, own, paid))
        queue = queues.get(item.house_id, [])
        index = first[item.house_id]
        while left > 0 and index < len(queue):
            bill = queue[index]
            if bill.outstanding > 0:
                paid = min(left, bill.outstanding)
                bill.outstanding -= paid
                left -= paid
                shares.append(Share(item.key, bill, paid))
            if bill.outstanding <= 0:
                index += 1
        first[item.house_id] = index
        if left > 0:
            shares.append(Share(item.key, None, left))
    return shares
