"""The roster import pages: upload → preview (every row checked) → confirm (all or nothing)."""

import csv
import datetime
import io
import re
import threading
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.utils import get_column_letter

from frontdesk import roles
from residents.models import (
    Bill,
    Building,
    House,
    Occupancy,
    Payment,
    PaymentAllocation,
    Resident,
    RosterImport,
)
from residents.selectors import lookup as selectors
from residents.services import roster as roster_services
from tests import factories
from tests.residents.conftest import make_xlsx, read_xlsx

pytestmark = pytest.mark.usefixtures("roster_media")

UPLOAD = reverse("residents:import")

HOUSE_HEADER = ["楼栋", "单元", "楼层", "房号", "建筑面积", "用途", "状态"]
RESIDENT_HEADER = [
    "楼栋",
    "单元",
    "房号",
    "姓名",
    "电话",
    "备用电话",
    "身份证号",
    "关系",
    "入住日期",
]
BILL_HEADER = ["楼栋", "单元", "房号", "费用类型", "账期", "应收金额", "到期日", "已收金额"]
PAYMENT_HEADER = ["楼栋", "单元", "房号", "缴费日期", "金额", "方式", "收据号", "费用类型", "账期"]
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 check character


def upload(client, kind: str, content: bytes, name: str = "roster.xlsx"):
    return client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def upload_and_confirm(client, kind: str, content: bytes, name: str = "roster.xlsx"):
    response = upload(client, kind, content, name)
    assert response.status_code == 302, response.content.decode()
    return client.post(response["Location"], follow=True)


def preview_url(roster: RosterImport) -> str:
    return reverse("residents:import_preview", args=[roster.pk])


def file_url(roster: RosterImport) -> str:
    return reverse("residents:import_file", args=[roster.pk])


def xlsx_with_rows(header, rows_xml: str, dimension: str = "") -> bytes:
    """An .xlsx of this header row, then these rows written straight into the sheet's XML
    (shapes that no spreadsheet program writes on purpose), declaring this dimension."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(make_xlsx(header))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().replace("</sheetData>", rows_xml + "</sheetData>")
                if dimension:
                    text = re.sub(
                        r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', text
                    )
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def blank_rows_at_xfd(count: int) -> str:
    """Rows each empty but for one empty cell in the sheet's last column, XFD (16,384)."""
    return "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, count + 2))


