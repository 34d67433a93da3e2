"""Checking a whole roster file: read it, check every row, and say what would be saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from frontdesk.models import Site
from residents.roster.files import RosterFileError, read_table
from residents.roster.rows import Row
from residents.roster.specs import SPECS, Item

PREVIEW_ROWS = 50
LISTED_ERRORS = 200


@dataclass
class RosterResult:
    """What a file holds, as it would be saved, and everything wrong with it."""

    kind: str
    file_error: str = ""
    total: int = 0
    columns: list[str] = field(default_factory=list)
    preview: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the first LISTED_ERRORS
    error_count: int = 0
    error_rows: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_count and self.total > 0

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    # What the preview page shows, kept with the upload (RosterImport.preview) so that the
    # page does not read and check the whole file again on every view.
    SUMMARY_FIELDS = ("file_error", "total", "preview", "errors", "error_count", "error_rows")

    def summary(self) -> dict:
        """The preview page's part of the result, as JSON can hold it."""
        data = {name: getattr(self, name) for name in self.SUMMARY_FIELDS}
        data["preview"] = [[number, [str(c) for c in cells]] for number, cells in self.preview]
        data["errors"] = [str(e) for e in self.errors]
        return data

    @classmethod
    def from_summary(cls, kind: str, data: dict) -> RosterResult:
        """The result as the preview shows it; its rows (``items``) are not kept."""
        result = cls(kind=kind, columns=SPECS[kind].preview_columns())
        for name in cls.SUMMARY_FIELDS:
            if name in data:
                setattr(result, name, data[name])
        return result


def roster_parse(*, site: Site, kind: str, data: bytes) -> RosterResult:
    """Read and check a file of this kind for this site; writes nothing."""
    spec = SPECS[kind]
    result = RosterResult(kind=kind, columns=spec.preview_columns())
    try:
        table = read_table(data, set(spec.columns))
        missing = [c for c in spec.required if c not in table.headers]
        if missing:
            raise RosterFileError(
                _(
                    "The file is missing the columns %(columns)s. The first row must hold the "
                    "column names exactly as in the template."
                )
                % {"columns": "、".join(missing)}
            )
        if not table.rows:
            raise RosterFileError(_("The file has column names but no rows to import."))
    except RosterFileError as error:
        result.file_error = str(error)
        return result

    index = {name: i for i, name in reversed(list(enumerate(table.headers))) if name}
    rows, items = [], []
    for number, values in table.rows:
        cells = {c: values[i] if i < len(values) else None for c, i in index.items()}
        row = Row(number, cells)
        rows.append(row)
        cleaned = spec.clean(row)
        if cleaned is not None:
            items.append(Item(row, cleaned))
    spec.resolve(site, items)

    result.total = len(rows)
    for row in rows:
        result.error_count += len(row.errors)
        result.error_rows += bool(row.errors)
        result.errors.extend(row.errors[: LISTED_ERRORS - len(result.errors)])
    result.items = [item for item in items if not item.row.errors]
    result.preview = [
        (item.row.number, spec.display(item.values)) for item in result.items[:PREVIEW_ROWS]
    ]
    return result
