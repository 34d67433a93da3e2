"""Spreadsheet downloads: rows streamed into a write-only workbook, sent as an attachment.

Write-only mode keeps memory flat however many rows an export has: openpyxl writes each
row out as it is appended instead of building the whole sheet in memory; only the finished
(zipped, small) file is held to send it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_WIDTH = 18


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]] = ()


def xlsx_response(filename: str, *sheets: Sheet) -> HttpResponse:
    """An .xlsx download of these sheets, named ``filename`` (Chinese names welcome)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
        # Widths and panes must be set before the first row is written in write-only mode.
        for index in range(len(sheet.headers)):
            worksheet.column_dimensions[get_column_letter(index + 1)].width = COLUMN_WIDTH
        worksheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for title in sheet.headers:
            cell = text_cell(worksheet, title)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([to_cell(worksheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    # Exports may hold personal data: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def attachment_header(filename: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients, ``filename*`` (RFC 5987) in UTF-8."""
    stem, extension = os.path.splitext(filename)
    fallback = (re.sub(r"[^A-Za-z0-9._-]+", "", stem).strip("._-") or "export") + extension
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def sheet_title(title: str) -> str:
    # Excel refuses these characters and titles longer than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet"


def text_cell(worksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    # A name typed as "=HYPERLINK(…)" must stay text, not become a live formula.
    cell.data_type = "s"
    return cell


def to_cell(worksheet, value: object) -> object:
    if isinstance(value, str):
        return text_cell(worksheet, value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the wall-clock time of the desk.
        return timezone.localtime(value).replace(tzinfo=None)
    return value
