"""Fixtures of the records tests: spreadsheets built in memory, uploads kept in a tmp dir,
payments recorded through the allocation service."""

import io
import itertools
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from residents.models import Payment
from residents.services.allocations import payment_record

_receipts = itertools.count(1)


@pytest.fixture
def roster_media(settings, tmp_path):
    """Uploaded roster files go to a temporary MEDIA_ROOT, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_xlsx(*rows, merge: str = "") -> bytes:
    """An .xlsx whose first sheet holds these rows (the first is the header)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(content: bytes) -> dict[str, list[list]]:
    """Every sheet of a downloaded workbook: title → rows of values."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def pay(house, amount, *, bill=None, paid_on: date | None = None, receipt: str = "") -> Payment:
    """A payment finance reported, recorded (and allocated) as the desk records one."""
    payment = Payment(
        house=house,
        bill=bill,
        paid_on=paid_on or date.today(),
        amount=Decimal(amount),
        method=Payment.Method.WECHAT,
        receipt_no=receipt or f"T{next(_receipts):08d}",
    )
    return payment_record(site=house.site, payment=payment)
