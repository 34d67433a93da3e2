"""The arrears list's filters (months owed, amount, building): what they keep, what they
say of bad input, the links that carry them, and the list's fixed number of queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from residents.models import Building
from tests.residents.conftest import read_xlsx
from tests.residents.owing import owing_house, reminded

URL = reverse("residents:arrears")


@pytest.fixture
def debtors(site_a, site_b):
    made = {
        "one": owing_house(site_a, building=1, room="101", months=1, amount="300.00"),
        "three": owing_house(site_a, building=1, room="102", months=3, amount="100.00"),
        "big": owing_house(site_a, building=2, room="201", months=2, amount="800.00"),
        "six": owing_house(site_a, building=2, room="202", months=6, amount="50.00"),
    }
    owing_house(site_b, building=1, room="909", months=12, amount="900.00")
    return made


def rooms(response) -> list[str]:
    return [h.room for h in response.context["page"]]


def test_it_keeps_houses_owing_at_least_the_months_given(clerk_client, debtors):
    # Largest debts first; equal debts (¥300) in the order the houses were entered.
    assert rooms(clerk_client.get(URL, {"months": 3})) == ["102", "202"]
    assert rooms(clerk_client.get(URL, {"months": 6})) == ["202"]
    assert rooms(clerk_client.get(URL, {"months": 7})) == []


def test_it_keeps_houses_owing_at_least_the_amount_given(clerk_client, debtors):
    assert rooms(clerk_client.get(URL, {"amount": "300"})) == ["201", "101", "102", "202"]
    assert rooms(clerk_client.get(URL, {"amount": "300.01"})) == ["201"]
    assert rooms(clerk_client.get(URL, {"amount": "1600"})) == ["201"]


def test_it_keeps_one_buildings_houses_and_combines_the_filters(clerk_client, site_a, debtors):
    building = Building.objects.get(site=site_a, number=2)
    assert rooms(clerk_client.get(URL, {"building": building.pk})) == ["201", "202"]
    response = clerk_client.get(URL, {"building": building.pk, "months": 3, "amount": "300"})
    assert rooms(response) == ["202"]
    assert response.context["page"].paginator.count == 1
    house = response.context["page"][0]
    assert (house.arrears_months, house.arrears_total) == (6, Decimal("300.00"))


def test_its_links_carry_the_filters(clerk_client, site_a, debtors):
    building = Building.objects.get(site=site_a, number=2)
    html = clerk_client.get(URL, {"months": 2, "building": building.pk}).content.decode()
    query = f"?months=2&amp;building={building.pk}"
    assert f'href="/residents/arrears/reminders/{query}"' in html
    assert f'href="/residents/arrears/slips/{query}"' in html
    assert f'href="/residents/arrears/export/{query}"' in html


def test_the_export_takes_the_filters(clerk_client, debtors):
    response = clerk_client.get(reverse("residents:arrears_export"), {"months": 3})
    (rows,) = read_xlsx(response.content).values()
    assert [row[0] for row in rows[1:]] == ["1栋2单元102", "2栋2单元202"]


def test_it_shows_each_houses_last_reminder(clerk_client, clerk, debtors):
    reminded(debtors["big"], clerk, days_ago=2, channel="slip")
    html = clerk_client.get(URL).content.decode()
    row = html.split("2栋2单元201")[1].split("</tr>")[0]
    assert "催缴单" in row


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"months": "abc"}, "months", "输入一个数字"),
        ({"months": "0"}, "months", "大于或等于1"),
        ({"months": "121"}, "months", "小于或等于120"),
        ({"amount": "-1"}, "amount", "大于或等于0"),
        ({"amount": "1.234"}, "amount", "小数不超过 2 位"),
        ({"building": "999999"}, "building", "选择一个有效的选项"),
    ],
)
def test_it_answers_bad_input_beside_the_field(clerk_client, debtors, params, field, message):
    response = clerk_client.get(URL, params)
    assert response.status_code == 200
    assert message in str(response.context["filter"].form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and "is-invalid" in html
    assert len(rooms(response)) == 4  # the whole list, until the filters are right


def test_another_sites_building_is_not_a_choice(clerk_client, site_b, debtors):
    other = Building.objects.get(site=site_b)
    response = clerk_client.get(URL, {"building": other.pk})
    assert "building" in response.context["filter"].form.errors
    assert "909" not in response.content.decode()


def test_it_uses_the_same_number_of_queries_for_few_or_many_with_filters(
    clerk_client, site_a, debtors, django_assert_num_queries
):
    building = Building.objects.get(site=site_a, number=2)
    params = {"months": 1, "amount": "10", "building": building.pk}
    clerk_client.get(URL, params)
    # Session, user, the header's unread messages, the buildings (for the check and the
    # select alike), the houses in arrears with their sums (and how many, beside each),
    # the page's houses.
    with django_assert_num_queries(6):
        clerk_client.get(URL, params)
    for i in range(60):  # more than a page
        owing_house(site_a, building=2, room=f"{300 + i}", months=1 + i % 3, owner=None)
    with django_assert_num_queries(6):
        response = clerk_client.get(URL, params)
    assert response.context["page"].paginator.count == 62


def test_another_sites_clerk_sees_their_own_list(client, clerk_b, debtors):
    client.force_login(clerk_b)
    assert rooms(client.get(URL, {"months": 1})) == ["909"]


def test_it_needs_login(client, db):
    response = client.get(URL, {"months": 1})
    assert response["Location"].startswith(reverse("login"))
