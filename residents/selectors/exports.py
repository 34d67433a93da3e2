"""The records' spreadsheets: the lookup's matches and the arrears list, with phones written
by the format the caller chose (masked, or whole for a supervisor: frontdesk.services.
export_formats)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from frontdesk.models import Site
from frontdesk.xlsx import Sheet
from residents.models import House, Occupancy
from residents.selectors.arrears import arrears_houses, arrears_totals
from residents.selectors.lookup import LookupResult

# A lookup exports at most this many matches of each kind.
EXPORT_LIMIT = 1000

Format = Callable[[str], str]


def owners(house: House) -> list:
    return [o.resident for o in house.current_occupancies if o.relation == Occupancy.Relation.OWNER]


def lookup_sheets(result: LookupResult, phone: Format) -> list[Sheet]:
    residents = Sheet(
        _("Residents"),
        [_("Name"), _("Phone"), _("Houses")],
        (
            [
                r.name,
                phone(r.phone),
                "、".join(f"{tie.label}（{tie.relation_label}）" for tie in r.houses),
            ]
            for r in result.residents
        ),
    )
    houses = Sheet(
        _("Houses"),
        [_("House"), _("Status"), _("Owner")],
        (
            [
                h.label,
                h.status_label,
                "、".join(o.name for o in h.occupants if o.relation == Occupancy.Relation.OWNER),
            ]
            for h in result.houses
        ),
    )
    return [residents, houses]


def arrears_export(site: Site, rows=None) -> list[House]:
    """Every house owing (or the ``arrears_totals`` rows given: the list's filtered ones),
    with its owners, as the arrears list shows them."""
    rows = arrears_totals(site) if rows is None else rows
    return arrears_houses(site, rows, with_occupants=True)


def arrears_sheet(houses: list[House], phone: Format) -> Sheet:
    return Sheet(
        _("Arrears"),
        [_("House"), _("Months owed"), _("Amount owed"), _("Owner's name"), _("Owner's phone")],
        (
            [
                h.label,
                h.arrears_months,
                h.arrears_total,
                "、".join(r.name for r in owners(h)),
                "、".join(phone(r.phone) for r in owners(h) if r.phone),
            ]
            for h in houses
        ),
    )
