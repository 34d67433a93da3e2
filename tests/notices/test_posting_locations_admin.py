"""Posting locations in admin, for supervisors: each site's boards, lift lobbies and gates,
added and edited (not deleted: postings name them); a building of another site refused;
the QR code key made once and never editable."""

import pytest
from django.urls import reverse

from notices.models import PostingLocation
from residents.models import Building

from .postings_builders import make_location


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


def url(view: str, *args) -> str:
    return reverse(f"admin:notices_postinglocation_{view}", args=args)


def form(site, **fields) -> dict:
    return {"site": site.pk, "name": "3栋公告栏", "kind": "board", "sort_order": 1,
            "is_active": "on", **fields}  # fmt: skip


def test_a_supervisor_adds_a_board_of_a_building(boss, site_a):
    building = Building.objects.create(site=site_a, number=3)
    response = boss.post(url("add"), form(site_a, building=building.pk))
    assert response.status_code == 302
    board = PostingLocation.objects.get()
    assert (board.site, board.building, board.kind) == (site_a, building, "board")
    assert len(board.code) == 8


def test_a_building_of_another_site_is_refused(boss, site_a, site_b):
    theirs = Building.objects.create(site=site_b, number=3)
    response = boss.post(url("add"), form(site_a, building=theirs.pk))
    assert response.status_code == 200
    assert not PostingLocation.objects.exists()


def test_two_boards_of_one_name_are_refused(boss, site_a):
    make_location(site_a, "3栋公告栏")
    response = boss.post(url("add"), form(site_a))
    assert response.status_code == 200
    assert "本小区已有同名的张贴位置" in response.content.decode()


def test_the_code_is_not_editable_and_survives_an_edit(boss, site_a):
    board = make_location(site_a, "南门", "gate")
    html = boss.get(url("change", board.pk)).content.decode()
    assert 'name="code"' not in html
    boss.post(url("change", board.pk), form(site_a, name="南门公告栏", kind="gate"))
    stored = PostingLocation.objects.get(pk=board.pk)
    assert (stored.name, stored.code) == ("南门公告栏", board.code)


def test_a_supervisor_sees_only_their_sites_boards_and_deletes_none(boss, site_a, site_b):
    mine = make_location(site_a, "南门", "gate")
    theirs = make_location(site_b, "北门", "gate")
    shown = list(boss.get(url("changelist")).context["cl"].result_list)
    assert shown == [mine]
    assert boss.get(url("change", theirs.pk)).status_code == 302
    assert boss.get(url("delete", mine.pk)).status_code == 403


def test_a_clerk_has_no_door(client, clerk):
    client.force_login(clerk)
    assert client.get(url("changelist")).status_code == 302
