"""Reads of the visit register: who is on site, the register, a returning visitor, the
watch list. Every one is scoped to a site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.filters import start_of
from frontdesk.models import Site
from frontdesk.timetext import duration_text
from residents.models import Resident, house_label
from visitors.models import Visit, WatchEntry, typed_pass_code

# On site at once, at the busiest desk, is a few dozen; a page holds more than a day's worth.
ON_SITE_PAGE = 50
# Visits listed for the handover at most (see for_handover).
HANDOVER_LIMIT = 200


def _listed(queryset: QuerySet) -> QuerySet:
    # As models, for the register's export; the pages read their rows as values
    # (visit_rows), from the same five tables.
    return queryset.select_related("purpose", "house__building", "checked_in_by").prefetch_related(
        "resident"
    )


# What a row of the lists (on site, the handover, the register) shows, read as values:
# five model instances a row (the visit, its purpose, house, building and clerk) cost
# ~100 µs a row to build, a fifth of the on-site page's 50 rows. Five tables at most:
# PostgreSQL's planning time grows fast with the joins. Joined also to the resident and
# to who checked out (which no list shows), the register's page took ~13 ms to plan for
# 1 ms to run, at a million visits; now ~1 ms in all.
ROW_FIELDS = (
    "id",
    "visitor_name",
    "visitor_phone",
    "party_size",
    "plate",
    "exit",
    "checked_in_at",
    "checked_out_at",
    "expected_out_at",
    "resident_id",
    "purpose__name",
    "house_id",
    "house__unit",
    "house__room",
    "house__building__number",
    "house__building__name",
    "checked_in_by__full_name",
    "checked_in_by__username",
)


@dataclass
class VisitRow:
    """A visit as a list shows it, its text worked out once here rather than by template
    filters in every row (Django's date filter alone costs ~60 µs a cell)."""

    pk: int
    visitor_name: str
    visitor_phone: str
    party_size: int
    plate: str
    exit: str
    checked_in_at: datetime
    purpose_name: str
    house_id: int | None
    house_label: str  # 3栋2单元1201, or "" for none
    resident_name: str  # the resident visited, or ""
    registered_by: str
    time_in: str  # 2026-03-01 09:05, in the desk's clock
    clock_in: str  # 09:05
    clock_out: str  # 17:40, or "" while on site
    stay: str  # time on site so far, or until they left: 4小时25分
    late: bool  # on site past the expected stay
    party_text: str  # 3 人, or "" for one

    @property
    def exit_label(self) -> str:
        return Visit.Exit(self.exit).label if self.exit else ""


def visit_rows(visits: QuerySet, *, residents: bool = True) -> list[VisitRow]:
    """The rows of ``visits`` (a page of a list, already sliced), and the residents they
    name in one more query (none when no row names one, or without ``residents``): a
    join more slowed the planning of the register's page (see ROW_FIELDS)."""
    rows = list(visits.prefetch_related(None).values(*ROW_FIELDS))
    named = {row["resident_id"] for row in rows if row["resident_id"] and residents}
    names = dict(Resident.objects.filter(pk__in=named).values_list("pk", "name")) if named else {}
    now = timezone.now()
    return [_row(row, names, now) for row in rows]


def _row(row: dict, residents: dict[int, str], now: datetime) -> VisitRow:
    time_in = f"{timezone.localtime(row['checked_in_at']):%Y-%m-%d %H:%M}"
    out = row["checked_out_at"]
    party = row["party_size"]
    house = ""
    if row["house_id"]:
        house = house_label(
            row["house__building__number"],
            row["house__building__name"],
            row["house__unit"],
            row["house__room"],
        )
    return VisitRow(
        pk=row["id"],
        visitor_name=row["visitor_name"],
        visitor_phone=row["visitor_phone"],
        party_size=party,
        plate=row["plate"],
        exit=row["exit"],
        checked_in_at=row["checked_in_at"],
        purpose_name=row["purpose__name"],
        house_id=row["house_id"],
        house_label=house,
        resident_name=residents.get(row["resident_id"], ""),
        # As User.get_full_name.
        registered_by=row["checked_in_by__full_name"] or row["checked_in_by__username"],
        time_in=time_in,
        clock_in=time_in[-5:],
        clock_out=f"{timezone.localtime(out):%H:%M}" if out else "",
        stay=duration_text((out or now) - row["checked_in_at"]),
        late=out is None and row["expected_out_at"] < now,
        party_text=_("%(n)s people") % {"n": party} if party > 1 else "",
    )


def start_of_today() -> datetime:
    return start_of(timezone.localdate())


def on_site_today(site: Site) -> QuerySet:
    """Checked in today and not out: the desk's “who is here now”, longest on site first
    (its rows are read with visit_rows)."""
    return (
        Visit.objects.for_site(site)
        .on_site()
        .filter(checked_in_at__gte=start_of_today())
        .order_by("checked_in_at", "id")
    )


def for_handover(site: Site) -> QuerySet:
    """What the shift hands over instead of leaving it "on site" for ever: the visits never
    checked out from earlier days, and today's past their expected stay (oldest first;
    its rows are read with visit_rows, without the residents they name)."""
    return (
        Visit.objects.for_site(site)
        .on_site()
        .filter(Q(checked_in_at__lt=start_of_today()) | Q(expected_out_at__lt=timezone.now()))
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
