"""Roster import: read an office's spreadsheet, check every row, then save all or nothing.

The flow is upload → preview → confirm. ``roster_upload`` refuses files that cannot be read
at all (not a spreadsheet, empty, missing columns, too big) and keeps the rest in a
RosterImport; the preview re-reads the stored file every time (so a residents file whose
houses were missing imports once the houses are in); ``roster_import`` re-reads it once
more inside the transaction that writes, so what is saved is exactly what was checked.

Column headers and the words in the cells (住宅, 业主, 微信 …) are the file format offices
keep, not interface text, hence literal Chinese rather than gettext.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from frontdesk.models import Site, User
from frontdesk.personal import (
    MAINLAND_MOBILE,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalize_phone,
)
from residents.models import (
    Bill,
    Building,
    FeeKind,
    House,
    Occupancy,
    Payment,
    Resident,
    RosterImport,
    house_label,
)
from residents.search import name_search_keys
from residents.services import residents_reindex

MAX_FILE_SIZE = 10 * 1024 * 1024
# A 10 MB xlsx can hold a zip bomb; no honest roster sheet unpacks to more than this.
MAX_UNPACKED_SIZE = 300 * 1024 * 1024
MAX_ROWS = 50_000
PREVIEW_ROWS = 50
LISTED_ERRORS = 200
# Offices put a title such as “2026年1月账单” above the header row: look this far for it.
HEADER_SEARCH_ROWS = 10
BATCH = 2000

Kind = RosterImport.Kind

# The columns of each kind, in template order.
BUILDING, UNIT, FLOOR, ROOM = "楼栋", "单元", "楼层", "房号"
AREA, USE, STATUS = "建筑面积", "用途", "状态"
NAME, PHONE, PHONE2, ID_NUMBER, RELATION = "姓名", "电话", "备用电话", "身份证号", "关系"
MOVED_IN = "入住日期"
FEE, PERIOD, AMOUNT_DUE, DUE_DATE, PAID = "费用类型", "账期", "应收金额", "到期日", "已收金额"
PAID_ON, AMOUNT, METHOD, RECEIPT = "缴费日期", "金额", "方式", "收据号"

USES = {"住宅": House.Use.RESIDENTIAL, "商铺": House.Use.SHOP, "车位": House.Use.PARKING}
STATUSES = {
    "业主自住": House.Status.OWNER_OCCUPIED,
    "自住": House.Status.OWNER_OCCUPIED,
    "出租": House.Status.RENTED,
    "空置": House.Status.VACANT,
    "装修中": House.Status.RENOVATION,
    "装修": House.Status.RENOVATION,
}
RELATIONS = {
    "业主": Occupancy.Relation.OWNER,
    "家属": Occupancy.Relation.FAMILY,
    "租户": Occupancy.Relation.TENANT,
}
FEES = {
    "物业费": FeeKind.PROPERTY,
    "水费": FeeKind.WATER,
    "电费": FeeKind.ELECTRICITY,
    "停车费": FeeKind.PARKING,
    "公摊": FeeKind.SHARED,
    "其他": FeeKind.OTHER,
}
METHODS = {
    "现金": Payment.Method.CASH,
    "微信": Payment.Method.WECHAT,
    "微信支付": Payment.Method.WECHAT,
    "支付宝": Payment.Method.ALIPAY,
    "银行卡": Payment.Method.CARD,
    "刷卡": Payment.Method.CARD,
    "转账": Payment.Method.TRANSFER,
    "银行转账": Payment.Method.TRANSFER,
}

BUILDING_RE = re.compile(r"^(\d{1,4})\s*(?:栋|幢|号楼|号|#|座)?$")
UNIT_RE = re.compile(r"^(\d{1,3})\s*(?:单元)?$")
FLOOR_RE = re.compile(r"^(-?\d{1,3})\s*(?:层|楼)?$")
DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
COMPACT_MONTH_RE = re.compile(r"^(\d{4})(\d{2})$")
# 2100-12-31 in Excel's count of days: larger numbers are not dates.
EXCEL_DAY_2100 = 73415
MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+(\d+))\"")


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


class RosterImportRefused(Exception):
    """The confirm saved nothing; the message says why, in the user's language."""


# ---------------------------------------------------------------------------------------
# Reading: xlsx or csv → header names and rows of raw values


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


