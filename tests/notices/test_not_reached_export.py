"""The households a notice did not reach, as .xlsx for the desk to phone or visit: every
one of them (not a page), owners' phones masked unless a user allowed to asks (logged)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.models import PersonalDataAccess
from tests.notices.test_delivery import approve_sms_template, build_estate
from tests.notices.test_reach import publish_and_deliver, publish_with_unreached
from tests.residents.conftest import read_xlsx

HEADER = ["房屋", "业主群", "业主", "电话", "未触达原因"]


@pytest.fixture
def published(site_a, clerk, approver, settings):
    """The reach panel's notice (tests.notices.test_reach): five households not reached."""
    approve_sms_template(site_a, settings)
    return publish_and_deliver(build_estate(site_a), clerk, approver)


def export(client, notice, **query):
    return client.get(reverse("notices:reach_export", args=[notice.pk]), query)


def sheet_of(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return read_xlsx(response.content)["未触达住户"]


def test_it_lists_every_household_not_reached_masked(clerk_client, published):
    rows = sheet_of(export(clerk_client, published))

    assert rows[0] == HEADER
    assert rows[1:] == [
        ["2栋1单元201", "群消息发送失败", "王三", "138****0201", "群消息发送失败；业主拒收短信"],
        ["2栋1单元202", "群消息发送失败", "周七", None, "群消息发送失败；业主无电话"],
        [
            "3栋1单元302",
            "未配置群机器人",
            "钱五",
            "0571-****6666",
            "未配置群机器人；业主电话不是手机号",
        ],
        ["3栋1单元303", "未配置群机器人", "孙六", "138****0303", "未配置群机器人；短信发送失败"],
        ["4栋1单元401", "群消息发送失败", None, None, "群消息发送失败；未登记业主"],
    ]
    assert not PersonalDataAccess.objects.exists()


def test_it_is_every_household_not_only_a_page(clerk_client, site_a, clerk, approver, settings):
    published = publish_with_unreached(build_estate(site_a), clerk, approver, settings, 35)
    assert len(sheet_of(export(clerk_client, published))) == 1 + 5 + 35


def test_a_supervisor_asking_gets_whole_numbers_and_it_is_logged(
    client,
    supervisor,
    site_a,
    published,
):
    client.force_login(supervisor)
    assert sheet_of(export(client, published))[1][3] == "138****0201"
    assert not PersonalDataAccess.objects.exists()

    assert sheet_of(export(client, published, full="1"))[1][3] == "13800000201"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.site, access.action, access.field) == (
        supervisor,
        site_a,
        "export",
        "phone",
    )
    assert access.description == f"公告 {published.pk} 未触达住户，5 行，完整电话号码"


def test_a_clerk_asking_gets_the_masked_file(clerk_client, published):
    assert sheet_of(export(clerk_client, published, full="1"))[1][3] == "138****0201"
    assert not PersonalDataAccess.objects.exists()


def test_it_names_the_file_in_chinese(clerk_client, published):
    disposition = export(clerk_client, published)["Content-Disposition"]
    name = f"未触达住户-{published.pk}-{date.today():%Y%m%d}.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_another_sites_notice_is_not_found(client, clerk_b, published):
    client.force_login(clerk_b)
    assert export(client, published).status_code == 404


@pytest.mark.parametrize("extra", [0, 40])
def test_it_reads_the_households_in_a_fixed_number_of_queries(
    clerk_client, site_a, clerk, approver, settings, extra
):
    published = publish_with_unreached(build_estate(site_a), clerk, approver, settings, extra)
    export(clerk_client, published)
    with CaptureQueriesContext(connection) as queries:
        sheet_of(export(clerk_client, published))
    # session, user, the notice with its type and site; the texts sent counted, the
    # groups' messages, the texts not sent; the audience buildings with their robots; the
    # recipients without a text or with one not sent, their houses in order; the houses
    # not reached, their owners with the residents
    assert len(queries) == 11, "\n".join(q["sql"][:120] for q in queries)
