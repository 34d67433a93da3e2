"""Notices' demo data (notices.demo.seed_demo): templates and notices in every state at
each demo site, made through the services; idempotent."""

import pytest

from frontdesk import demo
from notices import demo as notices_demo
from notices.models import Notice, NoticeEvent, NoticeRequest, NoticeTemplate
from notices.selectors.public import notice_by_token
from notices.states import State
from residents import demo as residents_demo
from tests import factories

pytestmark = pytest.mark.slow  # loads the demo records


@pytest.fixture
def context(db):
    context = demo.seed_core()
    residents_demo.seed_demo(context)
    notices_demo.seed_demo(context)
    return context


def test_it_has_notices_in_every_state_at_each_demo_site(context):
    for site in context.sites:
        notices = Notice.objects.filter(site=site)
        assert set(notices.values_list("state", flat=True)) == set(State.values), site.name
        assert NoticeTemplate.objects.filter(site=site).count() == len(notices_demo.TEMPLATES)
        assert NoticeRequest.objects.filter(site=site, notices__isnull=False).exists()
        urgent = notices.get(title="紧急停水通知")
        assert urgent.approved_by == urgent.published_by == context.users["supervisor"]
        old = notices.get(state=State.SUPERSEDED)
        assert notice_by_token(old.token).version == 2
        # Placeholders left open only where the clerk still has to fill them in.
        approved = notices.exclude(state__in=[State.DRAFT, State.RETURNED])
        assert "{" not in "".join(approved.values_list("body", flat=True))


def test_it_is_idempotent(context):
    counts = (Notice.objects.count(), NoticeEvent.objects.count())
    notices_demo.seed_demo(context)
    assert (Notice.objects.count(), NoticeEvent.objects.count()) == counts


def test_company_scale_writes_notices_with_their_timelines(site_a, clerk):
    from django.utils import timezone

    factories.make_house(site_a, building=3)
    factories.make_house(site_a, building=5, room="501")
    written = notices_demo.seed_site_bench(
        site_a, 60, clerk, demo.SeedContext(sites=[]).rng("t"), timezone.now()
    )
    assert written["notices"] == 60 == Notice.objects.filter(site=site_a).count()
    assert written["notice events"] == NoticeEvent.objects.count()
    states = set(Notice.objects.values_list("state", flat=True))
    assert {State.PUBLISHED, State.EXPIRED} <= states
    for notice in Notice.objects.filter(state=State.EXPIRED)[:5]:
        kinds = list(notice.events.values_list("kind", flat=True))
        assert kinds == ["created", "submitted", "approved", "published", "expired"]
    buildings = Notice.objects.filter(audience="buildings")
    assert buildings.exists() and all(n.buildings.exists() for n in buildings)
