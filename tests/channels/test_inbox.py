"""消息: a member of staff's inbox — only their own messages, read by opening or marking,
and the header's count of the unread ones."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdesk.channels.models import Delivery
from frontdesk.channels.recipients import Message, Staff
from frontdesk.channels.selectors.inbox import PAGE_SIZE, inbox_unread_count
from frontdesk.channels.services.inbox import inbox_mark_read, inbox_open
from frontdesk.channels.services.messages import message_send
from tests import factories

INBOX = reverse("channels:inbox")
MARK_READ = reverse("channels:mark_read")
DESK = reverse("desk")


def send(user, subject="快递到了", text="3栋2单元1201 有一件顺丰快递待取。", link="", site=None):
    """A message to ``user`` as an area sends it; returns their inbox row."""
    site = site or user.sites.first() or factories.make_site()
    rows = message_send(
        site=site,
        recipients=[Staff(user)],
        message=Message(purpose="test", subject=subject, text=text, link=link),
    )
    return next(r for r in rows if r.channel == Delivery.Channel.INBOX)


def open_url(row) -> str:
    return reverse("channels:open", args=[row.pk])


def unread(user) -> set[int]:
    return set(
        Delivery.objects.inbox_of(user).filter(read_at__isnull=True).values_list("pk", flat=True)
    )


# --- the list ---------------------------------------------------------------------------


def test_it_lists_unread_messages_newest_first(clerk_client, clerk):
    send(clerk, "第一条")
    send(clerk, "第二条")
    read = send(clerk, "已读的")
    inbox_open(user=clerk, pk=read.pk)
    html = clerk_client.get(INBOX).content.decode()
    assert html.index("第二条") < html.index("第一条")
    assert "已读的" not in html
    assert "3栋2单元1201 有一件顺丰快递待取。" in html
    assert "刚刚" in html  # the project's "how long ago"
    assert 'id="inbox-read-all"' in html and "全部标为已读" in html
    assert html.count('class="btn btn-sm btn-outline-secondary mark-read"') == 2


def test_the_all_tab_shows_read_ones_too(clerk_client, clerk):
    send(clerk, "未读的")
    read = send(clerk, "已读的")
    inbox_open(user=clerk, pk=read.pk)
    html = clerk_client.get(INBOX, {"show": "all"}).content.decode()
    assert "未读的" in html and "已读的" in html
    assert f'id="message-{read.pk}" class="inbox-read"' in html
    # A read row has no button to mark it read again.
    assert html.count('class="btn btn-sm btn-outline-secondary mark-read"') == 1


def test_it_shortens_long_texts(clerk_client, clerk):
    send(clerk, text="很长的消息" * 100)
    html = clerk_client.get(INBOX).content.decode()
    assert "很长的消息" * 20 in html and "很长的消息" * 30 not in html


def test_it_lists_only_the_users_own_messages(clerk_client, clerk, site_a):
    other = factories.make_user(site_a, username="desk2")
    send(other, "别人的消息")
    send(clerk, "我的消息")
    html = clerk_client.get(INBOX, {"show": "all"}).content.decode()
    assert "我的消息" in html and "别人的消息" not in html


def test_it_says_when_nothing_is_unread(clerk_client, clerk):
    html = clerk_client.get(INBOX).content.decode()
    assert "没有未读消息" in html and 'id="inbox-read-all"' not in html
    assert "还没有消息" in clerk_client.get(INBOX, {"show": "all"}).content.decode()


def test_it_pages_without_counting_every_row(clerk_client, clerk):
    for n in range(PAGE_SIZE + 2):
        send(clerk, f"消息{n:02d}号")
    first = clerk_client.get(INBOX).content.decode()
    assert "消息31号" in first and "消息02号" in first and "消息01号" not in first
    assert "?page=2" in first and "第 1 页" in first
    second = clerk_client.get(INBOX, {"page": "2"}).content.decode()
    assert "消息01号" in second and "消息00号" in second and "消息02号" not in second
    assert "?page=1" in second and "?page=3" not in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "²", "١", "9" * 30, ""])
def test_a_page_that_is_not_a_number_is_the_first(clerk_client, clerk, page):
    send(clerk, "第一页的消息")
    response = clerk_client.get(INBOX, {"page": page, "show": "all"})
    assert response.status_code == 200
    assert "第一页的消息" in response.content.decode()


def test_a_page_past_the_end_offers_the_first(clerk_client, clerk):
    send(clerk)
    html = clerk_client.get(INBOX, {"page": "50"}).content.decode()
    assert 'id="inbox-empty"' in html and "回到第一页" in html


def test_a_user_of_several_sites_sees_which_site_sent_it(supervisor_client, supervisor, site_b):
    send(supervisor, "锦绣华庭的消息", site=site_b)
    html = supervisor_client.get(INBOX).content.decode()
    assert "锦绣华庭" in html.split('id="inbox"')[1]


@pytest.mark.parametrize("rows", [1, 40])
def test_its_query_count_does_not_grow_with_the_rows(
    clerk_client, clerk, django_assert_num_queries, rows
):
    for n in range(rows):
        row = send(clerk, f"消息{n}")
        if n % 2:
            inbox_open(user=clerk, pk=row.pk)
    clerk_client.get(INBOX)  # the first request may renew the session
    # Session, user, the unread count (for the tab and the header: once), the page's rows
    # with their sites.
    for show in ("", "all"):
        with django_assert_num_queries(4):
            assert clerk_client.get(INBOX, {"show": show}).status_code == 200


# --- who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["engineer", "supervisor", "nosite"])
def test_every_member_of_staff_has_an_inbox(client, request, site_a, who):
    user = (
        factories.make_user(username="nosite") if who == "nosite" else request.getfixturevalue(who)
    )
    row = send(user, "给你的消息", site=site_a)
    client.force_login(user)
    assert "给你的消息" in client.get(INBOX).content.decode()
    assert client.get(open_url(row)).status_code == 200
    assert unread(user) == set()


def test_anonymous_users_are_sent_to_log_in(client, clerk):
    row = send(clerk)
    for url in (INBOX, open_url(row)):
        assert client.get(url)["Location"].startswith(reverse("login") + "?next=")
    assert client.post(MARK_READ, {"all": "1"})["Location"].startswith(reverse("login"))
    assert unread(clerk) == {row.pk}


def test_another_users_message_is_a_404_and_stays_unread(clerk_client, site_a):
    other = factories.make_user(site_a, username="desk2")
    row = send(other, link="/visitors/")
    assert clerk_client.get(open_url(row)).status_code == 404
    assert unread(other) == {row.pk}


@pytest.mark.parametrize("pk", ["0", "99999999999999999999"])
def test_a_message_that_does_not_exist_is_a_404(clerk_client, pk):
    assert clerk_client.get(f"{INBOX}{pk}/").status_code == 404


def test_a_delivery_that_is_not_an_inbox_message_is_a_404(clerk_client, clerk, site_a):
    email = Delivery.objects.create(
        site=site_a,
        channel=Delivery.Channel.EMAIL,
        audience=Delivery.Audience.STAFF,
        purpose="test",
        subject="邮件",
        text="邮件",
        user=clerk,
        email="clerk@example.com",
        not_before=timezone.now(),
    )
    assert clerk_client.get(open_url(email)).status_code == 404


# --- opening -----------------------------------------------------------------------------


def test_opening_reads_it_and_goes_to_its_link(clerk_client, clerk):
    row = send(clerk, link="/visitors/parcels/?status=waiting")
    response = clerk_client.get(open_url(row))
    assert response.status_code == 302
    assert response["Location"] == "/visitors/parcels/?status=waiting"
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_again_keeps_when_it_was_first_read(clerk, clerk_client):
    row = send(clerk)
    first = inbox_open(user=clerk, pk=row.pk).read_at
    clerk_client.get(open_url(row))
    assert Delivery.objects.get(pk=row.pk).read_at == first


def test_a_message_without_a_link_is_shown(clerk_client, clerk):
    row = send(clerk, "停水通知", "明天上午9点至11点停水。\n请提前储水。")
    response = clerk_client.get(open_url(row))
    html = response.content.decode()
    assert response.status_code == 200
    assert "停水通知" in html and "请提前储水。" in html and 'id="message-link"' not in html
    assert unread(clerk) == set()


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/login",
        "//evil.example/login",
        "javascript:alert(1)",
        "/\\evil.example",
        "http://testserver.evil.example/",
    ],
)
def test_a_link_that_leads_elsewhere_is_shown_not_followed(clerk_client, clerk, link):
    row = send(clerk, "可疑链接", link=link)
    response = clerk_client.get(open_url(row))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="message-link"' in html and f'href="{link}"' not in html
    assert unread(clerk) == set()


def test_a_full_address_of_this_site_is_followed(clerk_client, clerk):
    row = send(clerk, link="http://testserver/visitors/")
    assert clerk_client.get(open_url(row))["Location"] == "http://testserver/visitors/"


# --- marking read ------------------------------------------------------------------------


def test_it_marks_one_read_and_comes_back_to_the_same_list(clerk_client, clerk):
    one, two = send(clerk, "一"), send(clerk, "二")
    response = clerk_client.post(f"{MARK_READ}?show=all&page=2", {"ids": [one.pk]})
    assert response["Location"] == f"{INBOX}?show=all&page=2"
    assert unread(clerk) == {two.pk}


def test_it_marks_all_read_and_says_how_many(clerk_client, clerk, site_a):
    other = factories.make_user(site_a, username="desk2")
    theirs = send(other)
    send(clerk), send(clerk)
    response = clerk_client.post(MARK_READ, {"all": "1"}, follow=True)
    assert "已将 2 条消息标为已读" in response.content.decode()
    assert unread(clerk) == set()
    assert unread(other) == {theirs.pk}


def test_marking_all_leaves_what_came_after_the_page_was_shown(clerk_client, clerk):
    seen = send(clerk, "看到的")
    html = clerk_client.get(INBOX).content.decode()
    shown_at = html.split('name="shown_at" value="')[1].split('"')[0]
    later = send(clerk, "后来的")
    Delivery.objects.filter(pk=later.pk).update(created_at=timezone.now() + timedelta(seconds=1))
    clerk_client.post(MARK_READ, {"all": "1", "shown_at": shown_at})
    assert unread(clerk) == {later.pk}
    assert Delivery.objects.get(pk=seen.pk).read_at is not None


def test_marking_another_users_message_changes_nothing(clerk_client, site_a):
    other = factories.make_user(site_a, username="desk2")
    row = send(other)
    assert clerk_client.post(MARK_READ, {"ids": [row.pk]}).status_code == 302
    assert unread(other) == {row.pk}


@pytest.mark.parametrize(
    "ids", [["²"], ["١"], ["99999999999999999999"], ["-1"], [""], ["abc"], ["1.5"], []]
)
def test_it_ignores_what_is_not_a_message_number(clerk_client, clerk, ids):
    row = send(clerk)
    response = clerk_client.post(MARK_READ, {"ids": ids})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert unread(clerk) == {row.pk}


@pytest.mark.parametrize("shown_at", ["", "abc", "9" * 40, "-1", "١٢"])
def test_marking_all_with_a_bad_moment_marks_all(clerk_client, clerk, shown_at):
    send(clerk)
    assert clerk_client.post(MARK_READ, {"all": "1", "shown_at": shown_at}).status_code == 302
    assert unread(clerk) == set()


def test_marking_read_is_a_post_with_the_csrf_token(clerk):
    row = send(clerk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.get(MARK_READ).status_code == 405
    assert client.post(MARK_READ, {"ids": [row.pk]}).status_code == 403
    assert unread(clerk) == {row.pk}


def test_the_service_marks_only_the_ids_given(clerk, site_a):
    one, two = send(clerk), send(clerk)
    assert inbox_mark_read(user=clerk, ids=[]) == 0
    assert inbox_mark_read(user=clerk, ids=[one.pk, one.pk]) == 1
    assert inbox_mark_read(user=clerk, ids=[one.pk]) == 0  # already read
    assert unread(clerk) == {two.pk}
    assert inbox_mark_read(user=clerk, ids=None) == 1


# --- the header ---------------------------------------------------------------------------


def test_the_header_counts_the_unread_messages(clerk_client, clerk, site_a):
    html = clerk_client.get(DESK).content.decode()
    assert 'id="inbox-link"' in html and 'id="inbox-unread"' not in html
    send(clerk), send(clerk)
    send(factories.make_user(site_a, username="desk2"))  # not the clerk's
    html = clerk_client.get(DESK).content.decode()
    assert '<span class="badge rounded-pill text-bg-warning" id="inbox-unread">2<' in html
    inbox_mark_read(user=clerk, ids=None)
    assert 'id="inbox-unread"' not in clerk_client.get(DESK).content.decode()


def test_the_header_says_99_plus_past_99(clerk_client, clerk, site_a):
    Delivery.objects.bulk_create(
        Delivery(
            site=site_a,
            channel=Delivery.Channel.INBOX,
            audience=Delivery.Audience.STAFF,
            state=Delivery.State.SENT,
            purpose="test",
            subject=f"消息{n}",
            text="…",
            user=clerk,
            not_before=timezone.now(),
        )
        for n in range(100)
    )
    assert inbox_unread_count(clerk) == 100
    assert 'id="inbox-unread">99+<' in clerk_client.get(DESK).content.decode()


def test_the_header_count_is_not_asked_for_where_no_header_is_shown(
    clerk_client, clerk, django_assert_num_queries
):
    send(clerk)
    url = reverse("residents:index")
    headers = {"HX-Request": "true", "HX-Target": "lookup-results"}
    clerk_client.get(url, {"q": "张"}, headers=headers)
    with django_assert_num_queries(3) as captured:  # session, user, the lookup
        clerk_client.get(url, {"q": "张"}, headers=headers)
    assert not any("channels_delivery" in q["sql"] for q in captured.captured_queries)


def test_inbox_of_a_logged_out_user_counts_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert inbox_unread_count(AnonymousUser()) == 0
