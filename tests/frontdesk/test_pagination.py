"""The paginators of the big lists: CappedPaginator's bounded count, and
WindowCountPaginator's count read beside the page of an aggregate."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Sum
from django.test.utils import CaptureQueriesContext

from frontdesk.pagination import CappedPaginator, WindowCountPaginator
from residents.models import Bill, FeeKind, House
from tests import factories


@pytest.fixture
def owing(site_a):
    """Seven houses, each with as many bills as its number (1…7): an aggregate of 7 rows."""
    for n in range(1, 8):
        house = factories.make_house(site_a, building=1, room=f"{n}01")
        for month in range(1, n + 1):
            Bill.objects.create(
                site=site_a,
                house=house,
                kind=FeeKind.PROPERTY,
                period=date(2026, month, 1),
                amount=Decimal(10),
                due_date=date(2026, month, 28),
            )
    return (
        Bill.objects.filter(site=site_a)
        .values("house")
        .annotate(bills=Count("id"), total=Sum("amount"))
        .order_by("-bills", "house")
    )


def test_the_count_comes_with_the_page_in_one_query(owing, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = WindowCountPaginator(owing, 3).get_page(2)
        assert page.paginator.count == 7
        assert page.paginator.num_pages == 3
        assert [row["bills"] for row in page] == [4, 3, 2]
    assert page.has_next() and page.has_previous()
    assert set(page[0]) == {"house", "bills", "total"}  # the count's column taken off


def test_a_page_past_the_end_or_not_a_number_lands_where_djangos_does(owing):
    last = WindowCountPaginator(owing, 3).get_page(99)
    assert (last.number, [row["bills"] for row in last]) == (3, [1])
    assert WindowCountPaginator(owing, 3).get_page("abc").number == 1
    assert WindowCountPaginator(owing, 3).get_page(-4).number == 1


def test_an_empty_list_has_one_empty_page(site_a):
    empty = Bill.objects.filter(site=site_a).values("house").annotate(n=Count("id"))
    page = WindowCountPaginator(empty.order_by("house"), 3).get_page(1)
    assert (page.paginator.count, list(page)) == (0, [])


def test_the_capped_count_stops_past_the_cap(site_a, django_assert_num_queries):
    for n in range(5):
        factories.make_house(site_a, building=2, room=f"{n}02")
    houses = House.objects.filter(site=site_a).order_by("pk")
    paginator = CappedPaginator(houses, 2, cap=3)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.capped) == (4, True)  # counted to cap + 1 only
    assert len(page) == 2


def test_the_capped_count_reads_the_ids_not_what_the_rows_are_annotated_with(site_a, owing):
    """A page's rows may carry an annotation worked out per row (the posting checklist's
    boards waiting, an array per notice): the count leaves it out, and counts the same."""
    houses = (
        House.objects.filter(site=site_a)
        .annotate(
            bill_periods=ArraySubquery(Bill.objects.filter(house=OuterRef("pk")).values("period"))
        )
        .filter(bills__amount__gt=0)
        .distinct()
        .order_by("pk")
    )
    paginator = CappedPaginator(houses, 2, cap=100)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 7
    (sql,) = [q["sql"] for q in queries]
    assert "ARRAY" not in sql and "residents_bill" in sql
    # An aggregate keeps its own columns: the groups are what is counted.
    assert CappedPaginator(owing, 2).count == 7
