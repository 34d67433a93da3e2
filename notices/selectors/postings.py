"""Where a notice goes on paper, and where it is: the posting locations a notice is for,
each one's copy (up, taken down, not yet), the opens of its QR code per board, and the
site's checklist (boards still waiting for a published notice; copies of notices no longer
in force still up). ``notice_board`` and ``opens_by_location`` are also what a notice's
reach (boards posted, QR opens by board) reads.

Which boards a notice goes to: every active location without a building (gates, the
central board: everyone passes them), and those of the buildings of its audience (the
whole site: every building; chosen entrances or houses: their buildings). A location
that already had a copy of the notice (or whose poster of it was scanned) stays on its
list even if it was retired or the audience changed since, so its copy can be taken down.

The same rule is written twice: for one notice (``_goes_to``, its page) and correlated
for every published notice of a site at once (the checklist's subquery);
tests/notices/test_checklist.py holds them to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.lookups import Exact
from django.http import Http404
from django.shortcuts import get_object_or_404

from frontdesk.models import Site
from notices.models import Notice, NoticeEntrance, NoticeOpen, Posting, PostingLocation
from notices.states import State

PAGE = 30
# No longer in force: a copy of these still on a board is to be taken down.
ENDED = (State.EXPIRED, State.WITHDRAWN, State.SUPERSEDED)


def notice_for_postings(site: Site, pk: int) -> Notice:
    """The notice as its postings section needs it (no body, no audience rows); a 404 for
    another site's."""
    return get_object_or_404(Notice.objects.for_site(site).defer("body"), pk=pk)


def location_detail(site: Site, pk: int) -> PostingLocation:
    return get_object_or_404(PostingLocation.objects.for_site(site), pk=pk)


def posting_detail(site: Site, pk: int) -> Posting:
    return get_object_or_404(
        Posting.objects.for_site(site).select_related("notice", "location"), pk=pk
    )


def poster_location(site: Site, raw: str | None) -> PostingLocation | None:
    """The poster's ``?location=``: None when not asked for; a 404 for anything that is not
    one of the site's locations (as any object of another site)."""
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return location_detail(site, int(raw))


def _goes_to(notice: Notice) -> Q:
    """The locations (of the notice's site) this notice goes to, as a condition: those
    without a building, and those of its audience's buildings (the buildings chosen, or
    those of the entrances or houses chosen, whether or not any house is recorded there)."""
    if notice.audience == Notice.Audience.SITE:
        return Q()
    site_wide = Q(building__isnull=True)
    if notice.audience == Notice.Audience.BUILDINGS:
        chosen = Notice.buildings.through.objects.filter(notice_id=notice.pk).values("building_id")
    elif notice.audience == Notice.Audience.ENTRANCES:
        chosen = NoticeEntrance.objects.filter(notice_id=notice.pk).values("building_id")
    else:
        chosen = Notice.houses.through.objects.filter(notice_id=notice.pk).values(
            "house__building_id"
        )
    return site_wide | Q(building__in=chosen)


def locations_for(notice: Notice) -> QuerySet[PostingLocation]:
    """The active locations the notice goes to, in the site's order: the posters to print."""
    return (
        PostingLocation.objects.filter(site_id=notice.site_id, is_active=True)
        .filter(_goes_to(notice))
        .order_by("sort_order", "id")
    )


POSTING_FIELDS = ("notice_id", "location_id", "posted_at", "photo", "removed_at")
PEOPLE_FIELDS = tuple(
    f"{who}__{name}" for who in ("posted_by", "removed_by") for name in ("username", "full_name")
)


@dataclass
class BoardRow:
    location: PostingLocation
    # Whether the notice goes there (else the location is listed for a copy it had).
    goes_here: bool
    up: Posting | None = None  # the copy up now
    last: Posting | None = None  # else the last one taken down
    opens: int = 0

    @property
    def status(self) -> str:
        if self.up is not None:
            return "posted"
        return "removed" if self.last is not None else "missing"


@dataclass
class Board:
    rows: list[BoardRow]
    # Opens of the notice's link without a location (the group message, a shared link).
    opens_elsewhere: int

    @property
    def posted(self) -> int:
        return sum(1 for row in self.rows if row.up is not None)

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.goes_here and row.status == "missing")

    @property
    def opens(self) -> int:
        return self.opens_elsewhere + sum(row.opens for row in self.rows)


