"""Every write to the visit register: registration (with the watch list), check-out, and
closing at the handover the visits nobody saw leave."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdesk.conflicts import Conflict
from frontdesk.models import Site, User
from frontdesk.scoping import check_same_site
from residents.models import House, Resident
from visitors.models import Visit, VisitPurpose, WatchHit
from visitors.selectors.visits import WatchMatch, watch_matches


class WatchListUnconfirmed(Exception):
    """The visitor matches watch-list entries the clerk has not confirmed: nothing is
    registered, and the warning is logged. ``matches`` are all the entries to show."""

    def __init__(self, matches: list[WatchMatch]):
        super().__init__([m.entry.pk for m in matches])
        self.matches = matches


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
            # Made here, not typed: the names of the fields that matched ("电话、姓名"),
            # well within the column; the slice only keeps a longer list of them storable.
            matched_on=match.matched_on[:50],
            visitor_name=visitor_name,
            visit=visit,
            user=user,
        )
        for match in matches
    )


def watch_list_warn(*, site: Site, user: User, phone: str) -> list[WatchMatch]:
    """The watch-list entries of this phone, as shown while it is typed; a warning shown
    is logged, whether the clerk then registers the visitor or not."""
    matches = watch_matches(site, phone=phone)
    watch_hits_log(site=site, user=user, matches=matches, visitor_name="")
    return matches


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
    watch_confirmed: Collection[int] = frozenset(),
    now: datetime | None = None,
) -> Visit:
    """Register a visitor now; ``expected_stay`` is in minutes.

    A visitor on the watch list is registered only when ``watch_confirmed`` (the ids of
    the entries the clerk was shown and ticked as checked) covers every entry they match
    now; otherwise the warning is logged and WatchListUnconfirmed raised. The confirmed
    warnings are logged against the visit."""
    check_same_site(site, house=house, resident=resident)
    matches = watch_matches(
        site, name=visitor_name, phone=visitor_phone, id_number=id_number, plate=plate
    )
    if any(m.entry.pk not in watch_confirmed for m in matches):
        # Outside the registration's transaction: the warning stays logged.
        watch_hits_log(site=site, user=user, matches=matches, visitor_name=visitor_name)
        raise WatchListUnconfirmed(matches)
    now = now or timezone.now()
    with transaction.atomic():
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
        _watch_hits_admitted(site=site, user=user, matches=matches, visit=visit, now=now)
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
    moment, exactly one changes the row; the other gets a Conflict naming who checked the
    visitor out (or closed the visit at the handover) and when. A visit of another site is
    Visit.DoesNotExist, as if it did not exist."""
    now = now or timezone.now()
    visits = Visit.objects.for_site(site).filter(pk=visit_id)
    changed = visits.filter(checked_out_at__isnull=True).update(
        checked_out_at=now, checked_out_by=user, exit=via
    )
    visit = visits.select_related("checked_out_by").get()
    if not changed:
        raise Conflict(visit, by=visit.checked_out_by, at=visit.checked_out_at)
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
