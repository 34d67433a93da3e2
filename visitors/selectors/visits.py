"""Reads of the visit register: who is on site, the register, a returning visitor, the
watch list. Every one is scoped to a site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.filters import start_of
from frontdesk.models import Site
from frontdesk.timetext import duration_text
from visitors.models import Visit, WatchEntry, typed_pass_code

# On site at once, at the busiest desk, is a few dozen; a page holds more than a day's worth.
ON_SITE_PAGE = 50
# Visits listed for the handover at most (see for_handover).
HANDOVER_LIMIT = 200


def _listed(queryset: QuerySet) -> QuerySet:
    # Five tables at most: PostgreSQL's planning time grows fast with the joins. Joined
    # also to the resident and to who checked out (which no list shows), the register's
    # page took ~13 ms to plan for 1 ms to run, at a million visits; now ~1 ms in all.
    # The resident is fetched apart: one query by id, none when no row names one.
    return queryset.select_related("purpose", "house__building", "checked_in_by").prefetch_related(
        "resident"
    )


def for_display(visits: Iterable[Visit]) -> list[Visit]:
    """The visits of a page with what its rows show, worked out once here rather than by
    template filters in every row (Django's date filter alone costs ~60 µs a cell, a
    tenth of a 50-row page): ``time_in`` (2026-03-01 09:05), ``clock_in`` and
    ``clock_out`` (09:05, or "" while on site) in the desk's clock; ``stay`` (time on
    site, 4小时25分), ``late`` (on site past the expected stay) and ``party_text``
    (3 人, or "" for one)."""
    shown = list(visits)
    now = timezone.now()
    for visit in shown:
        visit.time_in = f"{timezone.localtime(visit.checked_in_at):%Y-%m-%d %H:%M}"
        visit.clock_in = visit.time_in[-5:]
        out = visit.checked_out_at
        visit.clock_out = f"{timezone.localtime(out):%H:%M}" if out else ""
        visit.stay = duration_text((out or now) - visit.checked_in_at)
        visit.late = out is None and visit.expected_out_at < now
        visit.party_text = _("%(n)s people") % {"n": visit.party_size} if visit.party_size > 1 else ""
    return shown


def start_of_today() -> datetime:
    return start_of(timezone.localdate())


def on_site_today(site: Site) -> QuerySet:
    """Checked in today and not out: the desk's “who is here now”, longest on site first."""
    return _listed(
        Visit.objects.for_site(site)
        .on_site()
        .filter(checked_in_at__gte=start_of_today())
        .order_by("checked_in_at", "id")
    )


def for_handover(site: Site) -> QuerySet:
    """What the shift hands over instead of leaving it "on site" for ever: the visits never
    checked out from earlier days, and today's past their expected stay (oldest first)."""
    # Its rows show the house and the clerk only.
    return (
        Visit.objects.for_site(site)
        .on_site()
        .filter(Q(checked_in_at__lt=start_of_today()) | Q(expected_out_at__lt=timezone.now()))
        .select_related("house__building", "checked_in_by")
        .order_by("checked_in_at", "id")
    )


def register(site: Site) -> QuerySet:
    """The register, newest first (the view filters and paginates it; the export reads
    the same)."""
    return _listed(Visit.objects.for_site(site))


def visit_detail(site: Site, **lookup) -> Visit:
    from frontdesk.scoping import get_for_site_or_404

    return get_for_site_or_404(
        Visit.objects.select_related(
            "purpose", "house__building", "resident", "checked_in_by", "checked_out_by"
        ),
        site,
        **lookup,
    )


def visit_by_pass(site: Site, token: str) -> Visit | None:
    """The site's visit of this pass, or None (a pass of another site is none of this one).

    The code as scanned, or as typed by hand (any case, look-alikes for 1 and 0)."""
    codes = {token, typed_pass_code(token)}
    return Visit.objects.for_site(site).filter(pass_token__in=codes).first()


def returning_visitor(site: Site, phone: str) -> Visit | None:
    """The latest visit of this phone at this site, to fill the form in for them again."""
    if not phone:
        return None
    return (
        Visit.objects.for_site(site)
        .filter(visitor_phone=phone)
        .select_related("purpose", "house__building", "resident")
        .order_by("-checked_in_at")
        .first()
    )


@dataclass(frozen=True)
class WatchMatch:
    entry: WatchEntry
    matched_on: str

    @property
    def refuse(self) -> bool:
        return self.entry.action == WatchEntry.Action.REFUSE


def watch_matches(
    site: Site, *, name: str = "", phone: str = "", id_number: str = "", plate: str = ""
) -> list[WatchMatch]:
    """The site's active watch-list entries this visitor matches, and on what."""
    given = {"name": name, "phone": phone, "id_number": id_number, "plate": plate}
    condition = Q()
    for field, value in given.items():
        if value:
            condition |= Q(**{field: value})
    if not condition:
        return []
    labels = {
        "id_number": _("ID number"),
        "phone": _("phone"),
        "plate": _("plate"),
        "name": _("name"),
    }
    matches = []
    for entry in WatchEntry.objects.for_site(site).filter(condition, is_active=True):
        # The strongest identifier first: a name alone may be someone else's.
        on = [str(labels[f]) for f in labels if given[f] and getattr(entry, f) == given[f]]
        matches.append(WatchMatch(entry, "、".join(on)))
    return matches
