"""Who a notice is for, as the deliveries will read it (notices.selectors.audience): the
houses and buildings of each kind of audience, in one statement each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.selectors.audience import audience_buildings, audience_houses, audience_summary
from residents.models import Building
from tests import factories

from .conftest import make_notice


@pytest.fixture
def houses(site_a, site_b):
    factories.make_house(site_b, building=3, unit=2, room="1201")  # never in site A's
    return {
        code: factories.make_house(site_a, building=b, unit=u, room=r)
        for code, (b, u, r) in {
            "3-1-101": (3, 1, "101"),
            "3-2-201": (3, 2, "201"),
            "5-1-501": (5, 1, "501"),
            "7-0-701": (7, 0, "701"),
        }.items()
    }


def labels(queryset) -> list[str]:
    return sorted(h.label for h in queryset.select_related("building"))


def numbers(queryset) -> list[int]:
    return sorted(b.number for b in queryset)


def test_the_whole_site(site_a, clerk, houses):
    notice = make_notice(site_a, clerk)
    assert len(labels(audience_houses(notice))) == 4
    assert numbers(audience_buildings(notice)) == [3, 5, 7]
    assert audience_summary(notice) == "全体住户"


def test_chosen_buildings(site_a, clerk, houses):
    three = Building.objects.get(site=site_a, number=3)
    notice = make_notice(site_a, clerk, audience="buildings", buildings=[three])
    assert labels(audience_houses(notice)) == ["3栋1单元101", "3栋2单元201"]
    assert numbers(audience_buildings(notice)) == [3]
    assert audience_summary(notice) == "3栋"


def test_chosen_entrances(site_a, clerk, houses):
    three = Building.objects.get(site=site_a, number=3)
    notice = make_notice(site_a, clerk, audience="entrances", entrances=[(three, 2)])
    assert labels(audience_houses(notice)) == ["3栋2单元201"]
    assert numbers(audience_buildings(notice)) == [3]


def test_chosen_houses(site_a, clerk, houses):
    chosen = [houses["5-1-501"], houses["7-0-701"]]
    notice = make_notice(site_a, clerk, audience="houses", houses=chosen)
    assert labels(audience_houses(notice)) == ["5栋1单元501", "7栋701"]
    assert numbers(audience_buildings(notice)) == [5, 7]


def test_each_is_one_statement(site_a, clerk, houses):
    notice = make_notice(site_a, clerk, audience="houses", houses=[houses["3-1-101"]])
    with CaptureQueriesContext(connection) as queries:
        list(audience_houses(notice))
        list(audience_buildings(notice))
    assert len(queries) == 2


def test_an_audience_of_another_sites_building_is_refused(site_a, site_b, clerk, houses):
    from django.core.exceptions import ValidationError

    other = Building.objects.get(site=site_b, number=3)
    with pytest.raises(ValidationError) as refused:
        make_notice(site_a, clerk, audience="buildings", buildings=[other])
    assert "buildings" in refused.value.message_dict
