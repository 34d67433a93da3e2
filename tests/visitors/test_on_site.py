"""在场: who is on site now, past their expected stay, and what the shift hands over."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from visitors.models import Visit
from visitors.selectors.visits import start_of_today

ON_SITE = reverse("visitors:index")


def test_it_lists_who_is_on_site_with_time_on_site(clerk_client, clerk, site_a, house_a):
    now = timezone.now()
    # 25 minutes ago, but still today (in the first minutes after midnight, less).
    minutes = min(25, int((now - start_of_today()).total_seconds() // 60))
    here = factories.make_visit(
        site_a, clerk, "李四", house=house_a, at=now - timedelta(minutes=minutes)
    )
    gone = factories.make_visit(site_a, clerk, "王五")
    Visit.objects.filter(pk=gone.pk).update(checked_out_at=timezone.now(), exit="desk")
    html = clerk_client.get(ON_SITE).content.decode()
    assert f'data-visit="{here.pk}"' in html and "3栋2单元1201" in html
    assert f'data-visit="{gone.pk}"' not in html
    assert f"{minutes}分钟" in html  # time on site
    for name in ("visitors:visit", "visitors:pass", "visitors:check_out"):
        assert reverse(name, args=[here.pk]) in html
    assert "139****5678" in html and "13912345678" not in html


def test_it_marks_visits_past_their_expected_stay(clerk_client, clerk, site_a):
    start = max(timezone.now() - timedelta(hours=3), start_of_today())
    late = factories.make_visit(site_a, clerk, "逾时", at=start, expected_stay=1)
    factories.make_visit(site_a, clerk, "准时", expected_stay=120)
    html = clerk_client.get(ON_SITE).content.decode()
    row = html.split(f'data-visit="{late.pk}"')[0].rsplit("<tr", 1)[1]
    assert "table-warning" in row
    assert html.split('id="handover"')[0].count("超出预计停留") == 1


def test_it_lists_earlier_days_for_the_handover_not_as_on_site(clerk_client, clerk, site_a):
    old = factories.make_visit(site_a, clerk, "昨日未离", at=start_of_today() - timedelta(hours=5))
    html = clerk_client.get(ON_SITE).content.decode()
    on_site, handover = html.split('id="handover"')
    assert "昨日未离" not in on_site
    assert "昨日未离" in handover and f'value="{old.pk}"' in handover
    assert "交接班：1 条来访未办理离场" in handover
    assert f'value="{old.pk}" id="close-{old.pk}" checked' in handover


def test_todays_visits_past_their_stay_are_offered_for_the_handover(clerk_client, clerk, site_a):
    start = max(timezone.now() - timedelta(hours=3), start_of_today())
    late = factories.make_visit(site_a, clerk, "逾时", at=start, expected_stay=1)
    factories.make_visit(site_a, clerk, "准时", expected_stay=120)
    handover = clerk_client.get(ON_SITE).content.decode().split('id="handover"')[1]
    # Offered, not ticked: they may still be with the resident they visit.
    assert "逾时" in handover and "准时" not in handover
    assert f'value="{late.pk}" id="close-{late.pk}">' in handover
    clerk_client.post(reverse("visitors:handover_close"), {"visits": [late.pk]})
    assert Visit.objects.get(pk=late.pk).exit == Visit.Exit.HANDOVER


def test_the_handover_closes_them_as_not_seen_leaving(clerk_client, clerk, site_a):
    old = factories.make_visit(site_a, clerk, "昨日未离", at=start_of_today() - timedelta(hours=5))
    today = factories.make_visit(site_a, clerk, "今日在场")
    response = clerk_client.post(reverse("visitors:handover_close"), {"visits": [old.pk, today.pk]})
    assert response.status_code == 302
    old.refresh_from_db()
    today.refresh_from_db()
    assert old.exit == Visit.Exit.HANDOVER and old.checked_out_by == clerk
    # Today's visit is not the handover's to close (and was not offered).
    assert today.on_site
    assert "昨日未离" not in clerk_client.get(ON_SITE).content.decode().split("在场访客")[-1]


def test_the_handover_closes_only_what_was_ticked(clerk_client, clerk, site_a):
    earlier = start_of_today() - timedelta(hours=5)
    a = factories.make_visit(site_a, clerk, "甲", at=earlier)
    b = factories.make_visit(site_a, clerk, "乙", at=earlier)
    clerk_client.post(reverse("visitors:handover_close"), {"visits": [a.pk]})
    assert not Visit.objects.get(pk=a.pk).on_site and Visit.objects.get(pk=b.pk).on_site


def test_the_handover_cannot_close_another_sites_visit(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    other = factories.make_visit(site_b, clerk_b, at=start_of_today() - timedelta(hours=5))
    clerk_client.post(reverse("visitors:handover_close"), {"visits": [other.pk]})
    assert Visit.objects.get(pk=other.pk).on_site


def test_it_shows_nothing_of_another_site(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    factories.make_visit(site_b, clerk_b, "别处访客")
    assert "别处访客" not in clerk_client.get(ON_SITE).content.decode()


def test_anonymous_goes_to_the_login_page(client):
    assert "/accounts/login/" in client.get(ON_SITE)["Location"]


@pytest.mark.parametrize("rows", [1, 12])
def test_its_query_count_does_not_grow_with_the_rows(
    clerk_client, clerk, site_a, house_a, django_assert_num_queries, rows
):
    resident = house_a.occupancies.get().resident
    for n in range(rows):
        factories.make_visit(site_a, clerk, f"访客{n}", house=house_a, resident=resident)
        factories.make_visit(
            site_a,
            clerk,
            f"旧{n}",
            house=house_a,
            at=start_of_today() - timedelta(hours=2),
        )
    # The request's own 5, the header's unread messages, on site (count, page and the
    # residents its rows name, fetched apart: a join more slowed planning), the handover
    # list, the session's save.
    with django_assert_num_queries(13):
        assert clerk_client.get(ON_SITE).status_code == 200


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999", "-1", ""])
def test_the_handover_ignores_what_is_not_a_visit_number(clerk_client, clerk, site_a, value):
    old = factories.make_visit(site_a, clerk, at=start_of_today() - timedelta(hours=5))
    response = clerk_client.post(reverse("visitors:handover_close"), {"visits": [value]})
    assert response.status_code == 302
    assert Visit.objects.get(pk=old.pk).on_site
