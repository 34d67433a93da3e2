"""The notices area's benchmark cases (see frontdesk.bench): the list, a notice's page and
its postings section, the posting checklist, the reach panel of an outage to the whole
site, and the public page a poster's QR code opens with the count of its open."""

from __future__ import annotations

from django.db.models import Count, Q
from django.test import Client
from django.urls import NoReverseMatch, reverse

from frontdesk.bench import PUBLIC_MS, BenchContext, Case
from frontdesk.public import rate_limit
from notices.demo import reach_bench_notice
from notices.models import Notice, PostingLocation
from notices.states import State

# The public page is asked for a few hundred times from one address: measured only when
# the run lifts the per-address limit (frontdesk.public) that far, as complaints' link.
PUBLIC_REQUESTS = 1_000
# The cap on the public page: the notice (with its site and type), its attachments.
PUBLIC_QUERIES = 3
HTMX = {"HX-Request": "true"}


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def bench_notice(site) -> Notice | None:
    """The page measured: the site's published notice for the whole site with the most
    boards posted (the longest postings section), else any published one."""
    published = Notice.objects.for_site(site).filter(state=State.PUBLISHED)
    return (
        published.filter(audience=Notice.Audience.SITE)
        .annotate(posted=Count("postings", filter=Q(postings__removed_at=None)))
        .order_by("-posted", "-published_at", "-id")
        .first()
    ) or published.order_by("-published_at", "-id").first()


def cases(context: BenchContext) -> list[Case]:
    site = context.site
    found = [Case("notices: list", reverse("notices:index"))]
    notice = bench_notice(site)
    if notice is not None:
        found.append(
            Case("notices: notice page (published, whole site)", url("notices:detail", notice.pk))
        )
        found.append(
            Case(
                "notices: postings section (htmx)", url("notices:postings", notice.pk), headers=HTMX
            )
        )
    reached = reach_bench_notice(site)
    if reached is not None:
        # The deliveries and recipients seeded for it (notices.demo.seed_reach_bench).
        found.append(
            Case(
                "notices: reach panel (htmx, whole site)",
                url("notices:reach", reached.pk),
                headers=HTMX,
            )
        )
        found.append(publishing(reached, context.users["clerk"]))
    checklist = url("notices:checklist")
    if checklist:
        found += [
            Case("notices: posting checklist, boards waiting", checklist),
            Case("notices: posting checklist, to take down", checklist, {"show": "take_down"}),
        ]
    if notice is not None and rate_limit()[0] >= PUBLIC_REQUESTS:
        board = PostingLocation.objects.filter(site=site, postings__notice=notice).first()
        at = {"at": board.code} if board else {}
        found.append(
            Case(
                "notices: public page (QR code, anonymous)",
                url("notices_public:notice", notice.token),
                at,
                user=None,
                budget_ms=PUBLIC_MS,
                max_queries=PUBLIC_QUERIES,
            )
        )
        found.append(seen(notice, at))
    return found


def seen(notice: Notice, at: dict) -> Case:
    """The open's count (the page's 1×1 image): a write, so measured as a call rolled back
    after each run, leaving the counts as they were."""
    path = url("notices_public:seen", notice.token)
    client = Client()

    def open_counted() -> None:
        response = client.get(path, at, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")

    return Case(
        "notices: open counted (public, anonymous)",
        path,
        call=open_counted,
        user=None,
        budget_ms=PUBLIC_MS,
        max_queries=1,
    )


# Publishing to a whole site of ~10,000 households writes its deliveries in under 5 s.
PUBLISH_MS = 5_000


def publishing(notice: Notice, clerk) -> Case:
    """What publishing writes for a whole site (notices.services.delivery), rolled back:
    the group messages, the owners' texts and the recipients of a new outage notice of
    ``notice``'s site, once per run."""
    from django.utils import timezone

    from notices.demo import bench_outage
    from notices.services.delivery import notice_published

    def publish() -> None:
        fresh = Notice.objects.select_related("site", "type").get(
            pk=bench_outage(notice.site, clerk).pk
        )
        notice_published(fresh, user=clerk, now=timezone.now())

    return Case(
        "notices: publishing's deliveries, whole site",
        "",
        call=publish,
        user=None,
        budget_ms=PUBLISH_MS,
        max_queries=None,
        requests=5,
    )
