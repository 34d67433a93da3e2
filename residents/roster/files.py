"""Reading a roster file: an xlsx or csv upload → its header names and rows of raw values.

Only the file as a whole is judged here (readable, not too big, a header row); each row's
cells are checked by residents.roster.rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_FILE_SIZE = 10 * 1024 * 1024
# A 10 MB xlsx can hold a zip bomb. The largest honest roster (50,000 rows of a dozen
# cells, with their shared strings) unpacks to about 40 MB; every byte is inflated and
# scanned before the sheet is read, so this bounds that time too.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 50_000
# Offices put a title such as “2026年1月账单” above the header row: look this far for it.
HEADER_SEARCH_ROWS = 10
# Every roster has at most a dozen columns. A sheet may still reach column XFD (16,384),
# if only with one empty cell per row, and reading each row out to its last cell would
# cost seconds per thousand rows: columns beyond this one are never read.
MAX_COLUMNS = 50
# Reading costs about 6 µs a cell, whatever the cell holds (openpyxl parses every cell of a
# row, even those beyond MAX_COLUMNS): the largest roster, 50,000 rows of nine columns,
# reads in about 3 s. A sheet with more cells than that and three spare columns is refused
# before it is read, so no shape of file holds a worker for long.
MAX_CELLS = 12 * (HEADER_SEARCH_ROWS + MAX_ROWS)
MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+(\d+))\"")
# A cell's start tag, with or without a namespace prefix, counted with bytes.count, many
# times faster than a regular expression over a large sheet. The few other tags that
# start so (<cols>, <cfRule>) stand outside the rows and hardly change the count.
CELL_TAGS = (b"<c", b":c")


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class Table:
    header_row: int
    headers: list[str]
    rows: list[tuple[int, tuple]]  # (row number as the office sees it, cell values)


def read_table(data: bytes, known_headers: set[str]) -> Table:
    """The header row and the non-blank data rows of the file's first sheet."""
    if not data:
        raise RosterFileError(_("The file is empty."))
    if len(data) > MAX_FILE_SIZE:
        raise RosterFileError(_("The file is larger than 10 MB. Split it into smaller files."))
    # Judge by content, not by the name: a photo renamed .xlsx is still a photo.
    if data.startswith(b"PK\x03\x04"):
        rows = XlsxRows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            _("This is an old Excel 97–2003 (.xls) file. Save it as .xlsx and upload it again.")
        )
    else:
        rows = csv_rows(data)
    table = take_rows(rows, known_headers)
    if isinstance(rows, XlsxRows):
        rows.check_merged_cells(table)
    return table


def too_many_rows() -> RosterFileError:
    return RosterFileError(
        _("The file has more than %(max)s rows. Split it into files of at most %(max)s rows each.")
        % {"max": f"{MAX_ROWS:,}"}
    )


def take_rows(rows: Iterator[tuple[int, tuple]], known_headers: set[str]) -> Table:
    first: tuple[int, list[str]] | None = None  # fallback header: names the missing columns
    table: Table | None = None
    looked_at = 0
    try:
        for number, values in rows:
            # Blank rows count too: reading stops at the limit whatever the rows hold, so a
            # sheet of a million empty rows is refused after 50,000 of them are read.
            if number > (table.header_row if table else HEADER_SEARCH_ROWS) + MAX_ROWS:
                raise too_many_rows()
            if is_blank(values):
                continue
            if table is not None:
                table.rows.append((number, values))
                continue
            names = [header_name(v) for v in values]
            first = first or (number, names)
            if known_headers.intersection(names):
                table = Table(header_row=number, headers=names, rows=[])
            looked_at += 1
            if table is None and looked_at >= HEADER_SEARCH_ROWS:
                break
    except RosterFileError:
        raise
    except Exception as exc:  # any parser failure on an untrusted file means “unreadable”
        raise RosterFileError(_("The file could not be read as a spreadsheet.")) from exc
    if table is None and first is None:
        raise RosterFileError(_("The file is empty."))
    return table or Table(header_row=first[0], headers=first[1], rows=[])


def is_blank(values: tuple) -> bool:
    # Counting the Nones first is quick for the many rows read from a sheet that are empty.
    return values.count(None) == len(values) or all(cell_text(v) == "" for v in values)


