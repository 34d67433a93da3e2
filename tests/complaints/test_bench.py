"""The complaints area's benchmark cases: the beat's tick is measured as work rolled back,
so the bench sends nothing and leaves every case as it found it."""

import pytest

from complaints.bench import TICK_MS, tick
from complaints.models import Case, CaseEvent, Urgency
from frontdesk.bench import BenchContext, run
from frontdesk.channels.models import Delivery
from tests import factories
from tests.complaints.conftest import at


@pytest.fixture
def leak(site_a, clerk, house_a):
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    return factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-04 16:30"))


def test_it_has_no_tick_without_a_case_to_chase(db):
    assert tick() == []


def test_it_times_the_tick_that_sends_what_came_due_and_rolls_it_back(leak, engineer, site_a):
    # The only case: the tick measured is at its first reminder (the respond warning).
    assert Case.objects.get(pk=leak.pk).next_due == at("2026-12-07 09:00")
    [case] = tick()
    assert case.budget_ms == TICK_MS
    deliveries, events = Delivery.objects.count(), CaseEvent.objects.count()

    [figure] = run(BenchContext(site=site_a, users={}), [case], requests=3, warmup=1)

    assert figure.error is None and figure.p50_ms <= figure.p95_ms
    # Each call found the case, locked it, and wrote the warning's delivery, its
    # timeline entry and the case's keys.
    assert figure.queries >= 5
    stored = Case.objects.get(pk=leak.pk)
    assert stored.reminders_sent == []
    assert stored.next_due == at("2026-12-07 09:00")
    assert (Delivery.objects.count(), CaseEvent.objects.count()) == (deliveries, events)
