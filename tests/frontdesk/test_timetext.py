"""Lengths of time and how long ago, as a clerk says them (not Django's timesince)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.timetext import ago_text, duration_text
from tests import factories
from visitors.selectors.visits import start_of_today


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


def test_a_visit_shows_its_time_on_site_as_spoken(clerk_client, clerk, site_a):
    # The visit's page, whatever the hour: the on-site list shows only today's visits.
    visit = factories.make_visit(
        site_a, clerk, "张三", at=timezone.now() - timedelta(hours=4, minutes=25, seconds=5)
    )
    html = clerk_client.get(reverse("visitors:visit", args=[visit.pk])).content.decode()
    assert "4小时25分" in html and "4 小时" not in html


def test_the_on_site_list_shows_time_with_the_same_words(clerk_client, clerk, site_a):
    now = timezone.now()
    # Still today, so that the list shows it, even just after midnight.
    minutes = min(25, int((now - start_of_today()).total_seconds() // 60))
    factories.make_visit(site_a, clerk, "张三", at=now - timedelta(minutes=minutes, seconds=5))
    html = clerk_client.get(reverse("visitors:index")).content.decode()
    assert f"{minutes}分钟" in html and " 分钟" not in html


def test_a_waiting_parcel_says_how_long_ago_it_came(clerk_client, clerk, site_a):
    factories.make_parcel(site_a, clerk, factories.make_house(site_a), days_ago=13)
    html = clerk_client.get(reverse("visitors:parcels")).content.decode()
    assert "13天前" in html and "周" not in html


def test_areas_not_built_yet_say_so(clerk_client):
    desk = clerk_client.get(reverse("desk")).content.decode()
    assert desk.count("即将上线") == 2  # coordination, desk admin
    landing = clerk_client.get(reverse("coordination:index")).content.decode()
    assert "此功能尚未上线" in landing
    assert "此功能尚未上线" not in clerk_client.get(reverse("residents:index")).content.decode()
