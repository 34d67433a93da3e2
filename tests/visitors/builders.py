"""Rows of reception for the reports, export, retention and admin tests: a visit, an
inquiry, a parcel, at the moment a test needs (the desk's own forms are tested elsewhere)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from frontdesk.models import Site, User
from residents.models import House, Resident
from visitors.models import Inquiry, Parcel, Visit, VisitPurpose

_tokens = itertools.count(1)


def purpose(name: str = "走亲访友") -> VisitPurpose:
    return VisitPurpose.objects.get(name=name)


def make_visit(
    site: Site,
    clerk: User,
    *,
    at: datetime | None = None,
    stay: timedelta | None = timedelta(hours=1),
    name: str = "李四",
    phone: str = "13912345678",
    id_number: str = "",
    purpose_name: str = "走亲访友",
    party_size: int = 1,
    house: House | None = None,
    resident: Resident | None = None,
    plate: str = "",
    exit: str = Visit.Exit.DESK,
) -> Visit:
    at = at or timezone.now() - timedelta(hours=2)
    out = at + stay if stay is not None else None
    return Visit.objects.create(
        site=site,
        visitor_name=name,
        visitor_phone=phone,
        id_number=id_number,
        party_size=party_size,
        purpose=purpose(purpose_name),
        house=house,
        resident=resident,
        plate=plate,
        expected_out_at=at + timedelta(hours=2),
        pass_token=f"test-{next(_tokens)}",
        checked_in_at=at,
        checked_in_by=clerk,
        checked_out_at=out,
        checked_out_by=clerk if out else None,
        exit=exit if out else "",
    )


def make_inquiry(
    site: Site, clerk: User, *, at: datetime | None = None, phone: str = "13712345678"
) -> Inquiry:
    return Inquiry.objects.create(
        site=site,
        channel=Inquiry.Channel.PHONE,
        asker_name="陈女士",
        asker_phone=phone,
        question="小区停车月卡怎么办理？",
        answer="带行驶证到前台办理。",
        created_by=clerk,
        created_at=at or timezone.now(),
    )


def make_parcel(site: Site, clerk: User, house: House, *, tracking: str = "SF1234567890") -> Parcel:
    return Parcel.objects.create(
        site=site,
        house=house,
        recipient_name="张三丰",
        courier=Parcel.Courier.SF,
        tracking_number=tracking,
        shelf="A-01",
        received_by=clerk,
    )
