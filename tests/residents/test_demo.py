"""The records' demo data and company scale (residents.demo): bills and payments allocated
as the allocation service would have left them."""

import pytest
from django.db import connection

from frontdesk import demo
from residents import demo as residents_demo
from residents.models import Bill, Payment, PaymentAllocation
from residents.selectors.arrears import arrears_totals, house_credit

pytestmark = pytest.mark.slow  # loads the demo records

# Every figure the allocations stand for, checked in the database at once.
INCONSISTENT = """
SELECT
  (SELECT count(*) FROM residents_bill b
    WHERE b.paid_amount <> COALESCE(
      (SELECT sum(amount) FROM residents_paymentallocation a WHERE a.bill_id = b.id), 0)),
  (SELECT count(*) FROM residents_payment p
    WHERE p.amount <> p.unallocated + COALESCE(
      (SELECT sum(amount) FROM residents_paymentallocation a WHERE a.payment_id = p.id), 0)),
  (SELECT count(*) FROM residents_paymentallocation a
    JOIN residents_bill b ON b.id = a.bill_id JOIN residents_payment p ON p.id = a.payment_id
    WHERE b.house_id <> p.house_id OR a.site_id <> b.site_id OR a.site_id <> p.site_id),
  (SELECT count(*) FROM residents_payment p WHERE p.unallocated > 0 AND EXISTS (
    SELECT 1 FROM residents_bill b WHERE b.house_id = p.house_id AND b.paid_amount < b.amount))
"""


def inconsistencies() -> tuple:
    """Bills whose paid figure is not their allocations, payments whose amount is not
    allocations plus credit, allocations across houses or sites, credit beside open bills."""
    with connection.cursor() as cursor:
        cursor.execute(INCONSISTENT)
        return cursor.fetchone()


@pytest.fixture
def context(db):
    context = demo.seed_core()
    residents_demo.seed_demo(context)
    return context


def test_it_allocates_every_demo_payment_by_the_desks_rule(context):
    assert inconsistencies() == (0, 0, 0, 0)
    assert PaymentAllocation.objects.count() > Payment.objects.count()
    # Some houses owe, some paid part of what they owed, some paid ahead.
    for site in context.sites:
        assert arrears_totals(site).count() > 10
    assert Bill.objects.filter(paid_amount__gt=0).open().exists()
    ahead = Payment.objects.filter(unallocated__gt=0).select_related("house").first()
    assert ahead is not None and house_credit(ahead.house) > 0


def test_it_loads_company_scale_allocated_too(context):
    specs = demo.bench_site_specs(total_houses=1_500, site_count=4)
    demo.seed_bench_sites(context, specs)
    counts = residents_demo.seed_bench(context)
    bench_sites = [site for site, _spec in context.bench]
    assert counts["allocations"] == PaymentAllocation.objects.filter(site__in=bench_sites).count()
    assert counts["allocations"] > counts["payments"]
    assert inconsistencies() == (0, 0, 0, 0)
