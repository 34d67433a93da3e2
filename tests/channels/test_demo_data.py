"""The channels' demo and company-scale data (frontdesk.channels.demo), on a few small sites."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from frontdesk import bench, demo, roles
from frontdesk.channels import demo as channels_demo
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.sending import claim_due
from residents.models import Building
from tests import factories

State, Channel = Delivery.State, Delivery.Channel
# Two small estates of company scale: 48 and 96 houses.
SMALL = demo.DemoSite("小区甲", "杭州市测试路 1 号", "0571-88886601", 4, 1, 6, 2)
LARGER = demo.DemoSite("小区乙", "杭州市测试路 2 号", "0571-88886602", 8, 0, 6, 2)


@pytest.fixture
def context(db):
    first, second = factories.make_site("翠湖花园"), factories.make_site("锦绣华庭")
    for number in range(1, 4):
        Building.objects.create(site=first, number=number)
    users = {
        "clerk": factories.make_user(first, username="clerk", full_name="王丽"),
        "supervisor": factories.make_user(
            first, second, role=roles.SUPERVISOR, username="supervisor", full_name="陈静"
        ),
        "engineer": factories.make_user(
            first, role=roles.DEPARTMENT_STAFF, username="engineer", department="工程部"
        ),
    }
    return demo.SeedContext(sites=[first, second], users=users)


def counts() -> dict:
    return {
        "deliveries": Delivery.objects.count(),
        "robots": Robot.objects.count(),
        "templates": SmsTemplate.objects.count(),
    }


def test_it_gives_the_demo_robots_templates_and_a_few_deliveries(context):
    channels_demo.seed_demo(context)
    first, second = context.sites
    robots = Robot.objects.filter(site=first)
    # A residents' group for each of the first site's buildings, and 工程部's staff group.
    assert robots.filter(kind=Robot.Kind.RESIDENTS).count() == demo.DEMO_SITES[0].buildings
    assert robots.get(kind=Robot.Kind.STAFF).department.name == "工程部"
    assert all(robot.key.startswith("demo-") for robot in robots)
    assert not Robot.objects.filter(site=second).exists()
    # The buildings there are name their group.
    assert Building.objects.get(site=first, number=2).group_robot.name == "2栋业主群"
    for site in context.sites:
        purposes = set(SmsTemplate.objects.filter(site=site).values_list("purpose", flat=True))
        assert {"parcel_waiting", "test"} <= purposes
    deliveries = Delivery.objects.filter(site=first)
    assert 5 <= deliveries.count() <= 30
    assert set(deliveries.values_list("state", flat=True)) == {
        State.SENT,
        State.FAILED,
        State.SKIPPED,
    }
    # Nothing for a running worker to send, and each demo login has a message, one unread.
    assert not deliveries.filter(state=State.PENDING).exists()
    for user in context.users.values():
        inbox = Delivery.objects.inbox_of(user)
        assert inbox.exists()
        assert inbox.filter(read_at__isnull=True).count() == 1
    texts = deliveries.filter(channel=Channel.SMS)
    assert texts.filter(text__contains="快递已到物业服务中心前台").exists()
    # Not all written in the same moment: yesterday's parcels, this morning's notice.
    assert deliveries.order_by("created_at").first().created_at < timezone.now() - timedelta(
        hours=12
    )


def test_the_demo_is_idempotent(context):
    channels_demo.seed_demo(context)
    loaded = counts()
    channels_demo.seed_demo(context)
    assert counts() == loaded


@pytest.fixture
def company(context):
    """The demo sites and two small estates of company scale; the larger one is the
    busiest (most houses), where the benchmark's logins work."""
    sites = [(factories.make_site(spec.name), spec) for spec in (SMALL, LARGER)]
    for n in range(3):
        factories.make_house(sites[1][0], room=f"{n + 1}01")
    context.bench = sites
    channels_demo.seed_demo(context)
    return context