def notice_board(notice: Notice) -> Board:
    """The notice's locations with their copies and opens, in three queries (however many
    locations, copies and days of opens): the locations, the notice's postings, its opens
    summed per location."""
    had_copy = Exists(Posting.objects.filter(notice=notice, location=OuterRef("pk")))
    # A board whose poster was scanned though no copy was recorded there (printed, put up
    # and not recorded; or retired since): its opens are still shown.
    was_scanned = Exists(NoticeOpen.objects.filter(notice=notice, location=OuterRef("pk")))
    goes_here = Q(is_active=True) & _goes_to(notice)
    locations = (
        PostingLocation.objects.filter(site_id=notice.site_id)
        .filter(goes_here | had_copy | was_scanned)
        .annotate(goes_here=ExpressionWrapper(goes_here, output_field=BooleanField()))
        .order_by("sort_order", "id")
    )
    rows = {loc.pk: BoardRow(location=loc, goes_here=loc.goes_here) for loc in locations}
    for posting in (
        Posting.objects.filter(notice=notice)
        .select_related("posted_by", "removed_by")
        # Of the people, their names only (the page names who posted and took down).
        .only(*POSTING_FIELDS, *PEOPLE_FIELDS)
        .order_by("posted_at", "id")
    ):
        row = rows.get(posting.location_id)
        if row is None:
            continue
        if posting.removed_at is None:
            row.up = posting
        else:
            row.last = posting
    elsewhere = 0
    for location_id, total in opens_by_location(notice).items():
        if location_id in rows:
            rows[location_id].opens = total
        elif location_id is None:
            elsewhere = total
    return Board(rows=list(rows.values()), opens_elsewhere=elsewhere)


def opens_by_location(notice: Notice) -> dict[int | None, int]:
    """The notice's opens summed over the days, per location id (None: without one)."""
    return dict(
        NoticeOpen.objects.filter(notice=notice)
        .values("location_id")
        .annotate(total=Sum("count"))
        .values_list("location_id", "total")
    )


# --- The site's checklist (张贴检查) ------------------------------------------------------


def _boards_waiting() -> QuerySet[PostingLocation]:
    """Correlated to a notice of the outer query: the active locations of its site it goes
    to (the rule of ``_goes_to``, for every notice at once) without a copy of it up."""
    notice = OuterRef(OuterRef("pk"))
    building = OuterRef("building_id")
    in_audience = (
        Q(Exists(Notice.buildings.through.objects.filter(notice_id=notice, building_id=building)))
        | Q(Exists(NoticeEntrance.objects.filter(notice_id=notice, building_id=building)))
        | Q(
            Exists(
                Notice.houses.through.objects.filter(notice_id=notice, house__building_id=building)
            )
        )
    )
    up = Posting.objects.filter(notice_id=notice, location_id=OuterRef("pk"), removed_at=None)
    return (
        PostingLocation.objects.filter(site_id=OuterRef("site_id"), is_active=True)
        .filter(
            Q(building__isnull=True)
            | Q(Exact(OuterRef("audience"), Value(Notice.Audience.SITE)))
            | in_audience
        )
        .exclude(Exists(up))
    )


def notices_waiting(site: Site, today: date) -> QuerySet[Notice]:
    """The site's notices in force that a board still waits for, soonest in force first,
    each with the names of the boards (``waiting``). One query a page (and the count)."""
    boards = _boards_waiting()
    return (
        Notice.objects.for_site(site)
        .filter(state=State.PUBLISHED, expires_on__gte=today)
        .filter(Exists(boards))
        .annotate(waiting=ArraySubquery(boards.order_by("sort_order", "id").values("name")))
        .select_related("type")
        .defer("body")
        .order_by("effective_from", "id")
    )


# What a row of the list shows (checklist.html): a notice is some forty columns and its
# body, a user their password and a dozen more; thirty rows of them all took longer to
# read and build than the query took to run.
TAKE_DOWN_COLUMNS = (
    *("id", "notice_id", "location_id", "posted_by_id", "posted_at"),
    *("notice__title", "notice__version", "notice__state", "notice__expires_on"),
    *("location__name", "location__sort_order", "posted_by__full_name", "posted_by__username"),
)


def postings_to_take_down(site: Site, today: date) -> QuerySet[Posting]:
    """Copies still up of the site's notices no longer in force (expired, also those past
    their last day the hourly expiry has not reached yet; withdrawn; replaced by a
    correction), the longest overdue first. One query a page (and the count)."""
    ended = Q(notice__state__in=ENDED) | Q(
        notice__state=State.PUBLISHED, notice__expires_on__lt=today
    )
    return (
        Posting.objects.filter(notice__site=site, removed_at__isnull=True)
        .filter(ended)
        .select_related("notice", "location", "posted_by")
        .only(*TAKE_DOWN_COLUMNS)
        .order_by("notice__expires_on", "notice_id", "location__sort_order", "location_id")
    )
