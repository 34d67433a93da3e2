from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from residents.models import Bill, FeeKind
from residents.selectors.arrears import house_arrears, houses_owing
from tests import factories
from tests.residents.conftest import pay

URL = reverse("residents:arrears")


@pytest.fixture
def debtors(site_a, site_b):
    small = factories.make_house(site_a, building=1, room="101")
    big = factories.make_house(site_a, building=2, room="202")
    paid = factories.make_house(site_a, building=3, room="303")
    factories.make_overdue_bills(small, 1)
    factories.make_overdue_bills(big, 4)
    Bill.objects.create(
        site=site_a,
        house=paid,
        kind=FeeKind.WATER,
        period=date(2026, 1, 1),
        amount=Decimal(50),
        paid_amount=Decimal(50),
        due_date=date(2026, 1, 31),
    )
    factories.make_overdue_bills(factories.make_house(site_b, building=9, room="909"), 6)
    return small, big, paid


def test_it_lists_the_largest_debts_first(clerk_client, debtors):
    small, big, paid = debtors
    response = clerk_client.get(URL)
    houses = list(response.context["page"])
    assert houses == [big, small]
    assert (houses[0].arrears_months, houses[0].arrears_total) == (4, Decimal("1200.00"))
    html = response.content.decode()
    assert "9栋" not in html  # another site's debtor


def test_it_agrees_with_the_house_page_after_a_payment_without_its_bill(
    clerk_client, site_a, debtors
):
    small, big, paid = debtors
    pay(big, "750.00")  # two and a half of its four months, oldest first

    listed = {h.pk: h for h in clerk_client.get(URL).context["page"]}
    assert (listed[big.pk].arrears_months, listed[big.pk].arrears_total) == (
        2,
        Decimal("450.00"),
    )
    page = clerk_client.get(reverse("residents:house", args=[big.pk]))
    assert page.context["arrears"] == house_arrears(big)
    assert (page.context["arrears"].months, page.context["arrears"].total) == (
        2,
        Decimal("450.00"),
    )
    assert "欠费 2 个月 · ¥450.00" in page.content.decode()
    # What reminders read: the same figures, and a house that has paid is left out.
    pay(small, "300.00")
    owing = houses_owing(site_a, [small.pk, big.pk, paid.pk])
    assert list(owing) == [big.pk]
    assert (owing[big.pk].months, owing[big.pk].total) == (2, Decimal("450.00"))
    assert small.pk not in {h.pk for h in clerk_client.get(URL).context["page"]}


def test_it_uses_the_same_number_of_queries_for_few_or_many(
    clerk_client, site_a, debtors, django_assert_num_queries
):
    clerk_client.get(URL)
    # Session, user, the header's unread messages, the houses in arrears with their sums
    # (and how many there are, beside each), the page's houses (with their last
    # reminder), the buildings of the filter.
    with django_assert_num_queries(6):
        clerk_client.get(URL)
    for i in range(30):
        factories.make_overdue_bills(factories.make_house(site_a, building=10 + i, room="101"), 2)
    with django_assert_num_queries(6):
        response = clerk_client.get(URL)
    assert response.context["page"].paginator.count == 32


def test_it_needs_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
