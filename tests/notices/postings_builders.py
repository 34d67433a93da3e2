"""Builders of the posting tests (tests/notices/test_postings.py, test_checklist.py,
test_public_page.py …): a site's posting locations, a published notice, a photo, and the
fixtures they share (imported by the test modules that use them)."""

from __future__ import annotations

import itertools
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from notices.models import Notice, PostingLocation
from notices.services.postings import posting_record
from notices.states import State
from residents.models import Building

from .conftest import bring_to, make_notice

# Each test asks from addresses of its own: the per-address counts of public pages live
# in Redis, which outlives a test's transaction.
_addresses = (
    f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    for n in itertools.count(int(timezone.now().timestamp()) % 2**20 * 16 + 7)
)


def address() -> str:
    return next(_addresses)


def make_location(site, name: str, kind: str = "board", building=None, **fields) -> PostingLocation:
    """A posting location of ``site``; ``building`` a Building or its number (made if
    the site has none of that number)."""
    if isinstance(building, int):
        building, _ = Building.objects.get_or_create(site=site, number=building)
    return PostingLocation.objects.create(
        site=site, name=name, kind=kind, building=building, **fields
    )


def make_boards(site, buildings=(3, 4, 5)) -> dict[str, PostingLocation]:
    """The gate (site-wide) and a board per building, by name."""
    boards = {"南门": make_location(site, "南门", "gate", sort_order=0)}
    for order, number in enumerate(buildings, start=1):
        boards[f"{number}栋"] = make_location(
            site, f"{number}栋公告栏", building=number, sort_order=order
        )
    return boards


def published(site, clerk, boss, **fields) -> Notice:
    return bring_to(make_notice(site, clerk, **fields), State.PUBLISHED, clerk=clerk, boss=boss)


def post(notice: Notice, location: PostingLocation, user, **kwargs):
    return posting_record(site=notice.site, user=user, notice=notice, location=location, **kwargs)


def jpeg_with_gps(name: str = "board.jpg") -> SimpleUploadedFile:
    """A phone photo carrying where it was taken (EXIF GPS), which must not be kept."""
    image = Image.new("RGB", (60, 40), "white")
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 15.0, 0.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    data = BytesIO()
    image.save(data, "JPEG", exif=exif)
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def boards(site_a):
    return make_boards(site_a)


@pytest.fixture
def notice(site_a, clerk, approver):
    """A water outage for the whole of site A, published."""
    return published(site_a, clerk, approver)


@pytest.fixture
def phone():
    """A resident's phone: no login, an address of its own."""
    return Client(REMOTE_ADDR=address())
