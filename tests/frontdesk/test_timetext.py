"""Lengths of time and how long ago, as a clerk says them (not Django's timesince)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.timetext import ago_text, duration_text
from tests import factories


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(seconds=59), "0分钟"),
        (timedelta(minutes=25, seconds=59), "25分钟"),
        (timedelta(hours=4, minutes=25), "4小时25分"),
        (timedelta(hours=4), "4小时0分"),
        (timedelta(days=3, hours=4, minutes=25), "3天4小时"),
        (timedelta(days=13), "13天"),
        (None, ""),
    ],
)
def test_a_length_of_time_reads_as_spoken(duration, text):
    assert duration_text(duration) == text


@pytest.mark.parametrize(
    ("elapsed", "text"),
    [
        (timedelta(seconds=20), "刚刚"),
        (timedelta(minutes=25), "25分钟前"),
        (timedelta(hours=4, minutes=25), "4小时25分前"),
        (timedelta(days=13, hours=5), "13天前"),  # not "1 周，6 日前"
    ],
)
def test_how_long_ago_reads_as_spoken(elapsed, text):
    now = timezone.now()
    assert ago_text(now - elapsed, now) == text


def test_the_visitors_on_site_show_their_time_as_spoken(clerk_client, clerk, site_a):
    factories.make_visit(site_a, clerk, "张三", at=timezone.now() - timedelta(hours=4, minutes=25))
    html = clerk_client.get(reverse("visitors:index")).content.decode()
    assert "4小时25分" in html and "4 小时" not in html


def test_a_waiting_parcel_says_how_long_ago_it_came(clerk_client, clerk, site_a):
    factories.make_parcel(site_a, clerk, factories.make_house(site_a), days_ago=13)
    html = clerk_client.get(reverse("visitors:parcels")).content.decode()
    assert "13天前" in html and "周" not in html


def test_areas_not_built_yet_say_so(clerk_client):
    desk = clerk_client.get(reverse("desk")).content.decode()
    assert desk.count("即将上线") == 4  # complaints, notices, coordination, desk admin
    landing = clerk_client.get(reverse("notices:index")).content.decode()
    assert "此功能尚未上线" in landing
    assert "此功能尚未上线" not in clerk_client.get(reverse("residents:index")).content.decode()
