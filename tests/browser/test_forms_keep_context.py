"""Refused or interrupted, a form says what went wrong where the clerk is looking: the
referral's reply at its own row, a reveal after the session ended, a refused inquiry."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from frontdesk.models import PersonalDataAccess
from tests import factories
from visitors.models import Inquiry

pytestmark = pytest.mark.browser


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def test_a_refused_reply_comes_back_at_its_row(
    page, live_server, log_in, console_errors, clerk, engineer, site_a
):
    for _ in range(30):  # a full page: the last row is well below the fold
        factories.make_inquiry(site_a, clerk, referred_to="工程部")
    log_in(engineer)
    page.goto("/visitors/referrals/?status=open")
    row = page.locator("#referrals tbody tr").last
    row_id = row.get_attribute("id")
    row.locator("button[type=submit]").click()  # no reply written

    row = page.locator(f"#{row_id}")
    error = row.locator(".invalid-feedback")
    expect(error).to_contain_text("请填写")
    expect(error).to_be_in_viewport()
    expect(row.locator("textarea")).to_be_focused()
    assert "status=open" in page.url  # the list as it was
    assert not Inquiry.objects.filter(referral_done_at__isnull=False).exists()

    row.locator("textarea").fill("已更换灯泡")
    row.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    # Back to the list as it was (a redirect keeps the fragment; it names nothing now).
    assert page.url.split("#")[0] == f"{live_server.url}/visitors/referrals/?status=open"
    assert console_errors == []


def test_reveal_after_the_session_ended_says_so_where_it_was_clicked(
    page, live_server, log_in, clerk, house
):
    log_in(clerk)
    page.goto(f"/residents/houses/{house.pk}/")
    masked = page.locator("#occupants .masked").first
    expect(masked).to_contain_text("138****8000")
    Session.objects.all().delete()  # the session ended while the page stayed open

    masked.locator(".reveal").click()
    ended = page.locator("#occupants .session-ended")
    expect(ended).to_contain_text("登录已过期")
    expect(page.locator("#occupants")).not_to_contain_text("13800138000")
    assert not PersonalDataAccess.objects.exists()
    ended.get_by_role("link").click()
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next=/residents/houses/{house.pk}/"
    )


def test_a_refused_inquiry_says_it_was_not_recorded(
    page, live_server, log_in, console_errors, clerk, house
):
    log_in(clerk)
    page.goto(f"/residents/houses/{house.pk}/")
    page.locator("#inquiry-submit").click()  # nothing asked

    refused = page.locator("#inquiry-refused")
    expect(refused).to_contain_text("未登记")
    expect(refused).to_contain_text("问题")  # which field, and why
    expect(refused).to_be_in_viewport()
    assert not Inquiry.objects.exists()
    assert console_errors == []
