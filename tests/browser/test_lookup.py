"""Type-ahead lookup in a real browser: results while typing, keyboard into the house page."""

import pytest
from playwright.sync_api import expect

from residents.models import Occupancy
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def records(site_a, site_b):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_resident(
        site_a, "张小丰", "13900001234", house=house, relation=Occupancy.Relation.FAMILY
    )
    factories.make_resident(site_b, "张三丰", "13800138000", house=factories.make_house(site_b))
    return house


def test_it_finds_residents_and_houses_as_the_clerk_types(
    page, live_server, log_in, console_errors, clerk, records
):
    log_in(clerk)
    page.keyboard.press("/")
    page.keyboard.press("Enter")  # an empty search opens the lookup page
    box = page.locator("#lookup-q")
    expect(box).to_be_focused()

    box.press_sequentially("zs", delay=40)
    results = page.locator("#lookup-results .result-name")
    expect(results).to_have_text(["张三丰"])  # one, of this site only
    expect(page.locator("#lookup-results")).to_contain_text("138****8000")

    box.fill("")
    box.press_sequentially("8000", delay=40)
    expect(results).to_have_text(["张三丰"])

    box.fill("")
    box.press_sequentially("3-2-1201", delay=40)
    expect(page.locator("#lookup-results .result-house")).to_have_text(["3栋2单元1201"])

    # Keyboard only: down into the results, Enter opens the house page.
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/residents/houses/{records.pk}/")
    expect(page.locator("#house-label")).to_have_text("3栋2单元1201")
    expect(page.locator("#occupants")).to_contain_text("张小丰")

    # Reveal one phone: only that one is shown in full.
    page.locator("#occupants .reveal").first.click()
    expect(page.locator("#occupants .revealed")).to_have_count(1)
    assert console_errors == []


def test_slash_in_the_empty_lookup_box_is_the_shortcut_not_a_character(
    page, live_server, log_in, console_errors, clerk, records
):
    log_in(clerk)
    page.goto("/residents/")
    box = page.locator("#lookup-q")
    expect(box).to_be_focused()
    page.keyboard.press("/")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    box.press_sequentially("3-2-1201", delay=20)
    expect(box).to_have_value("3-2-1201")
    assert console_errors == []


def test_the_header_box_shows_results_as_the_clerk_types(
    page, live_server, log_in, console_errors, clerk, records
):
    log_in(clerk)  # on today's desk
    page.keyboard.press("/")
    box = page.locator("#global-search")
    expect(box).to_be_focused()
    box.press_sequentially("zs", delay=40)
    dropdown = page.locator("#global-results")
    expect(dropdown.locator(".result-name")).to_have_text(["张三丰"])
    expect(dropdown).to_contain_text("138****8000")
    expect(page).to_have_url(f"{live_server.url}/")  # still on the page it was

    # Escape closes the list; typing opens it again.
    page.keyboard.press("Escape")
    expect(dropdown).to_be_hidden()
    box.fill("")
    box.press_sequentially("3-2-1201", delay=40)
    expect(dropdown.locator(".result-house")).to_have_text(["3栋2单元1201"])

    # Keyboard only: down into the results, up back to the box, down and Enter.
    box.press("ArrowDown")
    expect(dropdown.locator(".result-item").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/residents/houses/{records.pk}/")
    assert console_errors == []


def test_two_lists_on_one_page_keep_to_their_own_box(
    page, live_server, log_in, console_errors, clerk, records
):
    log_in(clerk)
    page.goto("/residents/?q=zs")
    page.locator("#global-search").fill("")  # it shows the page's search
    page.locator("#global-search").press_sequentially("3-2", delay=40)
    expect(page.locator("#global-results .result-item").first).to_be_visible()
    page.locator("#lookup-q").focus()
    expect(page.locator("#global-results")).to_be_hidden()  # a click elsewhere closes it
    page.keyboard.press("ArrowDown")
    expect(page.locator("#lookup-results .result-item").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#lookup-q")).to_be_focused()
    assert console_errors == []
