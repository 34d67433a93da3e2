"""The visitor form's house picker in a real browser, when the server answers slowly:
Enter takes the first result of what is in the box now, never of an older text, and the
house chosen stays in view."""

import time

import pytest
from playwright.sync_api import expect

from residents.selectors import lookup as records
from tests import factories

pytestmark = pytest.mark.browser

SLOW_TEXT = "3-2-1202"


@pytest.fixture
def houses(site_a):
    return {
        room: factories.make_house(site_a, building=3, unit=2, room=room)
        for room in ("1201", "1202")
    }


@pytest.fixture
def slow_picker(monkeypatch):
    """The picker's lookup, slow for one text: its answer comes after the clerk's Enter."""
    lookup = records.lookup

    def slow_lookup(site, q, **kwargs):
        if q == SLOW_TEXT:
            time.sleep(1.5)
        return lookup(site, q, **kwargs)

    monkeypatch.setattr(records, "lookup", slow_lookup)


def open_picker(page, log_in, clerk):
    log_in(clerk)
    page.goto("/visitors/register/")
    box = page.locator("#house-search")
    box.focus()
    return box


def test_enter_waits_for_the_answer_to_what_is_typed_now(
    page, log_in, console_errors, clerk, houses, slow_picker
):
    box = open_picker(page, log_in, clerk)
    box.press_sequentially("3-2-12", delay=30)
    first = page.locator("#house-picks .pick-item").first
    expect(first).to_contain_text("3栋2单元1201")  # the pause: 3-2-12's results are listed

    # Then "02" and Enter at once, while 3-2-12's results are still the ones listed.
    page.keyboard.type("02")
    page.keyboard.press("Enter")
    expect(page.locator("#house-hint")).to_contain_text(SLOW_TEXT)  # not silent meanwhile
    expect(page.locator("#house-chosen")).to_have_text("已选：3栋2单元1202")
    assert page.locator("#id_house").input_value() == str(houses["1202"].pk)
    # What was typed stays, beside the house it chose.
    expect(box).to_have_value(SLOW_TEXT)
    expect(page.locator("#house-hint")).to_have_text("")
    expect(page.locator("#house-picks .pick-item")).to_have_count(0)
    expect(page.locator("#id_plate")).to_be_focused()
    assert console_errors == []


def test_enter_before_any_result_takes_the_first_when_it_comes(
    page, log_in, console_errors, clerk, houses, slow_picker
):
    box = open_picker(page, log_in, clerk)
    box.press_sequentially(SLOW_TEXT, delay=10)
    page.keyboard.press("Enter")
    expect(page.locator("#house-chosen")).to_have_text("已选：3栋2单元1202")
    assert page.locator("#id_house").input_value() == str(houses["1202"].pk)
    # The late answer to the typing's own request does not list the results again.
    page.wait_for_timeout(2000)
    expect(page.locator("#house-picks .pick-item")).to_have_count(0)
    assert console_errors == []


def test_enter_on_a_text_that_matches_nothing_says_so(page, log_in, console_errors, clerk, houses):
    box = open_picker(page, log_in, clerk)
    box.press_sequentially("3-2-1201", delay=20)
    expect(page.locator("#house-picks .pick-item").first).to_contain_text("3栋2单元1201")
    page.keyboard.press("Enter")
    expect(page.locator("#house-chosen")).to_have_text("已选：3栋2单元1201")

    box.fill("")
    box.press_sequentially("9-9-9999", delay=20)
    page.keyboard.press("Enter")
    expect(page.locator("#house-hint")).to_contain_text("没有与“9-9-9999”匹配的房屋")
    # The earlier choice stands, in view, until another is made.
    expect(page.locator("#house-chosen")).to_have_text("已选：3栋2单元1201")
    assert page.locator("#id_house").input_value() == str(houses["1201"].pk)
    assert console_errors == []
