"""Reception in a real browser: a visitor registered from the keyboard alone, the pass
printed, the visitor on site, then checked out by scanning the pass."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from visitors.models import Visit

pytestmark = pytest.mark.browser


def pdf_page_size_mm(page) -> tuple[int, int]:
    """The pages the browser prints the current page on: one page, its size in mm."""
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    page.emulate_media(media="screen")
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(boxes) == 1, f"{len(boxes)} pages"
    return tuple(round(float(v) * 25.4 / 72) for v in boxes[0])


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def test_a_visitor_is_registered_from_the_keyboard_and_checked_out_by_the_pass(
    page, live_server, log_in, console_errors, clerk, house
):
    log_in(clerk)
    page.goto("/visitors/register/")
    started = time.monotonic()
    phone = page.locator("#id_visitor_phone")
    expect(phone).to_be_focused()
    # What a clerk types, field after field, with Tab: nothing needs the mouse.
    page.keyboard.type("13912345678", delay=20)
    page.keyboard.press("Tab")
    page.keyboard.type("李四", delay=20)
    page.keyboard.press("Tab")
    page.keyboard.type("2")  # party size (replaces the selected 1)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # purpose: 走亲访友, the first, kept
    expect(page.locator("#house-search")).to_be_focused()
    page.keyboard.type("3-2-1201", delay=30)
    expect(page.locator("#house-picks .pick-item").first).to_contain_text("3栋2单元1201")
    page.keyboard.press("Enter")  # the first match
    expect(page.locator("#house-chosen")).to_contain_text("3栋2单元1201")
    expect(page.locator("#id_plate")).to_be_focused()
    page.keyboard.type("浙a12345")
    page.keyboard.press("Control+Enter")

    expect(page.locator("#visitor-pass")).to_contain_text("李四")
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"registration took {elapsed:.1f} s"
    visit = Visit.objects.get()
    assert (visit.house, visit.party_size, visit.plate) == (house, 2, "浙A12345")
    expect(page.locator("#visitor-pass")).to_contain_text("3栋2单元1201")
    expect(page.locator("#visitor-pass svg")).to_be_visible()

    # Print: the browser's own dialog (replaced here: headless has none), 80 mm format.
    page.evaluate("window.print = () => { window.__printed = true; }")
    expect(page.locator("#print-receipt")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") is True
    assert page.evaluate("document.documentElement.dataset.format") == "receipt"
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#visitor-pass")).to_be_visible()
    page.emulate_media(media="screen")
    # Printed, the slip is one page of the paper chosen: 80 mm receipt roll, or A6.
    assert pdf_page_size_mm(page) == (80, 140)
    page.locator("#print-a6").click()
    assert pdf_page_size_mm(page) == (105, 148)

    # On site now, then the pass scanned: a scanner types its URL and Enter.
    page.goto("/visitors/")
    expect(page.locator("#on-site")).to_contain_text("李四")
    scanned = live_server.url + reverse("visitors:by_pass", args=[visit.pass_token])
    page.locator("#id_code").fill(scanned)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("李四 已离场")
    expect(page.locator("#on-site")).not_to_contain_text("李四")
    visit.refresh_from_db()
    assert visit.exit == Visit.Exit.PASS
    assert console_errors == []


def test_a_returning_visitor_fills_the_form_in(page, log_in, console_errors, clerk, site_a, house):
    resident = house.occupancies.get().resident
    factories.make_visit(
        site_a, clerk, "王五", "13955556666", house=house, resident=resident, plate="浙B88888"
    )
    log_in(clerk)
    page.goto("/visitors/register/")
    page.keyboard.type("13955556666", delay=20)
    expect(page.locator("#returning")).to_contain_text("再次来访")
    expect(page.locator("#id_visitor_name")).to_have_value("王五")
    expect(page.locator("#id_plate")).to_have_value("浙B88888")
    expect(page.locator("#house-chosen")).to_contain_text("3栋2单元1201 · 张三丰")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#visitor-pass")).to_contain_text("王五")
    assert Visit.objects.filter(visitor_name="王五", resident=resident).count() == 2
    assert console_errors == []


def test_a_visitor_is_checked_out_from_the_on_site_list(
    page, log_in, console_errors, clerk, site_a
):
    factories.make_visit(site_a, clerk, "赵六")
    log_in(clerk)
    page.goto("/visitors/")
    page.locator("#on-site tr", has_text="赵六").locator("button.check-out").click()
    expect(page.locator(".messages")).to_contain_text("赵六 已离场")
    assert not Visit.objects.get().on_site
    assert console_errors == []


def test_text_pasted_past_a_fields_length_says_what_was_cut(
    page, live_server, log_in, console_errors, clerk
):
    log_in(clerk)
    page.goto("/visitors/register/")
    name = page.locator("#id_visitor_name")
    name.focus()
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          data.setData("text/plain", "长".repeat(80));
          const field = document.getElementById("id_visitor_name");
          field.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }"""
    )
    expect(page.locator(".pasted-cut")).to_have_text("最多 50 个字，超出部分未粘贴。")
    assert console_errors == []
