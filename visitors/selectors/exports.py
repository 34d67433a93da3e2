"""The visitor register as a spreadsheet: what the register list shows for the same filter,
newest first, up to EXPORT_LIMIT rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from frontdesk.xlsx import Sheet
from visitors.models import Visit

# A month of the busiest desk is some 8,000 visits; a longer range is cut here, and the
# file says so in its last row.
EXPORT_LIMIT = 10_000

Format = Callable[[str], str]


def how_they_left(visit: Visit) -> str:
    return visit.get_exit_display() if visit.checked_out_at else _("On site")


@dataclass(frozen=True)
class VisitExport:
    visits: list[Visit]
    # More visits matched than the file holds.
    cut: bool

    def sheet(self, *, phone: Format, id_number: Format) -> Sheet:
        """The sheet, phones and ID numbers written with ``phone`` and ``id_number``
        (masked or in full)."""
        return Sheet(
            _("Visitor register"),
            [
                _("Time in"),
                _("Time out"),
                _("Visitor"),
                _("Phone"),
                _("ID number"),
                _("Party size"),
                _("Purpose"),
                _("House visited"),
                _("Resident visited"),
                _("Vehicle plate"),
                _("How they left"),
                _("Registered by"),
            ],
            self._rows(phone, id_number),
        )

    def _rows(self, phone: Format, id_number: Format) -> Iterator[list]:
        for v in self.visits:
            yield [
                v.checked_in_at,
                v.checked_out_at,
                v.visitor_name,
                phone(v.visitor_phone),
                id_number(v.id_number),
                v.party_size,
                v.purpose.name,
                v.house.label if v.house else "",
                v.resident.name if v.resident else "",
                v.plate,
                how_they_left(v),
                v.checked_in_by.get_full_name() or v.checked_in_by.get_username(),
            ]
        if self.cut:
            yield [
                _("Only the newest %(count)s visits: choose fewer days for the rest.")
                % {"count": EXPORT_LIMIT}
            ]


def visits_export(visits: QuerySet) -> VisitExport:
    """The first EXPORT_LIMIT of ``visits`` (the register, filtered), read at once."""
    rows = list(visits[: EXPORT_LIMIT + 1])
    return VisitExport(rows[:EXPORT_LIMIT], cut=len(rows) > EXPORT_LIMIT)
