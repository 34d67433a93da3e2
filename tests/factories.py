"""Small builders for test data: sites, staff of each role, houses and residents."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from frontdesk import roles, services
from frontdesk.models import Site, User
from residents.models import Bill, Building, FeeKind, House, Occupancy, Resident
from residents.search import name_search_keys
from residents.services import residents_reindex

PASSWORD = "test-password-123"
_counter = itertools.count(1)


def make_site(name: str | None = None) -> Site:
    n = next(_counter)
    return services.site_create(
        name=name or f"测试小区{n}", address=f"杭州市测试路 {n} 号", service_phone="0571-88886601"
    )


def make_user(
    *sites: Site,
    role: str = roles.CLERK,
    username: str | None = None,
    department: str | None = None,
    full_name: str = "",
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_counter)}", password=PASSWORD, full_name=full_name
    )
    user.sites.set(sites)
    if department:
        user.department = sites[0].departments.get(name=department)
        user.save(update_fields=["department"])
    services.staff_set_role(user=user, role=role)
    return User.objects.get(pk=user.pk)  # fresh, without cached permissions


def make_house(site: Site, building: int = 3, unit: int = 2, room: str = "1201") -> House:
    b, _ = Building.objects.get_or_create(site=site, number=building)
    return House.objects.create(
        site=site, building=b, unit=unit, floor=int(room[:-2] or 1), room=room
    )


def make_resident(
    site: Site,
    name: str = "张三丰",
    phone: str = "13800138000",
    house: House | None = None,
    relation: str = Occupancy.Relation.OWNER,
) -> Resident:
    pinyin, initials = name_search_keys(name)
    resident = Resident.objects.create(
        site=site, name=name, name_pinyin=pinyin, name_initials=initials, phone=phone
    )
    if house is not None:
        Occupancy.objects.create(house=house, resident=resident, relation=relation)
    residents_reindex(resident_ids=[resident.pk])
    return resident


def make_overdue_bills(house: House, months: int = 1, amount: str = "300.00") -> None:
    """Unpaid property-fee bills for the ``months`` months before this one (all overdue)."""
    period = date.today().replace(day=1)
    for _ in range(months):
        period = (period - timedelta(days=1)).replace(day=1)
        Bill.objects.create(
            site=house.site,
            house=house,
            kind=FeeKind.PROPERTY,
            period=period,
            amount=Decimal(amount),
            due_date=period + timedelta(days=10),
        )


def make_visit(
    site: Site,
    clerk: User,
    name: str = "李四",
    phone: str = "13912345678",
    house: House | None = None,
    checked_in_at=None,
    stay_minutes: int = 60,
    **fields,
):
    """A visit on site now (or since ``checked_in_at``), registered by ``clerk``."""
    from django.utils import timezone

    from visitors.models import Visit, VisitPurpose

    checked_in_at = checked_in_at or timezone.now()
    return Visit.objects.create(
        site=site,
        visitor_name=name,
        visitor_phone=phone,
        purpose=fields.pop("purpose", None) or VisitPurpose.objects.order_by("sort_order").first(),
        house=house,
        checked_in_at=checked_in_at,
        expected_out_at=checked_in_at + timedelta(minutes=stay_minutes),
        checked_in_by=clerk,
        **fields,
    )
