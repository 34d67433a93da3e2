"""The visitor pass: printable slip with a QR code; scanning or opening it checks out."""

import re

import pytest
from django.urls import reverse

from tests import factories
from visitors.models import Visit


@pytest.fixture
def visit(clerk, site_a, house_a):
    return factories.make_visit(site_a, clerk, "李四", house=house_a, plate="浙A12345")


def test_the_pass_holds_visitor_house_time_and_a_qr_code(clerk_client, visit):
    html = clerk_client.get(reverse("visitors:pass", args=[visit.pk])).content.decode()
    slip = html.split('id="visitor-pass"')[1]
    assert "李四" in slip and "3栋2单元1201" in slip and "访客单" in slip
    assert visit.checked_in_at.astimezone().strftime("%Y") in slip
    assert re.search(r"<svg[^>]*viewBox", slip)
    # Print sizes: an 80 mm receipt and A6, chosen with the print buttons.
    assert 'data-print="receipt"' in html and 'data-print="a6"' in html
    assert "css/pass.css" in html


def test_the_qr_code_holds_the_pass_url(clerk_client, visit):
    import segno

    html = clerk_client.get(reverse("visitors:pass", args=[visit.pk])).content.decode()
    url = "http://testserver" + reverse("visitors:by_pass", args=[visit.pass_token])
    expected = segno.make(url, error="m").svg_inline(scale=3, omitsize=True)
    assert expected in html


def test_the_pass_of_another_site_is_a_404(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    other = factories.make_visit(site_b, clerk_b)
    assert clerk_client.get(reverse("visitors:pass", args=[other.pk])).status_code == 404
    assert clerk_client.get(reverse("visitors:by_pass", args=[other.pass_token])).status_code == 404


def test_opening_the_pass_url_shows_the_visit_and_checks_out(clerk_client, clerk, visit):
    url = reverse("visitors:by_pass", args=[visit.pass_token])
    page = clerk_client.get(url).content.decode()
    assert "李四" in page and "办理离场" in page
    clerk_client.post(url)
    visit.refresh_from_db()
    assert visit.exit == Visit.Exit.PASS and visit.checked_out_by == clerk


# The scan box on the on-site page: a barcode scanner types the pass's URL and Enter.

SCAN = reverse("visitors:scan")


def test_a_scanned_pass_url_checks_the_visitor_out(clerk_client, visit):
    typed = "http://testserver" + reverse("visitors:by_pass", args=[visit.pass_token])
    response = clerk_client.post(SCAN, {"code": typed})
    assert response["Location"] == reverse("visitors:index")
    visit.refresh_from_db()
    assert visit.exit == Visit.Exit.PASS


def test_a_typed_code_checks_the_visitor_out(clerk_client, visit):
    clerk_client.post(SCAN, {"code": f" {visit.pass_token} "})
    assert not Visit.objects.get(pk=visit.pk).on_site


def test_a_pass_scanned_twice_says_so(clerk_client, visit):
    clerk_client.post(SCAN, {"code": visit.pass_token})
    response = clerk_client.post(SCAN, {"code": visit.pass_token}, follow=True)
    assert "已于" in response.content.decode()


@pytest.mark.parametrize(
    "code, message",
    [("", "请扫描访客单"), ("???", "这不是访客单的编码"), ("A" * 12, "没有这张访客单，请核对编码")],
)
def test_a_bad_scan_says_why_and_keeps_what_was_typed(clerk_client, visit, code, message):
    response = clerk_client.post(SCAN, {"code": code})
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert f'value="{code}"' in html or not code
    assert Visit.objects.get(pk=visit.pk).on_site


def test_a_pass_code_is_made_of_characters_that_cannot_be_misread(clerk, site_a):
    visit = factories.make_visit(site_a, clerk)
    assert len(visit.pass_token) == 16
    assert set(visit.pass_token) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert visit.pass_code == " ".join(visit.pass_token[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),  # without the shift key
        lambda code: " ".join(code[i : i + 4] for i in range(0, 16, 4)),  # as printed
        lambda code: code.replace("1", "l").replace("0", "O"),  # look-alikes
        lambda code: "-".join(code[i : i + 4] for i in range(0, 16, 4)).replace("1", "I"),
    ],
)
def test_a_code_typed_by_hand_checks_the_visitor_out(clerk_client, clerk, site_a, typed):
    from visitors.models import Visit as VisitModel

    visit = factories.make_visit(site_a, clerk)
    # A code with the characters people misread, to prove they are read as meant.
    VisitModel.objects.filter(pk=visit.pk).update(pass_token="AB10CD01EF1GH0JK")
    response = clerk_client.post(SCAN, {"code": typed("AB10CD01EF1GH0JK")})
    assert response.status_code == 302
    assert not Visit.objects.get(pk=visit.pk).on_site


def test_a_pass_printed_before_keeps_its_code(clerk_client, clerk, site_a):
    visit = factories.make_visit(site_a, clerk)
    Visit.objects.filter(pk=visit.pk).update(pass_token="aZ-_x9Qw3lO0pP7k")
    assert clerk_client.post(SCAN, {"code": "aZ-_x9Qw3lO0pP7k"}).status_code == 302
    assert not Visit.objects.get(pk=visit.pk).on_site


def test_another_sites_pass_does_not_check_out(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    other = factories.make_visit(site_b, clerk_b)
    response = clerk_client.post(SCAN, {"code": other.pass_token})
    assert response.status_code == 400
    assert Visit.objects.get(pk=other.pk).on_site


@pytest.mark.parametrize("token", ["%00", "a%00b", "..", "x" * 300])
def test_a_pass_url_that_is_no_token_is_a_404(clerk_client, token):
    assert clerk_client.get(f"/visitors/p/{token}/").status_code == 404
