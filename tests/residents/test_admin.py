"""Records in Django admin: scoped to the supervisor's sites, rows never mixing sites."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from frontdesk import roles
from frontdesk.models import PersonalDataAccess
from residents.models import Bill, Occupancy, Vehicle
from tests import factories


@pytest.fixture
def local_supervisor(site_a):
    return factories.make_user(site_a, role=roles.SUPERVISOR, username="local_boss")


def inline_data(resident, **extra):
    data = {
        "site": resident.site_id,
        "name": resident.name,
        "phone": resident.phone,
        "phone2": "",
        "id_number": "",
        "notes": "",
        "occupancies-TOTAL_FORMS": "0",
        "occupancies-INITIAL_FORMS": "0",
        "vehicles-TOTAL_FORMS": "0",
        "vehicles-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_it_refuses_an_occupancy_of_another_sites_house(client, local_supervisor, site_a, site_b):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    other_house = factories.make_house(site_b)
    client.force_login(local_supervisor)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    response = client.post(
        url,
        inline_data(
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
    data = inline_data(resident, **{"vehicles-TOTAL_FORMS": "1", "vehicles-0-plate": "浙A·12345"})
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
