"""The complaints area on records' pages: a house's cases with "record a case" for it
(complaints.panels.house_panels on residents:house), and the same action on a lookup
result (residents:index)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.panels import house_panels
from tests import factories

CREATE = reverse("complaints:case_create")


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def test_it_lists_the_houses_cases_with_record_a_case(clerk_client, clerk, site_a, house):
    case = factories.make_case(site_a, clerk, house=house)
    other = factories.make_case(site_a, clerk, house=factories.make_house(site_a, room="1202"))
    response = clerk_client.get(reverse("residents:house", args=[house.pk]))
    body = response.content.decode()
    assert 'id="house-cases"' in body
    assert case.number in body and other.number not in body
    assert f'href="{CREATE}?house={house.pk}"' in body
    resident = house.occupancies.get().resident
    assert f"{CREATE}?house={house.pk}&amp;resident={resident.pk}" in body


def test_it_says_when_the_house_has_no_cases(clerk_client, house):
    response = clerk_client.get(reverse("residents:house", args=[house.pk]))
    assert "暂无工单" in response.content.decode()


def test_it_shows_nothing_to_department_staff(site_a, engineer, house):
    assert house_panels(site_a, engineer, house) == []


def test_it_reads_the_cases_in_one_query_however_many(clerk, site_a, house):
    for _ in range(3):
        factories.make_case(site_a, clerk, house=house)
    with CaptureQueriesContext(connection) as few:
        (panel,) = house_panels(site_a, clerk, house)
        assert len(panel.context["cases"]) == 3
    for _ in range(12):
        factories.make_case(site_a, clerk, house=house)
    with CaptureQueriesContext(connection) as many:
        (panel,) = house_panels(site_a, clerk, house)
        assert len(panel.context["cases"]) == 10  # the newest ten
    # The house's cases with their category (and its parent) and department; the user's
    # permissions are cached on the user after the first call.
    assert len(many) == 1
    assert len(few) <= 3


def test_the_lookup_result_offers_record_a_case(clerk_client, house):
    response = clerk_client.get(reverse("residents:index"), {"q": "3-2-1201"})
    body = response.content.decode()
    assert f'href="{CREATE}?house={house.pk}"' in body
