"""Records in Django admin: scoped to the supervisor's sites, rows never mixing sites."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.models import PersonalDataAccess
from residents.models import Bill, Occupancy, Payment, Vehicle
from tests import factories
from tests.residents.conftest import pay


def test_it_refuses_an_occupancy_of_another_sites_house(client, local_supervisor, site_a, site_b):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    other_house = factories.make_house(site_b)
    client.force_login(local_supervisor)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    response = client.post(
        url,
        factories.resident_admin_data(
            resident,
            **{
                "occupancies-TOTAL_FORMS": "1",
                "occupancies-0-house": other_house.pk,
                "occupancies-0-relation": "owner",
            },
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Occupancy.objects.filter(house=other_house).exists()


def test_it_gives_a_vehicle_its_owners_site_and_refuses_a_taken_plate(
    client, local_supervisor, site_a
):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    other = factories.make_resident(site_a, "李四", "13900001111")
    Vehicle.objects.create(site=site_a, resident=other, plate="浙A12345")
    client.force_login(local_supervisor)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = factories.resident_admin_data(
        resident, **{"vehicles-TOTAL_FORMS": "1", "vehicles-0-plate": "浙A·12345"}
    )
    assert client.post(url, data).status_code == 200
    assert not Vehicle.objects.filter(resident=resident).exists()
    data["vehicles-0-plate"] = "浙B54321"
    assert client.post(url, data).status_code == 302
    assert Vehicle.objects.get(resident=resident).site == site_a


def test_it_refuses_a_bill_whose_house_is_of_another_site(site_a, site_b):
    bill = Bill(
        site=site_a,
        house=factories.make_house(site_b),
        kind="property",
        period=date(2026, 1, 1),
        amount=Decimal(100),
        due_date=date(2026, 1, 31),
    )
    with pytest.raises(ValidationError):
        bill.full_clean()


def test_it_shows_phones_masked_in_the_list_and_logs_opening_a_resident(
    client, local_supervisor, site_a
):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:residents_resident_changelist")).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    client.get(reverse("admin:residents_resident_change", args=[resident.pk]))
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id) == (local_supervisor, str(resident.pk))


def test_it_offers_only_the_supervisors_sites_in_the_site_filter(
    client, local_supervisor, site_a, site_b
):
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:residents_house_changelist")).content.decode()
    assert site_a.name in html
    assert site_b.name not in html


def test_it_lists_only_the_supervisors_sites_bills_and_payments(
    client, local_supervisor, site_a, site_b
):
    from residents.models import Payment

    own, other = factories.make_house(site_a), factories.make_house(site_b)
    factories.make_overdue_bills(own)
    factories.make_overdue_bills(other)
    for house, receipt in ((own, "A-1"), (other, "B-1")):
        Payment.objects.create(
            site=house.site,
            house=house,
            paid_on=date(2026, 1, 5),
            amount=Decimal(10),
            method="cash",
            receipt_no=receipt,
        )
    client.force_login(local_supervisor)
    bills = client.get(reverse("admin:residents_bill_changelist")).context["cl"].result_list
    assert {b.site_id for b in bills} == {site_a.pk}
    payments = client.get(reverse("admin:residents_payment_changelist"))
    assert [p.receipt_no for p in payments.context["cl"].result_list] == ["A-1"]


# --- Search: the desk lookup's keys -----------------------------------------------------


@pytest.fixture
def people(site_a, site_b):
    """Residents of site_a as the lookup would find them, and a namesake at site_b."""
    from residents.services.search_keys import residents_reindex

    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    zsf = factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    Vehicle.objects.create(site=site_a, resident=zsf, plate="浙A12345")
    residents_reindex(resident_ids=[zsf.pk])
    factories.make_resident(
        site_a, "李小龙", "13911111201", house=factories.make_house(site_a, 5, 1, "0602")
    )
    factories.make_resident(site_a, "王五", "", house=factories.make_house(site_a, 3, 2, "1202"))
    moved = factories.make_resident(site_a, "赵六", "13700000000", house=house)
    Occupancy.objects.filter(resident=moved).update(moved_out=date(2025, 1, 1))
    factories.make_resident(site_b, "张三丰", "13800138000", house=factories.make_house(site_b))
    return zsf


def resident_names(client, q):
    response = client.get(reverse("admin:residents_resident_changelist"), {"q": q})
    assert response.status_code == 200
    return sorted(r.name for r in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("张三丰", ["张三丰"]),
        ("三丰", ["张三丰"]),  # a part of the name
        ("zhangsanfeng", ["张三丰"]),
        ("sanfeng", ["张三丰"]),
        ("zsf", ["张三丰"]),
        ("ZSF", ["张三丰"]),
        ("z", ["张三丰", "赵六"]),  # one letter: the start of initials (zsf, zl)
        ("x", []),  # not the x of lxl
        ("13800138000", ["张三丰"]),
        ("138 0013 8000", ["张三丰"]),
        ("8000", ["张三丰"]),  # the last four digits
        ("浙A12345", ["张三丰"]),
        ("a12345", ["张三丰"]),  # without the province
        ("3-2-1201", ["张三丰"]),  # who lives there now: not 赵六, who moved out
        ("3栋2单元1201", ["张三丰"]),
        ("3-2-120", ["张三丰", "王五"]),  # a room still being typed
        ("1201", ["张三丰", "李小龙"]),  # room 1201, and the phone ending 1201
        ("王", ["王五"]),
        ("钱七", []),
        ("%", []),
        ("3-2-9999", []),
    ],
)
def test_it_finds_residents_by_the_desk_lookups_keys(client, local_supervisor, people, q, found):
    client.force_login(local_supervisor)
    assert resident_names(client, q) == found


@pytest.mark.parametrize("model", ["resident", "house", "vehicle", "bill", "payment", "building"])
@pytest.mark.parametrize("q", ["\x00", "张\x00三", "'; --", "%_", "x" * 500])
def test_it_survives_odd_searches(client, local_supervisor, people, model, q):
    client.force_login(local_supervisor)
    response = client.get(reverse(f"admin:residents_{model}_changelist"), {"q": q})
    assert response.status_code == 200


def test_it_searches_every_site_of_a_supervisor_and_no_other(client, supervisor, site_a, people):
    client.force_login(supervisor)  # of site_a and site_b
    assert resident_names(client, "zsf") == ["张三丰", "张三丰"]
    third = factories.make_site("远方小区")
    factories.make_resident(third, "张三丰", "13800138000")
    assert resident_names(client, "zsf") == ["张三丰", "张三丰"]


def test_it_lets_a_superuser_search_every_site(client, site_a, people):
    root = factories.make_user(site_a, username="root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    assert resident_names(client, "8000") == ["张三丰", "张三丰"]


def test_it_counts_a_search_exactly(client, local_supervisor, people):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:residents_resident_changelist"), {"q": "1201"})
    assert response.context["cl"].result_count == 2
    assert "2 条结果" in response.content.decode()


def test_it_offers_residents_to_the_occupancy_autocomplete_by_their_keys(
    client, local_supervisor, people
):
    client.force_login(local_supervisor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "residents",
            "model_name": "occupancy",
            "field_name": "resident",
            "term": "zsf",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(people.pk)]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("3-2-1201", ["3栋2单元1201"]),
        ("3栋2单元1201", ["3栋2单元1201"]),
        ("3-1201", ["3栋2单元1201"]),
        ("120", ["3栋2单元1201", "3栋2单元1202"]),
        ("zsf", ["3栋2单元1201"]),  # where someone the keys match lives now
        ("赵六", []),  # moved out
        ("3-2-9999", []),
    ],
)
def test_it_finds_houses_by_their_code(client, local_supervisor, people, q, found):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:residents_house_changelist"), {"q": q})
    assert sorted(h.label for h in response.context["cl"].result_list) == found


def test_it_finds_a_houses_bills_and_payments_by_its_code(client, local_supervisor, people):
    from residents.models import House, Payment

    house = House.objects.get(site=people.site, building__number=3, room="1201")
    other = House.objects.get(site=people.site, building__number=3, room="1202")
    for h, receipt in ((house, "R-1"), (other, "R-2")):
        factories.make_overdue_bills(h, months=2)
        Payment.objects.create(
            site=h.site,
            house=h,
            paid_on=date(2026, 1, 5),
            amount=1,
            method="cash",
            receipt_no=receipt,
        )
    client.force_login(local_supervisor)
    bills = client.get(reverse("admin:residents_bill_changelist"), {"q": "3-2-1201"})
    assert {b.house_id for b in bills.context["cl"].result_list} == {house.pk}
    assert bills.context["cl"].result_count == 2
    for q, receipts in (("3-2-1201", ["R-1"]), ("R-2", ["R-2"]), ("1202", ["R-2"])):
        payments = client.get(reverse("admin:residents_payment_changelist"), {"q": q})
        assert [p.receipt_no for p in payments.context["cl"].result_list] == receipts


def test_it_finds_a_vehicle_by_its_plate_however_written(client, local_supervisor, people):
    client.force_login(local_supervisor)
    for q in ("浙A·12345", "a12345", "浙a 12345"):
        response = client.get(reverse("admin:residents_vehicle_changelist"), {"q": q})
        assert [v.plate for v in response.context["cl"].result_list] == ["浙A12345"]


def test_it_offers_the_sites_departments_in_the_referral_filter(
    client, local_supervisor, site_a, site_b
):
    from frontdesk.models import Department

    client.force_login(local_supervisor)
    # Inquiries (查询登记 among them) are reception's now.
    response = client.get(reverse("admin:visitors_inquiry_changelist"))
    spec = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "field_path", "") == "referred_to"
    )
    offered = {pk for pk, _ in spec.lookup_choices}
    assert offered == set(Department.objects.filter(site=site_a).values_list("pk", flat=True))


# --- Changelists at scale: the same queries for few rows or many -------------------------


_numbers = itertools.count(1)


def fill(site, n: int) -> None:
    """``n`` rows of each table admin lists, each row with related rows of its own."""
    from residents.models import Payment, RosterImport
    from residents.services.search_keys import residents_reindex

    for _ in range(n):
        i = next(_numbers)
        house = factories.make_house(site, building=100 + i, unit=1, room="101")
        resident = factories.make_resident(site, f"张{i}", f"1390000{i:04d}", house=house)
        Vehicle.objects.create(site=site, resident=resident, plate=f"浙B{i:05d}")
        residents_reindex(resident_ids=[resident.pk])
        factories.make_overdue_bills(house)
        Payment.objects.create(
            site=site,
            house=house,
            bill=house.bills.first(),
            paid_on=date(2026, 1, 5),
            amount=Decimal(1),
            method="cash",
            receipt_no=f"R{i}",
        )
        author = factories.make_user(site, full_name=f"职员{i}")
        RosterImport.objects.create(
            site=site,
            kind="residents",
            file="roster/x",
            original_name=f"{i}.xlsx",
            uploaded_by=author,
        )


# Every list: session, user, the user's sites, the site filter's sites (4), then the
# page and what the comment says. Unsearched big tables are counted with an EXPLAIN
# estimate first (frontdesk.admin).
ADMIN_LISTS = [
    ("building", {}, 7),  # the filtered and the total count
    ("house", {}, 7),  # the estimate, the count
    ("house", {"q": "101"}, 6),  # the count
    ("resident", {}, 7),  # the estimate, the count
    ("resident", {"q": "张"}, 6),  # the count
    ("resident", {"q": "101"}, 6),  # the count
    ("vehicle", {}, 7),  # the estimate, the count
    ("bill", {}, 7),  # the estimate, the count
    ("bill", {"q": "101"}, 6),  # the count
    ("payment", {}, 7),  # the estimate, the count
    ("payment", {"q": "101"}, 7),  # is it a receipt number, the count
    ("rosterimport", {}, 7),  # the filtered and the total count
]


@pytest.mark.parametrize(("model", "params", "queries"), ADMIN_LISTS)
def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    client, local_supervisor, site_a, model, params, queries, django_assert_num_queries
):
    url = reverse(f"admin:residents_{model}_changelist")
    client.force_login(local_supervisor)

    def get() -> None:
        client.get(url, params)  # the first request may renew the session
        with django_assert_num_queries(queries):
            response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["cl"].result_list

    fill(site_a, 1)
    get()
    fill(site_a, 12)
    get()


def test_it_shows_a_bills_period_as_its_month(client, local_supervisor, site_a):
    house = factories.make_house(site_a)
    Bill.objects.create(
        site=site_a,
        house=house,
        kind="property",
        period=date(2026, 12, 1),
        amount=Decimal(100),
        due_date=date(2026, 12, 31),
    )
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:residents_bill_changelist")).content.decode()
    assert "2026-12" in html
    assert "2026年12月1日" not in html


# --- payments and their allocations ---------------------------------------------------


def payment_data(site, house, amount: str, receipt: str, **extra) -> dict:
    return {
        "site": site.pk,
        "house": house.pk,
        "bill": "",
        "paid_on": "2026-06-01",
        "amount": amount,
        "method": "wechat",
        "receipt_no": receipt,
        **extra,
    }


def test_it_allocates_a_payment_added_in_admin(client, local_supervisor, site_a):
    house = factories.make_house(site_a)
    factories.make_overdue_bills(house, 3)
    client.force_login(local_supervisor)
    response = client.post(
        reverse("admin:residents_payment_add"), payment_data(site_a, house, "450.00", "A-1")
    )
    assert response.status_code == 302, response.content.decode()
    payment = Payment.objects.get(receipt_no="A-1")
    assert list(payment.allocations.values_list("amount", flat=True)) == [
        Decimal("300.00"),
        Decimal("150.00"),
    ]
    assert sorted(b.paid_amount for b in house.bills.all()) == [0, 150, 300]


def test_it_shows_a_payments_allocations_read_only(client, local_supervisor, site_a):
    house = factories.make_house(site_a)
    factories.make_overdue_bills(house, 2)
    payment = pay(house, "700.00")
    client.force_login(local_supervisor)
    url = reverse("admin:residents_payment_change", args=[payment.pk])
    html = client.get(url).content.decode()
    assert "已冲抵账单" in html and "3栋2单元1201 物业费" in html
    assert "300.00" in html and "100.00" in html  # the credit left
    assert 'name="amount"' not in html and 'name="allocations-0-amount"' not in html
    # A post cannot move its money: house, bill and amount are not taken.
    other = factories.make_house(site_a, room="1202")
    data = payment_data(site_a, other, "1.00", payment.receipt_no, method="cash")
    data |= {"allocations-TOTAL_FORMS": "0", "allocations-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 302
    payment.refresh_from_db()
    assert (payment.house, payment.amount, payment.method) == (house, Decimal("700.00"), "cash")
    assert payment.allocations.count() == 2
    delete = reverse("admin:residents_payment_delete", args=[payment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_it_opens_a_payment_with_the_same_number_of_queries_for_few_or_many_bills(
    client, local_supervisor, site_a
):
    def queries(months: int) -> int:
        house = factories.make_house(site_a, room=f"{months}01")
        factories.make_overdue_bills(house, months)
        payment = pay(house, f"{300 * months}.00")
        url = reverse("admin:residents_payment_change", args=[payment.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(local_supervisor)
    # Session, user, their sites, the payment, its allocations with their bills, houses and
    # buildings, the site choices, the payment's house and its building.
    assert queries(1) == queries(8) == 8


def test_a_bill_added_in_admin_takes_the_houses_credit(client, local_supervisor, site_a):
    house = factories.make_house(site_a)
    payment = pay(house, "500.00")
    client.force_login(local_supervisor)
    response = client.post(
        reverse("admin:residents_bill_add"),
        {
            "site": site_a.pk,
            "house": house.pk,
            "kind": "property",
            "period": "2026-07-01",
            "amount": "300.00",
            "due_date": "2026-07-31",
            "paid_amount": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()
    bill = Bill.objects.get(house=house)
    payment.refresh_from_db()
    assert (bill.paid_amount, payment.unallocated) == (Decimal("300.00"), Decimal("200.00"))


def test_it_refuses_a_payment_for_another_houses_bill(client, local_supervisor, site_a):
    house = factories.make_house(site_a)
    other = factories.make_house(site_a, room="1202")
    factories.make_overdue_bills(other, 1)
    client.force_login(local_supervisor)
    data = payment_data(site_a, house, "300.00", "A-9", bill=other.bills.get().pk)
    response = client.post(reverse("admin:residents_payment_add"), data)
    assert response.status_code == 200
    assert "这张账单属于另一户" in response.content.decode()
    assert not Payment.objects.exists()
