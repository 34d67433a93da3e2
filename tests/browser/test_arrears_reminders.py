"""Payment reminders in a real browser: the clerk filters the arrears list, confirms the
text messages (seeing who is left out and why), sends them, then prints the door slips of
the same houses and records them as delivered."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.channels.models import Delivery
from residents.models import ArrearsReminder
from tests.browser.test_accessibility import serious_violations
from tests.residents.owing import owing_house, sms_ready

pytestmark = pytest.mark.browser


@pytest.fixture
def debtors(settings, site_a, site_b):
    sms_ready(settings, site_a)
    return [
        owing_house(site_a, room="101", months=4, owner="张三丰", phone="13800138000"),
        owing_house(site_a, room="102", months=3, owner="李四", phone="13900139000"),
        owing_house(site_a, room="103", months=3, owner="赵六", phone=""),
        owing_house(site_a, room="104", months=1, owner="王五", phone="13700137000"),
        owing_house(site_b, building=9, room="909", months=6, owner="欧阳锋"),
    ]


def test_it_filters_the_arrears_list_and_sends_reminders(
    page, live_server, log_in, console_errors, clerk, debtors
):
    log_in(clerk)
    page.goto("/residents/arrears/")
    expect(page.locator("#arrears tbody tr")).to_have_count(4)
    page.locator("#id_months").fill("3")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#arrears tbody tr")).to_have_count(3)
    expect(page.locator("#arrears")).not_to_contain_text("3栋2单元104")
    assert serious_violations(page) == []

    page.locator("#arrears-remind").click()
    expect(page).to_have_url(f"{live_server.url}/residents/arrears/reminders/?months=3")
    expect(page.locator("#reminders-to-send")).to_have_text("2")
    expect(page.locator("#reminders-skipped")).to_have_text("1")
    skipped = page.locator("#reminders-skipped-list tbody tr")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text("3栋2单元103")
    expect(skipped).to_contain_text("业主无手机号")
    expect(page.locator("#reminders-example")).to_contain_text("已欠费 4 个月，共计 ¥1200.00")
    assert serious_violations(page) == []

    page.locator("#reminders-send button").click()
    expect(page).to_have_url(f"{live_server.url}/residents/arrears/?months=3")
    expect(page.locator(".alert-success")).to_contain_text("已向 2 户发送缴费提醒短信：共 2 条短信")
    today = f"{timezone.localdate():%Y-%m-%d}"
    expect(page.locator("#arrears tbody tr").first).to_contain_text(f"{today} 短信")
    assert sorted(Delivery.objects.values_list("phone", flat=True)) == [
        "13800138000",
        "13900139000",
    ]

    # Asked again at once: everyone reminded today is left out, and nothing goes out.
    page.locator("#arrears-remind").click()
    expect(page.locator("#reminders-to-send")).to_have_text("0")
    expect(page.locator("#reminders-send")).to_have_count(0)
    expect(page.locator("#reminders-skipped-list")).to_contain_text("间隔期内已提醒")

    # The door slips of the same houses: two to a sheet, recorded once delivered.
    page.get_by_role("link", name="打印催缴单").click()
    expect(page.locator(".slip-sheet")).to_have_count(2)
    expect(page.locator(".slip-sheet").first.locator(".door-slip")).to_have_count(2)
    expect(page.locator(".slip-code")).to_have_text(["3栋2单元101", "3栋2单元102", "3栋2单元103"])
    assert serious_violations(page) == []
    page.get_by_role("button", name="记录为已送达").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录 3 户的催缴单已送达")
    assert ArrearsReminder.objects.filter(channel="slip").count() == 3
    assert console_errors == []
