"""Demo data of posting (张贴): each site's posting locations (a board per building, a lift
lobby or two, the gates, the central board), the copies of its notices on them (one board
still waiting for the notice in force, copies of notices no longer in force still up to
take down) and the opens of their QR codes.

The demo records the copies of the notices in force through the service
(``posting_record``); those of notices that ended before the demo was loaded, and all of
company scale, are written as rows (bulk inserts), dated as they would have been. A site
that already has posting locations is left as it is, so loading again adds nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from frontdesk.models import Site, User
from notices.models import Notice, NoticeOpen, Posting, PostingLocation
from notices.services.postings import posting_record
from notices.states import State
from residents.models import Building

# Places every notice of a site goes to (no building): (name, kind).
SITE_WIDE = [("南门公告栏", "gate"), ("北门", "gate"), ("中心花园宣传栏", "other")]
# Buildings (the first ones) whose lift lobby has a board of its own.
LIFT_LOBBIES = 2


def locations_create(site: Site, buildings: list[Building], lifts: int = LIFT_LOBBIES) -> list:
    """The site's posting locations: the gates and central board first, then a board per
    building, and the lift lobbies of the first ``lifts`` buildings. One statement."""
    rows = [
        PostingLocation(site=site, name=name, kind=kind, sort_order=index)
        for index, (name, kind) in enumerate(SITE_WIDE)
    ]
    for index, building in enumerate(buildings):
        rows.append(
            PostingLocation(
                site=site,
                name=f"{building.label}公告栏",
                kind=PostingLocation.Kind.BOARD,
                building=building,
                sort_order=10 + 2 * index,
            )
        )
        if index < lifts:
            rows.append(
                PostingLocation(
                    site=site,
                    name=f"{building.label}电梯厅",
                    kind=PostingLocation.Kind.LIFT,
                    building=building,
                    sort_order=11 + 2 * index,
                )
            )
    return PostingLocation.objects.bulk_create(rows)


def boards_of(notice: Notice, locations: list, audience: dict[int, set[int]]) -> list:
    """The locations ``notice`` goes to (the rule of notices.selectors.postings), given the
    building ids of each notice's audience."""
    if notice.audience == Notice.Audience.SITE:
        return list(locations)
    chosen = audience.get(notice.pk, set())
    return [loc for loc in locations if loc.building_id is None or loc.building_id in chosen]


def _opens(
    rng: random.Random, notice: Notice, location, since: datetime, until: date, most: int
) -> Iterable[NoticeOpen]:
    """A few days of opens of one board's QR code, from ``since`` to ``until``."""
    first = timezone.localdate(since)
    days = (until - first).days + 1
    if days <= 0:
        return []
    picked = sorted(rng.sample(range(days), min(days, rng.randint(1, 3))))
    return [
        NoticeOpen(
            notice=notice,
            location=location,
            day=first + timedelta(days=d),
            count=rng.randint(1, most),
        )
        for d in picked
    ]


# --- Demo sites -----------------------------------------------------------------------


def seed_site(site: Site, clerk: User, rng: random.Random, now: datetime) -> None:
    """The demo's locations, copies and opens at ``site`` (after its notices)."""
    if PostingLocation.objects.filter(site=site).exists():
        return
    buildings = list(Building.objects.filter(site=site).order_by("number"))
    locations = locations_create(site, buildings)
    notices = list(
        Notice.objects.filter(site=site, published_at__isnull=False).order_by("published_at")
    )
    audience = _audience_buildings(notices)
    today = timezone.localdate(now)
    opens: list[NoticeOpen] = []
    rows: list[Posting] = []
    for notice in notices:
        boards = boards_of(notice, locations, audience)
        posted_at = notice.published_at + timedelta(hours=1)
        if notice.state == State.PUBLISHED and notice.expires_on >= today:
            if notice.urgent:
                # Posted in a hurry at the gates only; the rest still waits.
                boards = [b for b in boards if b.kind == PostingLocation.Kind.GATE]
            else:
                # Every board but the last: one still waiting for it.
                boards = boards[:-1]
            for board in boards:
                posting_record(site=site, user=clerk, notice=notice, location=board, now=posted_at)
        else:
            # Ended: taken down from every board but one, which is still to take down.
            ended = notice.ended_at or notice.withdrawn_at or now
            for index, board in enumerate(boards):
                left_up = index == 0
                rows.append(
                    Posting(
                        notice=notice,
                        location=board,
                        posted_by=clerk,
                        posted_at=posted_at,
                        removed_by=None if left_up else clerk,
                        removed_at=None
                        if left_up
                        else min(max(ended, posted_at) + timedelta(hours=2), now),
                    )
                )
        for board in boards:
            opens += _opens(rng, notice, board, posted_at, today, 9)
        # Opened from the group message's link too (no board).
        opens += _opens(rng, notice, None, notice.published_at, today, 15)
    Posting.objects.bulk_create(rows)
    NoticeOpen.objects.bulk_create(opens)


