"""The page a poster's QR code opens (/n/<token>/, the contract's URL): no login, on a
phone; the notice, its attachments, the site and its service phone, and whether it has
expired or been withdrawn; an old version's token shows the newest version. Cacheable for
a minute, never indexed, limited per address; its opens are counted by its 1×1 image
(/n/<token>/seen?at=<board>) per notice, board and day, with nothing of who opened it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notices.attachments import attachment_clean, attachments_store
from notices.models import Notice, NoticeOpen
from notices.services import versions, workflow
from notices.services.expiry import notices_expire
from notices.services.opens import notice_open_count
from notices.states import State
from notices.views.public import PIXEL
from tests import factories
from tests.conftest import CLOSED_BROKER

from .conftest import bring_to, jpeg, make_notice, pdf
from .postings_builders import address, make_location
from .postings_builders import notice as notice  # fixtures, used below
from .postings_builders import phone as phone


def page(token: str) -> str:
    return reverse("notices_public:notice", args=[token])


def seen(token: str) -> str:
    return reverse("notices_public:seen", args=[token])


def opens() -> list[tuple]:
    return list(
        NoticeOpen.objects.order_by("notice_id", "location_id", "day").values_list(
            "notice_id", "location_id", "day", "count"
        )
    )


def test_it_shows_the_notice_on_a_phone(phone, site_a, clerk, approver, media):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    notice = make_notice(
        site_a,
        clerk,
        title="3栋停水通知",
        body="# 停水\n\n因**管道检修**，周六停水。\n\n<script>alert(1)</script>",
        urgent=True,
    )
    attachments_store(
        notice=notice,
        user=clerk,
        files=[attachment_clean(pdf("时间表.pdf")), attachment_clean(jpeg("地图.jpg"))],
    )
    bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)
    response = phone.get(page(notice.token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3栋停水通知" in html and "<strong>管道检修</strong>" in html
    assert "<script>alert" not in html
    assert "翠湖花园" in html and "tel:0571-88886601" in html and "翠湖花园物业服务中心" in html
    assert notice.effective_from.strftime("%Y-%m-%d") in html
    assert notice.expires_on.strftime("%Y-%m-%d") in html
    assert "时间表.pdf" in html and "地图.jpg" in html and "紧急" in html
    assert 'name="viewport"' in html and "notices/public.css" in html
    assert "已过期" not in html and "已撤回" not in html
    # Nothing personal, and nothing of the desk: no login, no clerk, no script.
    for absent in ("张三丰", "13800138000", "王丽", "陈静", "<script", "csrfmiddlewaretoken"):
        assert absent not in html, absent


def test_it_may_be_cached_for_a_minute_and_is_never_indexed(phone, notice):
    response = phone.get(page(notice.token))
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Expires" not in response
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    # Nothing a shared cache must not keep.
    assert not response.cookies


def test_staff_logged_in_get_it_uncached(clerk_client, notice):
    response = clerk_client.get(page(notice.token))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.parametrize(
    "token",
    ["x" * 22, "short", "a" * 65, "../../etc/passwd", "%00" * 12, "tämpered-token-ümlaut-0123456"],
)
def test_an_unknown_or_tampered_token_is_not_found(phone, notice, token):
    assert phone.get(f"/n/{token}/").status_code == 404
    assert phone.get(f"/n/{token}/seen", {"at": token}).status_code in (200, 404)
    assert opens() == []


def test_not_found_is_the_projects_page_never_kept(phone, notice):
    response = phone.get(page("x" * 22))
    assert response.status_code == 404
    assert 'id="error-404"' in response.content.decode()
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"]


def test_a_token_one_letter_off_is_not_found(phone, notice):
    token = notice.token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert phone.get(page(tampered)).status_code == 404


def test_a_notice_never_published_is_not_found(phone, draft, site_a, clerk, approver):
    assert phone.get(page(draft.token)).status_code == 404
    bring_to(draft, State.APPROVED, clerk=clerk, boss=approver)
    assert phone.get(page(draft.token)).status_code == 404


def test_an_expired_notice_says_so(phone, notice):
    Notice.objects.filter(pk=notice.pk).update(
        effective_from=date(2020, 1, 1), expires_on=date(2020, 1, 2)
    )
    # Past its last day: said so before the hourly expiry has run, and after.
    html = phone.get(page(notice.token)).content.decode()
    assert 'id="public-expired"' in html and "已过期" in html and "2020-01-02" in html
    notices_expire()
    html = phone.get(page(notice.token)).content.decode()
    assert 'id="public-expired"' in html


def test_a_withdrawn_notice_says_so(phone, site_a, approver, notice):
    workflow.notice_withdraw(
        site=site_a, user=approver, notice=notice, reason="内部原因：王经理要求"
    )
    html = phone.get(page(notice.token)).content.decode()
    assert 'id="public-withdrawn"' in html and "已撤回" in html
    # The reason is the desk's, not the residents'.
    assert "王经理" not in html


def test_an_old_versions_token_shows_the_newest_with_a_note(phone, site_a, clerk, approver, notice):
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=notice)
    Notice.objects.filter(pk=correction.pk).update(title="停水通知（更正）")
    correction.refresh_from_db()
    bring_to(correction, State.PUBLISHED, clerk=clerk, boss=approver)
    html = phone.get(page(notice.token)).content.decode()
    assert "停水通知（更正）" in html and 'id="public-updated"' in html and "第 2 版" in html
    html = phone.get(page(correction.token)).content.decode()
    assert "停水通知（更正）" in html and 'id="public-updated"' not in html
    # The old poster's scans still count for the old poster.
    assert f'src="{seen(notice.token)}"' in phone.get(page(notice.token)).content.decode()


def test_the_page_carries_its_counting_image_with_the_board(phone, site_a, notice):
    gate = make_location(site_a, "南门", "gate")
    html = phone.get(page(notice.token), {"at": gate.code}).content.decode()
    assert f'src="{seen(notice.token)}?at={gate.code}"' in html
    html = phone.get(page(notice.token)).content.decode()
    assert f'src="{seen(notice.token)}"' in html
    # Served as it came for the counter to judge, escaped.
    html = phone.get(page(notice.token), {"at": '"><b>'}).content.decode()
    assert "<b>" not in html


def test_opens_are_counted_per_board_and_day_with_nothing_of_who(phone, site_a, notice):
    gate = make_location(site_a, "南门", "gate")
    board = make_location(site_a, "3栋公告栏", building=3)
    for at in (gate.code, gate.code, board.code, ""):
        response = Client(REMOTE_ADDR=address()).get(seen(notice.token), {"at": at} if at else {})
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif" and response.content == PIXEL
        assert "no-store" in response["Cache-Control"]
    today = timezone.localdate()
    assert opens() == [
        (notice.pk, gate.pk, today, 2),
        (notice.pk, board.pk, today, 1),
        (notice.pk, None, today, 1),
    ]
    # A count, nothing more: no address, agent, time of day or user.
    fields = {f.name for f in NoticeOpen._meta.get_fields()}
    assert fields == {"id", "notice", "location", "day", "count"}


def test_a_new_day_is_a_new_row(site_a, notice):
    gate = make_location(site_a, "南门", "gate")
    today = timezone.localdate()
    assert notice_open_count(token=notice.token, code=gate.code, day=today - timedelta(1))
    assert notice_open_count(token=notice.token, code=gate.code, day=today)
    assert notice_open_count(token=notice.token, code="", day=today)
    assert notice_open_count(token=notice.token, code="", day=today)
    assert [row[2:] for row in opens()] == [(today - timedelta(1), 1), (today, 1), (today, 2)]


def test_an_unknown_or_foreign_board_or_token_is_not_counted(phone, site_a, site_b, notice, draft):
    theirs = make_location(site_b, "南门", "gate")
    for token, at in [
        (notice.token, "nosuchcode"),
        (notice.token, theirs.code),
        (notice.token, "x" * 40),
        ("x" * 22, ""),
        (draft.token, ""),
    ]:
        assert phone.get(seen(token), {"at": at}).status_code == 200
    assert opens() == []


def test_an_old_posters_scan_counts_for_the_old_version(phone, site_a, clerk, approver, notice):
    gate = make_location(site_a, "南门", "gate")
    correction = versions.notice_new_version(site=site_a, user=clerk, notice=notice)
    bring_to(correction, State.PUBLISHED, clerk=clerk, boss=approver)
    phone.get(seen(notice.token), {"at": gate.code})
    assert opens() == [(notice.pk, gate.pk, timezone.localdate(), 1)]


def test_the_notice_page_shows_what_was_counted(clerk_client, site_a, notice):
    gate = make_location(site_a, "南门", "gate")
    for _ in range(3):
        Client(REMOTE_ADDR=address()).get(seen(notice.token), {"at": gate.code})
    response = clerk_client.get(reverse("notices:postings", args=[notice.pk]))
    assert [(r.location.name, r.opens) for r in response.context["board"].rows] == [("南门", 3)]


def test_an_attachment_is_downloaded_by_the_token(phone, site_a, clerk, approver, media):
    notice = make_notice(site_a, clerk)
    (row,) = attachments_store(
        notice=notice, user=clerk, files=[attachment_clean(pdf("时间表.pdf"))]
    )
    bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)
    url = reverse("notices_public:attachment", args=[notice.token, row.pk])
    assert url in phone.get(page(notice.token)).content.decode()
    response = phone.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_notices_attachment_is_not_found(phone, site_a, clerk, approver, media, notice):
    other = make_notice(site_a, clerk, title="别的通知")
    (row,) = attachments_store(notice=other, user=clerk, files=[attachment_clean(pdf())])
    bring_to(other, State.PUBLISHED, clerk=clerk, boss=approver)
    assert (
        phone.get(reverse("notices_public:attachment", args=[notice.token, row.pk])).status_code
        == 404
    )
    assert (
        phone.get(reverse("notices_public:attachment", args=["x" * 22, row.pk])).status_code == 404
    )


def test_too_many_requests_from_one_address_are_slowed_down(settings, phone, notice):
    settings.PUBLIC_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert phone.get(page(notice.token)).status_code == 200
    response = phone.get(page(notice.token))
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert response["Retry-After"] == "60" and "no-store" in response["Cache-Control"]
    # The counting image has a limit of its own: the page's reloads do not use it up.
    for _ in range(3):
        assert phone.get(seen(notice.token)).status_code == 200
    assert phone.get(seen(notice.token)).status_code == 429
    assert NoticeOpen.objects.get().count == 3
    # Another address is not held up.
    assert Client(REMOTE_ADDR=address()).get(page(notice.token)).status_code == 200


def test_the_page_works_and_limits_without_redis(settings, phone, notice):
    settings.CELERY_BROKER_URL = CLOSED_BROKER
    settings.PUBLIC_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert phone.get(page(notice.token)).status_code == 200
    assert phone.get(page(notice.token)).status_code == 429


def test_it_opens_in_two_queries_and_counts_in_one(phone, site_a, clerk, approver, media):
    notice = make_notice(site_a, clerk)
    attachments_store(
        notice=notice, user=clerk, files=[attachment_clean(pdf()), attachment_clean(jpeg())]
    )
    bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)
    gate = make_location(site_a, "南门", "gate")
    with CaptureQueriesContext(connection) as queries:
        assert phone.get(page(notice.token), {"at": gate.code}).status_code == 200
    # The notice with its site and type; its attachments (nobody logged in: no session).
    assert len(queries) == 2, "\n".join(q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        assert phone.get(seen(notice.token), {"at": gate.code}).status_code == 200
    # The upsert, finding the notice and the board itself.
    assert len(queries) == 1, "\n".join(q["sql"] for q in queries.captured_queries)


def test_a_post_or_a_head_is_refused(phone, notice):
    assert phone.post(page(notice.token)).status_code == 405
    assert phone.head(seen(notice.token)).status_code == 405
    assert opens() == []


def test_a_draft_corrections_token_shows_the_version_in_force_without_a_note(
    phone, site_a, clerk, notice
):
    draft = versions.notice_new_version(site=site_a, user=clerk, notice=notice)
    html = phone.get(page(draft.token)).content.decode()
    assert "停水通知" in html and 'id="public-updated"' not in html
