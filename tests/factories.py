"""Builders for test data, one per model: sites, staff of each role, houses, residents and
bills, visits, inquiries and parcels."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from frontdesk import roles, services
from frontdesk.models import Site, User
from residents.models import Bill, Building, FeeKind, House, Occupancy, Resident
from residents.search import name_search_keys
from residents.services.search_keys import residents_reindex
from visitors.models import Inquiry, Parcel, Visit, VisitPurpose

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


def purpose(name: str = "走亲访友") -> VisitPurpose:
    """One of the visit purposes the migration creates."""
    return VisitPurpose.objects.get(name=name)


def make_visit(
    site: Site,
    clerk: User,
    name: str = "李四",
    phone: str = "13912345678",
    *,
    house: House | None = None,
    at: datetime | None = None,
    expected_stay: int = 60,
    stay: timedelta | None = None,
    purpose_name: str = "走亲访友",
    exit: str = Visit.Exit.DESK,
    **fields,
) -> Visit:
    """A visit registered by ``clerk`` ``at`` (now by default), expected to stay
    ``expected_stay`` minutes: still on site, or checked out by ``clerk`` through ``exit``
    after ``stay``. ``fields`` are other Visit fields (resident, plate, id_number, …)."""
    at = at or timezone.now()
    out = at + stay if stay is not None else None
    return Visit.objects.create(
        site=site,
        visitor_name=name,
        visitor_phone=phone,
        purpose=purpose(purpose_name),
        house=house,
        checked_in_at=at,
        expected_out_at=at + timedelta(minutes=expected_stay),
        checked_in_by=clerk,
        checked_out_at=out,
        checked_out_by=clerk if out else None,
        exit=exit if out else "",
        **fields,
    )


def make_inquiry(
    site: Site,
    clerk: User,
    *,
    at: datetime | None = None,
    phone: str = "13712345678",
    referred_to: str = "",
    referral_done: bool = False,
) -> Inquiry:
    """A phone inquiry recorded by ``clerk``: answered at the desk, or referred to the
    department named ``referred_to`` (and handled there when ``referral_done``)."""
    if referred_to:
        question, answer = "楼道灯坏了", ""
    else:
        question, answer = "小区停车月卡怎么办理？", "带行驶证到前台办理。"
    return Inquiry.objects.create(
        site=site,
        channel=Inquiry.Channel.PHONE,
        asker_name="陈女士",
        asker_phone=phone,
        question=question,
        answer=answer,
        referred_to=site.departments.get(name=referred_to) if referred_to else None,
        referral_done_at=timezone.now() if referral_done else None,
        created_by=clerk,
        created_at=at or timezone.now(),
    )


def make_parcel(
    site: Site,
    clerk: User,
    house: House,
    *,
    tracking: str = "SF1234567890",
    days_ago: int = 0,
    collected: bool = False,
) -> Parcel:
    """A parcel received by ``clerk`` ``days_ago`` days ago, waiting or (``collected``)
    handed over just now."""
    now = timezone.now()
    return Parcel.objects.create(
        site=site,
        house=house,
        recipient_name="张三丰",
        courier=Parcel.Courier.SF,
        tracking_number=tracking,
        shelf="A-01",
        received_at=now - timedelta(days=days_ago),
        received_by=clerk,
        collected_at=now if collected else None,
    )


def resident_admin_data(resident: Resident, **extra) -> dict:
    """What admin's resident change form posts for ``resident`` (no occupancies or
    vehicles), with ``extra`` fields in place of its own."""
    return {
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
        **extra,
    }


# --- Channels (frontdesk.channels) ------------------------------------------------------


def make_robot(
    site: Site,
    name: str = "3栋住户群",
    *,
    kind: str = "residents",
    department: str | None = None,
    key: str = "a1b2c3d4-0000-4000-8000-00000000abcd",
    **fields,
):
    """A WeCom group robot of ``site``: a residents' group, or (``kind="staff"``) the
    staff group of the department named ``department``."""
    from frontdesk.channels.models import Robot

    return Robot.objects.create(
        site=site,
        name=name,
        kind=kind,
        department=site.departments.get(name=department) if department else None,
        key=key,
        **fields,
    )


def make_sms_template(
    site: Site,
    purpose: str = "test",
    *,
    template_id: str = "1234567",
    params: str = "site",
    **fields,
):
    """An active SMS template of ``site`` for ``purpose`` (the core's test message)."""
    from frontdesk.channels.models import SmsTemplate

    return SmsTemplate.objects.create(
        site=site,
        purpose=purpose,
        template_id=template_id,
        sign_name=fields.pop("sign_name", "翠湖物业"),
        params=params,
        **fields,
    )


def make_delivery(
    site: Site,
    *,
    channel: str = "sms",
    state: str = "sent",
    phone: str | None = None,
    name: str = "张三丰",
    at: datetime | None = None,
    **fields,
):
    """A delivery of the core's test message to ``name``: an SMS (to 13800138000 unless
    ``phone`` says otherwise) by default, in ``state``, written ``at`` (now by default; a
    sent one was sent then too)."""
    from frontdesk.channels.models import Delivery

    at = at or timezone.now()
    fields.setdefault("audience", "resident" if channel in ("sms", "robot") else "staff")
    fields.setdefault("sent_at", at if state == "sent" else None)
    delivery = Delivery.objects.create(
        site=site,
        channel=channel,
        state=state,
        purpose=fields.pop("purpose", "test"),
        subject=fields.pop("subject", "测试消息"),
        text=fields.pop("text", "这是一条测试消息。"),
        phone=phone if phone is not None else ("13800138000" if channel == "sms" else ""),
        recipient_name=name,
        not_before=at,
        **fields,
    )
    # created_at is written on insert (auto_now_add): set afterwards for a past row.
    Delivery.objects.filter(pk=delivery.pk).update(created_at=at)
    delivery.created_at = at
    return delivery


# --- Complaints (complaints) -----------------------------------------------------------


def make_category(
    site: Site,
    path: str = "工程维修/漏水",
    *,
    department: str | None = None,
    deadlines: dict | None = None,
):
    """The category of ``site`` at ``path`` ("工程维修/漏水", "收费争议"): one of the default
    tree (made on first use), or a new one. ``department`` (a name) routes it there;
    ``deadlines`` ({urgency: (respond, resolve)}) are its own allowances."""
    from complaints.models import Category, CategoryDeadline
    from complaints.services.categories import categories_create_defaults

    categories_create_defaults(site=site)
    parent = None
    for name in path.split("/"):
        parent, _ = Category.objects.get_or_create(site=site, parent=parent, name=name)
    category = parent
    if department is not None:
        category.department = site.departments.get(name=department)
        category.save(update_fields=["department"])
    for urgency, (respond, resolve) in (deadlines or {}).items():
        CategoryDeadline.objects.update_or_create(
            category=category,
            urgency=urgency,
            defaults={"respond_minutes": respond, "resolve_minutes": resolve},
        )
    return category


def make_case(
    site: Site,
    clerk: User,
    *,
    category: str = "工程维修/漏水",
    house: House | None = None,
    kind: str = "repair",
    source: str = "phone",
    description: str = "卫生间天花板漏水",
    **fields,
):
    """A case recorded by ``clerk`` through the service (numbered, routed, on the
    timeline): about ``house`` (3-2-1201 of the site by default, made if need be) unless
    ``fields`` name a building or place. ``fields`` are case_create's other arguments."""
    from complaints.services.cases import case_create

    if house is None and not ({"building", "place"} & fields.keys()):
        building = Building.objects.filter(site=site, number=3).first()
        house = (
            House.objects.filter(building=building, unit=2, room="1201").first()
            if building
            else None
        ) or make_house(site)
    return case_create(
        site=site,
        user=clerk,
        kind=kind,
        source=source,
        category=make_category(site, category),
        description=description,
        house=house,
        **fields,
    ).case


def notice_type(site: Site, name: str = "停水停电"):
    """One of the site's notice types (every site gets the defaults when made)."""
    from notices.models import NoticeType

    return NoticeType.objects.get(site=site, name=name)


def make_notice(site: Site, user: User, **fields):
    """A draft notice of ``site`` by ``user``: a water outage for the whole site, in force
    from today for a week; ``fields`` override any of it."""
    from notices.services import drafts

    today = timezone.localdate()
    values = {
        "type": notice_type(site),
        "title": "停水通知",
        "body": "因管道检修，本周六 9:00–17:00 停水。",
        "issuer": f"{site.name}物业服务中心",
        "effective_from": today,
        "expires_on": today + timedelta(days=7),
        **fields,
    }
    return drafts.notice_create(site=site, user=user, **values)