def _audience_buildings(notices: list[Notice]) -> dict[int, set[int]]:
    """Each notice's audience buildings (chosen buildings; entrances' and houses' own)."""
    ids = [n.pk for n in notices]
    found: dict[int, set[int]] = defaultdict(set)
    for notice_id, building_id in Notice.buildings.through.objects.filter(
        notice_id__in=ids
    ).values_list("notice_id", "building_id"):
        found[notice_id].add(building_id)
    from notices.models import NoticeEntrance

    for notice_id, building_id in NoticeEntrance.objects.filter(notice_id__in=ids).values_list(
        "notice_id", "building_id"
    ):
        found[notice_id].add(building_id)
    for notice_id, building_id in Notice.houses.through.objects.filter(
        notice_id__in=ids
    ).values_list("notice_id", "house__building_id"):
        found[notice_id].add(building_id)
    return found


# --- Company scale ----------------------------------------------------------------------

# Of the notices in force, this share has one board still waiting for it.
BENCH_MISSING = 0.2
# Of the copies of notices that ended, this share is still up, to take down.
BENCH_LEFT_UP = 0.02
# Of the copies, this share had its QR code opened (on one to three days).
BENCH_OPENED = 0.5


def seed_site_bench(site: Site, clerk: User, rng: random.Random, now: datetime) -> dict[str, int]:
    """Company scale at ``site``: its locations, a copy of each of its published notices
    on each of their boards (taken down after the end of those that ended, but a few), and
    the opens of their QR codes. Bulk inserts; a site with locations is left as it is."""
    if PostingLocation.objects.filter(site=site).exists():
        return {"posting locations": 0, "postings": 0, "notice opens": 0}
    buildings = list(Building.objects.filter(site=site).order_by("number"))
    locations = locations_create(site, buildings, lifts=0)
    notices = list(
        Notice.objects.filter(site=site, published_at__isnull=False)
        .filter(Q(state=State.PUBLISHED) | Q(state__in=[State.EXPIRED, State.SUPERSEDED]))
        .only("pk", "state", "audience", "published_at", "ended_at", "expires_on")
    )
    audience = _audience_buildings(notices)
    today = timezone.localdate(now)
    postings: list[Posting] = []
    opens: list[NoticeOpen] = []
    for notice in notices:
        boards = boards_of(notice, locations, audience)
        in_force = notice.state == State.PUBLISHED and notice.expires_on >= today
        if in_force and len(boards) > 1 and rng.random() < BENCH_MISSING:
            boards.pop(rng.randrange(len(boards)))
        posted_at = notice.published_at + timedelta(hours=rng.randint(1, 20))
        ended = notice.ended_at or datetime.combine(
            notice.expires_on + timedelta(days=1), datetime.min.time(), now.tzinfo
        )
        for board in boards:
            up = in_force or rng.random() < BENCH_LEFT_UP
            postings.append(
                Posting(
                    notice=notice,
                    location=board,
                    posted_by=clerk,
                    posted_at=posted_at,
                    removed_by=None if up else clerk,
                    removed_at=None
                    if up
                    else min(max(ended, posted_at) + timedelta(hours=rng.randint(1, 48)), now),
                )
            )
            if rng.random() < BENCH_OPENED:
                last = min(today, notice.expires_on)
                opens += _opens(rng, notice, board, posted_at, last, 12)
    Posting.objects.bulk_create(postings, batch_size=5000)
    NoticeOpen.objects.bulk_create(opens, batch_size=5000)
    return {
        "posting locations": len(locations),
        "postings": len(postings),
        "notice opens": len(opens),
    }
