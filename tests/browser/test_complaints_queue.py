"""The engineer's queue on a phone: their department's cases as cards, one tapped open."""

import pytest
from playwright.sync_api import expect

from complaints.selectors.lists import case_url_prefix
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_it_shows_the_engineer_their_queue_as_cards_on_a_phone(
    phone, live_server, site_a, clerk, engineer
):
    house = factories.make_house(site_a)
    leak = factories.make_case(site_a, clerk, house=house, description="卫生间天花板漏水")
    other = factories.make_case(site_a, clerk, category="环境卫生/垃圾清运", place="地下车库")

    phone.goto("/accounts/login/")
    phone.locator("input[name=username]").fill(engineer.username)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(f"{live_server.url}/")
    phone.goto("/complaints/")

    # Cards, not the wide table (no header, no recorded-at or department column), and
    # nothing wider than the screen.
    cards = phone.locator("#cases .case-row")
    expect(cards).to_have_count(1)
    expect(phone.locator("#cases thead")).to_be_hidden()
    for column in phone.locator("#cases .case-row .cell-desk").all():
        expect(column).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card = cards.first
    assert card.evaluate("row => getComputedStyle(row).display") == "grid"
    assert card.bounding_box()["width"] <= PHONE["width"]
    for text in (leak.number, "工程维修/漏水", "3栋2单元1201", "剩余", "已派单"):
        expect(card).to_contain_text(text)
    expect(phone.locator("#cases")).not_to_contain_text(other.number)

    # The card taps open anywhere, not only on its number.
    box = card.bounding_box()
    phone.touchscreen.tap(box["x"] + box["width"] - 10, box["y"] + box["height"] - 6)
    expect(phone).to_have_url(f"{live_server.url}{case_url_prefix()}{leak.pk}/")
    expect(phone.locator("main")).to_contain_text(leak.number)
