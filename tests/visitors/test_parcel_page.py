"""A parcel's page: who to call, telling the household, handing the parcel over once."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from frontdesk import roles
from frontdesk.conflicts import Conflict
from residents.models import Occupancy
from tests import factories
from visitors.models import Parcel
from visitors.services.parcels import parcel_create, parcel_hand_over, parcel_notify

POST_ONLY = ("visitors:parcel_notify", "visitors:parcel_handover")
PK_PAGES = ("visitors:parcel", "visitors:parcel_photo", *POST_ONLY)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_resident(
        site_a, "张小丰", "13900001234", house=house, relation=Occupancy.Relation.FAMILY
    )
    moved_out = factories.make_resident(site_a, "搬走的人", "13700000000", house=house)
    Occupancy.objects.filter(resident=moved_out).update(moved_out=timezone.localdate())
    return house


@pytest.fixture
def parcel(clerk, site_a, house, media):
    image = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(image, "JPEG")
    return parcel_create(
        site=site_a,
        user=clerk,
        house=house,
        courier="sf",
        tracking_number="SF1234567890",
        shelf="B-2",
        photo=ContentFile(image.getvalue(), name="image.jpg"),
    )


def url(name, parcel) -> str:
    return reverse(name, args=[parcel.pk])


def test_it_shows_the_parcel_and_whom_to_call(clerk_client, parcel):
    response = clerk_client.get(url("visitors:parcel", parcel))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3栋2单元1201" in html and "SF1234567890" in html and "B-2" in html
    household = html[html.index('id="household"') :]
    assert "张三丰" in household and "张小丰" in household and "搬走的人" not in household
    assert "138****8000" in household and "13800138000" not in household
    assert url("visitors:parcel_photo", parcel) in html
    assert "待取" in html and 'id="handover-form"' in html


def test_it_marks_an_overdue_parcel(clerk_client, parcel):
    Parcel.objects.filter(pk=parcel.pk).update(received_at=timezone.now() - timedelta(days=4))
    assert "超过 3 天未取" in clerk_client.get(url("visitors:parcel", parcel)).content.decode()


def test_it_serves_the_photo_to_the_sites_desk(clerk_client, parcel):
    response = clerk_client.get(url("visitors:parcel_photo", parcel))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_it_has_no_photo_to_serve_when_none_was_taken(clerk_client, clerk, site_a, house):
    bare = parcel_create(site=site_a, user=clerk, house=house, courier="jd")
    assert clerk_client.get(url("visitors:parcel_photo", bare)).status_code == 404
    assert "parcel-photo" not in clerk_client.get(url("visitors:parcel", bare)).content.decode()


def test_it_records_the_notification(clerk_client, clerk, parcel):
    response = clerk_client.post(url("visitors:parcel_notify", parcel), {"method": "wechat"})
    assert response["Location"] == url("visitors:parcel", parcel)
    parcel.refresh_from_db()
    assert (parcel.notice_method, parcel.notified_by) == ("wechat", clerk)
    html = clerk_client.get(response["Location"]).content.decode()
    assert "已记录：已通知住户" in html
    assert "微信" in html[html.index('id="parcel-notified"') :]


def test_it_asks_how_the_household_was_told(clerk_client, parcel):
    response = clerk_client.post(url("visitors:parcel_notify", parcel), {"method": "pigeon"})
    assert response.status_code == 200
    assert "请选择通知住户的方式" in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.notified_at is None


def test_it_hands_the_parcel_over(clerk_client, clerk, parcel):
    response = clerk_client.post(
        url("visitors:parcel_handover", parcel), {"collected_by_name": "张小丰"}
    )
    assert response["Location"] == reverse("visitors:parcels")
    parcel.refresh_from_db()
    assert (parcel.collected_by_name, parcel.handed_over_by) == ("张小丰", clerk)
    assert parcel.collected_at is not None
    html = clerk_client.get(response["Location"]).content.decode()
    assert "已交付：3栋2单元1201，顺丰 SF1234567890，取件人 张小丰。" in html
    page = clerk_client.get(url("visitors:parcel", parcel)).content.decode()
    assert "已领取" in page and 'id="handover-form"' not in page


def test_it_hands_a_parcel_over_once(clerk_client, clerk, parcel):
    assert parcel_hand_over(parcel=parcel, user=clerk, collected_by_name="张三丰")
    collected_at = Parcel.objects.get(pk=parcel.pk).collected_at
    response = clerk_client.post(
        url("visitors:parcel_handover", parcel), {"collected_by_name": "冒领的人"}
    )
    assert response["Location"] == url("visitors:parcel", parcel)
    html = clerk_client.get(response["Location"]).content.decode()
    # Collected today: the time of day is enough.
    when = timezone.localtime(collected_at).strftime("%H:%M")
    assert f"已于 {when} 由 张三丰 领取" in html
    parcel.refresh_from_db()
    assert (parcel.collected_by_name, parcel.collected_at) == ("张三丰", collected_at)


def test_two_desks_at_once_cannot_both_hand_it_over(clerk, supervisor, parcel):
    stale = Parcel.objects.get(pk=parcel.pk)
    assert parcel_hand_over(parcel=parcel, user=clerk, collected_by_name="甲")
    with pytest.raises(Conflict) as conflict:
        parcel_hand_over(parcel=stale, user=supervisor, collected_by_name="乙")
    assert (conflict.value.by, conflict.value.at) == (clerk, parcel.collected_at)
    assert conflict.value.obj.collected_by_name == "甲"
    parcel.refresh_from_db()
    assert (parcel.collected_by_name, parcel.handed_over_by) == ("甲", clerk)


def test_it_does_not_notify_about_a_collected_parcel(clerk_client, clerk, parcel):
    parcel_hand_over(parcel=parcel, user=clerk, collected_by_name="张三丰")
    response = clerk_client.post(url("visitors:parcel_notify", parcel), {"method": "sms"})
    assert response["Location"] == url("visitors:parcel", parcel)
    parcel.refresh_from_db()
    assert parcel.notified_at is None


def test_a_notice_recorded_after_the_hand_over_is_a_conflict(clerk, supervisor, parcel):
    stale = Parcel.objects.get(pk=parcel.pk)
    parcel_hand_over(parcel=parcel, user=clerk, collected_by_name="张三丰")
    with pytest.raises(Conflict) as conflict:
        parcel_notify(parcel=stale, user=supervisor, method="sms")
    assert conflict.value.by == clerk
    assert Parcel.objects.get(pk=parcel.pk).notified_at is None


def test_a_parcel_collected_another_day_says_which(clerk_client, clerk, parcel):
    parcel_hand_over(parcel=parcel, user=clerk, collected_by_name="张三丰")
    collected_at = timezone.now() - timedelta(days=2)
    Parcel.objects.filter(pk=parcel.pk).update(collected_at=collected_at)
    response = clerk_client.post(
        url("visitors:parcel_handover", parcel), {"collected_by_name": "x"}
    )
    html = clerk_client.get(response["Location"]).content.decode()
    when = timezone.localtime(collected_at).strftime("%Y-%m-%d %H:%M")
    assert f"已于 {when} 由 张三丰 领取，本次未作任何更改。" in html


@pytest.mark.parametrize("data", [{}, {"collected_by_name": "  "}, {"collected_by_name": "x" * 51}])
def test_it_asks_who_collected_it(clerk_client, parcel, data):
    response = clerk_client.post(url("visitors:parcel_handover", parcel), data)
    assert response.status_code == 200
    form = response.content.decode().split('id="handover-form"')[1].split("</form>")[0]
    assert "请填写取件人" in form or "最多 50 个字" in form
    parcel.refresh_from_db()
    assert parcel.collected_at is None


@pytest.mark.parametrize("name", POST_ONLY)
def test_it_refuses_get_on_the_actions(clerk_client, parcel, name):
    assert clerk_client.get(url(name, parcel)).status_code == 405


@pytest.mark.parametrize("name", PK_PAGES)
def test_another_sites_parcel_is_a_404_on_every_page(client, clerk_b, site_b, parcel, name):
    supervisor_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    data = {"method": "sms", "collected_by_name": "别人"}
    for user in (clerk_b, supervisor_b):
        client.force_login(user)
        send = client.post if name in POST_ONLY else client.get
        assert send(url(name, parcel), data).status_code == 404
    parcel.refresh_from_db()
    assert parcel.collected_at is None and parcel.notified_at is None


@pytest.mark.parametrize("name", PK_PAGES)
def test_department_staff_may_not_open_them(client, engineer, parcel, name):
    client.force_login(engineer)
    send = client.post if name in POST_ONLY else client.get
    assert send(url(name, parcel), {"collected_by_name": "x"}).status_code == 403


def test_the_supervisor_of_both_sites_sees_it_in_site_a(client, supervisor, parcel):
    client.force_login(supervisor)
    assert client.get(url("visitors:parcel", parcel)).status_code == 200


def test_it_loads_the_page_in_a_fixed_number_of_queries(
    clerk_client, clerk, site_a, house, parcel, django_assert_num_queries
):
    for method in ("sms", "wechat", "sms"):  # messages about it: one query for all of them
        parcel_notify(parcel=parcel, user=clerk, method=method)
    # Session, user, sites, permissions (2), the header's unread messages, the parcel, the
    # house's occupants, the site's settings, the messages sent about it, the session's
    # save (3).
    with django_assert_num_queries(13):
        clerk_client.get(url("visitors:parcel", parcel))


@pytest.mark.parametrize("name", PK_PAGES)
def test_it_needs_login(parcel, name):
    client = Client()
    send = client.post if name in POST_ONLY else client.get
    assert send(url(name, parcel))["Location"].startswith(reverse("login"))
