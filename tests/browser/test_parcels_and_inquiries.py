"""Reception's quick logs in a real browser: a phone inquiry referred to 工程部 and answered
there, and a parcel logged with its photo and handed over."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from visitors.models import Inquiry, Parcel

# The picture's width once it has finished loading, 0 if it could not load.
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth));
    img.addEventListener("error", () => done(0));
})"""

pytestmark = pytest.mark.browser


@pytest.fixture
def house(site_a, site_b):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_logs_a_phone_inquiry_and_the_engineer_answers_it(
    page, live_server, log_in, console_errors, clerk, engineer, house
):
    log_in(clerk)
    page.goto("/visitors/inquiries/")
    # Keyboard only: the channel first, then on through the fields.
    expect(page.locator("#id_channel_0")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_channel_1")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_asker_name")).to_be_focused()
    page.keyboard.type("李女士")
    page.keyboard.press("Tab")
    page.keyboard.type("13912345678")
    page.keyboard.press("Tab")
    page.keyboard.type("3-2-1201")
    page.keyboard.press("Tab")
    page.keyboard.type("卫生间天花板渗水")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#id_referred_to")).to_be_focused()
    page.locator("#id_referred_to").select_option(label="工程部")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator(".alert-success")).to_contain_text("已登记并转交工程部")
    expect(page.locator("#id_channel_0")).to_be_focused()  # ready for the next one
    row = page.locator("#inquiries tbody tr").first
    expect(row).to_contain_text("卫生间天花板渗水")
    expect(row).to_contain_text("139****5678")
    expect(row).to_contain_text("3栋2单元1201")
    expect(row).to_contain_text("待处理")
    assert Inquiry.objects.get().channel == Inquiry.Channel.PHONE

    # The engineer finds it on his department's list and answers it.
    page.context.clear_cookies()
    log_in(engineer)
    page.goto("/visitors/referrals/")
    expect(page.locator("#referrals-title")).to_have_text("转交工程部的咨询")
    referral = page.locator("#referrals tbody tr").first
    expect(referral).to_contain_text("卫生间天花板渗水")
    expect(referral).to_contain_text("139****5678")
    referral.locator("textarea").fill("已上门查看，楼上防水层破损，已安排维修。")
    referral.get_by_role("button", name="处理完毕").click()
    expect(page.locator(".alert-success")).to_contain_text("已标记为处理完毕")
    expect(page.locator("#referrals")).to_contain_text("没有待处理的转交")
    assert Inquiry.objects.get().referral_done_by == engineer
    assert console_errors == []


def test_it_logs_a_parcel_and_hands_it_over(
    page, live_server, log_in, console_errors, clerk, house, media, tmp_path
):
    photo = tmp_path / "label.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 240, 240)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    log_in(clerk)
    page.goto("/visitors/parcels/new/")
    expect(page.locator("#id_house")).to_be_focused()
    page.keyboard.type("3栋2单元1201")
    page.locator("#id_recipient_name").fill("张*丰")
    page.locator("#id_courier").select_option(label="顺丰")
    page.locator("#id_tracking_number").fill("SF1234567890")
    page.locator("#id_shelf").fill("A-3")
    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("#id_notify_now").check()
    page.locator("#id_notice_method").select_option("sms")
    page.locator("#parcel-submit").click()

    # Back on an empty form, the courier kept, for the next parcel of the pile.
    expect(page.locator(".alert-success")).to_contain_text(
        "已登记：3栋2单元1201，顺丰 SF1234567890"
    )
    expect(page.locator("#id_house")).to_be_focused()
    expect(page.locator("#id_house")).to_have_value("")
    expect(page.locator("#id_courier")).to_have_value("sf")

    page.locator("#parcels-link").click()
    expect(page.locator("#waiting-count")).to_have_text("待取 1 件")
    row = page.locator("#parcels tbody tr").first
    expect(row).to_contain_text("SF1234567890")
    expect(row).to_contain_text("已通知")
    row.get_by_role("link", name="交付").click()

    expect(page.locator("#household")).to_contain_text("138****8000")
    expect(page.locator("#parcel-photo")).to_be_visible()
    # Visible is not loaded: wait for the picture itself (0 if it failed to load).
    assert page.locator("#parcel-photo").evaluate(LOADED_WIDTH) == 120
    expect(page.locator("#id_collected_by_name")).to_be_focused()
    page.keyboard.type("张三丰")
    page.keyboard.press("Enter")

    expect(page.locator(".alert-success")).to_contain_text("取件人 张三丰")
    expect(page.locator("#waiting-count")).to_have_text("待取 0 件")
    parcel = Parcel.objects.get()
    assert parcel.collected_by_name == "张三丰" and parcel.handed_over_by == clerk
    assert console_errors == []


def test_a_referral_made_from_the_house_page_is_answered_by_the_department(
    page, live_server, log_in, console_errors, clerk, engineer, house
):
    log_in(clerk)
    page.goto(f"/residents/houses/{house.pk}/")
    form = page.locator("#inquiry-form")
    expect(form.locator("#id_house")).to_have_value("3栋2单元1201")
    form.locator("label[for=id_channel_1]").click()  # 来电 (the radio is drawn as a button)
    form.locator("#id_asker_name").fill("张三丰")
    form.locator("#id_question").fill("楼道灯不亮，已经三天了")
    form.locator("#id_referred_to").select_option(label="工程部")
    form.get_by_role("button", name="登记").click()

    # Back on the house page, the request listed as waiting for 工程部.
    expect(page).to_have_url(f"{live_server.url}/residents/houses/{house.pk}/")
    expect(page.locator(".alert-success")).to_contain_text("已登记并转交工程部")
    listed = page.locator("#house-requests li").first
    expect(listed).to_contain_text("楼道灯不亮")
    expect(listed).to_contain_text("待处理")

    # The engineer finds it among his department's referrals and answers it.
    page.context.clear_cookies()
    log_in(engineer)
    expect(page.locator("#waiting-on-me")).to_contain_text("1")
    page.locator("#waiting-on-me a").first.click()
    referral = page.locator("#referrals tbody tr").first
    expect(referral).to_contain_text("楼道灯不亮")
    expect(referral).to_contain_text("3栋2单元1201")
    referral.locator("textarea").fill("已更换灯泡。")
    referral.get_by_role("button", name="处理完毕").click()
    expect(page.locator(".alert-success")).to_contain_text("已标记为处理完毕")

    # The desk sees the reply on the house page.
    page.context.clear_cookies()
    log_in(clerk)
    page.goto(f"/residents/houses/{house.pk}/")
    expect(page.locator("#house-requests li").first).to_contain_text("已更换灯泡。")
    assert Inquiry.objects.get().referral_done_by == engineer
    assert console_errors == []


def test_ctrl_enter_records_an_inquiry_from_any_field(
    page, live_server, log_in, console_errors, clerk, house
):
    log_in(clerk)
    page.goto("/visitors/inquiries/")
    page.locator("#id_question").fill("快递柜在哪里？")
    page.locator("#id_answer").fill("在 3 栋门口。")
    page.locator("#id_answer").press("Control+Enter")
    expect(page.locator(".alert-success")).to_contain_text("已登记")
    assert Inquiry.objects.get().question == "快递柜在哪里？"
    assert console_errors == []
