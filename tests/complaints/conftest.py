"""Fixtures of the complaints tests: a house with its resident, the photos' storage."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from complaints.photos import photo_clean
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """ "2026-12-04 16:30" in the desk's time zone."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def photo(color: str = "red", kind: str = "JPEG"):
    """A small photo as a phone would upload it, cleaned as the forms clean it."""
    data = BytesIO()
    Image.new("RGB", (40, 30), color).save(data, kind)
    data.seek(0)
    return photo_clean(data)


@pytest.fixture
def house_a(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