def csv_bytes(rows, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


# --- happy paths, one per kind -----------------------------------------------------------


def test_it_imports_buildings_and_houses(supervisor_client, site_a):
    existing = factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(
        HOUSE_HEADER,
        ["3栋", "2", 12, "1201", 89.5, "住宅", "出租"],
        [5, None, 1, "101", "120.00", "商铺", "空置"],
        ["5", "", "", "1502", None, "", ""],  # blank floor read off the room number
    )
    response = upload(supervisor_client, "houses", content)
    roster = RosterImport.objects.get()
    assert response["Location"] == preview_url(roster)
    assert (roster.status, roster.row_count, roster.error_count) == ("previewed", 3, 0)
    assert House.objects.count() == 1  # the preview saves nothing

    html = supervisor_client.get(preview_url(roster)).content.decode()
    assert "共 3 行" in html
    assert "3栋2单元1201" in html and "更新" in html and "新建" in html

    response = supervisor_client.post(preview_url(roster), follow=True)
    assert "已从“roster.xlsx”导入 3 行" in response.content.decode()
    existing.refresh_from_db()
    assert (existing.floor_area, existing.use, existing.status) == (
        Decimal("89.50"),
        "residential",
        "rented",
    )
    shop = House.objects.get(building__number=5, room="101")
    assert (shop.site, shop.unit, shop.use, shop.status) == (site_a, 0, "shop", "vacant")
    high = House.objects.get(building__number=5, room="1502")
    assert (high.floor, high.use, high.status) == (15, "residential", "owner_occupied")
    assert Building.objects.get(site=site_a, number=5).floors == 15
    roster.refresh_from_db()
    assert roster.status == "imported" and roster.imported_at is not None


def test_it_imports_residents_and_reuses_an_owner_of_several_houses(supervisor_client, site_a):
    flat = factories.make_house(site_a, building=3, unit=2, room="1201")
    garage = factories.make_house(site_a, building=9, unit=0, room="001")
    known = factories.make_resident(site_a, name="张三丰", phone="13800138000", house=flat)
    content = make_xlsx(
        RESIDENT_HEADER,
        [3, 2, "1201", "张三丰", "13800138000", "", ID_NUMBER, "业主", "2020-05-01"],
        [9, "", "001", "张三丰", "138 0013 8000", "0571-88886601", "", "业主", ""],
        [3, 2, "1201", "李小龙", "+86 139-0013-9000", "", "", "租户", datetime.date(2024, 3, 1)],
    )
    upload_and_confirm(supervisor_client, "residents", content)

    assert Resident.objects.filter(site=site_a).count() == 2
    known.refresh_from_db()
    assert (known.id_number, known.phone2) == (ID_NUMBER, "0571-88886601")
    assert set(known.houses.all()) == {flat, garage}
    assert Occupancy.objects.filter(resident=known, house=flat).count() == 1  # not doubled
    tenant = Resident.objects.get(name="李小龙")
    assert tenant.phone == "13900139000"
    assert tenant.occupancies.get().moved_in == datetime.date(2024, 3, 1)
    # The lookup finds the new resident by pinyin initials and by phone.
    assert [r.pk for r in selectors.lookup(site_a, "lxl").residents] == [tenant.pk]
    assert [r.pk for r in selectors.lookup(site_a, "9000").residents] == [tenant.pk]


def test_it_imports_residents_without_a_phone_by_name_and_house(supervisor_client, site_a):
    flat = factories.make_house(site_a, building=3, unit=2, room="1201")
    other = factories.make_house(site_a, building=4, unit=1, room="101")
    content = make_xlsx(
        RESIDENT_HEADER,
        [3, 2, "1201", "张小宝", "", "", "", "家属", ""],
        [4, 1, "101", "张小宝", "", "", "", "家属", ""],  # a namesake in another house
    )
    upload_and_confirm(supervisor_client, "residents", content)
    assert Resident.objects.filter(site=site_a, name="张小宝").count() == 2

    # Imported again (the office re-sends its roster): nobody is doubled.
    upload_and_confirm(supervisor_client, "residents", content)
    assert Resident.objects.filter(site=site_a, name="张小宝").count() == 2
    assert set(
        Occupancy.objects.filter(resident__name="张小宝").values_list("house", flat=True)
    ) == {
        flat.pk,
        other.pk,
    }


def test_it_imports_bills_from_a_gb18030_csv(supervisor_client, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    shop = factories.make_house(site_a, building=5, unit=0, room="101")
    Bill.objects.create(
        site=site_a,
        house=house,
        kind="property",
        period=datetime.date(2026, 1, 1),
        amount=100,
        due_date=datetime.date(2026, 1, 31),
        paid_amount=50,
    )
    content = csv_bytes(
        [
            BILL_HEADER,
            ["3栋", "2单元", "1201", "物业费", "2026-01", "120.50", "2026-01-31", ""],
            ["3", "2", "1201", "水费", "2026/1", "¥35", "2026/2/10", "35"],
            ["5", "", "101", "公摊", "2026年2月", "1,000.00", "2026年3月1日", "0"],
        ],
        "gb18030",
    )
    upload_and_confirm(supervisor_client, "bills", content, name="账单.csv")

    assert RosterImport.objects.get().original_name == "账单.csv"
    updated = Bill.objects.get(house=house, kind="property")
    assert (updated.amount, updated.paid_amount) == (Decimal("120.50"), Decimal("50.00"))
    water = Bill.objects.get(house=house, kind="water")
    assert (water.period, water.due_date, water.paid_amount) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 10),
        Decimal("35.00"),
    )
    shared = Bill.objects.get(house=shop)
    assert (shared.period, shared.amount) == (datetime.date(2026, 2, 1), Decimal("1000.00"))


def test_it_reads_a_utf8_csv_with_a_byte_order_mark(supervisor_client, site_a):
    content = b"\xef\xbb\xbf" + csv_bytes([HOUSE_HEADER, [7, 1, 3, "301", "", "住宅", ""]], "utf-8")
    upload_and_confirm(supervisor_client, "houses", content, name="houses.csv")
    assert House.objects.get(site=site_a).label == "7栋1单元301"


