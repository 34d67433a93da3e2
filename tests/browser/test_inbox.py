"""消息 in a real browser: a clerk sees the header's count of unread messages, opens the
inbox, follows a message to the page it is about, and the count goes away."""

import pytest
from playwright.sync_api import expect

from frontdesk.channels.models import Delivery
from frontdesk.channels.recipients import Message, Staff
from frontdesk.channels.services.messages import message_send

pytestmark = pytest.mark.browser


def send(user, site, subject: str, link: str = "") -> Delivery:
    rows = message_send(
        site=site,
        recipients=[Staff(user)],
        message=Message(
            purpose="test", subject=subject, text="3栋2单元1201 有一件快递待取。", link=link
        ),
    )
    return next(r for r in rows if r.channel == Delivery.Channel.INBOX)


def test_a_clerk_follows_a_message_and_the_badge_goes_away(
    page, live_server, log_in, console_errors, clerk, site_a
):
    send(clerk, site_a, "快递待取", link="/visitors/parcels/")
    log_in(clerk)
    badge = page.locator("#inbox-unread")
    expect(badge).to_have_text("1 条未读")
    page.locator("#inbox-link").click()
    expect(page).to_have_url(f"{live_server.url}/inbox/")
    row = page.locator("#inbox tbody tr").first
    expect(row).to_contain_text("快递待取")
    expect(row).to_contain_text("3栋2单元1201 有一件快递待取。")
    expect(row).to_contain_text("刚刚")
    row.get_by_role("link", name="快递待取").click()
    expect(page).to_have_url(f"{live_server.url}/visitors/parcels/")
    expect(badge).to_have_count(0)
    assert Delivery.objects.get(user=clerk).read_at is not None
    assert console_errors == []


def test_a_clerk_marks_messages_read_from_the_list(
    page, live_server, log_in, console_errors, clerk, site_a
):
    first = send(clerk, site_a, "停水通知")
    send(clerk, site_a, "电梯检修")
    send(clerk, site_a, "门禁升级")
    log_in(clerk)
    page.goto("/inbox/")
    expect(page.locator("#inbox-unread")).to_have_text("3 条未读")
    page.locator(f"#message-{first.pk}").get_by_role("button", name="标为已读").click()
    expect(page.locator(f"#message-{first.pk}")).to_have_count(0)
    expect(page.locator("#inbox-unread")).to_have_text("2 条未读")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".alert-success")).to_contain_text("已将 2 条消息标为已读")
    expect(page.locator("#inbox-empty")).to_contain_text("没有未读消息")
    expect(page.locator("#inbox-unread")).to_have_count(0)
    page.get_by_role("link", name="全部", exact=True).click()
    expect(page.locator("#inbox tbody tr")).to_have_count(3)
    assert console_errors == []
