"""The register's .xlsx export (/visitors/visits/export/)."""

from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.models import PersonalDataAccess
from tests import factories
from tests.factories import make_visit
from tests.residents.conftest import read_xlsx
from visitors.models import Visit
from visitors.selectors import exports

URL = reverse("visitors:visits_export")
SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "11010519491231002X"
HEADER = [
    "进入时间",
    "离开时间",
    "访客",
    "电话",
    "身份证号",
    "人数",
    "来访事由",
    "被访房屋",
    "被访住户",
    "车牌号",
    "离场方式",
    "登记人",
]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def visits(site_a, site_b, clerk, clerk_b, house_a):
    resident = house_a.residents.get()
    return [
        make_visit(
            site_a,
            clerk,
            at=at(2, 9, 30),
            stay=timedelta(hours=1),
            name="杨洋",
            id_number=ID_NUMBER,
            party_size=2,
            house=house_a,
            resident=resident,
            plate="浙A12345",
        ),
        make_visit(site_a, clerk, at=at(3, 14), stay=None, purpose_name="快递外卖", name="王五"),
        make_visit(site_b, clerk_b, at=at(2, 10), name="乙小区访客"),
    ]


def sheet_of(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return read_xlsx(response.content)["登记簿"]


def test_it_exports_the_register_masked(clerk_client, visits):
    rows = sheet_of(clerk_client.get(URL))
    assert rows == [
        HEADER,
        [
            datetime(2026, 3, 3, 14, 0),
            None,
            "王五",
            "139****5678",
            None,
            1,
            "快递外卖",
            None,
            None,
            None,
            "在场",
            "王丽",
        ],
        [
            datetime(2026, 3, 2, 9, 30),
            datetime(2026, 3, 2, 10, 30),
            "杨洋",
            "139****5678",
            "110105********002X",
            2,
            "走亲访友",
            "3栋2单元1201",
            "张三丰",
            "浙A12345",
            "前台办理离场",
            "王丽",
        ],
    ]
    assert not PersonalDataAccess.objects.exists()


def test_it_exports_what_the_register_filter_shows(clerk_client, visits):
    rows = sheet_of(clerk_client.get(URL, {"since": "2026-03-03", "until": "2026-03-03"}))
    assert [row[2] for row in rows[1:]] == ["王五"]
    purpose = visits[0].purpose_id
    rows = sheet_of(clerk_client.get(URL, {"purpose": purpose}))
    assert [row[2] for row in rows[1:]] == ["杨洋"]
    rows = sheet_of(clerk_client.get(URL, {"status": "on_site"}))
    assert [row[2] for row in rows[1:]] == ["王五"]
    rows = sheet_of(clerk_client.get(URL, {"q": "浙A·12345"}))
    assert [row[2] for row in rows[1:]] == ["杨洋"]


def test_it_gives_a_supervisor_full_numbers_and_logs_it(client, supervisor, site_a, visits):
    client.force_login(supervisor)
    rows = sheet_of(client.get(URL, {"full": "1", "since": "2026-03-02", "until": "2026-03-02"}))
    assert rows[1][3:5] == ["13912345678", ID_NUMBER]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.site, access.action) == (supervisor, site_a, "export")
    assert (access.model, access.object_id) == ("", "")
    assert access.field == "visitor_phone,id_number"
    assert access.description == "访客登记簿，1 行，完整电话和身份证号"


def test_a_supervisor_gets_masked_numbers_unless_asking(client, supervisor, visits):
    client.force_login(supervisor)
    assert sheet_of(client.get(URL))[1][3] == "139****5678"
    assert not PersonalDataAccess.objects.exists()


def test_it_gives_a_clerk_masked_numbers_even_when_asked_for_full_ones(clerk_client, visits):
    rows = sheet_of(clerk_client.get(URL, {"full": "1"}))
    assert {row[3] for row in rows[1:]} == {"139****5678"}
    assert not PersonalDataAccess.objects.exists()


def test_it_exports_only_the_current_sites_visits(client, clerk_b, visits):
    client.force_login(clerk_b)
    rows = sheet_of(client.get(URL))
    assert [row[2] for row in rows[1:]] == ["乙小区访客"]


def test_it_leaves_erased_numbers_empty(clerk_client, site_a, clerk):
    make_visit(site_a, clerk, at=at(1, 9), phone="", name="旧访客")
    rows = sheet_of(clerk_client.get(URL))
    assert rows[1][2:5] == ["旧访客", None, None]


def test_it_keeps_a_formula_typed_as_a_name_as_text(clerk_client, site_a, clerk):
    make_visit(site_a, clerk, name='=HYPERLINK("http://x","张")')
    assert sheet_of(clerk_client.get(URL))[1][2] == '=HYPERLINK("http://x","张")'


def test_it_names_the_file_in_chinese(clerk_client, visits):
    disposition = clerk_client.get(URL)["Content-Disposition"]
    today = f"{date.today():%Y%m%d}"
    assert f"filename*=UTF-8''{quote(f'访客登记-{today}.xlsx')}" in disposition


def test_it_caps_the_rows_and_says_so(clerk_client, site_a, clerk, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    for hour in range(3):
        make_visit(site_a, clerk, at=at(1, 9 + hour), name=f"访客{hour}")
    rows = sheet_of(clerk_client.get(URL))
    assert [row[2] for row in rows[1:3]] == ["访客2", "访客1"]
    assert rows[3][0] == "仅导出最近的 2 条来访记录，其余请缩短日期范围后再导出。"
    assert len(rows) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-02-30"},
        {"until": "9999-12-31"},
        {"since": "2026-03-02", "until": "2026-03-01"},
        {"purpose": "x"},
        {"status": "gone"},
        {"q": "'" * 60},
    ],
)
def test_a_bad_filter_exports_nothing_and_shows_the_errors(clerk_client, visits, params):
    # Never the whole register in place of what was asked: back to the list, its errors
    # beside the fields.
    response = clerk_client.get(URL, params)
    assert response.status_code == 302
    page = clerk_client.get(response["Location"])
    assert page.status_code == 200 and "is-invalid" in page.content.decode()


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_closed_to_department_staff_and_to_staff_without_a_site(client, engineer):
    client.force_login(engineer)
    assert client.get(URL).status_code == 403
    client.force_login(factories.make_user(username="nosite"))
    assert client.get(URL).status_code == 403


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_its_queries_do_not_grow_with_the_rows(clerk_client, site_a, clerk, house_a):
    resident = house_a.residents.get()
    make_visit(site_a, clerk, house=house_a, resident=resident)
    clerk_client.get(URL)  # the session's first read of the user's sites
    one = queries_for(clerk_client)
    for n in range(15):
        other = factories.make_house(site_a, building=5, room=f"{n + 1}01")
        make_visit(
            site_a,
            factories.make_user(site_a),
            at=at(1, 9) + timedelta(minutes=n),
            house=other,
            resident=factories.make_resident(site_a, "李四", f"1390000{n:04d}", house=other),
            stay=None if n % 2 else timedelta(hours=1),
        )
    # Session, user, the visits with their purpose, house and clerk, and the residents they
    # name.
    assert queries_for(clerk_client) == one == 4
    assert Visit.objects.count() == 16