def test_it_imports_payments_and_pays_the_linked_bill_up_to_its_amount(supervisor_client, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    bill = Bill.objects.create(
        site=site_a,
        house=house,
        kind="property",
        period=datetime.date(2026, 1, 1),
        amount=100,
        due_date=datetime.date(2026, 1, 31),
        paid_amount=30,
    )
    content = make_xlsx(
        PAYMENT_HEADER,
        [3, 2, "1201", datetime.datetime(2026, 1, 20), 50, "微信", "R-001", "物业费", "2026-01"],
        [3, 2, "1201", "2026-01-25", "40", "现金", "R-002", "物业费", datetime.date(2026, 1, 1)],
        [3, 2, "1201", "2026-02-01", "15.5", "转账", "R-003", "", ""],
    )
    upload_and_confirm(supervisor_client, "payments", content)

    bill.refresh_from_db()
    assert bill.paid_amount == Decimal("100.00")  # 30 + 50 + 40, capped at the amount due
    payments = {p.receipt_no: p for p in Payment.objects.filter(site=site_a)}
    assert payments["R-001"].bill == bill and payments["R-001"].method == "wechat"
    assert payments["R-003"].bill is None and payments["R-003"].amount == Decimal("15.50")
    # What the bill could not take is the house's credit, not lost.
    allocated = {
        p.receipt_no: list(p.allocations.values_list("amount", flat=True))
        for p in payments.values()
    }
    assert allocated == {"R-001": [Decimal("50.00")], "R-002": [Decimal("20.00")], "R-003": []}
    assert [payments[r].unallocated for r in ("R-001", "R-002", "R-003")] == [
        0,
        Decimal("20.00"),
        Decimal("15.50"),
    ]


def five_months_of_bills(house) -> list[Bill]:
    return [
        Bill.objects.create(
            site=house.site,
            house=house,
            kind="property",
            period=datetime.date(2026, month, 1),
            amount=300,
            due_date=datetime.date(2026, month, 28),
        )
        for month in range(1, 6)
    ]


def test_it_previews_how_each_payment_without_its_bill_will_be_allocated(supervisor_client, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    bills = five_months_of_bills(house)
    shop = factories.make_house(site_a, building=5, unit=0, room="101")
    [shop_bill] = five_months_of_bills(shop)[:1]
    Bill.objects.filter(house=shop).exclude(pk=shop_bill.pk).delete()
    content = make_xlsx(
        PAYMENT_HEADER,
        [3, 2, "1201", "2026-06-01", 750, "微信", "R-101", "", ""],  # two and a half months
        [5, "", "101", "2026-06-02", 1000, "现金", "R-102", "", ""],
        [3, 2, "1201", "2026-06-03", 200, "现金", "R-103", "物业费", "2026-05"],
    )
    response = upload(supervisor_client, "payments", content)
    html = supervisor_client.get(response["Location"]).content.decode()
    assert "分配情况" in html
    assert "物业费 2026-01 ¥300.00、物业费 2026-02 ¥300.00、物业费 2026-03 ¥150.00" in html
    assert "物业费 2026-01 ¥300.00、预存 ¥700.00" in html
    assert "物业费 2026-05 ¥200.00" in html  # its own bill, though older ones are owed
    assert not PaymentAllocation.objects.exists()  # a preview saves nothing

    supervisor_client.post(response["Location"])
    r101 = Payment.objects.get(receipt_no="R-101")
    assert list(r101.allocations.order_by("bill__period").values_list("bill", "amount")) == [
        (bills[0].pk, Decimal("300.00")),
        (bills[1].pk, Decimal("300.00")),
        (bills[2].pk, Decimal("150.00")),
    ]
    assert Payment.objects.get(receipt_no="R-102").unallocated == Decimal("700.00")
    assert [b.paid_amount for b in house.bills.order_by("period")] == [300, 300, 150, 0, 200]


def test_it_applies_the_credit_to_bills_imported_later(supervisor_client, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(PAYMENT_HEADER, [3, 2, "1201", "2026-01-05", 500, "微信", "R-1", "", ""])
    upload_and_confirm(supervisor_client, "payments", content)
    assert Payment.objects.get().unallocated == Decimal("500.00")  # no bill yet: credit

    content = make_xlsx(
        BILL_HEADER,
        [3, 2, "1201", "物业费", "2026-01", 300, "2026-01-31", ""],
        [3, 2, "1201", "物业费", "2026-02", 300, "2026-02-28", ""],
    )
    upload_and_confirm(supervisor_client, "bills", content, name="bills.xlsx")
    assert [b.paid_amount for b in house.bills.order_by("period")] == [300, 200]
    assert Payment.objects.get().unallocated == 0


# --- errors ------------------------------------------------------------------------------


def test_it_lists_every_error_in_chinese(supervisor_client, site_a):
    factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(
        RESIDENT_HEADER,
        [3, 2, "1201", "张三丰", "13800138000", "", "", "业主", ""],
        [3, 2, "1201", "李四", "12345", "", "", "业主", ""],
        [3, 2, "1201", "", "13900139000", "", "110105194912310021", "邻居", "2026-13-01"],
        [8, 1, "808", "王五", "13700137000", "", 110105194912310000, "业主", ""],
    )
    upload(supervisor_client, "residents", content)
    roster = RosterImport.objects.get()
    assert (roster.row_count, roster.error_count) == (4, 3)

    html = supervisor_client.get(preview_url(roster)).content.decode()
    assert "第 3 行：电话“12345”不是有效的手机号或固话" in html
    assert "第 4 行：姓名不能为空" in html
    assert "第 4 行：身份证号“110105********0021”不是有效的身份证号" in html
    assert "第 4 行：关系“邻居”不是以下之一：业主、家属、租户" in html
    assert "第 4 行：入住日期“2026-13-01”不是有效的日期" in html
    assert "第 5 行：本小区没有房屋 8栋1单元808" in html
    assert "第 5 行：身份证号在 Excel 中存成了数字" in html
    assert 'id="roster-confirm"' not in html
    assert "13800138000" not in html  # the preview masks phones
    assert "138****8000" in html


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            ["3", "2", "1201", "物业费", "2026-01", "一百", "2026-01-31", ""],
            "应收金额“一百”不是金额",
        ),
        (["3", "2", "1201", "物业费", "去年", "100", "2026-01-31", ""], "账期“去年”不是有效的月份"),
        (
            ["3", "2", "1201", "物业费", "2026-01", "100", "2026-02-30", ""],
            "到期日“2026-02-30”不是有效的日期",
        ),
        (["3", "2", "1201", "物业费", "2026-01", "-5", "2026-01-31", ""], "应收金额不能为负数"),
        (
            ["3", "2", "1201", "物业费", "2026-01", "100", "2026-01-31", "200"],
            "已收金额超过了应收金额",
        ),
        (["三", "2", "1201", "物业费", "2026-01", "100", "2026-01-31", ""], "楼栋“三”不是楼栋号"),
        (
            ["3", "2", "1201", "燃气费", "2026-01", "100", "2026-01-31", ""],
            "费用类型“燃气费”不是以下之一",
        ),
    ],
)
def test_it_explains_bad_cells(supervisor_client, site_a, cells, message):
    factories.make_house(site_a, building=3, unit=2, room="1201")
    upload(supervisor_client, "bills", make_xlsx(BILL_HEADER, cells))
    html = supervisor_client.get(preview_url(RosterImport.objects.get())).content.decode()
    assert f"第 2 行：{message}" in html


