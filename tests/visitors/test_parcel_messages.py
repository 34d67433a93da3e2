"""Telling the household through the channels: a text to their mobile or a post in the
building's group, sent after commit, and its state on the parcel's page."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.channels import sending
from frontdesk.channels.fakes.tencent_sms import SIGN_NAME, TEMPLATE_ID
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from residents.models import Occupancy
from tests import factories
from tests.channels.conftest import fake_wecom  # noqa: F401  (fixtures)
from tests.channels.sms_fixture import fake_sms  # noqa: F401

State = Delivery.State


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    # Parcel texts keep quiet hours (tests/channels/test_sending.py): send them at 10:00.
    today = timezone.localdate()
    ten = timezone.make_aware(datetime(today.year, today.month, today.day, 10))
    monkeypatch.setattr(timezone, "now", lambda: ten)
    return ten


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_resident(
        site_a, "张小丰", "13900001234", house=house, relation=Occupancy.Relation.FAMILY
    )
    return house


@pytest.fixture
def parcel(clerk, site_a, house):
    return factories.make_parcel(site_a, clerk, house)


@pytest.fixture
def sms(fake_sms, settings, site_a):  # noqa: F811
    for name, value in fake_sms.settings().items():
        setattr(settings, name, value)
    SmsTemplate.objects.create(
        site=site_a,
        purpose="parcel_waiting",
        template_id=TEMPLATE_ID,
        sign_name=SIGN_NAME,
        params="house,courier,tail",
    )
    return fake_sms


def notify(client, parcel, method):
    return client.post(reverse("visitors:parcel_notify", args=[parcel.pk]), {"method": method})


def test_it_texts_the_named_resident_and_shows_it_sent(clerk_client, parcel, sms):
    with_commit = notify(clerk_client, parcel, "sms")
    assert with_commit.status_code == 302

    delivery = Delivery.objects.get()
    assert delivery.channel == "sms" and delivery.phone == "13800138000"
    assert delivery.state == State.PENDING  # until a sender takes it
    assert delivery.params["house"] == "3栋2单元1201" and delivery.params["tail"] == "7890"

    sending.send_due()

    [request] = sms.requests
    assert request.mobiles == ["13800138000"] and request.signature_ok
    assert request.params == ["3栋2单元1201", "顺丰", "7890"]
    page = clerk_client.get(reverse("visitors:parcel", args=[parcel.pk])).content.decode()
    assert "已发送" in page and "138****8000" in page and "13800138000" not in page


def test_it_texts_the_owners_when_the_label_names_nobody_living_there(clerk, site_a, house, sms):
    from visitors.services.parcels import parcel_notify

    parcel = factories.make_parcel(site_a, clerk, house)
    parcel.recipient_name = "快递单上的别人"
    parcel_notify(parcel=parcel, user=clerk, method="sms")

    assert [d.phone for d in Delivery.objects.all()] == ["13800138000"]


def test_it_posts_in_the_buildings_group_mentioning_the_resident(
    clerk_client,
    site_a,
    house,
    parcel,
    fake_wecom,  # noqa: F811  (the imported fixture)
    settings,
):
    settings.WECOM_ROBOT_URL = fake_wecom.url
    robot = Robot.objects.create(
        site=site_a, name="3栋业主群", kind=Robot.Kind.RESIDENTS, key="k-building-3-group"
    )
    house.building.group_robot = robot
    house.building.save()

    notify(clerk_client, parcel, "wechat")
    sending.send_due()

    [message] = fake_wecom.delivered
    assert message.payload["msgtype"] == "text"
    assert message.payload["text"]["mentioned_mobile_list"] == ["13800138000"]
    assert "3栋2单元1201" in message.content
    assert Delivery.objects.get().state == State.SENT


def test_it_says_why_nobody_was_reached(clerk_client, parcel):
    # No robot for the building, and (tests run as production) no SMS provider configured.
    notify(clerk_client, parcel, "wechat")
    notify(clerk_client, parcel, "sms")

    page = clerk_client.get(reverse("visitors:parcel", args=[parcel.pk])).content.decode()
    assert "该群尚未配置群机器人" in page and "尚未配置短信服务" in page
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SKIPPED}


def test_a_text_logged_at_night_waits_for_the_morning(
    clerk_client, clerk, parcel, sms, daytime, monkeypatch
):
    night = daytime.replace(hour=22)
    monkeypatch.setattr(timezone, "now", lambda: night)
    clerk_client.force_login(clerk)  # the evening shift (a session idle since 10:00 ended)

    response = notify(clerk_client, parcel, "sms")
    assert response.status_code == 302 and "login" not in response.url
    sending.send_due()

    delivery = Delivery.objects.get()
    assert delivery.state == State.PENDING and sms.requests == []
    assert timezone.localtime(delivery.not_before).hour == 8
    page = clerk_client.get(reverse("visitors:parcel", args=[parcel.pk])).content.decode()
    assert "待发送" in page and "08:00" in page


def test_a_call_or_a_note_sends_nothing(clerk_client, parcel):
    notify(clerk_client, parcel, "phone")
    notify(clerk_client, parcel, "note")

    assert not Delivery.objects.exists()
    parcel.refresh_from_db()
    assert parcel.notice_method == "note"
