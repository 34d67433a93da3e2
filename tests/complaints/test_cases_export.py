"""Cases as .xlsx (/complaints/export/): exactly what the list of every case shows for the
same filter, residents' phones masked unless a supervisor asks (logged)."""

from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Case
from complaints.selectors import exports
from complaints.states import State
from frontdesk.models import PersonalDataAccess
from tests import factories
from tests.residents.conftest import read_xlsx

URL = reverse("complaints:cases_export")
CASES = reverse("complaints:cases")
HEADER = [
    "工单号",
    "登记时间",
    "类型",
    "来源",
    "分类",
    "紧急程度",
    "状态",
    "房屋/地点",
    "住户",
    "电话",
    "描述",
    "部门",
    "处理人",
    "办结时限",
    "办结时间",
    "满意度",
    "结案时间",
    "12345工单编号",
]


def sheet_of(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return read_xlsx(response.content)["工单"]


@pytest.fixture
def cases(site_a, site_b, clerk, house_a):
    resident = house_a.residents.get()
    leak = factories.make_case(site_a, clerk, house=house_a, resident=resident)
    rubbish = factories.make_case(
        site_a, clerk, category="环境卫生/垃圾清运", place="3栋 地下车库", kind="complaint"
    )
    Case.objects.filter(pk=rubbish.pk).update(
        state=State.PAUSED, paused_since=rubbish.created_at, next_due=None
    )
    other = factories.make_case(site_b, factories.make_user(site_b), description="乙小区")
    return leak, rubbish, other


def numbers_listed(client, query) -> list[str]:
    return [row.case.number for row in client.get(CASES, query).context["page"]]


def test_it_exports_the_cases_masked(clerk_client, cases):
    leak, rubbish, _ = cases
    rows = sheet_of(clerk_client.get(URL))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [rubbish.number, leak.number]
    assert rows[2][2:13] == [
        "报修",
        "电话",
        "工程维修/漏水",
        "一般",
        "已派单",
        "3栋2单元1201",
        "张三丰",
        "138****8000",
        "卫生间天花板漏水",
        "工程部",
        None,
    ]
    assert rows[1][7:10] == ["3栋 地下车库", None, None]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "query",
    [{}, {"state": "paused"}, {"state": "open"}, {"kind": "repair"}, {"since": "2000-01-01"}],
)
def test_it_exports_exactly_what_the_filter_lists(clerk_client, cases, query):
    rows = sheet_of(clerk_client.get(URL, query))
    assert [row[0] for row in rows[1:]] == numbers_listed(clerk_client, query)


def test_it_exports_only_the_department_s_cases_to_its_staff(client, engineer, cases):
    client.force_login(engineer)
    assert [row[0] for row in sheet_of(client.get(URL))[1:]] == [cases[0].number]


def test_it_exports_only_the_current_sites_cases(client, clerk_b, cases):
    client.force_login(clerk_b)
    assert [row[0] for row in sheet_of(client.get(URL))[1:]] == [cases[2].number]


def test_it_gives_a_supervisor_full_numbers_and_logs_it(client, supervisor, site_a, cases):
    client.force_login(supervisor)
    assert sheet_of(client.get(URL))[2][9] == "138****8000"
    assert not PersonalDataAccess.objects.exists()
    assert sheet_of(client.get(URL, {"full": "1"}))[2][9] == "13800138000"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.site, access.action, access.field) == (
        supervisor,
        site_a,
        "export",
        "phone",
    )


def test_it_gives_a_clerk_masked_numbers_even_when_asked(clerk_client, cases):
    assert sheet_of(clerk_client.get(URL, {"full": "1"}))[2][9] == "138****8000"
    assert not PersonalDataAccess.objects.exists()


def test_it_names_the_file_in_chinese(clerk_client, cases):
    disposition = clerk_client.get(URL)["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(f'工单-{date.today():%Y%m%d}.xlsx')}" in disposition


def test_it_caps_the_rows_and_says_so(clerk_client, cases, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)
    rows = sheet_of(clerk_client.get(URL))
    assert rows[1][0] == cases[1].number
    assert rows[2][0] == "仅导出最新的 1 条工单：其余请缩短日期范围。"
    assert len(rows) == 3


@pytest.mark.parametrize(
    "params",
    [{"since": "2026-02-30"}, {"until": "9999-12-31"}, {"state": "gone"}, {"category": "x"}],
)
def test_a_bad_filter_exports_nothing_and_shows_the_errors(clerk_client, cases, params):
    response = clerk_client.get(URL, params)
    assert response.status_code == 302
    page = clerk_client.get(response["Location"])
    assert page.status_code == 200 and "is-invalid" in page.content.decode()


@pytest.mark.parametrize("extra", [0, 10])
def test_it_reads_the_cases_in_one_query(clerk_client, site_a, clerk, cases, extra):
    for _ in range(extra):
        factories.make_case(site_a, clerk)
    clerk_client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        sheet_of(clerk_client.get(URL, {"state": "open"}))
    # session, user, the cases with their category, place and resident joined, and the
    # departments they name (no case has a handler yet: none is read)
    assert len(queries) == 4, [q["sql"][:120] for q in queries]


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
