"""The house page: occupants with masked contacts, fee status at a glance, bills, requests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from residents.models import Bill, FeeKind, Occupancy
from tests import factories
from tests.residents.conftest import pay
from visitors.services.inquiries import inquiry_create


def url(house):
    return reverse("residents:house", args=[house.pk])


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_resident(
        site_a, "张小丰", "13900001234", house=house, relation=Occupancy.Relation.FAMILY
    )
    return house


def bill(house, months_ago, amount, paid, kind=FeeKind.PROPERTY):
    today = date.today()
    period = (today.replace(day=1) - timedelta(days=28 * months_ago)).replace(day=1)
    return Bill.objects.create(
        site=house.site,
        house=house,
        kind=kind,
        period=period,
        amount=Decimal(amount),
        paid_amount=Decimal(paid),
        due_date=period + timedelta(days=27) if months_ago else today + timedelta(days=10),
    )


def test_it_shows_occupants_with_masked_contacts(clerk_client, house):
    html = clerk_client.get(url(house)).content.decode()
    assert "3栋2单元1201" in html
    assert "张三丰" in html and "张小丰" in html
    assert "138****8000" in html and "13800138000" not in html
    assert "业主" in html and "家属" in html
    assert "no-store" in clerk_client.get(url(house))["Cache-Control"]


def test_it_shows_a_paid_up_house(clerk_client, house):
    bill(house, 2, "300.00", "300.00")
    bill(house, 0, "300.00", "0")  # this month's, not due yet: not arrears
    html = clerk_client.get(url(house)).content.decode()
    assert "费用已结清" in html
    assert "未到期" in html


def test_it_shows_months_and_total_owed(clerk_client, house):
    bill(house, 1, "300.00", "0")
    bill(house, 1, "80.50", "0", kind=FeeKind.WATER)
    bill(house, 2, "300.00", "100.00")
    bill(house, 3, "300.00", "300.00")
    html = clerk_client.get(url(house)).content.decode()
    assert "欠费 2 个月 · ¥580.50" in html


def test_it_shows_which_bills_each_payment_paid_and_the_credit(clerk_client, house):
    bill(house, 2, "300.00", "0")
    bill(house, 1, "300.00", "0")
    pay(house, "450.00", receipt="SK0000001")
    html = clerk_client.get(url(house)).content.decode()
    assert "欠费 1 个月 · ¥150.00" in html
    assert "SK0000001" in html and "¥300.00" in html and "¥150.00" in html
    assert "部分缴纳" in html  # the newer month, paid in part

    pay(house, "500.00", receipt="SK0000002")
    html = clerk_client.get(url(house)).content.decode()
    assert "费用已结清" in html
    assert "预存余额 ¥350.00" in html and "预存 ¥350.00" in html


def test_it_is_a_404_for_another_sites_house(client, clerk_b, house):
    client.force_login(clerk_b)
    assert client.get(url(house)).status_code == 404


def test_it_needs_login(client, house):
    assert client.get(url(house))["Location"].startswith(reverse("login"))


def test_it_uses_the_same_number_of_queries_for_few_or_many_rows(
    clerk_client, clerk, site_a, house, django_assert_num_queries
):
    bill(house, 1, "300.00", "0")
    inquiry_create(
        site=site_a,
        user=clerk,
        house=house,
        resident=house.residents.first(),
        question="问题",
        answer="答",
    )
    pay(house, "100.00")
    clerk_client.get(url(house))
    # Session, user, the header's unread messages, the house, its occupants, the last 12
    # months billed and their bills, the arrears, the latest payments with the bills they
    # paid and the credit; reception's panels: the parcels waiting, the inquiries and the
    # residents they name, the inquiry form's departments; the house's cases (complaints
    # panel).
    with django_assert_num_queries(14):
        clerk_client.get(url(house))
    for i in range(20):
        factories.make_resident(site_a, f"李{i}", f"1370000{i:04d}", house=house, relation="tenant")
    for m in range(2, 12):
        bill(house, m, "300.00", "0")
    for _ in range(15):  # more than the page lists, each paying several bills
        pay(house, "450.00")
    departments = list(site_a.departments.all())
    for i in range(25):  # more than the page lists, each by another clerk, some referred
        inquiry_create(
            site=site_a,
            user=factories.make_user(site_a, full_name=f"客服{i}"),
            house=house,
            resident=house.residents.first(),
            question=f"问题{i}",
            answer="" if i % 2 else "已答复",
            referred_to=departments[i % len(departments)] if i % 2 else None,
        )
    with django_assert_num_queries(14):
        html = clerk_client.get(url(house)).content.decode()
    assert "问题24" in html and "客服24" in html
