"""A leak recorded from the records lookup and worked through by the engineer on a phone:
the clerk finds 3-2-1201, opens the record form from the result, records the complaint
(工程维修/漏水) and it goes to 工程部 with its deadlines; the engineer, on a 375 px wide
screen, accepts it, pauses it waiting for parts, resumes it and resolves it with a photo."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from complaints.models import Case, CasePhoto
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_category(site_a, "工程维修/漏水", department="工程部")
    return house


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo_file(tmp_path):
    path = tmp_path / "fixed.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fits_the_screen(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_leak_recorded_from_the_lookup_is_resolved_on_a_phone(
    page, browser, live_server, log_in, console_errors, clerk, engineer, house, media, tmp_path
):
    log_in(clerk)
    page.goto("/residents/")
    page.locator("#lookup-q").fill("3-2-1201")
    expect(page.locator("#lookup-results .result-house")).to_have_text(["3栋2单元1201"])
    # Two keystrokes from the box: ↓ to the house, Ctrl+Enter records a case about it.
    page.locator("#lookup-q").press("ArrowDown")
    expect(page.locator("#lookup-results .result-house").first).to_be_visible()
    page.keyboard.press("Control+Enter")

    expect(page).to_have_url(re.compile(rf"/complaints/new/\?house={house.pk}$"))
    expect(page.locator("#id_house")).to_have_value("3栋2单元1201")
    expect(page.locator("#id_kind")).to_be_focused()
    # The 12345 hotline's reference and deadline: only for a case that came in by it.
    hotline = page.locator("#id_hotline_ref, #id_hotline_deadline")
    expect(page.locator("#id_source")).to_have_value("walk_in")
    expect(hotline.first).to_be_hidden()
    expect(hotline.last).to_be_hidden()
    page.locator("#id_source").select_option(label="12345热线")
    expect(hotline.first).to_be_visible()
    expect(hotline.last).to_be_visible()
    page.locator("#id_hotline_ref").fill("ZW2026120100123")
    page.locator("#id_source").select_option(label="来访")
    expect(hotline.first).to_be_hidden()
    expect(hotline.last).to_be_hidden()
    page.locator("#id_kind").select_option(label="投诉")
    page.locator("#id_category").select_option(label="工程维修/漏水")
    page.locator("#id_description").fill("卫生间天花板漏水，滴到地板上")
    page.locator("#id_description").press("Control+Enter")

    expect(page.locator("#case-number")).to_have_text(re.compile(r"^TS\d{8}-\d{4}$"))
    expect(page.locator("#case-state")).to_have_text("已派单")
    expect(page.locator("#case-department")).to_contain_text("工程部")
    expect(page.locator("#case-resolve-due")).to_contain_text("剩余")
    case = Case.objects.get()
    assert (case.house, case.department.name, case.kind) == (house, "工程部", "complaint")
    # The reference typed before 来访 was chosen went nowhere.
    assert (case.source, case.hotline_ref) == ("walk_in", "")
    assert case.resolve_due is not None
    case_url = f"/complaints/{case.pk}/"

    # The engineer, on his phone.
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    try:
        mobile = phone.new_page()
        mobile_errors = []
        mobile.on("pageerror", lambda exc: mobile_errors.append(str(exc)))
        mobile.goto("/accounts/login/")
        mobile.locator("input[name=username]").fill(engineer.username)
        mobile.locator("input[name=password]").fill(PASSWORD)
        mobile.locator("main form button[type=submit]").click()
        expect(mobile).to_have_url(f"{live_server.url}/")
        mobile.goto(case_url)
        expect(mobile.locator("#case-number")).to_have_text(case.number)
        fits_the_screen(mobile)

        mobile.locator("#submit-accept").click()
        expect(mobile.locator("#case-state")).to_have_text("处理中")
        expect(mobile.locator(".alert-success")).to_contain_text("已接单")

        mobile.locator("#action-pause summary").click()
        mobile.locator("#id_pause_kind").select_option(label="等待配件")
        mobile.locator("#id_pause_reason").fill("等三角阀到货")
        fits_the_screen(mobile)
        mobile.locator("#submit-pause").click()
        expect(mobile.locator("#case-state")).to_have_text("已暂停")
        expect(mobile.locator("#case-paused")).to_contain_text("等三角阀到货")

        mobile.locator("#action-resume summary").click()
        mobile.locator("#submit-resume").click()
        expect(mobile.locator("#case-state")).to_have_text("处理中")

        mobile.locator("#action-resolve summary").click()
        mobile.locator("#id_resolve_note").fill("已更换三角阀，不再漏水")
        mobile.locator("#id_resolve_photos").set_input_files(photo_file(tmp_path))
        mobile.locator("#submit-resolve").click()
        expect(mobile.locator("#case-state")).to_have_text("已办结")
        expect(mobile.locator("#case-timeline .case-photo")).to_have_count(1)
        kinds = mobile.locator("#case-timeline .case-event-kind")
        expect(kinds).to_have_text(["登记", "派单", "接单", "暂停", "恢复处理", "办结"])
        fits_the_screen(mobile)
        assert mobile_errors == []
    finally:
        phone.close()

    assert CasePhoto.objects.get(case=case).kind == "after"
    assert console_errors == []


def test_a_12345_case_sent_back_with_errors_shows_its_hotline_fields(
    page, log_in, console_errors, clerk, house
):
    log_in(clerk)
    page.goto("/complaints/new/")
    page.locator("#id_source").select_option(label="12345热线")
    page.locator("#id_category").select_option(label="工程维修/漏水")
    page.locator("#id_house").fill("3-2-1201")
    page.locator("#id_description").fill("12345转来：楼上漏水")
    page.locator("#case-submit").click()

    # Refused for want of the hotline's reference and deadline, shown beside them.
    expect(page.locator("#case-refused")).to_be_visible()
    expect(page.locator("#id_source")).to_have_value("hotline")
    expect(page.locator("#id_hotline_ref")).to_be_visible()
    expect(page.locator("#div_id_hotline_ref")).to_contain_text("12345工单须填写热线工单编号")
    expect(page.locator("#id_hotline_deadline")).to_be_visible()
    page.locator("#id_source").select_option(label="来访")
    expect(page.locator("#id_hotline_ref")).to_be_hidden()
    assert not Case.objects.exists()
    assert console_errors == []
