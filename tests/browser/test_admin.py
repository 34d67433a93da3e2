"""Django admin under the strict Content-Security-Policy: every page works, nothing blocked."""

import pytest
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_it_lets_a_supervisor_work_in_admin_without_csp_errors(
    page, live_server, console_errors, supervisor, objects_of_a
):
    page.goto("/admin/login/")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_contain_text("物业客服前台")

    heartbeat = PeriodicTask.objects.get(task="frontdesk.heartbeat")
    for path in [
        "/admin/residents/resident/?q=张",
        f"/admin/residents/house/{objects_of_a.house.pk}/change/",
        "/admin/frontdesk/user/add/",
        "/admin/frontdesk/personaldataaccess/",
        f"/admin/django_celery_beat/periodictask/{heartbeat.pk}/change/",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("#content")).to_be_visible()
    assert console_errors == []


def test_the_visit_register_fits_a_desk_screen(page, live_server, supervisor, site_a, clerk):
    from tests import factories

    house = factories.make_house(site_a)
    factories.make_visit(site_a, clerk, "欧阳娜娜", house=house, plate="浙A12345", party_size=3)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/admin/login/")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/visitors/visit/")
    expect(page.locator("#result_list")).to_contain_text("欧阳娜娜（共 3 人）")
    # Nothing to scroll sideways: the page is as wide as the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
