"""Every area's main pages pass axe-core's accessibility rules in a real browser.

Clerks read these screens all day: text and controls must meet WCAG AA contrast (4.5:1)
on every background the pages use, overdue (warning) rows and the blue navigation bar
among them. A serious or critical violation on any page fails.

axe-core is vendored in tests/browser/vendor/axe-core/ (npm axe-core 4.14.1, MPL-2.0):
nothing is downloaded at test time. It goes into the page through `page.evaluate`, which
the devtools protocol runs whatever the page's Content-Security-Policy says, so the pages
are checked as the site serves them, CSP and all, with no `bypass_csp`.
"""

from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Moderate and minor findings (a missing landmark, say) are worth reading but do not fail.
FAILING_IMPACTS = {"serious", "critical"}


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    # htmx fills parts of some pages after load (the desk's counts): check the whole page.
    page.wait_for_load_state("networkidle")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "),
                    summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
                })),
            }));
        }"""
    )
    found = []
    for v in violations:
        if v["impact"] not in FAILING_IMPACTS:
            continue
        for node in v["nodes"]:
            found.append(f"{v['id']} ({v['impact']}) {node['target']}: {node['summary']}")
    return found


def check_pages(page: Page, paths: list[str], status: int = 200) -> None:
    failures = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == status, f"{path} answered {response.status}"
        if found := serious_violations(page):
            failures[path] = found
    report = "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in failures.items())
    assert not failures, f"accessibility violations:\n{report}"


@pytest.fixture
def reception(site_a, clerk):
    """A site with something in every list: a house with its owner and overdue fees, a
    house without an owner, visitors on site (one past the expected stay), inquiries
    waiting and handled, parcels waiting, overdue and collected."""
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_overdue_bills(house, months=3)
    factories.make_house(site_a, building=3, unit=2, room="1202")
    now = timezone.now()
    factories.make_visit(site_a, clerk, house=house, at=now - timedelta(minutes=10))
    factories.make_visit(site_a, clerk, name="王五", house=house, at=now - timedelta(hours=3))
    factories.make_visit(
        site_a,
        clerk,
        name="赵六",
        house=house,
        at=now - timedelta(hours=4),
        stay=timedelta(minutes=30),
    )
    factories.make_inquiry(site_a, clerk, referred_to="工程部")
    factories.make_inquiry(site_a, clerk, referred_to="工程部", referral_done=True)
    factories.make_inquiry(site_a, clerk)
    factories.make_parcel(site_a, clerk, house)
    factories.make_parcel(site_a, clerk, house, tracking="SF0000000002", days_ago=30)
    factories.make_parcel(site_a, clerk, house, tracking="SF0000000003", collected=True)
    return house


def test_the_login_page_passes(page):
    check_pages(page, ["/accounts/login/"])


def inbox_messages(user, site) -> int:
    """An unread message and a read one without a link (its own page); returns that one."""
    from frontdesk.channels.recipients import Message, Staff
    from frontdesk.channels.services.inbox import inbox_mark_read
    from frontdesk.channels.services.messages import message_send

    def send(subject: str, link: str = "") -> int:
        rows = message_send(
            site=site,
            recipients=[Staff(user)],
            message=Message(
                purpose="test", subject=subject, text="3栋2单元1201 有一件快递待取。", link=link
            ),
        )
        return next(r.pk for r in rows if r.channel == "inbox")

    read = send("停水通知")
    inbox_mark_read(user=user, ids=[read])
    send("快递待取", link="/visitors/parcels/")
    return read


def test_a_clerks_pages_pass(page, log_in, clerk, reception, site_a):
    # An unread message: the header's badge is on every page checked.
    message = inbox_messages(clerk, site_a)
    log_in(clerk)
    check_pages(
        page,
        [
            "/",
            "/residents/",
            "/residents/?q=3-2",
            f"/residents/houses/{reception.pk}/",
            "/residents/arrears/",
            "/residents/quality/",
            "/visitors/",
            "/visitors/register/",
            "/visitors/visits/",
            "/visitors/inquiries/",
            "/visitors/parcels/",
            "/visitors/reports/",
            "/complaints/",
            "/notices/",
            "/coordination/",
            "/admin-tasks/",
            "/inbox/",
            "/inbox/?show=all",
            f"/inbox/{message}/",
        ],
    )


def test_a_supervisors_pages_pass(page, log_in, supervisor, reception):
    # The supervisor has two sites: the navigation bar carries the site switch.
    log_in(supervisor)
    check_pages(page, ["/", "/residents/import/"])


def test_an_engineers_referrals_pass(page, log_in, engineer, reception):
    log_in(engineer)
    check_pages(page, ["/visitors/referrals/"])
    check_pages(page, ["/residents/"], status=403)  # the Chinese 403 page


def test_the_404_page_passes(page, log_in, supervisor, site_b):
    # Another site's house: the 404 page offers the supervisor the switch to it.
    from tests import factories

    house_b = factories.make_house(site_b)
    log_in(supervisor)
    check_pages(page, ["/no-such-page/", f"/residents/houses/{house_b.pk}/"], status=404)


def test_refused_forms_and_the_open_menu_pass(page, log_in, clerk, reception):
    # Error text and invalid fields have colours of their own.
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(clerk.username)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []

    log_in(clerk)
    page.locator("#user-menu").click()
    expect(page.locator(".dropdown-menu.show")).to_be_visible()
    assert serious_violations(page) == []

    page.goto("/visitors/register/")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []
