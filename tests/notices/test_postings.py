"""张贴 on a notice's page: its postings section (notices:postings) lists the boards the
notice goes to, each posted / taken down / not yet with the opens of its QR code;
recording a copy posted (notices:posting_record, with an optional photo as proof) and
taken down (notices:posting_remove); the photo (notices:posting_photo).

Access: the desk of the notice's site; another site's notice, board or copy is a 404.
Refused: a notice not published (or past its last day), a board recorded twice while up,
a photo that is not an image; each with a Chinese message and nothing saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from frontdesk.conflicts import Conflict
from notices.models import Notice, NoticeOpen, Posting
from notices.selectors.postings import notice_board
from notices.services.postings import posting_photo_clean, posting_record, posting_remove
from notices.states import State
from tests import factories

from .conftest import bring_to, make_notice, pdf
from .postings_builders import (
    boards as boards,  # fixtures, used below
)
from .postings_builders import (
    jpeg_with_gps,
    make_boards,
    make_location,
    post,
    published,
)
from .postings_builders import (
    notice as notice,
)

HX = {"HX-Request": "true"}


def section(notice) -> str:
    return reverse("notices:postings", args=[notice.pk])


def record(notice, location) -> str:
    return reverse("notices:posting_record", args=[notice.pk, location.pk])


def remove(posting) -> str:
    return reverse("notices:posting_remove", args=[posting.pk])


def rows(response) -> dict[str, str]:
    return {row.location.name: row.status for row in response.context["board"].rows}


# --- The service -----------------------------------------------------------------------


def test_a_copy_is_recorded_with_who_and_when(site_a, clerk, notice, boards):
    posting = post(notice, boards["3栋"], clerk)
    assert (posting.posted_by, posting.removed_at, posting.photo.name) == (clerk, None, "")
    assert abs(posting.posted_at - timezone.now()) < timedelta(seconds=5)


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.APPROVED])
def test_a_notice_not_published_is_not_posted(site_a, clerk, approver, boards, state):
    notice = bring_to(make_notice(site_a, clerk), state, clerk=clerk, boss=approver)
    with pytest.raises(ValidationError) as refused:
        post(notice, boards["南门"], clerk)
    assert "只有已发布的通知才能张贴" in refused.value.messages[0]
    assert not Posting.objects.exists()


@pytest.mark.parametrize("state", [State.EXPIRED, State.WITHDRAWN, State.SUPERSEDED])
def test_a_notice_no_longer_in_force_is_not_posted(site_a, clerk, approver, boards, state):
    notice = make_notice(site_a, clerk)
    if state == State.WITHDRAWN:
        from notices.services.workflow import notice_withdraw

        bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)
        notice_withdraw(site=site_a, user=approver, notice=notice, reason="延期")
    else:
        bring_to(notice, state, clerk=clerk, boss=approver)
    with pytest.raises(ValidationError):
        post(Notice.objects.get(pk=notice.pk), boards["南门"], clerk)
    assert not Posting.objects.exists()


def test_a_notice_past_its_last_day_is_not_posted_before_the_expiry_runs(
    site_a, clerk, notice, boards
):
    Notice.objects.filter(pk=notice.pk).update(
        effective_from=date(2020, 1, 1), expires_on=date(2020, 1, 2)
    )
    with pytest.raises(ValidationError) as refused:
        post(Notice.objects.get(pk=notice.pk), boards["南门"], clerk)
    assert "2020-01-02" in refused.value.messages[0]


def test_the_same_board_twice_is_a_conflict_naming_who_posted_it(
    site_a, clerk, approver, notice, boards
):
    post(notice, boards["南门"], clerk)
    with pytest.raises(Conflict) as conflict:
        post(notice, boards["南门"], approver)
    assert conflict.value.by == clerk
    assert Posting.objects.count() == 1


def test_a_copy_taken_down_may_be_posted_again(site_a, clerk, notice, boards):
    first = post(notice, boards["南门"], clerk)
    posting_remove(site=site_a, user=clerk, posting=first)
    again = post(notice, boards["南门"], clerk)
    assert again.pk != first.pk and Posting.objects.filter(removed_at=None).count() == 1


def test_taking_down_twice_is_a_conflict_naming_who_did_it(site_a, clerk, approver, notice, boards):
    posting = post(notice, boards["南门"], clerk)
    posting_remove(site=site_a, user=approver, posting=posting)
    with pytest.raises(Conflict) as conflict:
        posting_remove(site=site_a, user=clerk, posting=Posting.objects.get(pk=posting.pk))
    assert conflict.value.by == approver


def test_a_board_or_notice_of_another_site_is_refused(
    site_a, site_b, clerk, clerk_b, approver, notice
):
    theirs = make_location(site_b, "南门", "gate")
    with pytest.raises(ValidationError) as refused:
        posting_record(site=site_a, user=clerk, notice=notice, location=theirs)
    assert "location" in refused.value.message_dict
    with pytest.raises(ValidationError):
        posting_record(site=site_b, user=clerk_b, notice=notice, location=theirs)
    assert not Posting.objects.exists()


def test_a_retired_board_is_refused(site_a, clerk, notice):
    retired = make_location(site_a, "旧公告栏", is_active=False)
    with pytest.raises(ValidationError):
        post(notice, retired, clerk)


def test_the_photo_is_kept_without_where_it_was_taken(site_a, clerk, notice, boards, media):
    cleaned = posting_photo_clean(jpeg_with_gps())
    posting = post(notice, boards["南门"], clerk, photo=cleaned)
    assert posting.photo.name.startswith(f"postings/{site_a.pk}/")
    assert posting.photo.name.endswith(".jpg") and "board" not in posting.photo.name
    with posting.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (60, 40)
        assert not image.getexif()


def test_a_file_that_is_not_an_image_is_refused_as_a_photo():
    with pytest.raises(ValidationError) as refused:
        posting_photo_clean(pdf("board.jpg"))
    assert "PDF" in refused.value.messages[0]


# --- The section on the notice's page --------------------------------------------------


def test_the_page_loads_the_section(clerk_client, notice):
    html = clerk_client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert f'hx-get="{section(notice)}"' in html and 'id="notice-postings"' in html


def test_a_whole_site_notice_goes_to_every_board(clerk_client, notice, boards, clerk):
    post(notice, boards["4栋"], clerk)
    response = clerk_client.get(section(notice), headers=HX)
    assert response.status_code == 200
    assert response.templates[0].name == "notices/_postings.html"
    assert rows(response) == {
        "南门": "missing",
        "3栋公告栏": "missing",
        "4栋公告栏": "posted",
        "5栋公告栏": "missing",
    }
    html = response.content.decode()
    assert "王丽" in html and 'id="posting-record-' in html
    assert f'action="{record(notice, boards["3栋"])}"' in html
    assert response.context["board"].missing == 3


def test_a_notice_for_buildings_goes_to_their_boards_and_the_site_wide_ones(
    site_a, clerk, approver, client
):
    boards = make_boards(site_a, buildings=(3, 4, 5))
    three, five = (boards[b].building for b in ("3栋", "5栋"))
    notice = published(site_a, clerk, approver, audience="buildings", buildings=[three, five])
    client.force_login(clerk)
    assert rows(client.get(section(notice))) == {
        "南门": "missing",
        "3栋公告栏": "missing",
        "5栋公告栏": "missing",
    }


def test_entrances_and_houses_go_to_their_buildings_boards(site_a, clerk, approver, client):
    boards = make_boards(site_a, buildings=(3, 4))
    house = factories.make_house(site_a, building=4, unit=1, room="301")
    three = boards["3栋"].building
    client.force_login(clerk)
    by_entrance = published(site_a, clerk, approver, audience="entrances", entrances=[(three, 2)])
    assert set(rows(client.get(section(by_entrance)))) == {"南门", "3栋公告栏"}
    by_house = published(site_a, clerk, approver, audience="houses", houses=[house])
    assert set(rows(client.get(section(by_house)))) == {"南门", "4栋公告栏"}


def test_a_retired_board_stays_listed_while_it_has_a_copy(site_a, clerk, notice, boards, client):
    post(notice, boards["3栋"], clerk)
    boards["3栋"].is_active = False
    boards["3栋"].save()
    boards["5栋"].is_active = False
    boards["5栋"].save()
    client.force_login(clerk)
    response = client.get(section(notice))
    assert rows(response) == {"南门": "missing", "3栋公告栏": "posted", "4栋公告栏": "missing"}


def test_recording_a_copy_with_a_photo_returns_to_the_notice(clerk_client, notice, boards, media):
    response = clerk_client.post(record(notice, boards["3栋"]), {"photo": jpeg_with_gps()})
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.pk]) + "#notice-postings"
    posting = Posting.objects.get()
    assert (posting.location, posting.notice, posting.photo.name != "") == (
        boards["3栋"],
        notice,
        True,
    )
    page = clerk_client.get(response["Location"])
    assert "3栋公告栏" in page.content.decode()  # the message
    html = clerk_client.get(section(notice), headers=HX).content.decode()
    assert reverse("notices:posting_photo", args=[posting.pk]) in html


def test_recording_without_a_photo_is_fine(clerk_client, notice, boards):
    assert clerk_client.post(record(notice, boards["南门"])).status_code == 302
    assert Posting.objects.get().photo.name == ""


def test_a_photo_that_is_not_an_image_is_refused_beside_the_field(clerk_client, notice, boards):
    fake = SimpleUploadedFile("board.jpg", b"not an image at all", content_type="image/jpeg")
    response = clerk_client.post(record(notice, boards["南门"]), {"photo": fake})
    assert response.status_code == 400
    html = response.content.decode()
    # Beside the board's own file input.
    field = html.index(f'id="id_posting_{boards["南门"].pk}_photo"')
    assert "这里不能上传" in html[field : html.index("</form>", field)]
    assert not Posting.objects.exists()


def test_posting_a_notice_not_published_is_refused_in_chinese(clerk_client, draft, boards):
    response = clerk_client.post(record(draft, boards["南门"]))
    assert response.status_code == 400
    assert "只有已发布的通知才能张贴" in response.content.decode()
    assert not Posting.objects.exists()


def test_recording_a_board_twice_says_who_did_it_first(client, clerk, approver, notice, boards):
    client.force_login(approver)
    client.post(record(notice, boards["南门"]))
    client.force_login(clerk)
    response = client.post(record(notice, boards["南门"]))
    assert response.status_code == 409
    alert = response.context["alert"]
    assert "南门" in alert and "陈静" in alert and "本次未作任何更改" in alert
    assert Posting.objects.count() == 1


def test_taking_down_a_copy(clerk_client, clerk, notice, boards):
    posting = post(notice, boards["南门"], clerk)
    response = clerk_client.post(remove(posting), {"back": "notice"})
    assert response.status_code == 302 and response["Location"].endswith("#notice-postings")
    stored = Posting.objects.get(pk=posting.pk)
    assert stored.removed_by == clerk and stored.removed_at is not None
    assert rows(clerk_client.get(section(notice)))["南门"] == "removed"


def test_taking_down_twice_says_who_did_it(client, clerk, approver, notice, boards):
    posting = post(notice, boards["南门"], clerk)
    client.force_login(approver)
    client.post(remove(posting))
    client.force_login(clerk)
    response = client.post(remove(posting))
    assert response.status_code == 409
    assert "陈静" in response.context["alert"]


def test_another_sites_notice_board_or_copy_is_not_found(
    client, site_b, clerk, clerk_b, notice, boards
):
    posting = post(notice, boards["南门"], clerk)
    theirs = make_location(site_b, "南门", "gate")
    client.force_login(clerk_b)
    assert client.get(section(notice)).status_code == 404
    assert client.post(record(notice, boards["3栋"])).status_code == 404
    assert client.post(remove(posting)).status_code == 404
    assert client.get(reverse("notices:posting_photo", args=[posting.pk])).status_code == 404
    client.force_login(clerk)
    assert client.post(record(notice, theirs)).status_code == 404
    assert Posting.objects.filter(removed_at=None).count() == 1


def test_the_photo_is_downloaded_by_the_desk_of_its_site(client, clerk, notice, boards, media):
    posting = post(notice, boards["南门"], clerk, photo=posting_photo_clean(jpeg_with_gps()))
    client.force_login(clerk)
    response = client.get(reverse("notices:posting_photo", args=[posting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]


def test_the_section_shows_the_opens_per_board(clerk_client, clerk, notice, boards):
    post(notice, boards["南门"], clerk)
    today = timezone.localdate()
    NoticeOpen.objects.bulk_create(
        [
            NoticeOpen(notice=notice, location=boards["南门"], day=today, count=5),
            NoticeOpen(notice=notice, location=boards["南门"], day=today - timedelta(1), count=2),
            NoticeOpen(notice=notice, location=boards["3栋"], day=today, count=1),
            NoticeOpen(notice=notice, location=None, day=today, count=4),
        ]
    )
    response = clerk_client.get(section(notice), headers=HX)
    opens = {row.location.name: row.opens for row in response.context["board"].rows}
    assert opens == {"南门": 7, "3栋公告栏": 1, "4栋公告栏": 0, "5栋公告栏": 0}
    assert response.context["board"].opens == 12
    html = response.content.decode()
    assert "扫码 7 次" in html and "群消息" in html


def test_a_draft_lists_its_boards_without_forms(clerk_client, draft, boards):
    response = clerk_client.get(section(draft), headers=HX)
    assert len(response.context["board"].rows) == 4
    html = response.content.decode()
    assert 'id="postings-not-yet"' in html and "posting-record-" not in html


def test_a_site_without_locations_says_where_to_add_them(clerk_client, notice):
    html = clerk_client.get(section(notice), headers=HX).content.decode()
    assert 'id="postings-none"' in html


def test_the_section_reads_in_a_fixed_number_of_queries(
    client, site_a, clerk, approver, notice, django_assert_num_queries
):
    client.force_login(clerk)
    client.get(section(notice))  # the session's permissions cached, as on any later page

    def count() -> None:
        # The session and its user, the notice, its locations, its postings, its opens
        # summed per location.
        with django_assert_num_queries(6):
            assert client.get(section(notice), headers=HX).status_code == 200

    count()
    boards = make_boards(site_a, buildings=range(1, 9))
    for board in list(boards.values())[:6]:
        post(notice, board, clerk)
        NoticeOpen.objects.create(notice=notice, location=board, day=timezone.localdate(), count=3)
    count()


def test_a_scanned_board_without_a_copy_recorded_keeps_its_opens(site_a, clerk, notice, boards):
    retired = make_location(site_a, "旧公告栏", is_active=False)
    NoticeOpen.objects.create(notice=notice, location=retired, day=timezone.localdate(), count=2)
    rows = {r.location.name: (r.goes_here, r.status, r.opens) for r in notice_board(notice).rows}
    assert rows["旧公告栏"] == (False, "missing", 2)
    assert notice_board(notice).missing == 4  # the retired one waits for nothing
