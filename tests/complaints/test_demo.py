"""Complaints' demo data (complaints.demo.seed_demo) and its company scale (seed_bench),
loaded at a small scale."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints import demo as complaints_demo
from complaints.models import CallbackAttempt, Case, CaseCounter, CaseEvent, Category
from complaints.services.cases import case_create
from complaints.states import OPEN, State
from frontdesk import demo
from residents import demo as residents_demo
from tests import factories

pytestmark = pytest.mark.slow  # loads the demo records


@pytest.fixture
def context(db):
    context = demo.seed_core()
    residents_demo.seed_demo(context)
    complaints_demo.seed_demo(context)
    return context


def test_it_routes_the_default_tree_to_the_sites_departments(context):
    for site in context.sites:
        repairs = Category.objects.get(site=site, parent=None, name="工程维修")
        cleaning = Category.objects.get(site=site, parent=None, name="环境卫生")
        assert (repairs.department.name, cleaning.department.name) == ("工程部", "环境部")
        assert repairs.deadlines.count() == 3


def test_it_has_cases_in_every_state_at_each_demo_site(context):
    now = timezone.now()
    for site in context.sites:
        cases = Case.objects.filter(site=site)
        assert set(cases.values_list("state", flat=True)) == set(State.values), site.name
        running = cases.filter(state__in=OPEN).exclude(state=State.PAUSED)
        assert running.filter(resolve_due__lt=now).exists()  # overdue
        assert running.filter(resolve_warn_at__lte=now, resolve_due__gt=now).exists()  # near
        paused = cases.get(state=State.PAUSED)
        assert paused.pause_kind == "waiting_parts" and paused.next_due is None
        reopened = cases.get(state=State.REOPENED)
        assert (reopened.reopen_count, reopened.rating, reopened.solved) == (1, 2, False)
        hotline = cases.filter(source="hotline")
        assert set(hotline.values_list("state", flat=True)) == {
            "in_progress",
            "called_back",
            "closed",
        }
        assert hotline.get(state="closed").hotline_result == "satisfied"
        assert cases.filter(close_reason="unreachable").get().callback_attempts == 3
        assert cases.filter(house__isnull=True, place="地下车库").exists()
        assert cases.filter(feedback_via="link").exists()


def test_the_timelines_are_the_services_own(context):
    case = Case.objects.filter(state=State.REOPENED).first()
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[:3] == ["created", "assigned", "accepted"]
    assert kinds[-3:] == ["resolved", "called_back", "reopened"]
    assert CallbackAttempt.objects.filter(case=case, reached=True).count() == 1
    # Every moment is in the past, in order.
    moments = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("at", flat=True))
    assert moments == sorted(moments) and moments[-1] <= timezone.now()


def test_it_is_idempotent(context):
    before = Case.objects.count(), CaseEvent.objects.count(), Category.objects.count()
    complaints_demo.seed_demo(context)
    assert (Case.objects.count(), CaseEvent.objects.count(), Category.objects.count()) == before


@pytest.fixture
def bench(context):
    specs = demo.bench_site_specs(total_houses=1_500, site_count=4)
    demo.seed_bench_sites(context, specs)
    residents_demo.seed_bench(context)
    complaints_demo.seed_bench(context)
    return [site for site, _spec in context.bench]


def orphans() -> int:
    references = [
        ("complaints_case", "site_id", "frontdesk_site"),
        ("complaints_case", "category_id", "complaints_category"),
        ("complaints_case", "created_by_id", "frontdesk_user"),
        ("complaints_caseevent", "case_id", "complaints_case"),
        ("complaints_callbackattempt", "case_id", "complaints_case"),
    ]
    optional = [
        ("complaints_case", "house_id", "residents_house"),
        ("complaints_case", "resident_id", "residents_resident"),
        ("complaints_case", "building_id", "residents_building"),
        ("complaints_case", "department_id", "frontdesk_department"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT count(*) FROM {t} x LEFT JOIN {r} y ON y.id = x.{c} WHERE y.id IS NULL"
                for t, c, r in references
            )
            + "".join(
                f" UNION ALL SELECT count(*) FROM {t} x LEFT JOIN {r} y ON y.id = x.{c}"
                f" WHERE x.{c} IS NOT NULL AND y.id IS NULL"
                for t, c, r in optional
            )
        )
        return sum(row[0] for row in cursor.fetchall())


def test_company_scale_loads_a_year_of_cases_in_proportion(bench):
    # 100,000 cases for 100,000 houses: here 1,500 houses in all.
    cases = Case.objects.filter(site__in=bench)
    assert cases.count() == 1_500
    events = CaseEvent.objects.filter(case__site__in=bench).count()
    assert 5 <= events / 1_500 <= 7.5
    oldest = cases.order_by("created_at").first().created_at
    assert oldest < timezone.now() - timedelta(days=330)
    states = Counter(cases.values_list("state", flat=True))
    assert states["closed"] > 0.8 * 1_500 and set(states) >= {"in_progress", "resolved"}
    assert orphans() == 0
    # Every category routed to a department: the bench's department lists are not empty.
    assert cases.filter(department__isnull=False).count() > 0.9 * 1_500


def test_company_scale_numbers_continue_without_collisions(bench):
    site = max(bench, key=lambda s: Case.objects.filter(site=s).count())
    today = timezone.localdate()
    counter = CaseCounter.objects.filter(site=site).order_by("-day").first()
    assert (
        counter.last
        == Case.objects.filter(site=site, number__startswith=f"TS{counter.day:%Y%m%d}").count()
    )
    assert len(set(Case.objects.filter(site=site).values_list("number", flat=True))) == (
        Case.objects.filter(site=site).count()
    )
    clerk = factories.make_user(site, username="bench_case_clerk")
    category = Category.objects.get(site=site, parent=None, name="其他")
    recorded = case_create(
        site=site,
        user=clerk,
        kind="suggestion",
        source="phone",
        category=category,
        description="建议增加充电桩",
    ).case
    todays = Case.objects.filter(site=site, number__startswith=f"TS{today:%Y%m%d}").count()
    assert recorded.number == f"TS{today:%Y%m%d}-{todays:04d}"


def test_company_scale_chases_only_running_cases(bench):
    cases = Case.objects.filter(site__in=bench)
    assert (
        not cases.filter(next_due__isnull=False)
        .exclude(state__in=["registered", "assigned", "in_progress", "reopened"])
        .exists()
    )
    assert cases.filter(next_due__isnull=False).exists()


def test_company_scale_is_not_loaded_twice(bench, context):
    before = Case.objects.count(), CaseEvent.objects.count()
    complaints_demo.seed_bench(context)
    assert (Case.objects.count(), CaseEvent.objects.count()) == before