def take_rows(rows: Iterator[tuple[int, tuple]], known_headers: set[str]) -> Table:
    first: tuple[int, list[str]] | None = None  # fallback header: names the missing columns
    table: Table | None = None
    looked_at = 0
    try:
        for number, values in rows:
            if all(cell_text(v) == "" for v in values):
                continue
            if table is not None:
                table.rows.append((number, values))
                if len(table.rows) > MAX_ROWS:
                    raise RosterFileError(
                        _(
                            "The file has more than %(max)s rows. Split it into files of at "
                            "most %(max)s rows each."
                        )
                        % {"max": f"{MAX_ROWS:,}"}
                    )
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
        # Files written by other programs often state a wrong size; read to the real end.
        self.sheet.reset_dimensions()

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        try:
            yield from enumerate(self.sheet.iter_rows(values_only=True), start=1)
        finally:
            self.workbook.close()

    def check_merged_cells(self, table: Table) -> None:
        """Refuse merged cells below the title: only their first row holds the value.

        Read-only mode does not report merged cells, so the sheet's XML is scanned for
        them (openpyxl is pinned; ``_worksheet_path`` is where it keeps the sheet's part).
        """
        ranges = set()
        path = self.sheet._worksheet_path.lstrip("/")
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive, archive.open(path) as source:
            tail = b""
            while chunk := source.read(1 << 20):
                buffer = tail + chunk
                for m in MERGE_RE.finditer(buffer):
                    # A merged title above the header row is harmless.
                    if int(m.group(2)) >= table.header_row:
                        ranges.add(m.group(1).decode())
                tail = buffer[-200:]  # a tag cut in two by the chunking
        if ranges:
            ranges = sorted(ranges)
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
    return ((number, tuple(values)) for number, values in enumerate(reader, start=1))


# ---------------------------------------------------------------------------------------
# Cells → values, with a message per bad cell


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


