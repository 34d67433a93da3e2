"""A masked phone (153****4121) cannot be learned through a search box.

Each place that searches residents by their keys is walked as someone at a desk would:
type the digits the mask shows and one more, see whether the resident turns up, keep the
digit that made it so, and go on. A search must never answer differently for the hidden
digits: a phone is found by its whole number or by its last four digits, nothing between.
"""

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests import factories

# Hundreds of searches, digit by digit, in three places.
pytestmark = pytest.mark.slow

NAME = "钱多多"
MOBILE = "15301234121"  # shown as 153****4121
LANDLINE = "0571-88886601"  # shown as 0571-****6601


def walk(digits: str, found: Callable[[str], bool]) -> list[str]:
    """Every query, one digit longer each time and short of the whole number, at which
    the resident turns up: what the walk would learn."""
    told = []
    for length in range(4, len(digits)):
        known = digits[: length - 1]
        told += [known + d for d in "0123456789" if found(known + d)]
    return told


def assert_walk_tells_nothing(phone: str, found: Callable[[str], bool]) -> None:
    digits = phone.replace("-", "")
    assert walk(digits, found) == []
    # Not for want of finding anything: the whole number and the last four still work.
    assert found(digits)
    assert found(digits[-4:])


@pytest.fixture(params=[MOBILE, LANDLINE])
def phone(request, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, NAME, request.param, house=house)
    # Someone whose number shares the shown digits: the walk must not tell them apart.
    factories.make_resident(site_a, "孙同号", request.param[:-4] + "9999")
    return request.param


def test_the_lookup_page_tells_no_hidden_digit(clerk_client, phone):
    def found(q: str) -> bool:
        response = clerk_client.get(
            reverse("residents:index"),
            {"q": q},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="lookup-results",
        )
        assert response.status_code == 200
        return NAME in response.content.decode()

    assert_walk_tells_nothing(phone, found)


def test_the_visitor_house_picker_tells_no_hidden_digit(clerk_client, phone):
    def found(q: str) -> bool:
        response = clerk_client.get(reverse("visitors:pick_house"), {"q": q})
        assert response.status_code == 200
        return NAME in response.content.decode()

    assert_walk_tells_nothing(phone, found)


def test_admins_resident_search_tells_no_hidden_digit(client, local_supervisor, phone):
    client.force_login(local_supervisor)

    def found(q: str) -> bool:
        response = client.get(reverse("admin:residents_resident_changelist"), {"q": q})
        assert response.status_code == 200
        return NAME in [r.name for r in response.context["cl"].result_list]

    assert_walk_tells_nothing(phone, found)


def test_admins_house_search_tells_no_hidden_digit(client, local_supervisor, phone):
    # Houses are found by who lives there: the same keys, the same rule.
    client.force_login(local_supervisor)

    def found(q: str) -> bool:
        response = client.get(reverse("admin:residents_house_changelist"), {"q": q})
        assert response.status_code == 200
        return any(h.room == "1201" for h in response.context["cl"].result_list)

    assert_walk_tells_nothing(phone, found)
