"""Posting in the demo data (notices.demo_postings): each demo site's posting locations,
the copies of its notices (one board still waiting for the notice in force, copies of
ended notices still up to take down) and opens; loaded once. Company scale adds the
boards, copies and opens of its notices in bulk, and the notices' benchmark cases run on
them (notices.bench)."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from frontdesk import bench as bench_machinery
from frontdesk.channels.models import Delivery
from frontdesk.demo import SeedContext
from frontdesk.models import Site
from notices import bench, demo_postings
from notices import demo as notices_demo
from notices.models import Notice, NoticeOpen, Posting, PostingLocation
from notices.selectors.postings import notice_board, notices_waiting, postings_to_take_down
from notices.states import State
from tests import factories

from .postings_builders import published

pytestmark = pytest.mark.slow  # loads the demo records


@pytest.fixture
def context(db):
    from frontdesk import demo
    from residents import demo as residents_demo

    context = demo.seed_core()
    residents_demo.seed_demo(context)
    notices_demo.seed_demo(context)
    return context


def test_each_demo_site_has_boards_copies_and_opens(context):
    today = timezone.localdate()
    for site in context.sites:
        buildings = site.buildings.count()
        locations = PostingLocation.objects.filter(site=site)
        assert locations.count() == buildings + 3 + 2, site.name
        fees = Notice.objects.get(site=site, title__contains="物业费")
        board = notice_board(fees)
        assert board.missing == 1 and board.posted == len(board.rows) - 1
        assert board.opens > 0
        # The same board in the checklist, and copies of ended notices to take down.
        waiting = {n.pk: n.waiting for n in notices_waiting(site, today)}
        assert len(waiting[fees.pk]) == 1
        ended = postings_to_take_down(site, today)
        assert {p.notice.state for p in ended} >= {
            State.EXPIRED,
            State.WITHDRAWN,
            State.SUPERSEDED,
        }
        assert Posting.objects.filter(notice__site=site, removed_at__isnull=False).exists()
        # Everything in the past.
        latest = Posting.objects.filter(notice__site=site).order_by("-removed_at").first()
        assert latest.removed_at is None or latest.removed_at <= timezone.now()
        assert not NoticeOpen.objects.filter(notice__site=site, day__gt=today).exists()


def test_it_is_loaded_once(context):
    counts = (PostingLocation.objects.count(), Posting.objects.count(), NoticeOpen.objects.count())
    notices_demo.seed_demo(context)
    assert (
        PostingLocation.objects.count(),
        Posting.objects.count(),
        NoticeOpen.objects.count(),
    ) == counts


@pytest.fixture
def busy(site_a, clerk, approver):
    """A site as company scale loads it: a year of notices, then their boards, copies and
    opens."""
    for number in range(1, 7):
        factories.make_house(site_a, building=number, room="101")
    written = notices_demo.seed_site_bench(
        site_a, 120, clerk, SeedContext(sites=[]).rng("t"), timezone.now()
    )
    assert written["notices"] == 120
    return site_a


def test_company_scale_posts_the_published_notices(busy, clerk):
    now = timezone.now()
    written = demo_postings.seed_site_bench(busy, clerk, SeedContext(sites=[]).rng("p"), now)
    assert written["posting locations"] == 6 + 3
    assert written["postings"] == Posting.objects.count() > 120
    assert written["notice opens"] == NoticeOpen.objects.count() > 0
    published_ones = Notice.objects.filter(site=busy, published_at__isnull=False)
    assert (
        Posting.objects.values("notice").distinct().count()
        == published_ones.exclude(state=State.WITHDRAWN).count()
    )
    today = timezone.localdate()
    # Copies of the ended notices taken down (a few left up), those in force up.
    assert Posting.objects.filter(notice__state=State.EXPIRED, removed_at__isnull=False).exists()
    assert not Posting.objects.filter(
        notice__state=State.PUBLISHED, removed_at__isnull=False
    ).exists()
    assert not Posting.objects.filter(removed_at__gt=now).exists()
    assert not NoticeOpen.objects.filter(day__gt=today).exists()
    assert NoticeOpen.objects.aggregate(n=Sum("count"))["n"] > 0
    # Loaded once.
    again = demo_postings.seed_site_bench(busy, clerk, SeedContext(sites=[]).rng("p"), now)
    assert again["postings"] == 0


def test_the_benchmark_measures_the_notices_pages(busy, clerk, approver, settings):
    demo_postings.seed_site_bench(busy, clerk, SeedContext(sites=[]).rng("p"), timezone.now())
    # Whatever the random year left in force: one whole-site notice, certainly.
    published(busy, clerk, approver, title="全体停水")
    settings.PUBLIC_RATE_LIMIT = (10**9, 60)
    context = bench_machinery.bench_context(Site.objects.get(pk=busy.pk))
    cases = bench.cases(context)
    names = [case.name for case in cases]
    assert names == [
        "notices: list",
        "notices: notice page (published, whole site)",
        "notices: postings section (htmx)",
        "notices: reach panel (htmx, whole site)",
        "notices: publishing's deliveries, whole site",
        "notices: posting checklist, boards waiting",
        "notices: posting checklist, to take down",
        "notices: public page (QR code, anonymous)",
        "notices: open counted (public, anonymous)",
    ]
    opens = NoticeOpen.objects.aggregate(n=Sum("count"))["n"]
    deliveries = Delivery.objects.count()
    figures = bench_machinery.run(context, cases, requests=3, warmup=1)
    # Publishing's deliveries were written and rolled back, each time.
    assert Delivery.objects.count() == deliveries
    for figure in figures:
        assert figure.error is None, (figure.case.name, figure.error)
        assert figure.queries <= (figure.case.max_queries or 99), figure.case.name
    public = figures[-2]
    assert public.case.budget_ms == bench_machinery.PUBLIC_MS and public.queries == 2
    assert figures[-1].queries == 1
    # The counting case was rolled back each time.
    assert NoticeOpen.objects.aggregate(n=Sum("count"))["n"] == opens


def test_without_the_limit_lifted_the_public_page_is_not_measured(busy, clerk, approver, settings):
    published(busy, clerk, approver, title="全体停水")
    settings.PUBLIC_RATE_LIMIT = (60, 60)
    context = bench_machinery.bench_context(Site.objects.get(pk=busy.pk))
    assert not [c for c in bench.cases(context) if "public" in c.name]