class Row:
    """One data row: reads its cells by column name and collects its errors."""

    def __init__(self, number: int, cells: dict[str, object]):
        self.number = number
        self.cells = cells
        self.errors: list[str] = []

    def error(self, message: str, column: str = "", value: object = "", **params) -> None:
        shown = cell_text(value)
        shown = shown if len(shown) <= 30 else shown[:30] + "…"
        params = {"row": self.number, "column": column, "value": shown, **params}
        self.errors.append(message % params)

    def raw(self, column: str) -> object:
        return self.cells.get(column)

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = cell_text(self.raw(column))
        if not value and required:
            self.error(_("Row %(row)s: %(column)s is required."), column)
        elif max_length and len(value) > max_length:
            self.error(
                _("Row %(row)s: %(column)s is longer than %(max)s characters."),
                column,
                max=max_length,
            )
            return ""
        return value

    def integer(self, column: str, pattern: re.Pattern, message: str, *, required=True, least=0):
        value = self.text(column, required=required)
        if not value:
            return None
        match = pattern.match(value)
        if not match or int(match.group(1)) < least:
            self.error(message, column, value)
            return None
        return int(match.group(1))

    def decimal(self, column: str, message: str, *, required=False, positive=False, below=10**8):
        raw = self.raw(column)
        text = re.sub(r"[\s,，¥￥元㎡]|m²", "", cell_text(raw))
        if not text:
            if required:
                self.error(_("Row %(row)s: %(column)s is required."), column)
            return None
        try:
            value = Decimal(str(raw) if isinstance(raw, int | float) else text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.error(message, column, raw)
            return None
        # Excel's binary fractions (0.1 + 0.2) come back with long tails: round to fen.
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value < 0:
            self.error(_("Row %(row)s: %(column)s cannot be negative."), column)
        elif positive and value == 0:
            self.error(_("Row %(row)s: %(column)s must be more than zero."), column)
        elif value >= below:  # what the column's digits hold
            self.error(_("Row %(row)s: %(column)s “%(value)s” is too large."), column, raw)
        else:
            return value
        return None

    def amount(self, column: str, **kwargs) -> Decimal | None:
        return self.decimal(
            column, _("Row %(row)s: %(column)s “%(value)s” is not an amount of money."), **kwargs
        )

    def date(self, column: str, *, required=False) -> date | None:
        raw = self.raw(column)
        if isinstance(raw, int | float) and 1 <= raw <= EXCEL_DAY_2100:
            # A date typed into a cell formatted as a number: Excel's count of days.
            raw = from_excel(raw)
        if isinstance(raw, date) and 1900 <= raw.year <= 2100:
            return raw.date() if isinstance(raw, datetime) else raw
        text = self.text(column, required=required)
        if not text:
            return None
        match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
        try:
            if match and 1900 <= int(match.group(1)) <= 2100:
                return date(*(int(g) for g in match.groups()[:3]))
        except ValueError:  # 2026-02-30
            pass
        self.error(
            _("Row %(row)s: %(column)s “%(value)s” is not a valid date (write it as 2026-01-15)."),
            column,
            text,
        )
        return None

    def month(self, column: str, *, required=False) -> date | None:
        """The first day of the month meant: 2026-01, 2026/1, 2026年1月, 202601 or a date."""
        raw = self.raw(column)
        if isinstance(raw, date) and 1900 <= raw.year <= 2100:
            # Excel turns a typed “2026-01” into a date cell.
            return date(raw.year, raw.month, 1)
        text = self.text(column, required=required)
        if not text:
            return None
        match = next(
            (
                m
                for r in (MONTH_RE, COMPACT_MONTH_RE, DATE_RE, COMPACT_DATE_RE)
                if (m := r.match(text))
            ),
            None,
        )
        if match and 1900 <= int(match.group(1)) <= 2100 and 1 <= int(match.group(2)) <= 12:
            return date(int(match.group(1)), int(match.group(2)), 1)
        self.error(
            _("Row %(row)s: %(column)s “%(value)s” is not a valid month (write it as 2026-01)."),
            column,
            text,
        )
        return None

    def choice(self, column: str, choices: dict[str, str], *, required=False) -> str | None:
        text = self.text(column, required=required)
        if not text:
            return None
        if text in choices:
            return choices[text]
        if text in choices.values():  # the stored value also reads
            return text
        self.error(
            _("Row %(row)s: %(column)s “%(value)s” is not one of: %(choices)s."),
            column,
            text,
            choices="、".join(dict.fromkeys(label(choices, v) for v in choices.values())),
        )
        return None

    def phone(self, column: str, *, required=False) -> str:
        value = clean_phone(self.text(column, required=required))
        if value and not is_valid_phone(value):
            self.error(
                _("Row %(row)s: %(column)s “%(value)s” is not a valid mobile or landline number."),
                column,
                value,
            )
            return ""
        return value

    def id_number(self, column: str) -> str:
        if isinstance(self.raw(column), int | float):
            # Excel shows 18 digits as 1.10105E+17 and keeps only 15 of them.
            self.error(
                _(
                    "Row %(row)s: %(column)s is stored as a number, so Excel has dropped its "
                    "last digits. Format the column as text and type it again."
                ),
                column,
            )
            return ""
        value = self.text(column).upper()
        if value and not is_valid_id_number(value):
            self.error(
                _("Row %(row)s: %(column)s “%(value)s” is not a valid ID number."),
                column,
                mask_id_number(value),  # a mistyped ID number is still personal data
            )
            return ""
        return value

    def house_key(self) -> tuple[int, int, str] | None:
        building = self.integer(
            BUILDING,
            BUILDING_RE,
            _("Row %(row)s: %(column)s “%(value)s” is not a building number such as 3 or 3栋."),
            least=1,
        )
        unit = self.integer(
            UNIT,
            UNIT_RE,
            _(
                "Row %(row)s: %(column)s “%(value)s” is not an entrance number such as 2 or "
                "2单元; leave it blank if the building has none."
            ),
            required=False,
        )
        room = re.sub(r"[室号]$", "", self.text(ROOM, required=True, max_length=10))
        if building is None or not room:
            return None
        return building, unit or 0, room


def clean_phone(value: str) -> str:
    value = normalize_phone(value.replace("－", "-"))
    digits = value.replace("-", "")
    # 139-0013-9000 is how some offices write mobiles; stored as digits like the rest.
    return digits if MAINLAND_MOBILE.match(digits) else value


def house_code(key: tuple[int, int, str]) -> str:
    """A house not yet on record, written the way the records write every address."""
    building, unit, room = key
    return house_label(building, "", unit, room)


def label(choices: dict[str, str], value: str | None) -> str:
    """The word for a stored value: the first one listed, not an alias such as 自住."""
    return next((word for word, v in choices.items() if v == value), "")


# ---------------------------------------------------------------------------------------
# The four kinds: columns, checks against the database, preview, and the writes


@dataclass
class Item:
    row: Row
    values: dict


class Spec:
    kind: str
    columns: tuple[str, ...]
    optional: frozenset[str] = frozenset()

    def preview_columns(self) -> list[str]:
        """Titles of the preview table, matching ``display``."""
        raise NotImplementedError

    @property
    def required(self) -> list[str]:
        return [c for c in self.columns if c not in self.optional]

    @property
    def optional_columns(self) -> list[str]:
        return [c for c in self.columns if c in self.optional]

    def clean(self, row: Row) -> dict | None:
        raise NotImplementedError

    def resolve(self, site: Site, items: list[Item]) -> None:
        """Checks that need the database; a fixed number of queries whatever the rows."""

    def display(self, values: dict) -> list[str]:
        raise NotImplementedError

    def save(self, site: Site, items: list[Item]) -> None:
        raise NotImplementedError


def site_houses(site: Site) -> dict[tuple[int, int, str], House]:
    return {
        (h.building.number, h.unit, h.room): h
        for h in House.objects.for_site(site).select_related("building")
    }


def check_houses_exist(site: Site, items: list[Item]) -> None:
    houses = site_houses(site)
    for item in items:
        house = houses.get(item.values["house_key"])
        if house is None:
            item.row.error(
                _("Row %(row)s: there is no house %(value)s here; import the houses first."),
                value=house_code(item.values["house_key"]),
            )
        item.values["house"] = house


def check_unique(items: list[Item], key, message: str) -> None:
    first_seen: dict = {}
    for item in items:
        k = key(item.values)
        if not k or (isinstance(k, tuple) and None in k):
            continue  # a blank or bad key has its own error already
        if k in first_seen:
            item.row.error(message, first=first_seen[k])
        else:
            first_seen[k] = item.row.number


def action(new: bool) -> str:
    return _("New") if new else _("Update")


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


class HousesSpec(Spec):
    kind = Kind.HOUSES
    columns = (BUILDING, UNIT, FLOOR, ROOM, AREA, USE, STATUS)
    optional = frozenset({UNIT, AREA})

    def preview_columns(self):
        return [_("House"), FLOOR, AREA, USE, STATUS, _("Action")]

    def clean(self, row):
        key = row.house_key()
        floor = row.integer(
            FLOOR,
            FLOOR_RE,
            _("Row %(row)s: %(column)s “%(value)s” is not a floor number."),
            required=False,
        )
        if not cell_text(row.raw(FLOOR)) and key:
            if key[2].isdigit() and len(key[2]) >= 3:
                floor = int(key[2][:-2])  # a blank floor reads off the room: 1201 is on 12
            else:
                row.error(_("Row %(row)s: %(column)s is required."), FLOOR)
        values = {
            "house_key": key,
            "floor": floor,
            "floor_area": row.decimal(
                AREA, _("Row %(row)s: %(column)s “%(value)s” is not a number."), below=10**6
            ),
            "use": row.choice(USE, USES),
            "status": row.choice(STATUS, STATUSES),
        }
        return values if key else None

    def resolve(self, site, items):
        check_unique(
            items,
            lambda v: v["house_key"],
            _("Row %(row)s: this house already appears in row %(first)s."),
        )
        houses = site_houses(site)
        for item in items:
            item.values["house"] = houses.get(item.values["house_key"])

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            str(v["floor"]),
            money(v["floor_area"]),
            label(USES, v["use"]),
            label(STATUSES, v["status"]),
            action(house is None),
        ]

    def save(self, site, items):
        buildings = {b.number: b for b in Building.objects.for_site(site)}
        top_floor: dict[int, int] = defaultdict(int)
        for item in items:
            number = item.values["house_key"][0]
            top_floor[number] = max(top_floor[number], item.values["floor"])
        Building.objects.bulk_create(
            Building(site=site, number=n, floors=max(f, 1))
            for n, f in top_floor.items()
            if n not in buildings
        )
        buildings = {b.number: b for b in Building.objects.for_site(site)}
        for number, floors in top_floor.items():
            buildings[number].floors = max(buildings[number].floors, floors)
        Building.objects.bulk_update(
            [buildings[n] for n in top_floor], ["floors"], batch_size=BATCH
        )

        new, changed = [], []
        for item in items:
            v = item.values
            house = v["house"] or House(
                site=site,
                building=buildings[v["house_key"][0]],
                unit=v["house_key"][1],
                room=v["house_key"][2],
            )
            house.floor = v["floor"]
            # A blank cell keeps what the house already has (or the model's default).
            for name in ("floor_area", "use", "status"):
                if v[name] is not None:
                    setattr(house, name, v[name])
            (changed if house.pk else new).append(house)
        House.objects.bulk_create(new, batch_size=BATCH)
        House.objects.bulk_update(
            changed, ["floor", "floor_area", "use", "status"], batch_size=BATCH
        )


