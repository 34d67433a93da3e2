"""The reception's statistics page (/visitors/reports/) and its selector."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import make_visit
from visitors.models import Visit
from visitors.selectors.reports import visit_report

URL = reverse("visitors:reports")
SHANGHAI = ZoneInfo("Asia/Shanghai")
RANGE = {"since": "2026-03-01", "until": "2026-03-04"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def march(site_a, site_b, clerk, clerk_b):
    """Five visits of site A from 1 to 4 March 2026, one of site B, one after the range."""
    make_visit(site_a, clerk, at=at(2, 9, 30), stay=timedelta(minutes=60), party_size=2)
    make_visit(
        site_a,
        clerk,
        at=at(2, 9, 50),
        stay=timedelta(minutes=10),
        purpose_name="快递外卖",
        exit=Visit.Exit.PASS,
    )
    # Late at night, Shanghai time: 15:30 and 16:30 UTC, so the day and hour must be the
    # desk's, not the database's.
    make_visit(site_a, clerk, at=at(3, 23, 30), stay=timedelta(minutes=30), party_size=3)
    make_visit(
        site_a,
        clerk,
        at=at(4, 0, 30),
        stay=timedelta(hours=8),
        purpose_name="其他",
        exit=Visit.Exit.HANDOVER,
    )
    make_visit(site_a, clerk, at=at(4, 14, 10), stay=None, purpose_name="快递外卖")
    make_visit(site_a, clerk, at=at(5, 10))
    make_visit(site_b, clerk_b, at=at(2, 10), party_size=5)


def test_it_counts_visits_per_day_hour_and_purpose(site_a, march):
    report = visit_report(site_a, date(2026, 3, 1), date(2026, 3, 4))
    assert [(bar.label.day, bar.visits, bar.visitors) for bar in report.days] == [
        (1, 0, 0),
        (2, 2, 3),
        (3, 1, 3),
        (4, 2, 2),
    ]
    assert [bar.percent for bar in report.days] == [0, 100, 50, 100]
    hours = {bar.label: bar.visits for bar in report.hours if bar.visits}
    assert hours == {0: 1, 9: 2, 14: 1, 23: 1}
    assert len(report.hours) == 24
    assert [(bar.label, bar.visits, bar.visitors) for bar in report.purposes] == [
        ("走亲访友", 2, 5),
        ("快递外卖", 2, 2),
        ("其他", 1, 1),
    ]
    assert (report.visits, report.visitors) == (5, 8)
    # Those who left at the desk or by the pass: (60 + 10 + 30) / 3 minutes. Neither the
    # one still on site nor the one closed at the handover.
    assert report.checked_out == 3
    assert report.average_stay == timedelta(minutes=100) / 3


def test_it_shows_the_report(client, supervisor, march):
    client.force_login(supervisor)
    response = client.get(URL, RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "每日来访" in html and "按来访事由" in html and "按到达时段" in html
    assert '<div class="fs-4 fw-semibold" id="total-visits">5</div>' in html
    assert '<div class="fs-4 fw-semibold" id="total-visitors">8</div>' in html
    assert "33分钟" in html
    assert "2026-03-02" in html and "23:00–23:59" in html
    # The bars are drawn on the server, without inline styles (the CSP allows none).
    assert '<rect width="100"' in html and '<rect width="50"' in html
    assert "style=" not in html
    export = reverse("visitors:visits_export") + "?since=2026-03-01&amp;until=2026-03-04"
    assert export in html


def test_it_shows_the_last_seven_days_by_default(clerk_client, site_a, clerk):
    today = timezone.localdate()
    make_visit(site_a, clerk, at=timezone.now() - timedelta(hours=1))
    make_visit(site_a, clerk, at=timezone.now() - timedelta(days=8))
    response = clerk_client.get(URL)
    report = response.context["report"]
    assert (report.since, report.until) == (today - timedelta(days=6), today)
    assert report.visits == 1
    # The range is shown in the date boxes, in the only format a date input reads.
    html = response.content.decode()
    assert f'value="{today - timedelta(days=6):%Y-%m-%d}"' in html
    assert f'value="{today:%Y-%m-%d}"' in html


def test_it_counts_only_the_current_sites_visits(client, clerk_b, march):
    client.force_login(clerk_b)
    report = client.get(URL, RANGE).context["report"]
    assert (report.visits, report.visitors) == (1, 5)


def test_it_refuses_an_end_before_the_start(clerk_client, march):
    response = clerk_client.get(URL, {"since": "2026-03-04", "until": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["report"] is None
    html = response.content.decode()
    assert "结束日期早于开始日期。" in html
    # What was typed stays in the form.
    assert 'value="2026-03-04"' in html and 'value="2026-03-01"' in html


def test_it_refuses_more_than_366_days(clerk_client):
    response = clerk_client.get(URL, {"since": "2025-01-01", "until": "2026-01-02"})
    assert response.context["report"] is None
    assert "一次最多统计 366 天，请选择较晚的开始日期。" in response.content.decode()
    response = clerk_client.get(URL, {"since": "2025-01-01", "until": "2026-01-01"})
    assert response.context["report"].visits == 0


def test_it_refuses_a_date_beyond_the_calendar_it_can_count(clerk_client):
    response = clerk_client.get(URL, {"since": "9999-12-31", "until": "9999-12-31"})
    assert response.status_code == 200
    assert "请选择 2000-01-01 至 2099-12-31 之间的日期" in response.content.decode()
    assert response.context["report"] is None


@pytest.mark.parametrize("since", ["2026-02-30", "yesterday", "2026-03-01T00:00' OR 1=1"])
def test_it_refuses_a_date_that_is_not_one(clerk_client, since):
    response = clerk_client.get(URL, {"since": since, "until": "2026-03-04"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["since"]


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_closed_to_department_staff_and_to_staff_without_a_site(client, engineer):
    client.force_login(engineer)
    assert client.get(URL).status_code == 403
    client.force_login(factories.make_user(username="nosite"))
    assert client.get(URL).status_code == 403


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"since": "2026-01-01", "until": "2026-03-31"}).status_code == 200
    return len(queries)


def test_its_queries_do_not_grow_with_the_visits(clerk_client, site_a, clerk):
    make_visit(site_a, clerk, at=at(2, 9))
    clerk_client.get(URL)  # the session's first read of the user's sites
    few = queries_for(clerk_client)
    for day in range(1, 29):
        for purpose_name in ("走亲访友", "快递外卖", "装修施工"):
            make_visit(
                site_a,
                clerk,
                at=at(1, 8) - timedelta(days=day),
                stay=timedelta(hours=1),
                purpose_name=purpose_name,
            )
    # Session, user, the header's unread messages, and one pass over the visits grouped
    # two ways (GROUPING SETS): per hour of the desk's clock (the days and the hours tables
    # are added up from it) and per purpose (with the average stay).
    assert queries_for(clerk_client) == few == 4
    # The month is read once: a GROUP BY per grouping read it twice, a query per table
    # four times.
    with CaptureQueriesContext(connection) as queries:
        clerk_client.get(URL, {"since": "2026-01-01", "until": "2026-03-31"})
    grouped = [q["sql"] for q in queries.captured_queries if "visitors_visit" in q["sql"]]
    assert len(grouped) == 1 and "GROUPING SETS" in grouped[0]
