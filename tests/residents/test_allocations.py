"""The allocation service: a payment pays its bill, then the oldest open bills (先缴旧欠);
what is left is credit, which pays the next bills; two payments at once never take the
same money owed."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from residents.models import Bill, FeeKind, Payment, PaymentAllocation
from residents.selectors.arrears import Arrears, house_arrears, house_credit
from residents.services.allocations import bills_settle, houses_allocate
from tests import factories
from tests.residents.conftest import pay


def monthly_bills(house, months: int, amount: str = "300.00") -> list[Bill]:
    """Property-fee bills of the ``months`` months before this one, oldest first."""
    factories.make_overdue_bills(house, months, amount)
    return list(house.bills.order_by("period", "id"))


def shares(payment) -> list[tuple[int, Decimal]]:
    return list(payment.allocations.order_by("bill__period").values_list("bill_id", "amount"))


def new_bill(house, period: date, amount: str, kind=FeeKind.PROPERTY) -> Bill:
    return Bill.objects.create(
        site=house.site,
        house=house,
        kind=kind,
        period=period,
        amount=Decimal(amount),
        due_date=period + timedelta(days=30),
    )


def test_it_pays_the_oldest_bills_first_the_last_in_part(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 5)
    payment = pay(house, "750.00")  # two and a half months

    assert shares(payment) == [
        (bills[0].pk, Decimal("300.00")),
        (bills[1].pk, Decimal("300.00")),
        (bills[2].pk, Decimal("150.00")),
    ]
    paid = [b.paid_amount for b in house.bills.order_by("period")]
    assert paid == [Decimal(300), Decimal(300), Decimal(150), Decimal(0), Decimal(0)]
    assert payment.unallocated == 0
    assert house_arrears(house) == Arrears(months=3, total=Decimal("750.00"))


def test_it_goes_on_where_the_last_payment_stopped(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 3)
    pay(house, "450.00")
    second = pay(house, "300.00")
    assert shares(second) == [(bills[1].pk, Decimal("150.00")), (bills[2].pk, Decimal("150.00"))]
    assert house_arrears(house).total == Decimal("150.00")


def test_a_payment_with_its_bill_pays_that_bill_first(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 3)
    payment = pay(house, "400.00", bill=bills[2])
    # Its own bill in full, the rest to the oldest one.
    assert shares(payment) == [(bills[0].pk, Decimal("100.00")), (bills[2].pk, Decimal("300.00"))]


def test_it_keeps_what_is_left_as_credit_and_the_next_bill_takes_it(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 1)
    payment = pay(house, "500.00")
    assert shares(payment) == [(bills[0].pk, Decimal("300.00"))]
    assert payment.unallocated == Decimal("200.00")
    assert house_credit(house) == Decimal("200.00")

    # Finance issues next month's bill: the credit pays it the moment it is settled in.
    bill = new_bill(house, date.today().replace(day=1), "350.00")
    bills_settle(site=site_a, bill_ids=[bill.pk])
    bill.refresh_from_db()
    payment.refresh_from_db()
    assert bill.paid_amount == Decimal("200.00")
    assert payment.unallocated == 0
    assert shares(payment)[-1] == (bill.pk, Decimal("200.00"))
    assert house_credit(house) == 0


def test_a_bills_paid_figure_and_its_allocations_count_once(site_a):
    house = factories.make_house(site_a)
    [bill] = monthly_bills(house, 1)
    pay(house, "300.00")
    # Finance's file says the bill was paid, counting the very same receipt.
    Bill.objects.filter(pk=bill.pk).update(paid_amount=Decimal("300.00"))
    bills_settle(site=site_a, bill_ids=[bill.pk])
    bill.refresh_from_db()
    assert bill.paid_amount == Decimal("300.00")
    # A file that lists it unpaid cannot unpay what a receipt here paid.
    Bill.objects.filter(pk=bill.pk).update(paid_amount=0)
    bills_settle(site=site_a, bill_ids=[bill.pk])
    bill.refresh_from_db()
    assert bill.paid_amount == Decimal("300.00")


def test_a_bill_lowered_below_what_was_paid_gives_the_rest_back_as_credit(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 2)
    older = pay(house, "300.00", paid_on=date.today() - timedelta(days=5))
    newer = pay(house, "300.00")
    Bill.objects.filter(pk=bills[1].pk).update(amount=Decimal("250.00"))
    bills_settle(site=site_a, bill_ids=[bills[1].pk])

    newer.refresh_from_db()
    older.refresh_from_db()
    assert (older.unallocated, newer.unallocated) == (0, Decimal("50.00"))
    assert shares(newer) == [(bills[1].pk, Decimal("250.00"))]
    assert Bill.objects.get(pk=bills[1].pk).paid_amount == Decimal("250.00")
    assert house_credit(house) == Decimal("50.00")


def test_it_allocates_only_within_the_house_and_site(site_a, site_b):
    house = factories.make_house(site_a)
    neighbour = factories.make_house(site_a, room="1202")
    elsewhere = factories.make_house(site_b)
    monthly_bills(neighbour, 2)
    monthly_bills(elsewhere, 2)
    payment = pay(house, "100.00")
    assert shares(payment) == []
    assert payment.unallocated == Decimal("100.00")
    assert not Bill.objects.exclude(paid_amount=0).exists()
    # Another site's houses named to the service are not touched.
    assert houses_allocate(site=site_b, house_ids=[house.pk]) == []


def test_it_refuses_a_bill_of_another_house(site_a):
    from django.core.exceptions import ValidationError

    house = factories.make_house(site_a)
    other = factories.make_house(site_a, room="1202")
    [bill] = monthly_bills(other, 1)
    with pytest.raises(ValueError):
        pay(house, "300.00", bill=bill)
    with pytest.raises(ValidationError):
        pay(factories.make_house(factories.make_site()), "300.00", bill=bill)
    assert not Payment.objects.exists()


def test_it_allocates_with_the_same_number_of_queries_for_few_or_many(site_a):
    def allocation_queries(houses: int, months: int) -> int:
        built = [
            factories.make_house(site_a, building=houses, room=f"{i}01") for i in range(houses)
        ]
        for house in built:
            monthly_bills(house, months)
            Payment.objects.create(
                site=site_a,
                house=house,
                paid_on=date.today(),
                amount=Decimal(300 * months),
                unallocated=Decimal(300 * months),
                method="cash",
                receipt_no=f"Q{houses}-{house.pk}",
            )
        with CaptureQueriesContext(connection) as queries:
            written = houses_allocate(site=site_a, house_ids=[h.pk for h in built])
        assert len(written) == houses * months
        return len(queries)

    # Savepoint, the houses locked, their money, their open bills, the allocations
    # written, the bills' paid figures, the payments' credit, release.
    assert allocation_queries(1, 1) == allocation_queries(20, 6) == 8


# --- two payments at once -----------------------------------------------------------


def record_in_thread(house, amount, outcome, key, started=None, release=None):
    def run():
        try:
            with transaction.atomic():
                outcome[key] = pay(house, amount)
                if started is not None:
                    started.set()
                    release.wait(10)
        except Exception as error:  # reported to the test, which fails on it
            outcome[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_second_payment_waits_for_the_first_and_pays_what_is_left(site_a):
    house = factories.make_house(site_a)
    bills = monthly_bills(house, 3)
    outcome, started, release = {}, threading.Event(), threading.Event()
    first = record_in_thread(house, "300.00", outcome, "first", started, release)
    assert started.wait(10)  # the first has allocated, not committed
    second = record_in_thread(house, "300.00", outcome, "second")
    second.join(timeout=0.5)
    assert second.is_alive()  # waiting for the house
    release.set()
    first.join(10)
    second.join(10)

    assert shares(outcome["first"]) == [(bills[0].pk, Decimal("300.00"))]
    assert shares(outcome["second"]) == [(bills[1].pk, Decimal("300.00"))]
    assert [b.paid_amount for b in house.bills.order_by("period")] == [300, 300, 0]


@pytest.mark.django_db(transaction=True)
def test_payments_at_once_never_take_the_same_money_owed(site_a):
    house = factories.make_house(site_a)
    monthly_bills(house, 4)
    outcome = {}
    threads = [record_in_thread(house, "250.00", outcome, n) for n in range(6)]
    for thread in threads:
        thread.join(20)
    assert not [o for o in outcome.values() if isinstance(o, Exception)]

    # 1,500 paid against 1,200 owed: every bill paid once, 300 left as credit.
    assert [b.paid_amount for b in house.bills.all()] == [Decimal("300.00")] * 4
    allocated = sum(PaymentAllocation.objects.values_list("amount", flat=True))
    assert allocated == Decimal("1200.00")
    assert house_credit(house) == Decimal("300.00")
    for payment in Payment.objects.all():
        placed = sum(payment.allocations.values_list("amount", flat=True))
        assert placed + payment.unallocated == payment.amount