class ResidentsSpec(Spec):
    kind = Kind.RESIDENTS
    columns = (BUILDING, UNIT, ROOM, NAME, PHONE, PHONE2, ID_NUMBER, RELATION, MOVED_IN)
    optional = frozenset({UNIT, PHONE2, ID_NUMBER, MOVED_IN})

    def preview_columns(self):
        return [_("House"), NAME, PHONE, PHONE2, ID_NUMBER, RELATION, MOVED_IN, _("Action")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "name": row.text(NAME, required=True, max_length=50),
            # A person is (name, phone); without a phone, (name, house): a child with
            # no phone of their own must not block the file, nor merge two 张伟.
            "phone": row.phone(PHONE),
            "phone2": row.phone(PHONE2),
            "id_number": row.id_number(ID_NUMBER),
            "relation": row.choice(RELATION, RELATIONS, required=True),
            "moved_in": row.date(MOVED_IN),
        }
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        existing = self.existing(site, items)
        for item in items:
            item.values["resident"] = existing.get(identity(item.values))

    @staticmethod
    def existing(site: Site, items) -> dict[tuple, Resident]:
        phones = {item.values["phone"] for item in items if item.values["phone"]}
        houses = {
            item.values["house"].pk
            for item in items
            if not item.values["phone"] and item.values.get("house")
        }
        found: dict[tuple, Resident] = {}
        for resident in Resident.objects.for_site(site).filter(phone__in=phones).order_by("-id"):
            found[("phone", resident.name, resident.phone)] = resident  # the oldest wins
        occupants = (
            Occupancy.objects.filter(house__in=houses, resident__phone="")
            .select_related("resident")
            .order_by("-resident_id")
        )
        for occupancy in occupants:
            found[("house", occupancy.resident.name, occupancy.house_id)] = occupancy.resident
        return found

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            v["name"],
            mask_phone(v["phone"]),
            mask_phone(v["phone2"]),
            mask_id_number(v["id_number"]),
            label(RELATIONS, v["relation"]),
            v["moved_in"].isoformat() if v["moved_in"] else "",
            _("Existing resident") if v["resident"] else _("New resident"),
        ]

    def save(self, site, items):
        people: dict[tuple[str, str], Resident] = {}
        new, changed = [], {}
        for item in items:
            v = item.values
            key = identity(v)
            resident = people.get(key) or v["resident"]
            if resident is None:
                pinyin, initials = name_search_keys(v["name"])
                resident = Resident(
                    site=site,
                    name=v["name"],
                    name_pinyin=pinyin,
                    name_initials=initials,
                    phone=v["phone"],
                )
                new.append(resident)
            elif resident.pk:
                changed[resident.pk] = resident
            people[key] = resident
            # One owner may be listed once per house: later rows fill in what earlier left blank.
            for name in ("phone2", "id_number"):
                if v[name]:
                    setattr(resident, name, v[name])
        Resident.objects.bulk_create(new, batch_size=BATCH)
        Resident.objects.bulk_update(changed.values(), ["phone2", "id_number"], batch_size=BATCH)
        Occupancy.objects.bulk_create(
            (
                Occupancy(
                    house=item.values["house"],
                    resident=people[identity(item.values)],
                    relation=item.values["relation"],
                    moved_in=item.values["moved_in"],
                )
                for item in items
            ),
            batch_size=BATCH,
            ignore_conflicts=True,  # already recorded: the import adds what is missing
        )
        residents_reindex(resident_ids=[r.pk for r in people.values()])


