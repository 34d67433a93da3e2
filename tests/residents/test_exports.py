"""The .xlsx exports of the lookup and of the arrears list."""

from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.models import PersonalDataAccess
from residents.models import Occupancy
from tests import factories
from tests.residents.conftest import read_xlsx

LOOKUP_EXPORT = reverse("residents:lookup_export")
ARREARS_EXPORT = reverse("residents:arrears_export")


@pytest.fixture
def owner(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    resident = factories.make_resident(site_a, name="张三丰", phone="13800138000", house=house)
    factories.make_resident(
        site_a, name="张无忌", phone="13900139000", house=house, relation="family"
    )
    factories.make_overdue_bills(house)
    return resident


def test_it_exports_what_the_lookup_finds(clerk_client, owner):
    response = clerk_client.get(LOOKUP_EXPORT, {"q": "张"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheets = read_xlsx(response.content)
    assert sheets["住户"] == [
        ["姓名", "电话", "房屋"],
        ["张三丰", "138****8000", "3栋2单元1201（业主）"],
        ["张无忌", "139****9000", "3栋2单元1201（家属）"],
    ]
    assert sheets["房屋"] == [["房屋", "状态", "业主"]]


def test_it_exports_houses_found_by_their_code(clerk_client, owner):
    sheets = read_xlsx(clerk_client.get(LOOKUP_EXPORT, {"q": "3-2-1201"}).content)
    assert sheets["房屋"] == [["房屋", "状态", "业主"], ["3栋2单元1201", "业主自住", "张三丰"]]


def test_it_names_the_file_in_chinese(clerk_client, owner):
    disposition = clerk_client.get(LOOKUP_EXPORT, {"q": "张"})["Content-Disposition"]
    today = f"{date.today():%Y%m%d}"
    assert disposition.startswith(f'attachment; filename="{today}.xlsx"; ')
    assert f"filename*=UTF-8''{quote(f'住户查询-{today}.xlsx')}" in disposition


def test_it_exports_the_arrears_list(clerk_client, owner, site_a, site_b):
    factories.make_overdue_bills(
        factories.make_house(site_a, building=5, unit=0, room="101"), amount="50"
    )
    factories.make_overdue_bills(factories.make_house(site_b, building=9, unit=0, room="909"))
    response = clerk_client.get(ARREARS_EXPORT)
    (rows,) = read_xlsx(response.content).values()
    assert rows == [
        ["房屋", "欠费月数", "欠费金额", "业主姓名", "业主电话"],
        ["3栋2单元1201", 1, 300, "张三丰", "138****8000"],
        ["5栋101", 1, 50, None, None],
    ]
    assert quote("欠费清单-") in response["Content-Disposition"]


def test_it_masks_phones_by_default(client, supervisor, owner):
    client.force_login(supervisor)
    for url, params in ((LOOKUP_EXPORT, {"q": "张三丰"}), (ARREARS_EXPORT, {})):
        content = client.get(url, params).content
        text = str(read_xlsx(content))
        assert "138****8000" in text and "13800138000" not in text
    assert not PersonalDataAccess.objects.exists()


def test_it_gives_a_supervisor_full_phones_and_logs_it(client, supervisor, owner, site_a):
    client.force_login(supervisor)
    sheets = read_xlsx(client.get(ARREARS_EXPORT, {"full": "1"}).content)
    assert sheets["欠费"][1][4] == "13800138000"
    sheets = read_xlsx(client.get(LOOKUP_EXPORT, {"q": "张三丰", "full": "1"}).content)
    assert sheets["住户"][1][1] == "13800138000"

    arrears, lookup = PersonalDataAccess.objects.order_by("at", "id")
    assert (arrears.user, arrears.site, arrears.action) == (supervisor, site_a, "export")
    assert (arrears.model, arrears.object_id, arrears.field) == ("", "", "phone")
    assert arrears.description == "欠费清单，1 行，完整电话号码"
    assert lookup.description == "住户查询“张三丰”，1 行，完整电话号码"


def test_it_gives_a_clerk_masked_phones_even_when_asked_for_full_ones(clerk_client, owner):
    content = clerk_client.get(ARREARS_EXPORT, {"full": "1"}).content
    assert read_xlsx(content)["欠费"][1][4] == "138****8000"
    assert not PersonalDataAccess.objects.exists()


def test_it_exports_only_the_current_sites_records(client, clerk_b, owner):
    client.force_login(clerk_b)
    sheets = read_xlsx(client.get(LOOKUP_EXPORT, {"q": "张"}).content)
    assert sheets["住户"] == [["姓名", "电话", "房屋"]]
    (rows,) = read_xlsx(client.get(ARREARS_EXPORT).content).values()
    assert len(rows) == 1


def test_it_keeps_a_formula_typed_as_a_name_as_text(clerk_client, site_a):
    factories.make_resident(site_a, name='=HYPERLINK("http://x","张")', phone="13700137000")
    sheets = read_xlsx(clerk_client.get(LOOKUP_EXPORT, {"q": "张"}).content)
    assert sheets["住户"][1][0] == '=HYPERLINK("http://x","张")'


def test_it_sends_anonymous_users_to_login(client):
    for url in (LOOKUP_EXPORT, ARREARS_EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_forbids_department_staff(client, engineer):
    client.force_login(engineer)
    assert client.get(LOOKUP_EXPORT, {"q": "张"}).status_code == 403
    assert client.get(ARREARS_EXPORT).status_code == 403


# Session, user, then what the comment says, then the log of the full numbers shown.
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (LOOKUP_EXPORT, 4),  # the lookup's one statement
        (ARREARS_EXPORT, 6),  # the arrears by house, the houses, their occupants
    ],
)
def test_it_uses_a_fixed_number_of_queries(client, supervisor, site_a, url, expected):
    client.force_login(supervisor)

    def queries(houses: int) -> int:
        for _ in range(houses):
            house = factories.make_house(
                site_a, building=7, room=str(1000 + Occupancy.objects.count())
            )
            factories.make_resident(site_a, name="张三", phone="13800138000", house=house)
            factories.make_overdue_bills(house)
        client.get(url, {"q": "张三", "full": "1"})  # the first request may renew the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"q": "张三", "full": "1"}).status_code == 200
        return len(captured)

    assert queries(2) == queries(20) == expected
