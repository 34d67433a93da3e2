"""Channels in a real browser: a supervisor sets up a building's group robot and an SMS
template in admin and tries each; a clerk texts a household about a parcel and sees it
sent on the parcel's page. The providers are the local fakes (tests/channels)."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.channels import sending
from frontdesk.channels.fakes.tencent_sms import SIGN_NAME, TEMPLATE_ID
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from residents.models import Building
from tests import factories
from tests.channels.conftest import fake_wecom  # noqa: F401  (fixtures)
from tests.channels.sms_fixture import fake_sms  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    # Residents are not texted at night (quiet hours); the shift here is at 10:00.
    today = timezone.localdate()
    ten = timezone.make_aware(datetime(today.year, today.month, today.day, 10))
    monkeypatch.setattr(timezone, "now", lambda: ten)


@pytest.fixture
def providers(settings, fake_wecom, fake_sms):  # noqa: F811
    settings.WECOM_ROBOT_URL = fake_wecom.url
    for name, value in fake_sms.settings().items():
        setattr(settings, name, value)
    return fake_wecom, fake_sms


def test_a_supervisor_sets_up_a_robot_and_a_template_and_tries_both(
    page, live_server, log_in, console_errors, supervisor, site_a, providers
):
    wecom, sms = providers
    factories.make_house(site_a, building=3)
    log_in(supervisor)

    page.goto("/admin/channels/robot/add/")
    page.locator("#id_site").select_option(str(site_a.pk))
    page.locator("#id_name").fill("3栋业主群")
    page.locator("#id_kind").select_option("residents")
    page.locator("#id_key").fill(
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"
    )
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    robot = Robot.objects.get()
    assert robot.key == "693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"
    assert robot.key not in page.content()

    page.get_by_role("button", name="发送测试消息").click()
    expect(page.locator(".messagelist")).to_contain_text("测试")
    sending.send_due()
    [message] = wecom.delivered
    assert message.key == robot.key

    Building.objects.filter(site=site_a, number=3).update(group_robot=robot)

    page.goto("/admin/channels/smstemplate/add/")
    page.locator("#id_site").select_option(str(site_a.pk))
    page.locator("#id_purpose").select_option("parcel_waiting")
    page.locator("#id_template_id").fill(TEMPLATE_ID)
    page.locator("#id_sign_name").fill(SIGN_NAME)
    page.locator("#id_params").fill("house,courier,快递单号")
    page.locator("input[name=_continue]").click()
    # A name the parcel message does not fill is refused beside the field, and kept.
    expect(page.locator(".errorlist")).to_contain_text("house")
    expect(page.locator("#id_params")).to_have_value("house,courier,快递单号")
    page.locator("#id_params").fill("house,courier,tail")
    page.locator("input[name=_continue]").click()
    expect(page.get_by_role("link", name="发送测试短信")).to_be_visible()

    page.get_by_role("link", name="发送测试短信").click()
    page.locator("input[name=phone]").fill("13800138000")
    page.locator("#content-main [type=submit]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    sending.send_due()
    [request] = sms.requests
    assert request.mobiles == ["13800138000"] and request.template_id == TEMPLATE_ID
    assert SmsTemplate.objects.get().params == "house,courier,tail"
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert console_errors == []


def test_a_clerk_texts_the_household_and_sees_it_sent(
    page, live_server, log_in, console_errors, clerk, site_a, providers
):
    _wecom, sms = providers
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    SmsTemplate.objects.create(
        site=site_a,
        purpose="parcel_waiting",
        template_id=TEMPLATE_ID,
        sign_name=SIGN_NAME,
        params="house,courier,tail",
    )
    parcel = factories.make_parcel(site_a, clerk, house)
    log_in(clerk)

    page.goto(f"/visitors/parcels/{parcel.pk}/")
    page.locator("#id_method").select_option("sms")
    page.locator("#notify-submit").click()
    expect(page.locator("#parcel-deliveries")).to_contain_text("待发送")

    sending.send_due()  # what the worker does after the commit
    page.reload()

    row = page.locator("#parcel-deliveries tbody tr")
    expect(row).to_contain_text("短信")
    expect(row).to_contain_text("138****8000")
    expect(row).to_contain_text("已发送")
    assert sms.requests[0].params == ["3栋2单元1201", "顺丰", "7890"]
    assert console_errors == []