def identity(values: dict) -> tuple:
    """Who a resident row is: name and phone, or name and house when there is no phone."""
    if values["phone"]:
        return ("phone", values["name"], values["phone"])
    house = values.get("house")
    return ("house", values["name"], house.pk if house else None)


class BillsSpec(Spec):
    kind = Kind.BILLS
    columns = (BUILDING, UNIT, ROOM, FEE, PERIOD, AMOUNT_DUE, DUE_DATE, PAID)
    optional = frozenset({UNIT, PAID})

    def preview_columns(self):
        return [_("House"), FEE, PERIOD, AMOUNT_DUE, DUE_DATE, PAID, _("Action")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "kind": row.choice(FEE, FEES, required=True),
            "period": row.month(PERIOD, required=True),
            "amount": row.amount(AMOUNT_DUE, required=True),
            "due_date": row.date(DUE_DATE, required=True),
            "paid_amount": row.amount(PAID),
        }
        amount, paid = values["amount"], values["paid_amount"]
        if amount is not None and paid is not None and paid > amount:
            row.error(_("Row %(row)s: %(column)s is more than the amount due."), PAID, paid)
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        check_unique(
            items,
            lambda v: (v["house_key"], v["kind"], v["period"]),
            _("Row %(row)s: this bill already appears in row %(first)s."),
        )
        periods = {item.values["period"] for item in items}
        existing = set(
            Bill.objects.for_site(site)
            .filter(period__in=periods)
            .values_list("house_id", "kind", "period")
        )
        for item in items:
            v = item.values
            v["exists"] = (
                v["house"] is not None and (v["house"].pk, v["kind"], v["period"]) in existing
            )

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            label(FEES, v["kind"]),
            f"{v['period']:%Y-%m}" if v["period"] else "",
            money(v["amount"]),
            v["due_date"].isoformat() if v["due_date"] else "",
            money(v["paid_amount"]),
            action(not v["exists"]),
        ]

    def save(self, site, items):
        def bill(v):
            return Bill(
                site=site,
                house=v["house"],
                kind=v["kind"],
                period=v["period"],
                amount=v["amount"],
                due_date=v["due_date"],
                paid_amount=v["paid_amount"] or 0,
            )

        # A blank 已收金额 keeps what was already paid on an existing bill.
        with_paid = [bill(i.values) for i in items if i.values["paid_amount"] is not None]
        without_paid = [bill(i.values) for i in items if i.values["paid_amount"] is None]
        for bills, fields in (
            (with_paid, ["amount", "due_date", "paid_amount"]),
            (without_paid, ["amount", "due_date"]),
        ):
            Bill.objects.bulk_create(
                bills,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["house", "kind", "period"],
                update_fields=fields,
            )


