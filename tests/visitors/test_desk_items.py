"""Reception's counts on today's desk: on site, late, never closed, parcels, referrals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from visitors.models import ReceptionSettings
from visitors.selectors.desk import desk_items, waiting_on
from visitors.selectors.visits import start_of_today

DESK = reverse("desk")


def counts(site, user) -> dict[str, int]:
    return {str(i.label): i.count for i in desk_items(site, user)}


def test_it_counts_what_needs_the_desk(clerk, site_a, site_b, house_a):
    early = max(timezone.now() - timedelta(hours=2), start_of_today())
    factories.make_visit(site_a, clerk, "在场")
    factories.make_visit(site_a, clerk, "超时", at=early, expected_stay=1)
    factories.make_visit(site_a, clerk, "昨日", at=start_of_today() - timedelta(hours=3))
    factories.make_visit(factories.make_site(), clerk, "别处")
    factories.make_parcel(site_a, clerk, house_a)
    factories.make_parcel(site_a, clerk, house_a, days_ago=5)
    factories.make_parcel(site_a, clerk, house_a, days_ago=9, collected=True)
    factories.make_inquiry(site_a, clerk, referred_to="工程部")
    factories.make_inquiry(site_a, clerk, referred_to="秩序部", referral_done=True)
    assert counts(site_a, clerk) == {
        "在场访客": 2,
        "超出预计停留": 1,
        "往日未离场": 1,
        "待取快递": 2,
        "超期未取快递": 1,
        "转办待处理的咨询": 1,
    }


def test_the_overdue_parcel_days_are_the_sites(clerk, site_a, house_a):
    factories.make_parcel(site_a, clerk, house_a, days_ago=2)
    assert "超期未取快递" not in counts(site_a, clerk)
    ReceptionSettings.objects.create(site=site_a, parcel_overdue_days=1)
    assert counts(site_a, clerk)["超期未取快递"] == 1


def test_department_staff_see_only_their_departments_referrals(engineer, clerk, site_a):
    factories.make_inquiry(site_a, clerk, referred_to="工程部")
    factories.make_inquiry(site_a, clerk, referred_to="秩序部")
    assert counts(site_a, engineer) == {}
    waiting = {str(i.label): i.count for i in waiting_on(site_a, engineer)}
    assert waiting == {"转办待处理的咨询": 1}


def test_nothing_waits_on_a_user_without_a_department(clerk, site_a, django_assert_num_queries):
    factories.make_inquiry(site_a, clerk, referred_to="工程部")
    with django_assert_num_queries(0):  # no department, nothing to count
        assert waiting_on(site_a, clerk) == []


def test_the_desk_shows_them_with_links(clerk_client, clerk, site_a):
    factories.make_visit(site_a, clerk, "在场")
    html = clerk_client.get(DESK).content.decode()
    assert 'id="desk-items"' in html and "在场访客" in html
    assert f'href="{reverse("visitors:index")}"' in html


def test_the_engineer_reaches_the_referrals_from_the_desk(client, engineer, clerk, site_a):
    factories.make_inquiry(site_a, clerk, referred_to="工程部")
    client.force_login(engineer)
    html = client.get(DESK).content.decode()
    assert reverse("visitors:referrals") in html and "在场访客" not in html
    assert 'id="waiting-on-me"' in html and "待我处理" in html


@pytest.mark.parametrize("rows", [1, 10])
def test_it_is_one_query_whatever_the_rows(clerk, site_a, house_a, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.make_visit(site_a, clerk)
        factories.make_parcel(site_a, clerk, house_a, days_ago=4)
    clerk.has_perm("frontdesk.use_desk")  # permissions cached, as the desk's request has them
    # Every count in one SELECT of subqueries.
    with django_assert_num_queries(1):
        desk_items(site_a, clerk)
