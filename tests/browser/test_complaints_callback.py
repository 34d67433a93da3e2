"""回访 in a real browser: the clerk records a satisfied resident's call-back on the desk
PC, and an unhappy resident answers the feedback link on a phone, reopening the case."""

import pytest
from playwright.sync_api import expect

from complaints.models import Case
from complaints.services import handling
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def resolved(site_a, clerk, engineer):
    def make(description: str) -> Case:
        house = factories.make_house(site_a, building=3, unit=2, room="1201")
        resident = factories.make_resident(site_a, "张三丰", "13800138000", house=house)
        case = factories.make_case(
            site_a, clerk, house=house, resident=resident, description=description
        )
        handling.case_accept(site=site_a, user=engineer, case=case)
        return handling.case_resolve(site=site_a, user=engineer, case=case, note="已更换三角阀")

    return make


def test_the_clerk_records_a_satisfied_call_back(
    page, live_server, log_in, console_errors, clerk, resolved
):
    case = resolved("卫生间天花板漏水")
    log_in(clerk)
    page.goto(f"/complaints/{case.pk}/callback/")
    expect(page.locator("#callback-resident")).to_contain_text("138****8000")
    form = page.locator("#callback-form")
    form.get_by_text("已联系上", exact=True).click()
    form.locator("label[for=id_rating_3]").click()  # the fourth button: 4
    form.get_by_text("已解决", exact=True).click()
    form.locator("#id_comment").fill("师傅很专业")
    page.locator("#callback-submit").click()

    expect(page.locator(".alert-success")).to_contain_text(f"工单 {case.number} 已结案")
    expect(page.locator("#case-state")).to_have_text("已结案")
    expect(page.locator("#callback-feedback")).to_contain_text("4 / 5")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.rating, stored.solved) == ("closed", 4, True)
    assert stored.satisfaction_comment == "师傅很专业"
    assert console_errors == []


def test_an_unhappy_resident_reopens_the_case_from_a_phone(browser, live_server, resolved):
    case = resolved("厨房水管漏水")
    phone = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    try:
        page.goto(f"/s/{case.feedback_token}/")
        expect(page.locator("#feedback-case")).to_contain_text(case.number)
        expect(page.locator("#feedback-resolution")).to_contain_text("已更换三角阀")
        expect(page.locator("body")).not_to_contain_text("3栋2单元1201")
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("label[for=id_rating_1]").tap()  # the second button: 2
        page.get_by_text("未解决", exact=True).tap()
        page.locator("#id_comment").fill("还在滴水")
        page.locator("#feedback-submit").tap()

        expect(page.locator("#feedback-thanks")).to_contain_text(case.number)
        expect(page.locator("#feedback-reopened")).to_be_visible()
        stored = Case.objects.get(pk=case.pk)
        assert (stored.state, stored.rating, stored.solved) == ("reopened", 2, False)
        assert (stored.reopen_count, stored.feedback_via) == (1, "link")

        # The link answers once: opened again, it thanks for the answer given and asks
        # for none.
        page.goto(f"/s/{case.feedback_token}/")
        expect(page.locator("#feedback-thanks")).to_contain_text("感谢您的评价")
        expect(page.locator("form")).to_have_count(0)
        assert errors == []
    finally:
        phone.close()