class PaymentsSpec(Spec):
    kind = Kind.PAYMENTS
    columns = (BUILDING, UNIT, ROOM, PAID_ON, AMOUNT, METHOD, RECEIPT, FEE, PERIOD)
    optional = frozenset({UNIT, FEE, PERIOD})

    def preview_columns(self):
        return [_("House"), PAID_ON, AMOUNT, METHOD, RECEIPT, _("Bill paid")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "paid_on": row.date(PAID_ON, required=True),
            "amount": row.amount(AMOUNT, required=True, positive=True),
            "method": row.choice(METHOD, METHODS, required=True),
            "receipt_no": row.text(RECEIPT, required=True, max_length=40),
            "kind": row.choice(FEE, FEES),
            "period": row.month(PERIOD),
        }
        if bool(cell_text(row.raw(FEE))) != bool(cell_text(row.raw(PERIOD))):
            row.error(
                _("Row %(row)s: to pay a bill give both %(column)s, or neither."),
                f"{FEE}、{PERIOD}",
            )
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        check_unique(
            items,
            lambda v: v["receipt_no"],
            _("Row %(row)s: this receipt number already appears in row %(first)s."),
        )
        receipts = {i.values["receipt_no"] for i in items}
        taken = set(
            Payment.objects.for_site(site)
            .filter(receipt_no__in=receipts)
            .values_list("receipt_no", flat=True)
        )
        periods = {i.values["period"] for i in items if i.values["period"]}
        bills = {
            (b.house_id, b.kind, b.period): b
            for b in Bill.objects.for_site(site).filter(period__in=periods)
        }
        for item in items:
            v = item.values
            if v["receipt_no"] in taken:
                item.row.error(
                    _("Row %(row)s: receipt number “%(value)s” has already been recorded."),
                    value=v["receipt_no"],
                )
            v["bill"] = None
            if v["house"] and v["kind"] and v["period"]:
                v["bill"] = bills.get((v["house"].pk, v["kind"], v["period"]))
                if v["bill"] is None:
                    item.row.error(
                        _("Row %(row)s: %(house)s has no %(fee)s bill for %(period)s."),
                        house=v["house"].label,
                        fee=label(FEES, v["kind"]),
                        period=f"{v['period']:%Y-%m}",
                    )

    def display(self, v):
        house, bill = v["house"], v["bill"]
        return [
            house.label if house else house_code(v["house_key"]),
            v["paid_on"].isoformat() if v["paid_on"] else "",
            money(v["amount"]),
            label(METHODS, v["method"]),
            v["receipt_no"],
            f"{label(FEES, bill.kind)} {bill.period:%Y-%m}" if bill else "",
        ]

    def save(self, site, items):
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for item in items:
            if item.values["bill"]:
                paid[item.values["bill"].pk] += item.values["amount"]
        bills = list(Bill.objects.select_for_update().filter(pk__in=paid))
        for bill in bills:
            bill.paid_amount = min(bill.paid_amount + paid[bill.pk], bill.amount)
        Bill.objects.bulk_update(bills, ["paid_amount"], batch_size=BATCH)
        Payment.objects.bulk_create(
            (
                Payment(
                    site=site,
                    house=i.values["house"],
                    bill=i.values["bill"],
                    paid_on=i.values["paid_on"],
                    amount=i.values["amount"],
                    method=i.values["method"],
                    receipt_no=i.values["receipt_no"],
                )
                for i in items
            ),
            batch_size=BATCH,
        )