def test_it_refuses_values_too_large_for_the_records(supervisor_client):
    content = make_xlsx(HOUSE_HEADER, [3, 2, 12, "1201", 1_000_000, "住宅", ""])
    upload(supervisor_client, "houses", content)
    html = supervisor_client.get(preview_url(RosterImport.objects.get())).content.decode()
    assert "第 2 行：建筑面积“1000000”太大" in html


def test_it_refuses_a_csv_with_binary_content(supervisor_client):
    content = csv_bytes([HOUSE_HEADER, [3, 2, 12, "1201", "", "住宅", ""]], "utf-8") + b"\x00"
    response = upload(supervisor_client, "houses", content, name="houses.csv")
    assert "这里不能上传这类文件" in response.content.decode()


def test_it_saves_nothing_when_one_row_is_wrong(supervisor_client, site_a):
    rows = [[3, 2, 12, f"12{i:02}", "", "住宅", ""] for i in range(1, 30)]
    rows.insert(20, [3, 2, "十二", "1299", "", "住宅", ""])
    upload(supervisor_client, "houses", make_xlsx(HOUSE_HEADER, *rows))
    roster = RosterImport.objects.get()

    response = supervisor_client.post(preview_url(roster), follow=True)
    html = response.content.decode()
    assert "没有导入任何数据：1 行有错误" in html
    assert "第 22 行：楼层“十二”不是楼层号" in html
    assert not House.objects.exists() and not Building.objects.exists()
    roster.refresh_from_db()
    assert roster.status == "previewed"