def scale() -> float:
    houses = SMALL.houses + LARGER.houses + sum(spec.houses for spec in demo.DEMO_SITES)
    return houses / demo.BENCH_HOUSES


def test_it_loads_a_year_of_deliveries_in_proportion_to_the_houses(company):
    totals = channels_demo.seed_bench(company)
    (small, _), (larger, _) = company.bench
    total = round(channels_demo.BENCH_DELIVERIES * scale())
    by_site = dict(
        Delivery.objects.filter(site__in=[small, larger])
        .values_list("site")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert by_site[small.pk] + by_site[larger.pk] == total
    assert by_site[larger.pk] == pytest.approx(2 * by_site[small.pk], rel=0.01)
    assert totals["deliveries"] > total
    rows = Delivery.objects.filter(site__in=[small, larger])
    channels = dict(rows.values_list("channel").annotate(n=Count("id")).order_by())
    # Mostly texts to residents, then the buildings' groups.
    assert channels[Channel.SMS] > 0.8 * total
    assert channels[Channel.ROBOT] > 0.02 * total
    states = dict(rows.values_list("state").annotate(n=Count("id")).order_by())
    assert states[State.SENT] > 0.85 * total
    assert states[State.FAILED] > 0.005 * total
    assert states[State.SKIPPED] > 0.02 * total
    assert 1 <= states[State.PENDING] <= 0.005 * total
    assert set(rows.values_list("purpose", flat=True)) >= {"notice", "parcel_waiting"}
    # Twelve months of it, the sites' rows in the order they were written, as a live log
    # has them.
    oldest = rows.order_by("created_at").first().created_at
    moments = list(rows.order_by("id").values_list("created_at", flat=True))
    assert moments == sorted(moments)
    assert len(set(rows.order_by("id").values_list("site", flat=True)[:500])) == 2
    assert timedelta(days=330) < timezone.now() - oldest <= timedelta(days=366)
    # Each estate's groups and templates; the larger one has lost a robot (8 buildings).
    assert Robot.objects.filter(site=larger, kind=Robot.Kind.RESIDENTS).count() == 8
    broken = Robot.objects.get(site=larger, broken_at__isnull=False)
    assert rows.filter(robot=broken, state=State.SKIPPED, code="robot_broken").exists()
    assert SmsTemplate.objects.filter(site=small, purpose="notice").exists()


def test_it_gives_the_staff_a_long_inbox_with_some_unread(company):
    channels_demo.seed_bench(company)
    larger = company.bench[1][0]
    assert bench.busiest_site() == larger
    users = bench.bench_context(larger).users
    for user in [users["supervisor"], users["clerk"], *company.users.values()]:
        inbox = Delivery.objects.inbox_of(user)
        assert inbox.count() >= channels_demo.MIN_INBOX, user.username
        unread = inbox.filter(read_at__isnull=True).count()
        assert 1 <= unread < inbox.count() / 2, user.username
        assert not inbox.exclude(state=State.SENT).exists()
    # The benchmark's logins read their busiest site's messages.
    assert set(Delivery.objects.inbox_of(users["clerk"]).values_list("site", flat=True)) == {
        larger.pk
    }
    # The supervisor was told of the broken robot.
    supervisor = company.users["supervisor"]
    assert Delivery.objects.inbox_of(supervisor).filter(purpose="robot_broken").exists()


def test_company_scale_is_idempotent(company):
    channels_demo.seed_bench(company)
    loaded = counts()
    again = channels_demo.seed_bench(company)
    assert counts() == loaded
    assert not again.get("deliveries")


def test_its_pending_rows_are_the_last_minutes_ones(company):
    channels_demo.seed_bench(company)
    pending = Delivery.objects.filter(state=State.PENDING)
    # Written within the last quarter of an hour, as a sender would find them.
    assert not pending.filter(created_at__lt=timezone.now() - timedelta(minutes=16)).exists()
    _token, claimed = claim_due(10_000)
    assert {row.pk for row in claimed} <= set(pending.values_list("pk", flat=True))
