"""登记簿: the register of visits, paginated, filtered by date, purpose, status, visitor."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from visitors.filters import VisitFilter
from visitors.models import Visit, VisitPurpose
from visitors.selectors.visits import register
from visitors.views import visits as visit_views

VISITS = reverse("visitors:visits")


@pytest.fixture
def visits(clerk, site_a, house_a):
    now = timezone.now()
    house_call = VisitPurpose.objects.get(name="看房")
    return [
        factories.make_visit(site_a, clerk, "今日访客", "13911110000", house=house_a),
        factories.make_visit(
            site_a,
            clerk,
            "上周访客",
            "13922220000",
            at=now - timedelta(days=7),
            purpose_name=house_call.name,
            plate="浙B12345",
        ),
    ]


def test_it_lists_visits_newest_first_with_masked_phones(clerk_client, visits):
    html = clerk_client.get(VISITS).content.decode()
    assert html.index("今日访客") < html.index("上周访客")
    assert "139****0000" in html and "13911110000" not in html


def test_it_filters_by_date(clerk_client, visits):
    today = timezone.localdate()
    html = clerk_client.get(VISITS, {"since": today, "until": today}).content.decode()
    assert "今日访客" in html and "上周访客" not in html


def test_it_filters_by_purpose_status_and_visitor(clerk_client, visits):
    purpose = VisitPurpose.objects.get(name="看房")
    assert "今日访客" not in clerk_client.get(VISITS, {"purpose": purpose.pk}).content.decode()
    Visit.objects.filter(pk=visits[1].pk).update(checked_out_at=timezone.now(), exit="desk")
    on_site = clerk_client.get(VISITS, {"status": "on_site"}).content.decode()
    assert "今日访客" in on_site and "上周访客" not in on_site
    for q in ("上周", "13922220000", "浙b 12345"):
        html = clerk_client.get(VISITS, {"q": q}).content.decode()
        assert "上周访客" in html and "今日访客" not in html, q


def test_a_bad_filter_says_so_and_shows_the_register(clerk_client, visits):
    response = clerk_client.get(VISITS, {"since": "2026-13-45", "purpose": "abc"})
    assert response.status_code == 200
    assert "今日访客" in response.content.decode()


def test_it_shows_nothing_of_another_site(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    factories.make_visit(site_b, clerk_b, "别处访客")
    assert "别处访客" not in clerk_client.get(VISITS).content.decode()


def test_the_visit_page_of_another_site_is_a_404(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    other = factories.make_visit(site_b, clerk_b)
    assert clerk_client.get(reverse("visitors:visit", args=[other.pk])).status_code == 404


def test_the_visit_page_masks_and_reveals_the_phone(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk, "李四", "13912345678")
    html = clerk_client.get(reverse("visitors:visit", args=[visit.pk])).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    reveal = reverse("reveal", args=["visitors.visit", visit.pk, "visitor_phone"])
    assert reveal in html
    assert "13912345678" in clerk_client.post(reveal).content.decode()


def test_an_erased_phone_says_so(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk, "李四", "", personal_data_erased_at=timezone.now())
    html = clerk_client.get(reverse("visitors:visit", args=[visit.pk])).content.decode()
    assert "已过保存期限，已删除" in html


@pytest.mark.parametrize("rows", [1, 40])
def test_its_query_count_does_not_grow_with_the_rows(
    clerk_client, clerk, site_a, house_a, django_assert_num_queries, rows
):
    resident = house_a.occupancies.get().resident
    for n in range(rows):
        factories.make_visit(site_a, clerk, f"访客{n}", house=house_a, resident=resident)
    # The request's own 5, the header's unread messages, the purposes of the filter, count
    # and page, the residents the page's rows name (fetched apart: a join more slowed
    # planning), the session's save.
    with django_assert_num_queries(13):
        assert clerk_client.get(VISITS, {"status": "on_site"}).status_code == 200


def test_it_gives_the_exact_total_below_the_cap(clerk_client, visits):
    html = clerk_client.get(VISITS).content.decode()
    assert "共 2 条来访记录" in html and "超过" not in html
    assert "下一页" not in html


def many_visits(site, clerk, n: int) -> None:
    now = timezone.now()
    Visit.objects.bulk_create(
        Visit(
            site=site,
            visitor_name=f"访客{i:03}",
            purpose=VisitPurpose.objects.get(name="走亲访友"),
            checked_in_at=now - timedelta(minutes=i),
            expected_out_at=now,
            checked_in_by=clerk,
        )
        for i in range(n)
    )


def test_above_the_cap_it_says_more_and_still_pages_to_the_end(
    clerk_client, clerk, site_a, monkeypatch
):
    # The register is counted only as far as the cap past the page asked for (10000: an
    # export's worth), not the site's year of visits on every view.
    monkeypatch.setattr(visit_views, "REGISTER_COUNT_CAP", 40)
    many_visits(site_a, clerk, 75)
    with CaptureQueriesContext(connection) as queries:
        html = clerk_client.get(VISITS).content.decode()
    [count] = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "visitors_visit" in q["sql"]]
    assert "LIMIT 41" in count
    assert "超过 40 条来访记录" in html
    assert "第 1 页" in html and "第 1 /" not in html and "page=2" in html
    # The last page counts as far as it goes, and knows it is the last.
    html = clerk_client.get(VISITS, {"page": 3}).content.decode()
    assert "共 75 条来访记录" in html and "第 3 / 3 页" in html
    assert html.count("访客0") == 15 and "访客074" in html and "下一页" not in html
    # Beyond the end: the last page, as Django's paginator does.
    assert "第 3 / 3 页" in clerk_client.get(VISITS, {"page": 9}).content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"until": "9999-12-31"}, "请选择 2000-01-01 至 2099-12-31 之间的日期"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "结束日期早于开始日期"),
    ],
)
def test_an_impossible_range_says_why_beside_the_field(clerk_client, visits, params, message):
    response = clerk_client.get(VISITS, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def page_query(client, params=None) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(VISITS, params).status_code == 200
    [sql] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "visitors_visit"."id"')]
    return sql


def test_its_page_joins_only_what_its_rows_show(clerk_client, visits):
    # PostgreSQL's time to plan grows fast with the joins: at a million visits, the page
    # joined to its resident and both clerks took ~13 ms to plan, for 1 ms to run. The
    # resident is fetched apart; who checked a visit out is not shown.
    sql = page_query(clerk_client)
    assert sql.count(" JOIN ") == 4  # purpose, house, its building, the clerk who registered
    assert "residents_resident" not in sql and "checked_out_by" not in sql.split("FROM")[1]


def test_a_month_of_one_purpose_is_read_from_its_own_index(site_a, site_b, clerk, visits):
    purpose = VisitPurpose.objects.get(name="看房")
    other = VisitPurpose.objects.exclude(pk=purpose.pk).first()
    # A company's shape in miniature: the purpose is common at every site, and this site
    # has many visits of other purposes; then neither single-column index will do.
    now = timezone.now()
    Visit.objects.bulk_create(
        Visit(
            site=site,
            visitor_name="访客",
            purpose=chosen,
            checked_in_at=now - timedelta(hours=i),
            expected_out_at=now - timedelta(hours=i) + timedelta(hours=1),
            checked_in_by=clerk,
        )
        for site, chosen in ((site_b, purpose), (site_a, other))
        for i in range(1500)
    )
    today = timezone.localdate()
    month = {"since": today - timedelta(days=29), "until": today, "purpose": purpose.pk}
    queryset = VisitFilter(month, queryset=register(site_a)).qs
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visitors_visit")
    # Not the purpose's own index, which holds a third of every site's visits.
    plan = queryset.explain()
    assert "visit_site_purpose_time" in plan, plan
    plan = queryset.order_by().values("pk").explain()
    assert "visit_site_purpose_time" in plan, plan
