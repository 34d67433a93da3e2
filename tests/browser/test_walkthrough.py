"""A clerk's first minutes at the desk, in a real browser: log in, walk the areas, search."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AREAS = [
    ("住户查询", "/residents/"),
    ("来访接待", "/visitors/"),
    ("投诉建议", "/complaints/"),
    ("公告通知", "/notices/"),
    ("内部协调", "/coordination/"),
    ("行政事务", "/admin-tasks/"),
]


def test_it_lets_a_clerk_walk_every_area_in_chinese(
    page, live_server, log_in, console_errors, clerk
):
    log_in(clerk)
    expect(page.locator("h1")).to_have_text("今日工作台")
    expect(page.locator("#desk-site")).to_have_text("翠湖花园")

    # The desk repeats each area as a card; the walk goes through the navigation bar.
    nav = page.locator("#main-nav")
    for label, path in AREAS:
        nav.get_by_role("link", name=label).click()
        expect(page).to_have_url(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_contain_text(label)

    # A strict CSP turns any inline script or style into a console error.
    assert console_errors == []


def test_it_jumps_to_the_search_with_the_slash_key(page, live_server, log_in, clerk):
    log_in(clerk)
    search = page.locator("#global-search")

    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("1201")
    # The "/" itself must not land in the box.
    expect(search).to_have_value("1201")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/residents/?q=1201")


def test_it_lets_a_supervisor_switch_site(page, log_in, console_errors, supervisor):
    log_in(supervisor)
    expect(page.locator("#desk-site")).to_have_text("翠湖花园")

    # Choosing a site submits the form by itself (desk.js), no button to press.
    page.locator("#site-switch-select").select_option(label="锦绣华庭")

    expect(page.locator("#desk-site")).to_have_text("锦绣华庭")
    expect(page.locator(".alert-success")).to_contain_text("锦绣华庭")
    assert console_errors == []