SPECS: dict[str, Spec] = {
    spec.kind: spec for spec in (HousesSpec(), ResidentsSpec(), BillsSpec(), PaymentsSpec())
}


# ---------------------------------------------------------------------------------------
# Services


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


def roster_upload(
    *, site: Site, user: User, kind: str, upload: UploadedFile
) -> tuple[RosterImport | None, RosterResult]:
    """Keep a readable file for its preview; an unreadable one is refused, nothing saved."""
    data = upload.read(MAX_FILE_SIZE + 1)
    result = roster_parse(site=site, kind=kind, data=data)
    if result.file_error:
        return None, result
    roster = RosterImport(
        site=site,
        kind=kind,
        original_name=(upload.name or "")[-200:],
        uploaded_by=user,
        row_count=result.total,
        error_count=result.error_rows,
    )
    roster.file.save(upload.name or "roster", ContentFile(data), save=False)
    roster.save()
    return roster, result


def roster_preview(*, site: Site, roster: RosterImport) -> RosterResult:
    return roster_parse(site=site, kind=roster.kind, data=stored_data(roster))


def stored_data(roster: RosterImport) -> bytes:
    try:
        with roster.file.open("rb") as stored:
            return stored.read(MAX_FILE_SIZE + 1)
    except (OSError, ValueError):  # gone from storage, or never stored
        return b""  # reads as “empty”: the user is asked for the file again


def roster_import(*, site: Site, pk: int) -> RosterImport:
    """Save every row of a previewed file, or nothing; a second confirm imports nothing."""
    try:
        with transaction.atomic():
            # The lock makes a double click or a second tab wait, then find it imported.
            roster = RosterImport.objects.for_site(site).select_for_update().get(pk=pk)
            if roster.status != RosterImport.Status.PREVIEWED:
                raise RosterImportRefused(_("This file has already been imported."))
            result = roster_parse(site=site, kind=roster.kind, data=stored_data(roster))
            if result.file_error:
                raise RosterImportRefused(result.file_error)
            if not result.ok:
                raise RosterImportRefused(
                    _(
                        "Nothing was imported: %(count)s rows have errors. Correct them in the "
                        "file and upload it again."
                    )
                    % {"count": result.error_rows}
                )
            SPECS[roster.kind].save(site, result.items)
            roster.status = RosterImport.Status.IMPORTED
            roster.imported_at = timezone.now()
            roster.row_count, roster.error_count = result.total, 0
            roster.save(update_fields=["status", "imported_at", "row_count", "error_count"])
    except IntegrityError as exc:
        # Someone changed the same records meanwhile (say, the same receipt number).
        raise RosterImportRefused(
            _("The records changed while importing, so nothing was saved. Please try again.")
        ) from exc
    return roster


def roster_imports(site: Site) -> QuerySet:
    return RosterImport.objects.for_site(site).select_related("uploaded_by")


def template_columns(kind: str) -> list[str]:
    return list(SPECS[kind].columns)
