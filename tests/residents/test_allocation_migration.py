"""residents 0011: payments recorded before allocations existed are allocated, without
counting twice the ones a bill's paid figure already counted (as the demo data's do)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.migrating import latest, migrate

BEFORE = [("residents", "0009_channels")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_payments_recorded_before_are_allocated_once():
    old = migrate(BEFORE)
    try:
        site = old.get_model("frontdesk", "Site").objects.create(
            name="迁移小区", address="某路 1 号", service_phone="0571-88886601"
        )
        building = old.get_model("residents", "Building").objects.create(site=site, number=3)
        House = old.get_model("residents", "House")
        Bill = old.get_model("residents", "Bill")
        Payment = old.get_model("residents", "Payment")
        receipts = iter(range(1, 100))

        def house(room):
            return House.objects.create(site=site, building=building, unit=2, floor=1, room=room)

        def bill(house, month, amount, paid=0):
            return Bill.objects.create(
                site=site,
                house=house,
                kind="property",
                period=date(2026, month, 1),
                amount=Decimal(amount),
                paid_amount=Decimal(paid),
                due_date=date(2026, month, 28),
            )

        def payment(house, amount, paid_on, bill=None):
            return Payment.objects.create(
                site=site,
                house=house,
                bill=bill,
                paid_on=paid_on,
                amount=Decimal(amount),
                method="cash",
                receipt_no=f"M{next(receipts)}",
            )

        # A payments file without bills: it paid nothing, the house still "owed".
        unbilled = house("101")
        unbilled_bills = [bill(unbilled, m, 300) for m in (1, 2, 3, 4)]
        lump = payment(unbilled, 750, date(2026, 5, 1))
        # Bills marked paid by the same payments (the demo data, finance's 已收金额).
        marked = house("102")
        marked_bills = [bill(marked, 1, 300, 300), bill(marked, 2, 300, 300), bill(marked, 3, 300)]
        january = payment(marked, 300, date(2026, 1, 20))
        february = payment(marked, 300, date(2026, 2, 20))
        # Payments naming their bill, more than it: the old import capped the bill.
        named = house("103")
        named_bills = [bill(named, 1, 100, 100), bill(named, 2, 200)]
        first = payment(named, 50, date(2026, 1, 10), named_bills[0])
        second = payment(named, 90, date(2026, 1, 20), named_bills[0])
        # More than was ever billed: credit.
        ahead = house("104")
        ahead_bill = bill(ahead, 1, 300)
        prepaid = payment(ahead, 1000, date(2026, 1, 2))
    finally:
        new = migrate(latest())

    Bill = new.get_model("residents", "Bill")
    Payment = new.get_model("residents", "Payment")
    Allocation = new.get_model("residents", "PaymentAllocation")

    def shares(p):
        return list(
            Allocation.objects.filter(payment_id=p.pk)
            .order_by("bill__period")
            .values_list("bill_id", "amount")
        )

    def paid(bills):
        return [Bill.objects.get(pk=b.pk).paid_amount for b in bills]

    def credit(p):
        return Payment.objects.get(pk=p.pk).unallocated

    assert shares(lump) == [
        (unbilled_bills[0].pk, 300),
        (unbilled_bills[1].pk, 300),
        (unbilled_bills[2].pk, 150),
    ]
    assert paid(unbilled_bills) == [300, 300, 150, 0]
    assert credit(lump) == 0

    assert shares(january) == [(marked_bills[0].pk, 300)]
    assert shares(february) == [(marked_bills[1].pk, 300)]
    assert paid(marked_bills) == [300, 300, 0]  # March still owed, as before

    assert shares(first) == [(named_bills[0].pk, 50)]
    assert shares(second) == [(named_bills[0].pk, 50), (named_bills[1].pk, 40)]
    assert paid(named_bills) == [100, 40]

    assert shares(prepaid) == [(ahead_bill.pk, 300)]
    assert (paid([ahead_bill]), credit(prepaid)) == ([300], Decimal(700))
