"""离场: checking a visitor out at the desk, once, whoever tries at the same moment."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frontdesk.conflicts import Conflict
from tests import factories
from visitors.models import Visit
from visitors.services.visits import visit_check_out


def check_out_url(visit) -> str:
    return reverse("visitors:check_out", args=[visit.pk])


def test_it_checks_a_visitor_out(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk, "李四")
    response = clerk_client.post(check_out_url(visit))
    assert response["Location"] == reverse("visitors:index")
    visit.refresh_from_db()
    assert visit.checked_out_at and visit.checked_out_by == clerk and visit.exit == "desk"
    html = clerk_client.get(response["Location"]).content.decode()
    assert "李四 已离场" in html


def test_it_does_not_check_out_twice(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk, "李四")
    clerk_client.post(check_out_url(visit))
    first = Visit.objects.get(pk=visit.pk).checked_out_at
    response = clerk_client.post(check_out_url(visit), follow=True)
    assert Visit.objects.get(pk=visit.pk).checked_out_at == first
    assert "李四 已于" in response.content.decode() and "办理离场" in response.content.decode()


def test_a_second_check_out_names_who_did_it_and_when(site_a, clerk):
    other = factories.make_user(site_a, username="desk2")
    visit = factories.make_visit(site_a, clerk, "李四")
    first = visit_check_out(site=site_a, visit_id=visit.pk, user=clerk)
    with pytest.raises(Conflict) as conflict:
        visit_check_out(site=site_a, visit_id=visit.pk, user=other)
    assert (conflict.value.obj, conflict.value.by) == (visit, clerk)
    assert conflict.value.at == first.checked_out_at


def test_a_visit_closed_at_the_handover_says_so(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk, "李四")
    Visit.objects.filter(pk=visit.pk).update(
        checked_out_at=timezone.now(), checked_out_by=clerk, exit=Visit.Exit.HANDOVER
    )
    response = clerk_client.post(check_out_url(visit), follow=True)
    assert "李四 已于" in response.content.decode()
    assert "由 王丽 在交接班时关闭" in response.content.decode()


def test_another_sites_visit_is_a_404(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    other = factories.make_visit(site_b, clerk_b)
    assert clerk_client.post(check_out_url(other)).status_code == 404
    assert Visit.objects.get(pk=other.pk).on_site


def test_it_is_post_only(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk)
    assert clerk_client.get(check_out_url(visit)).status_code == 405
    assert Visit.objects.get(pk=visit.pk).on_site


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "0", "desk"])
def test_it_goes_back_only_to_a_page_of_this_site(clerk_client, clerk, site_a, target):
    visit = factories.make_visit(site_a, clerk)
    response = clerk_client.post(check_out_url(visit), {"next": target})
    assert response["Location"] == reverse("visitors:index")


def test_it_goes_back_to_the_page_it_was_done_on(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk)
    response = clerk_client.post(check_out_url(visit), {"next": "/visitors/visits/?page=2"})
    assert response["Location"] == "/visitors/visits/?page=2"


def test_anonymous_goes_to_the_login_page(client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk)
    assert "/accounts/login/" in client.post(check_out_url(visit))["Location"]


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_check_out_exactly_once(site_a):
    clerk = factories.make_user(site_a, username="desk1")
    other = factories.make_user(site_a, username="desk2")
    visit = factories.make_visit(site_a, clerk)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            visit_check_out(site=site_a, visit_id=visit.pk, user=user)
            outcomes.append("out")
        except Conflict:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (clerk, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "out"]
    assert Visit.objects.filter(pk=visit.pk, checked_out_at__isnull=False).count() == 1


def test_its_query_count_is_fixed(clerk_client, clerk, site_a, django_assert_num_queries):
    visit = factories.make_visit(site_a, clerk)
    # The request's own 5, the update, the visit read back, the session's save (3).
    with django_assert_num_queries(10):
        clerk_client.post(check_out_url(visit))
