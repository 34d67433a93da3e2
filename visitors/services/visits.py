"""Every write to the visit register: registration (with the watch list), check-out, and
closing at the handover the visits nobody saw leave."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdesk.models import Site, User
from residents.models import House, Resident
from visitors.models import Visit, VisitPurpose, WatchHit
from visitors.selectors.visits import WatchMatch


class AlreadyCheckedOut(Exception):
    """The visit was checked out before (perhaps a moment ago, by another clerk)."""

    def __init__(self, visit: Visit):
        super().__init__(visit.pk)
        self.visit = visit


def watch_hits_log(
    *,
    site: Site,
    user: User,
    matches: Iterable[WatchMatch],
    visitor_name: str,
    visit: Visit | None = None,
) -> list[WatchHit]:
    """Log that the watch list warned this clerk (and, with ``visit``, that they went on)."""
    return WatchHit.objects.bulk_create(
        WatchHit(
            site=site,
            entry=match.entry,
            matched_on=match.matched_on[:50],
            visitor_name=visitor_name,
            visit=visit,
            user=user,
        )
        for match in matches
    )


@transaction.atomic
def visit_register(
    *,
    site: Site,
    user: User,
    visitor_name: str,
    visitor_phone: str,
    purpose: VisitPurpose,
    expected_stay: int,
    party_size: int = 1,
    house: House | None = None,
    resident: Resident | None = None,
    plate: str = "",
    id_number: str = "",
    notes: str = "",
    watch_matches: Iterable[WatchMatch] = (),
    now: datetime | None = None,
) -> Visit:
    """Register a visitor now; ``expected_stay`` is in minutes.

    ``watch_matches`` are the warnings the clerk saw and acknowledged: they are logged
    against the visit."""
    for obj in (house, resident):
        if obj is not None and obj.site_id != site.pk:
            raise ValueError("object of another site")
    now = now or timezone.now()
    visit = Visit.objects.create(
        site=site,
        visitor_name=visitor_name,
        visitor_phone=visitor_phone,
        id_number=id_number,
        party_size=party_size,
        purpose=purpose,
        house=house,
        resident=resident,
        plate=plate,
        expected_out_at=now + timedelta(minutes=expected_stay),
        notes=notes,
        checked_in_at=now,
        checked_in_by=user,
    )
    _watch_hits_admitted(site=site, user=user, matches=watch_matches, visit=visit, now=now)
    return visit


# A warning the clerk saw this long ago is the one they confirmed when they register.
WARNING_FRESH_FOR = timedelta(minutes=30)


def _watch_hits_admitted(
    *, site: Site, user: User, matches: Iterable[WatchMatch], visit: Visit, now: datetime
) -> None:
    """Mark the warnings this clerk was just shown as ending in this visit; log one anew
    only where none was (the log counts each warning once, and says how it ended)."""
    for match in matches:
        shown = (
            WatchHit.objects.filter(
                site=site,
                entry=match.entry,
                user=user,
                visit__isnull=True,
                created_at__gte=now - WARNING_FRESH_FOR,
            )
            .order_by("-created_at")
            .values_list("pk", flat=True)[:1]
        )
        if not WatchHit.objects.filter(pk__in=list(shown)).update(
            visit=visit, visitor_name=visit.visitor_name
        ):
            watch_hits_log(
                site=site,
                user=user,
                matches=[match],
                visitor_name=visit.visitor_name,
                visit=visit,
            )


def visit_check_out(
    *,
    site: Site,
    visit_id: int,
    user: User,
    via: str = Visit.Exit.DESK,
    now: datetime | None = None,
) -> Visit:
    """Check a visitor out, once.

    One conditional UPDATE: of two clerks (or a clerk and a scanned pass) at the same
    moment, exactly one changes the row; the other gets AlreadyCheckedOut. A visit of
    another site is Visit.DoesNotExist, as if it did not exist."""
    now = now or timezone.now()
    visits = Visit.objects.for_site(site).filter(pk=visit_id)
    changed = visits.filter(checked_out_at__isnull=True).update(
        checked_out_at=now, checked_out_by=user, exit=via
    )
    visit = visits.select_related("checked_out_by").get()
    if not changed:
        raise AlreadyCheckedOut(visit)
    return visit


@transaction.atomic
def visits_close_for_handover(
    *, site: Site, user: User, visit_ids: Iterable[int], before: datetime
) -> int:
    """Close the visits nobody saw leave: those still open from before ``before`` (the
    day's start) and today's past their expected stay, as the handover lists them.

    They are marked as such (not as checked out): the register keeps the difference."""
    now = timezone.now()
    return (
        Visit.objects.for_site(site)
        .on_site()
        .filter(pk__in=list(visit_ids))
        .filter(Q(checked_in_at__lt=before) | Q(expected_out_at__lt=now))
        .update(checked_out_at=now, checked_out_by=user, exit=Visit.Exit.HANDOVER)
    )
