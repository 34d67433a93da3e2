"""Fixtures of the reception tests."""

import pytest

from tests import factories


@pytest.fixture
def house_a(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house