def header_name(value: object) -> str:
    # "姓名*" and "建筑面积（㎡）" are how templates mark required columns and units.
    text = re.sub(r"\s", "", cell_text(value)).rstrip("*＊")
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


class XlsxRows:
    """The rows of the first sheet, read with openpyxl in read-only (streaming) mode."""

    def __init__(self, data: bytes):
        self.data = data
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_SIZE:
                raise RosterFileError(_("The file is too large. Split it into smaller files."))
            self.workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self.sheet = self.workbook.worksheets[0]
        except RosterFileError:
            raise
        except Exception as exc:  # a zip that is not a workbook, or a damaged one
            raise RosterFileError(
                _("The file is not a valid Excel workbook. Open it in Excel and save it again.")
            ) from exc
        # The size the sheet declares, when it declares one, refuses an oversized sheet
        # before a row of it is read.
        declared = self.sheet.max_row
        if declared is not None and declared > HEADER_SEARCH_ROWS + MAX_ROWS:
            self.workbook.close()
            raise too_many_rows()
        # Files written by other programs often state a wrong size (smaller, or none): read
        # to the real end, which take_rows bounds.
        self.sheet.reset_dimensions()
        try:
            self.merges = self._scan()
        except RosterFileError:
            raise
        except Exception as exc:  # the sheet's part is damaged
            self.workbook.close()
            raise RosterFileError(_("The file could not be read as a spreadsheet.")) from exc

    def _scan(self) -> list[tuple[str, int]]:
        """Count the sheet's cells, refusing too many, and find its merged cells.

        Read-only mode reports neither, so the sheet's XML is scanned for them (openpyxl
        is pinned; ``_worksheet_path`` is where it keeps the sheet's part). Returns each
        merged range with its last row.
        """
        cells, merges = 0, []
        path = self.sheet._worksheet_path.lstrip("/")
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive, archive.open(path) as source:
            rest = b""
            while chunk := source.read(1 << 20):
                # Up to the last tag's end: a tag cut in two waits for the next chunk. No
                # tag is longer than a few hundred bytes, so a longer rest holds none.
                buffer = rest + chunk
                end = buffer.rfind(b">") + 1
                buffer, rest = buffer[:end], buffer[end:][-1024:]
                cells += sum(buffer.count(tag) for tag in CELL_TAGS)
                if cells > MAX_CELLS:
                    self.workbook.close()
                    raise RosterFileError(
                        _(
                            "The sheet has more than %(max)s cells. Delete the columns the "
                            "import does not use, or split it into smaller files."
                        )
                        % {"max": f"{MAX_CELLS:,}"}
                    )
                if b"mergeCell" in buffer:  # a quick look first: most chunks hold rows only
                    merges += [
                        (m.group(1).decode(), int(m.group(2))) for m in MERGE_RE.finditer(buffer)
                    ]
        return merges

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        try:
            rows = self.sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            yield from enumerate(rows, start=1)
        finally:
            self.workbook.close()

    def check_merged_cells(self, table: Table) -> None:
        """Refuse merged cells below the title: only their first row holds the value."""
        # A merged title above the header row is harmless.
        ranges = sorted({ref for ref, last_row in self.merges if last_row >= table.header_row})
        if ranges:
            raise RosterFileError(
                _(
                    "The sheet has merged cells (%(ranges)s). Unmerge them and fill in every "
                    "cell, then upload the file again."
                )
                % {"ranges": "、".join(ranges[:5]) + ("…" if len(ranges) > 5 else "")}
            )


def csv_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    if b"\x00" in data:  # binary, or UTF-16 text: neither is a CSV Excel writes
        raise RosterFileError(_("The file is not a spreadsheet. Upload an .xlsx or .csv file."))
    # Excel on a Chinese Windows saves “CSV” in GB18030 (GBK); “CSV UTF-8” adds a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(
            _("The file's text encoding is not recognised. Save it as “CSV UTF-8” and try again.")
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    # As for a workbook, columns beyond MAX_COLUMNS are never looked at.
    return ((number, tuple(values[:MAX_COLUMNS])) for number, values in enumerate(reader, start=1))


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()