def test_it_checks_duplicates_within_the_file_and_against_the_records(supervisor_client, site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    Payment.objects.create(
        site=site_a, house=house, paid_on="2026-01-01", amount=1, method="cash", receipt_no="R-9"
    )
    content = make_xlsx(
        PAYMENT_HEADER,
        [3, 2, "1201", "2026-01-20", 50, "微信", "R-1", "", ""],
        [3, 2, "1201", "2026-01-20", 50, "微信", "R-1", "", ""],
        [3, 2, "1201", "2026-01-20", 50, "微信", "R-9", "物业费", ""],
        [3, 2, "1201", "2026-01-20", 50, "微信", "R-10", "物业费", "2026-01"],
    )
    upload(supervisor_client, "payments", content)
    html = supervisor_client.get(preview_url(RosterImport.objects.get())).content.decode()
    assert "第 3 行：收据号与第 2 行重复" in html
    assert "第 4 行：收据号“R-9”已经登记过" in html
    assert "第 4 行：要冲抵账单，请同时填写费用类型、账期" in html
    assert "第 5 行：3栋2单元1201 没有 2026-01 的物业费账单" in html


def test_it_imports_only_once_when_confirmed_twice(supervisor_client, site_a):
    factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(BILL_HEADER, [3, 2, "1201", "物业费", "2026-01", 100, "2026-01-31", 0])
    upload(supervisor_client, "bills", content)
    roster = RosterImport.objects.get()
    supervisor_client.post(preview_url(roster))
    Bill.objects.update(amount=999)  # a second import would overwrite this

    response = supervisor_client.post(preview_url(roster), follow=True)
    assert "该文件已经导入过了" in response.content.decode()
    assert Bill.objects.get().amount == 999


@pytest.mark.django_db(transaction=True)
def test_it_makes_a_concurrent_confirm_wait_and_then_import_nothing(site_a, supervisor):
    factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(BILL_HEADER, [3, 2, "1201", "物业费", "2026-01", 100, "2026-01-31", 0])
    pending, _ = roster_services.roster_upload(
        site=site_a, user=supervisor, kind="bills", upload=SimpleUploadedFile("b.xlsx", content)
    )
    outcome = {}

    def second_confirm():
        try:
            roster_services.roster_import(site=site_a, pk=pending.pk)
            outcome["message"] = "imported"
        except roster_services.RosterImportRefused as refused:
            outcome["message"] = str(refused)
        finally:
            connection.close()

    with transaction.atomic():  # the first confirm, half-way through
        RosterImport.objects.select_for_update().get(pk=pending.pk)
        thread = threading.Thread(target=second_confirm)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # waiting for the lock
        RosterImport.objects.filter(pk=pending.pk).update(status="imported")
    thread.join(timeout=10)
    assert outcome["message"] == "该文件已经导入过了。"
    assert not Bill.objects.exists()


def test_it_refuses_a_picture_renamed_xlsx(supervisor_client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    response = upload(supervisor_client, "houses", png, name="roster.xlsx")
    assert response.status_code == 200
    assert "这个文件是PNG 图片，这里不能上传" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_a_zip_that_is_not_a_workbook(supervisor_client):
    response = upload(supervisor_client, "houses", b"PK\x03\x04garbage", name="roster.xlsx")
    assert "不是有效的 Excel 工作簿" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n\r\n", make_xlsx()],
    ids=["zero bytes", "blank lines", "empty workbook"],
)
def test_it_refuses_an_empty_file(supervisor_client, content):
    response = upload(supervisor_client, "houses", content, name="roster.xlsx")
    assert "文件是空的" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_a_file_with_a_header_but_no_rows(supervisor_client):
    response = upload(supervisor_client, "houses", make_xlsx(HOUSE_HEADER))
    assert "文件只有列名，没有要导入的行" in response.content.decode()


def test_it_names_the_missing_columns(supervisor_client):
    content = make_xlsx(
        ["楼栋", "单元", "房号", "名字", "手机"], [3, 2, "1201", "张三", "13800138000"]
    )
    response = upload(supervisor_client, "residents", content)
    assert "文件缺少这些列：姓名、电话、关系" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_finds_the_header_below_a_title_row(supervisor_client, site_a):
    content = make_xlsx(["2026年房屋清单"], HOUSE_HEADER, [3, 2, 12, "1201", "", "", ""])
    upload_and_confirm(supervisor_client, "houses", content)
    assert House.objects.get(site=site_a).label == "3栋2单元1201"


def test_it_refuses_merged_cells(supervisor_client):
    content = make_xlsx(
        HOUSE_HEADER,
        [3, 2, 12, "1201", "", "住宅", ""],
        [None, 2, 12, "1202", "", "住宅", ""],
        merge="A2:A3",
    )
    response = upload(supervisor_client, "houses", content)
    assert "表格中有合并单元格（A2:A3）" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_more_than_50000_rows(supervisor_client):
    rows = "\n".join(f"3,2,12,{i}" for i in range(50_001))
    content = ("楼栋,单元,楼层,房号,用途,状态\n" + rows).encode()
    response = upload(supervisor_client, "houses", content, name="big.csv")
    assert "文件超过 50,000 行" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_reads_blank_rows_reaching_the_last_column_quickly(supervisor_client):
    # 20,000 of them (about 100 KB) took 23 s: each row was read out to column 16,384.
    content = xlsx_with_rows(HOUSE_HEADER, blank_rows_at_xfd(20_000), dimension="A1:XFD20001")
    started = time.monotonic()
    response = upload(supervisor_client, "houses", content)
    elapsed = time.monotonic() - started
    assert "文件只有列名，没有要导入的行" in response.content.decode()
    assert not RosterImport.objects.exists()
    assert elapsed < 10  # generous: a shared test machine; it takes well under a second


@pytest.mark.parametrize(
    "dimension",
    [
        "A1:XFD100001",  # declared: refused before a row is read
        "A1:G1",  # understated: reading stops at the limit
        "",  # as openpyxl writes it, A1:G1 as well
    ],
)
def test_it_counts_blank_rows_towards_the_row_limit(supervisor_client, dimension):
    content = xlsx_with_rows(HOUSE_HEADER, blank_rows_at_xfd(100_000), dimension=dimension)
    response = upload(supervisor_client, "houses", content)
    assert "文件超过 50,000 行" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_a_sheet_of_too_many_cells_before_reading_it(supervisor_client):
    # 40 rows as wide as a sheet goes: 655,360 cells, more than 50,000 rows of a roster.
    row = "".join(f'<c r="{get_column_letter(c)}{{n}}"><v>1</v></c>' for c in range(1, 16385))
    rows = "".join(f'<row r="{n}">' + row.replace("{n}", str(n)) + "</row>" for n in range(2, 42))
    response = upload(supervisor_client, "houses", xlsx_with_rows(HOUSE_HEADER, rows))
    assert "表格超过 600,120 个单元格" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_reads_only_the_first_columns_of_a_very_wide_csv(supervisor_client, site_a):
    content = (
        "楼栋,单元,楼层,房号,用途,状态\n" + "3,2,12,1201,," + "," * 1_000_000 + "\n"
    ).encode()
    upload_and_confirm(supervisor_client, "houses", content, name="wide.csv")
    assert House.objects.get(site=site_a).label == "3栋2单元1201"


def test_it_refuses_a_file_over_10_mb(supervisor_client):
    content = b"a" * (10 * 1024 * 1024 + 1)
    response = upload(supervisor_client, "houses", content, name="big.csv")
    assert "文件超过 10 MB" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_other_file_types_by_content(supervisor_client):
    response = upload(supervisor_client, "houses", b"%PDF-1.7\n", name="roster.csv")
    html = response.content.decode()
    assert "这个文件是PDF 文件，这里不能上传" in html
    assert "请上传：Excel 工作簿（.xlsx）、CSV 文件（.csv）" in html
    assert not RosterImport.objects.exists()


def test_it_refuses_an_old_excel_file(supervisor_client):
    response = upload(supervisor_client, "houses", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "旧版 Excel 97–2003" in response.content.decode()


def test_it_accepts_a_csv_whatever_its_name(supervisor_client, site_a):
    content = csv_bytes([HOUSE_HEADER, [3, 2, 12, "1201", "", "住宅", ""]], "utf-8")
    upload_and_confirm(supervisor_client, "houses", content, name="房屋.txt")
    assert House.objects.get(site=site_a).label == "3栋2单元1201"


# --- the original file --------------------------------------------------------------------


def test_it_gives_back_the_original_file_under_its_original_name(supervisor_client, site_a):
    content = make_xlsx(HOUSE_HEADER, [3, 2, 12, "1201", "", "住宅", ""])
    upload(supervisor_client, "houses", content, name="翠湖 房屋.xlsx")
    roster = RosterImport.objects.get()
    assert roster.file.name.startswith(f"roster/{site_a.pk}/")
    assert "翠湖" not in roster.file.name  # stored under a generated name

    html = supervisor_client.get(preview_url(roster)).content.decode()
    assert f'href="{file_url(roster)}"' in html and "下载原文件" in html
    response = supervisor_client.get(file_url(roster))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E7%BF%A0%E6%B9%96%20%E6%88%BF%E5%B1%8B.xlsx" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_says_when_the_original_file_is_gone(supervisor_client, site_a, supervisor):
    roster = RosterImport.objects.create(
        site=site_a,
        kind="houses",
        file="roster/gone.xlsx",
        original_name="x.xlsx",
        uploaded_by=supervisor,
    )
    response = supervisor_client.get(file_url(roster))
    assert response.status_code == 404
    assert "原文件已不在存储中" in response.content.decode()


# --- the pages ---------------------------------------------------------------------------


def test_it_shows_the_upload_page_with_templates(supervisor_client):
    html = supervisor_client.get(UPLOAD).content.decode()
    assert "导入住户资料" in html
    assert 'href="?template=residents"' in html
    assert "缴费记录" in html


def test_it_offers_a_template_per_kind(supervisor_client):
    response = supervisor_client.get(UPLOAD, {"template": "payments"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    (rows,) = read_xlsx(response.content).values()
    assert rows == [PAYMENT_HEADER]
    assert supervisor_client.get(UPLOAD, {"template": "nonsense"}).status_code == 404


def test_it_sends_anonymous_users_to_login(client, site_a, supervisor):
    roster = RosterImport.objects.create(
        site=site_a, kind="houses", original_name="x.xlsx", uploaded_by=supervisor
    )
    for url in (UPLOAD, preview_url(roster), file_url(roster)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_forbids_clerks(clerk_client, site_a, supervisor):
    roster = RosterImport.objects.create(
        site=site_a, kind="houses", original_name="x.xlsx", uploaded_by=supervisor
    )
    assert clerk_client.get(UPLOAD).status_code == 403
    assert clerk_client.get(preview_url(roster)).status_code == 403
    assert clerk_client.post(preview_url(roster)).status_code == 403
    assert clerk_client.get(file_url(roster)).status_code == 403


def test_it_hides_another_sites_import(client, site_b):
    supervisor_b = factories.make_user(site_b, role=roles.SUPERVISOR)
    roster = RosterImport.objects.create(
        site=site_b, kind="houses", original_name="x.xlsx", uploaded_by=supervisor_b
    )
    other = factories.make_user(factories.make_site(), role=roles.SUPERVISOR)
    client.force_login(other)
    assert client.get(preview_url(roster)).status_code == 404
    assert client.post(preview_url(roster)).status_code == 404
    assert client.get(file_url(roster)).status_code == 404


def test_it_imports_into_the_current_site_only(supervisor_client, site_a, site_b):
    factories.make_house(site_b, building=3, unit=2, room="1201")
    content = make_xlsx(RESIDENT_HEADER, [3, 2, "1201", "张三", "13800138000", "", "", "业主", ""])
    upload(supervisor_client, "residents", content)
    html = supervisor_client.get(preview_url(RosterImport.objects.get())).content.decode()
    assert "第 2 行：本小区没有房屋 3栋2单元1201" in html


def test_it_previews_with_a_fixed_number_of_queries(supervisor_client, site_a):
    def preview_queries(rows: int) -> int:
        RosterImport.objects.all().delete()
        content = make_xlsx(
            RESIDENT_HEADER,
            *[[3, 2, "1201", f"住户{i}", f"138{i:08}", "", "", "家属", ""] for i in range(rows)],
        )
        upload(supervisor_client, "residents", content)
        url = preview_url(RosterImport.objects.get())
        supervisor_client.get(url)  # the first request may renew the session
        with CaptureQueriesContext(connection) as queries:
            assert supervisor_client.get(url).status_code == 200
        return len(queries)

    factories.make_house(site_a, building=3, unit=2, room="1201")
    # session and user (sites and permissions are cached in it), the header's unread
    # messages; the import, with the check made at upload (the file is not read again, nor
    # houses and residents).
    assert preview_queries(10) == preview_queries(100) == 4


def test_it_shows_the_check_made_at_upload_without_reading_the_file_again(
    supervisor_client, site_a
):
    # Reading a 50,000-row file again took 3–4 s on every view of its preview.
    factories.make_house(site_a, building=3, unit=2, room="1201")
    content = make_xlsx(
        RESIDENT_HEADER,
        [3, 2, "1201", "张三", "13800138000", "", "", "业主", ""],
        [3, 2, "1201", "李四", "12345", "", "", "家属", ""],
    )
    upload(supervisor_client, "residents", content)
    roster = RosterImport.objects.get()
    roster.file.storage.delete(roster.file.name)
    html = supervisor_client.get(preview_url(roster)).content.decode()
    assert "共 2 行" in html
    assert "第 3 行：电话“12345”不是有效的手机号或固话" in html
    assert "3栋2单元1201" in html and "138****8000" in html and "13800138000" not in html


def test_it_checks_the_file_again_once_the_missing_houses_are_in(supervisor_client, site_a):
    content = make_xlsx(RESIDENT_HEADER, [3, 2, "1201", "张三", "13800138000", "", "", "业主", ""])
    upload(supervisor_client, "residents", content)
    roster = RosterImport.objects.get()
    html = supervisor_client.get(preview_url(roster)).content.decode()
    assert "第 2 行：本小区没有房屋 3栋2单元1201" in html
    assert 'id="roster-confirm"' not in html and 'id="roster-recheck"' in html

    factories.make_house(site_a, building=3, unit=2, room="1201")
    response = supervisor_client.post(preview_url(roster), {"recheck": "1"}, follow=True)
    html = response.content.decode()
    assert "已重新检查文件" in html
    assert "本小区没有房屋" not in html and 'id="roster-confirm"' in html
    roster.refresh_from_db()
    assert (roster.status, roster.error_count) == ("previewed", 0)

    response = supervisor_client.post(preview_url(roster), follow=True)
    assert "已从“roster.xlsx”导入 1 行" in response.content.decode()
    assert Resident.objects.get(site=site_a).name == "张三"


def test_it_lists_recent_imports_with_the_same_number_of_queries_for_few_or_many(
    supervisor_client, site_a, site_b
):
    def add(n: int) -> None:
        for i in range(n):
            # Each by another member of staff: their names are shown beside the file.
            uploader = factories.make_user(site_a, full_name=f"主管{i}")
            RosterImport.objects.create(
                site=site_a, kind="residents", original_name=f"名单{i}.xlsx", uploaded_by=uploader
            )

    def page_queries() -> int:
        supervisor_client.get(UPLOAD)  # the first request may renew the session
        with CaptureQueriesContext(connection) as queries:
            html = supervisor_client.get(UPLOAD).content.decode()
        assert 'id="roster-recent"' in html
        return len(queries)

    add(1)
    few = page_queries()
    add(12)  # more than the page lists
    # Session, user, the header's unread messages, the recent imports with their uploaders.
    assert page_queries() == few == 4


def test_it_checks_and_allocates_payments_with_a_fixed_number_of_queries(site_a):
    from residents.roster.parse import roster_parse

    def parse_queries(rows: int) -> int:
        content = make_xlsx(
            PAYMENT_HEADER,
            *[
                [3, 2, f"{i + 1}01", "2026-06-01", 450, "微信", f"F{rows}-{i}", "", ""]
                for i in range(rows)
            ],
        )
        with CaptureQueriesContext(connection) as queries:
            result = roster_parse(site=site_a, kind="payments", data=content)
        assert result.ok and all(cells[-1] for _number, cells in result.preview)
        return len(queries)

    for i in range(40):
        house = factories.make_house(site_a, building=3, unit=2, room=f"{i + 1}01")
        factories.make_overdue_bills(house, 2)
    # The site's houses, the receipts taken (no bill is named: none asked for), the open
    # bills of the file's houses and their credit.
    assert parse_queries(4) == parse_queries(40) == 4
