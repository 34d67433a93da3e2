"""One row of a roster file: its cells read by column name into values, with a message per
bad cell.

Column headers and the words in the cells (住宅, 业主, 微信 …) are the file format offices
keep, not interface text, hence literal Chinese rather than gettext.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from frontdesk.fields import IdNumberFormField, PhoneFormField
from frontdesk.personal import mask_id_number
from residents.models import FeeKind, House, Occupancy, Payment, house_label
from residents.roster.files import cell_text

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
# A cell is cleaned by the same fields as a form's input, so that a number is stored the
# one way whether it was typed at the desk, in admin or in a roster file.
PHONE_CELL = PhoneFormField(required=False)
ID_NUMBER_CELL = IdNumberFormField(required=False)


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
        value = self.text(column, required=required)
        try:
            return PHONE_CELL.clean(value)
        except ValidationError:
            self.error(
                _("Row %(row)s: %(column)s “%(value)s” is not a valid mobile or landline number."),
                column,
                PHONE_CELL.to_python(value),
            )
            return ""

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
        value = self.text(column)
        try:
            return ID_NUMBER_CELL.clean(value)
        except ValidationError:
            self.error(
                _("Row %(row)s: %(column)s “%(value)s” is not a valid ID number."),
                column,
                # A mistyped ID number is still personal data.
                mask_id_number(ID_NUMBER_CELL.to_python(value)),
            )
            return ""

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


def house_code(key: tuple[int, int, str]) -> str:
    """A house not yet on record, written the way the records write every address."""
    building, unit, room = key
    return house_label(building, "", unit, room)


def label(choices: dict[str, str], value: str | None) -> str:
    """The word for a stored value: the first one listed, not an alias such as 自住."""
    return next((word for word, v in choices.items() if v == value), "")
