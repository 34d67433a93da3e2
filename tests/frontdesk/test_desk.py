import pytest
from django.urls import reverse

from tests import factories

DESK = reverse("desk")


def test_it_shows_todays_desk_in_chinese(clerk_client, site_a):
    response = clerk_client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "今日工作台" in html
    assert site_a.name in html
    assert site_a.service_phone in html
    for label in ["住户查询", "来访接待", "投诉建议", "公告通知", "内部协调", "行政事务"]:
        assert label in html


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_only_the_current_sites_details(clerk_client, site_b):
    html = clerk_client.get(DESK).content.decode()
    assert site_b.name not in html
    assert site_b.address not in html


def test_it_hides_desk_areas_from_department_staff(client, engineer):
    client.force_login(engineer)
    html = client.get(DESK).content.decode()
    assert "投诉建议" in html and "内部协调" in html
    assert "来访接待" not in html
    assert 'id="global-search"' not in html


def test_it_tells_a_user_without_a_site(client, db):
    client.force_login(factories.make_user())
    response = client.get(DESK)
    assert response.status_code == 403
    assert "尚未分配小区" in response.content.decode()


@pytest.mark.parametrize("sites", [1, 8])
def test_it_uses_a_fixed_number_of_queries(client, db, django_assert_num_queries, sites):
    """The same queries for one site or eight (the site switcher lists them), with nothing
    or much on reception's counts."""
    from django.utils import timezone

    from visitors.models import Inquiry, Parcel

    site = factories.make_site()
    user = factories.make_user(site, *[factories.make_site() for _ in range(sites - 1)])
    client.force_login(user)
    client.get(DESK)  # the first request renews the session and caches access (writes)
    # session and user (sites and permissions come from the session for a minute), the
    # header's unread messages, reception's counts in one statement, complaints' counts
    # in one statement and its cases waiting at the desk (waiting on me)
    with django_assert_num_queries(6):
        client.get(DESK)
    house = factories.make_house(site)
    department = site.departments.first()
    for i in range(15):
        factories.make_visit(site, user, f"访客{i}", house=house)
        Parcel.objects.create(
            site=site, house=house, courier="sf", received_at=timezone.now(), received_by=user
        )
        Inquiry.objects.create(
            site=site, question="路灯坏了", referred_to=department, created_by=user
        )
        factories.make_case(site, user, category="其他事项", kind="suggestion")
    # The same six with 15 of each row.
    with django_assert_num_queries(6):
        html = client.get(DESK).content.decode()
    assert ">15<" in html


def test_it_applies_a_role_taken_away_within_a_minute(client, clerk):
    from frontdesk import roles, services
    from frontdesk.middleware import SESSION_ACCESS

    client.force_login(clerk)
    assert client.get("/visitors/").status_code == 200
    services.staff_set_role(user=clerk, role=roles.DEPARTMENT_STAFF)
    session = client.session
    session[SESSION_ACCESS]["at"] -= 61
    session.save()
    assert client.get("/visitors/").status_code == 403
