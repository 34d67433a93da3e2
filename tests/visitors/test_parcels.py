"""The parcel shelf (代收快递): what waits at the desk, what is overdue, what was collected."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from visitors.models import Parcel, ReceptionSettings
from visitors.services.parcels import parcel_create, parcel_hand_over

LIST = reverse("visitors:parcels")


@pytest.fixture
def house(site_a):
    return factories.make_house(site_a, building=3, unit=2, room="1201")


def log(site, user, house, tracking, *, days_ago=0, collected=False, **extra):
    parcel = parcel_create(
        site=site, user=user, house=house, courier="sf", tracking_number=tracking, **extra
    )
    if days_ago:
        Parcel.objects.filter(pk=parcel.pk).update(
            received_at=timezone.now() - timedelta(days=days_ago)
        )
    if collected:
        parcel_hand_over(parcel=parcel, user=user, collected_by_name="张三丰")
    return parcel


def table(response) -> str:
    html = response.content.decode()
    return html[html.index('id="parcels"') :]


def test_it_shows_waiting_parcels_oldest_first_with_overdue_ones_marked(
    clerk_client, clerk, site_a, house
):
    log(site_a, clerk, house, "SF0000000001", days_ago=1)
    log(site_a, clerk, house, "SF0000000005", days_ago=5)
    log(site_a, clerk, house, "SF0000000009", collected=True)
    response = clerk_client.get(LIST)
    rows = table(response)
    assert rows.index("SF0000000005") < rows.index("SF0000000001")
    assert "SF0000000009" not in rows
    html = response.content.decode()
    assert "待取 2 件" in html
    assert "1 件超过 3 天未取" in html
    assert rows.count("table-warning overdue") == 1
    assert "超期未取" in rows


def test_it_takes_the_sites_overdue_limit(clerk_client, clerk, site_a, house):
    ReceptionSettings.objects.create(site=site_a, parcel_overdue_days=7)
    log(site_a, clerk, house, "SF0000000005", days_ago=5)
    html = clerk_client.get(LIST).content.decode()
    assert "超过 7 天未取" not in html
    assert "table-warning overdue" not in html
    log(site_a, clerk, house, "SF0000000008", days_ago=8)
    assert "1 件超过 7 天未取" in clerk_client.get(LIST).content.decode()


def test_it_filters_by_status_house_and_tracking_tail(clerk_client, clerk, site_a, house):
    other = factories.make_house(site_a, building=5, unit=1, room="0301")
    log(site_a, clerk, house, "SF1111", days_ago=5)
    log(site_a, clerk, house, "SF2222")
    log(site_a, clerk, other, "YT3333", collected=True)

    def shown(**params):
        rows = table(clerk_client.get(LIST, params))
        return {t for t in ("SF1111", "SF2222", "YT3333") if t in rows}

    assert shown() == {"SF1111", "SF2222"}
    assert shown(status="overdue") == {"SF1111"}
    assert shown(status="collected") == {"YT3333"}
    assert shown(status="all") == {"SF1111", "SF2222", "YT3333"}
    assert shown(status="all", house="5-1-0301") == {"YT3333"}
    assert shown(status="all", house="3栋2单元1201") == {"SF1111", "SF2222"}
    assert shown(status="all", tail="2222") == {"SF2222"}


def test_it_lists_only_the_current_sites_parcels(clerk_client, clerk, clerk_b, site_a, site_b):
    log(site_a, clerk, factories.make_house(site_a), "SFAAAA")
    log(site_b, clerk_b, factories.make_house(site_b), "SFBBBB", days_ago=9)
    html = clerk_client.get(LIST).content.decode()
    assert "SFAAAA" in html and "SFBBBB" not in html
    assert "待取 1 件" in html and "天未取" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"house": "阳光小区"},
        {"house": "x" * 500},
        {"tail": "\x00"},
        {"page": "999"},
    ],
)
def test_it_survives_a_bad_filter(clerk_client, clerk, site_a, house, params):
    log(site_a, clerk, house, "SF1111")
    response = clerk_client.get(LIST, params)
    assert response.status_code == 200


def test_it_says_what_is_wrong_with_the_house_filter(clerk_client):
    html = clerk_client.get(LIST, {"house": "阳光小区"}).content.decode()
    assert "请按 3-2-1201 或 3栋2单元1201 的格式填写房号" in html
    assert 'value="阳光小区"' in html


def test_it_paginates(clerk_client, clerk, site_a, house):
    Parcel.objects.bulk_create(
        Parcel(
            site=site_a, house=house, courier="sf", tracking_number=f"SF{i:04}", received_by=clerk
        )
        for i in range(35)
    )
    response = clerk_client.get(LIST)
    assert table(response).count("<tr") - 1 == 30
    assert "page=2" in response.content.decode()


@pytest.mark.parametrize("status", ["waiting", "overdue", "collected", "all"])
def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    clerk_client, clerk, site_a, house, status, django_assert_num_queries
):
    rooms = itertools.count(101)

    def add(n):
        for _ in range(n):
            room = str(next(rooms))
            log(site_a, clerk, factories.make_house(site_a, room=room), f"SF{room}", days_ago=5)
            log(site_a, clerk, house, f"YT{room}", collected=True)

    add(1)
    clerk_client.get(LIST, {"status": status})
    # Session, user, the header's unread messages, the site's settings, the waiting and
    # overdue counts of the tabs, the count and the page.
    with django_assert_num_queries(7):
        clerk_client.get(LIST, {"status": status})
    add(40)
    with django_assert_num_queries(7):
        clerk_client.get(LIST, {"status": status})


def test_it_is_for_the_desk_only(client, engineer):
    client.force_login(engineer)
    assert client.get(LIST).status_code == 403


def test_it_needs_login(client, db):
    assert client.get(LIST)["Location"].startswith(reverse("login"))
