"""A water-outage notice from draft to the board, in a real browser: the clerk drafts it for
3栋 with a preview, and submits it; the supervisor approves and publishes it from the
approvals queue; the clerk finds it published, with its A4 poster (QR code) and the text
for the residents' group, and no console error (CSP) on the way."""

import re

import pytest
from playwright.sync_api import expect

from notices.models import Notice
from tests import factories
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def approver(site_a):
    from frontdesk import roles

    return factories.make_user(site_a, role=roles.SUPERVISOR, username="approver", full_name="陈静")


@pytest.fixture
def buildings(site_a):
    factories.make_house(site_a, building=3, unit=1, room="101")
    factories.make_house(site_a, building=5, unit=1, room="501")


def test_a_notice_is_drafted_submitted_approved_and_published(
    page, browser, live_server, log_in, console_errors, clerk, approver, buildings
):
    log_in(clerk)
    page.goto("/notices/")
    page.locator("#notice-new").click()
    expect(page).to_have_url(re.compile(r"/notices/new/$"))
    assert serious_violations(page) == []
    page.locator("#id_type").select_option(label="停水停电")
    page.locator("#id_title").fill("3栋停水通知")
    page.locator("#id_body").fill(
        "# 停水通知\n\n因管道检修，**周六 9:00–17:00** 停水。\n\n- 请提前储水"
    )
    # Only the chosen audience's picker is shown.
    expect(page.locator("#audience-buildings")).to_be_hidden()
    page.get_by_label("指定楼栋").check()
    expect(page.locator("#audience-buildings")).to_be_visible()
    expect(page.locator("#audience-houses")).to_be_hidden()
    page.locator("#audience-buildings").get_by_label("3栋").check()
    page.locator("#notice-preview-button").click()
    expect(page.locator("#notice-preview strong")).to_have_text("周六 9:00–17:00")
    page.locator("#notice-save").click()

    expect(page.locator("#notice-state")).to_have_text("草稿")
    expect(page.locator("#notice-body h1")).to_have_text("停水通知")
    expect(page.locator("#notice-audience-summary")).to_have_text("3栋")
    assert serious_violations(page) == []
    page.locator("#submit-submit").click()
    expect(page.locator("#notice-state")).to_have_text("待审核")
    notice = Notice.objects.get()

    # The supervisor, from the approvals queue.
    boss = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768}
    )
    try:
        desk = boss.new_page()
        boss_errors = []
        desk.on("pageerror", lambda exc: boss_errors.append(str(exc)))
        desk.on("console", lambda m: m.type == "error" and boss_errors.append(m.text))
        desk.goto("/accounts/login/")
        desk.locator("input[name=username]").fill(approver.username)
        desk.locator("input[name=password]").fill(factories.PASSWORD)
        desk.locator("main form button[type=submit]").click()
        expect(desk).to_have_url(f"{live_server.url}/")
        desk.goto("/notices/approvals/")
        assert serious_violations(desk) == []
        desk.get_by_role("link", name="3栋停水通知").click()
        desk.locator("#action-approve summary").click()
        desk.locator("#id_approve_comment").fill("内容准确，同意发布")
        desk.locator("#submit-approve").click()
        expect(desk.locator("#notice-state")).to_have_text("已审核")
        desk.locator("#submit-publish").click()
        expect(desk.locator("#notice-state")).to_have_text("已发布")
        expect(desk.locator("#notice-approved-by")).to_contain_text("内容准确，同意发布")
        assert boss_errors == []
    finally:
        boss.close()

    # Back at the desk: published, with its poster and its group text.
    page.goto(f"/notices/{notice.pk}/")
    expect(page.locator("#notice-state")).to_have_text("已发布")
    kinds = page.locator("#notice-timeline .notice-event-kind")
    expect(kinds).to_have_text(["起草", "提交审核", "审核通过", "发布"])
    # Its reach (loaded by htmx): 3栋 has no group robot and its one house no owner.
    expect(page.locator("#reach-households")).to_have_text(
        "发布范围 1 户：已触达 0 户，未触达 1 户"
    )
    expect(page.locator("#reach-not-reached .not-reached")).to_contain_text("3栋1单元101")
    assert serious_violations(page) == []
    page.locator("#notice-poster").click()
    expect(page.locator("#notice-poster .poster-title")).to_have_text("3栋停水通知")
    expect(page.locator("#notice-poster .poster-qr svg")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"/notices/{notice.pk}/group-text/")
    expect(page.locator("#group-text")).to_have_value(re.compile(rf"/n/{notice.token}/$"))
    assert serious_violations(page) == []
    assert console_errors == []
