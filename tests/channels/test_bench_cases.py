"""The channels' pages in manage.py bench: the inbox and the delivery log, measured on a
few rows (the figures mean nothing at this scale; the pages answering, and their query
counts staying within what each case declares, do)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from frontdesk import bench, roles
from frontdesk.channels import demo as channels_demo
from frontdesk.channels.bench import cases
from frontdesk.demo import DemoSite, SeedContext
from tests import factories

NAMES = [
    "inbox: unread messages",
    "inbox: every message, page 3",
    "admin changelist: delivery",
    "admin changelist: delivery, failed SMS",
]


@pytest.fixture
def busy(db):
    """The busiest site (its houses) with the benchmark's logins, a year of their inbox and
    of the site's deliveries, as company scale loads them."""
    site, other = factories.make_site("阳光城·丽景湾"), factories.make_site("翠湖花园")
    factories.make_house(site)
    supervisor = factories.make_user(site, other, role=roles.SUPERVISOR, username="supervisor")
    spec = DemoSite("阳光城·丽景湾", "上海市测试路 1 号", "021-88886601", 6, 2, 6, 2)
    context = SeedContext(sites=[other], users={"supervisor": supervisor}, bench=[(site, spec)])
    channels_demo.seed_bench(context)
    return site


def test_the_core_declares_the_channels_pages(busy):
    context = bench.bench_context(busy)
    core = [case.name for case in bench.cases(context)]
    assert [name for name in core if name in NAMES] == NAMES
    for case in cases(context):
        assert case.budget_ms == bench.PAGE_MS
        assert case.max_queries is not None
        assert case.user in bench.BENCH_USERS


def test_it_measures_the_inbox_and_the_delivery_log(busy, tmp_path):
    path = tmp_path / "bench.json"
    for only in ("inbox", "admin changelist: delivery"):
        out = StringIO()
        call_command(
            "bench",
            "--allow-small",
            "--only",
            only,
            "--requests",
            "3",
            "--warmup",
            "1",
            # The figures of a loaded test machine are not the point here: their queries are.
            "--budget-scale",
            "100",
            "--json",
            str(path),
            stdout=out,
        )
        assert "within budget" in out.getvalue()
        figures = json.loads(path.read_text())
        assert [figure["name"] for figure in figures if figure["name"] in NAMES]
        for figure in figures:
            assert figure["queries"] >= 3, figure


def test_the_benchmark_logins_inbox_has_pages_of_messages(busy, client):
    context = bench.bench_context(busy)
    client.force_login(context.users["supervisor"])
    unread = client.get("/inbox/")
    assert unread.status_code == 200
    assert 1 <= len(unread.context["page"].rows) < 30
    everything = client.get("/inbox/", {"show": "all"})
    assert len(everything.context["page"].rows) == 30
    assert everything.context["page"].has_next
