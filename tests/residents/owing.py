"""Builders for the payment-reminder tests: owing houses with their owners, and a site
ready to text (an SMS provider configured and the reminder's template approved)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from frontdesk.models import Site, User
from residents.models import ArrearsReminder, House, Occupancy
from tests import factories

TEMPLATE_PARAMS = "site,house,amount,months,phone"


def owing_house(
    site: Site,
    *,
    building: int = 3,
    unit: int = 2,
    room: str = "1201",
    months: int = 2,
    amount: str = "300.00",
    owner: str | None = "张三丰",
    phone: str = "13800138000",
) -> House:
    """A house owing ``months`` months of ``amount``, with its owner (unless None)."""
    house = factories.make_house(site, building=building, unit=unit, room=room)
    factories.make_overdue_bills(house, months, amount)
    if owner is not None:
        factories.make_resident(site, owner, phone, house=house)
    return house


def add_person(house: House, name: str, phone: str, relation=Occupancy.Relation.OWNER, **extra):
    resident = factories.make_resident(house.site, name, phone, house=house, relation=relation)
    if extra:
        type(resident).objects.filter(pk=resident.pk).update(**extra)
        resident.refresh_from_db()
    return resident


def reminded(house: House, user: User, *, days_ago: int, channel: str = "sms"):
    """A reminder given ``days_ago`` days ago."""
    at = timezone.now() - timedelta(days=days_ago)
    return ArrearsReminder.objects.create(
        site=house.site,
        house=house,
        channel=channel,
        amount=300,
        months=1,
        sent_by=user,
        sent_at=at,
        sent_on=timezone.localdate(at),
    )


def sms_ready(settings, site: Site):
    """The SMS provider configured, and the site's approved payment-reminder template."""
    settings.TENCENT_SMS_SECRET_ID = "AKIDtest"
    settings.TENCENT_SMS_SECRET_KEY = "test-secret"
    settings.TENCENT_SMS_APP_ID = "1400000000"
    return factories.make_sms_template(
        site,
        "arrears_reminder",
        template_id="2318010",
        params=TEMPLATE_PARAMS,
        text="【翠湖物业】{2}业主您好，您家已欠缴物业费{4}个月，共计{3}元，请尽快缴纳。"
        "咨询电话{5}。",
    )
