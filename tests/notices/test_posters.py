"""Posters per board: the A4 poster (notices:poster) with ``?location=`` carries the board's
name, small, and its code in the QR code (/n/<token>/?at=<code>); every board's poster in
one print (notices:posters), one page each. A board of another site, or anything that is
not a board's id, is a 404."""

import pytest
import segno
from django.urls import reverse

from notices.models import PostingLocation

from .postings_builders import boards as boards  # fixtures, used below
from .postings_builders import make_location, published
from .postings_builders import notice as notice


def poster(notice, **query):
    return reverse("notices:poster", args=[notice.pk]), query


def qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True)


def test_a_boards_poster_names_it_and_its_qr_code_carries_it(clerk_client, notice, boards):
    gate = boards["南门"]
    response = clerk_client.get(*poster(notice, location=gate.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "张贴位置：南门" in html and 'class="poster-location"' in html
    assert qr(f"http://testserver/n/{notice.token}/?at={gate.code}") in html
    # The code, not the database's id, is what the paper shows.
    assert f"location={gate.pk}" not in html


def test_without_a_location_the_poster_is_the_plain_one(clerk_client, notice, boards):
    html = clerk_client.get(*poster(notice)).content.decode()
    assert qr(f"http://testserver/n/{notice.token}/") in html
    assert "poster-location" not in html


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30, "999999"])
def test_anything_but_one_of_the_sites_boards_is_not_found(clerk_client, notice, value):
    assert clerk_client.get(*poster(notice, location=value)).status_code == 404


def test_another_sites_board_is_not_found(clerk_client, site_b, notice):
    theirs = make_location(site_b, "南门", "gate")
    assert clerk_client.get(*poster(notice, location=theirs.pk)).status_code == 404


def test_every_boards_poster_in_one_print(clerk_client, site_a, clerk, approver, boards):
    three = boards["3栋"].building
    notice = published(site_a, clerk, approver, audience="buildings", buildings=[three])
    make_location(site_a, "旧公告栏", is_active=False)
    response = clerk_client.get(reverse("notices:posters", args=[notice.pk]))
    assert response.status_code == 200
    names = [p["location"].name for p in response.context["posters"]]
    assert names == ["南门", "3栋公告栏"]
    html = response.content.decode()
    assert html.count('class="notice-poster"') == 2
    assert 'id="notice-poster"' in html and 'id="notice-poster-2"' in html
    for board in (boards["南门"], boards["3栋"]):
        assert qr(f"http://testserver/n/{notice.token}/?at={board.code}") in html
    assert "notices/posters.css" in html and "打印 2 张海报" in html


def test_print_all_without_boards_is_one_plain_poster(clerk_client, notice):
    response = clerk_client.get(reverse("notices:posters", args=[notice.pk]))
    assert [p["location"] for p in response.context["posters"]] == [None]


def test_each_sheet_is_printed_on_a_page_of_its_own():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("notices/posters.css")).read_text(encoding="utf-8")
    assert "break-before: page" in css


def test_another_sites_user_gets_a_404(client, clerk_b, notice):
    client.force_login(clerk_b)
    assert client.get(reverse("notices:posters", args=[notice.pk])).status_code == 404


def test_codes_are_short_opaque_and_unique(site_a):
    codes = {make_location(site_a, f"公告栏{n}").code for n in range(50)}
    assert len(codes) == 50
    assert all(len(code) == 8 and code.isascii() for code in codes)
    assert PostingLocation._meta.get_field("code").unique
