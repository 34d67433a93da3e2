"""张贴 and the QR code in a real browser: the clerk records a copy of a published notice
posted on 3栋's board, with a photo, from the notice's page; a resident scans that
board's poster on a phone (375 px) and reads the notice, and the open is counted for
that board, which the clerk then sees on the notice's page."""

from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from notices.models import NoticeOpen, Posting, PostingLocation
from tests.browser.test_accessibility import serious_violations
from tests.notices.conftest import bring_to, make_notice

pytestmark = pytest.mark.browser


@pytest.fixture
def approver(site_a):
    from frontdesk import roles
    from tests import factories

    return factories.make_user(site_a, role=roles.SUPERVISOR, username="approver", full_name="陈静")


@pytest.fixture
def notice(site_a, clerk, approver):
    notice = make_notice(
        site_a,
        clerk,
        title="全小区停水通知",
        body="# 停水\n\n因管道检修，**周六 9:00–17:00** 停水。\n\n- 请提前储水",
    )
    return bring_to(notice, "published", clerk=clerk, boss=approver)


@pytest.fixture
def boards(site_a):
    from residents.models import Building

    three = Building.objects.create(site=site_a, number=3)
    return {
        "gate": PostingLocation.objects.create(site=site_a, name="南门", kind="gate"),
        "three": PostingLocation.objects.create(
            site=site_a, name="3栋公告栏", building=three, sort_order=1
        ),
    }


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "board.jpg"
    data = BytesIO()
    Image.new("RGB", (120, 80), "white").save(data, "JPEG")
    path.write_bytes(data.getvalue())
    return path


def test_the_clerk_records_a_posting_and_a_phone_counts_its_open(
    page, browser, live_server, log_in, console_errors, clerk, notice, boards, photo, settings
):
    settings.MEDIA_ROOT = photo.parent / "media"
    log_in(clerk)
    page.goto(f"/notices/{notice.pk}/")
    section = page.locator("#notice-postings")
    three = section.locator(f"#posting-{boards['three'].pk}")
    # Loaded after the page: both boards, neither posted yet.
    expect(three.locator(".posting-status")).to_have_text("未张贴")
    expect(section.locator("#postings-summary")).to_contain_text("待张贴 2 处")
    assert serious_violations(page) == []
    three.locator("input[type=file]").set_input_files(photo)
    three.locator(f"#posting-record-{boards['three'].pk}").click()

    expect(page.locator(".alert-success")).to_contain_text("已登记在3栋公告栏张贴")
    expect(three.locator(".posting-status")).to_have_text("已张贴")
    expect(three).to_contain_text("王丽")
    expect(three.locator(".posting-photo")).to_be_visible()
    posting = Posting.objects.get()
    assert (posting.location_id, posting.posted_by_id) == (boards["three"].pk, clerk.pk)
    assert posting.photo.name.startswith("postings/")

    # That board's poster carries its code in the QR code.
    page.goto(f"/notices/{notice.pk}/poster/?location={boards['three'].pk}")
    expect(page.locator(".poster-location")).to_have_text("张贴位置：3栋公告栏")

    # A resident scans it on a phone.
    phone = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    mobile = phone.new_page()
    errors: list[str] = []
    mobile.on("pageerror", lambda exc: errors.append(str(exc)))
    mobile.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    try:
        with mobile.expect_response(lambda r: "/seen" in r.url) as counted:
            mobile.goto(f"/n/{notice.token}/?at={boards['three'].code}")
        assert counted.value.status == 200
        expect(mobile.locator("#public-title")).to_have_text("全小区停水通知")
        expect(mobile.locator("#public-body strong")).to_have_text("周六 9:00–17:00")
        expect(mobile.locator("#public-contact")).to_contain_text("0571-88886601")
        expect(mobile.locator("#public-expired")).to_have_count(0)
        expect(mobile.locator("body")).not_to_contain_text("王丽")
        # Nothing wider than the phone: no sideways scrolling.
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
        assert serious_violations(mobile) == []
        assert errors == []
    finally:
        phone.close()

    opened = NoticeOpen.objects.get()
    assert (opened.notice_id, opened.location_id, opened.day, opened.count) == (
        notice.pk,
        boards["three"].pk,
        timezone.localdate(),
        1,
    )
    # Back at the desk: the open, counted for 3栋's board.
    page.goto(f"/notices/{notice.pk}/")
    expect(three.locator(".posting-opens")).to_contain_text("扫码 1 次")
    assert console_errors == []
