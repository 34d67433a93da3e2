"""Cases as a spreadsheet: what the list of every case shows for the same filter, newest
first, up to EXPORT_LIMIT rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from complaints.models import Case
from frontdesk.xlsx import Sheet

# A year of a busy site is a few thousand cases; a longer range is cut here, and the file
# says so in its last row.
EXPORT_LIMIT = 10_000

Format = Callable[[str], str]


@dataclass(frozen=True)
class CaseExport:
    cases: list[Case]
    # More cases matched than the file holds.
    cut: bool

    def sheet(self, *, phone: Format) -> Sheet:
        """The sheet, residents' phones written with ``phone`` (masked or in full)."""
        return Sheet(
            _("Cases"),
            [
                _("Case number"),
                _("Recorded at"),
                _("Kind"),
                _("Came in by"),
                _("Category"),
                _("Urgency"),
                _("State"),
                _("House or place"),
                _("Resident"),
                _("Phone"),
                _("Description"),
                _("Department"),
                _("Handled by"),
                _("Resolve by"),
                _("Resolved at"),
                _("Satisfaction"),
                _("Closed at"),
                _("12345 reference number"),
            ],
            self._rows(phone),
        )

    def _rows(self, phone: Format) -> Iterator[list]:
        for c in self.cases:
            yield [
                c.number,
                c.created_at,
                c.get_kind_display(),
                c.get_source_display(),
                c.category.full_name,
                c.get_urgency_display(),
                c.get_state_display(),
                c.where,
                c.resident.name if c.resident else "",
                phone(c.resident.phone) if c.resident else "",
                c.description,
                c.department.name if c.department else "",
                (c.handler.get_full_name() or c.handler.get_username()) if c.handler else "",
                c.resolve_due,
                c.resolved_at,
                c.rating,
                c.closed_at,
                c.hotline_ref,
            ]
        if self.cut:
            yield [
                _("Only the newest %(count)s cases: choose fewer days for the rest.")
                % {"count": EXPORT_LIMIT}
            ]


def cases_export(cases: QuerySet[Case]) -> CaseExport:
    """The first EXPORT_LIMIT of ``cases`` (the list of every case, filtered), with their
    residents, read at once in one query."""
    rows = list(cases.select_related("resident")[: EXPORT_LIMIT + 1])
    return CaseExport(rows[:EXPORT_LIMIT], cut=len(rows) > EXPORT_LIMIT)
