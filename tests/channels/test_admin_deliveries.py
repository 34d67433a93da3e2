"""The delivery log in admin: read only, scoped, phones masked, searched by name only, a
fixed number of queries however many rows; resend as new rows; SMS counted per month."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frontdesk import roles
from frontdesk.channels.admin import DeliveryAdmin, last_months, sms_sent_since
from frontdesk.channels.models import Delivery
from frontdesk.channels.services.resend import deliveries_resend
from frontdesk.models import PersonalDataAccess
from tests import factories

LIST = "admin:channels_delivery_changelist"
USAGE = "admin:channels_delivery_sms_usage"


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


@pytest.fixture
def rows(site_a, site_b):
    """At site A: an SMS sent, one failed, one of unknown outcome, a robot message
    skipped; at site B an SMS sent."""
    robot = factories.make_robot(site_a, "3栋住户群")
    return {
        "sent": factories.make_delivery(site_a, name="张三丰", phone="13800138000"),
        "failed": factories.make_delivery(
            site_a,
            state="failed",
            name="李四",
            phone="13911112222",
            code="1014",
            detail="手机号在运营商黑名单中，短信被拒收，请联系住户确认号码或改用其他方式通知。",
            attempts=4,
        ),
        "uncertain": factories.make_delivery(
            site_a, state="uncertain", name="王五", phone="13722223333", code="interrupted"
        ),
        "robot": factories.make_delivery(
            site_a, channel="robot", state="skipped", name="3栋住户群", robot=robot
        ),
        "other_site": factories.make_delivery(site_b, name="欧阳锋", phone="13600136000"),
    }


def listed(client, **params) -> list[Delivery]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_it_lists_the_supervisors_sites_newest_first(boss, rows):
    assert listed(boss) == [rows["robot"], rows["uncertain"], rows["failed"], rows["sent"]]


def test_it_shows_phones_masked_and_labels_in_chinese(boss, rows):
    html = boss.get(reverse(LIST)).content.decode()

    assert "138****8000" in html and "13800138000" not in html
    assert "139****2222" in html and "13911112222" not in html
    assert "测试消息" in html and "短信" in html and "企业微信群" in html
    assert "已发送" in html and "发送失败" in html and "结果不明" in html
    assert "用途" in html and "收件人" in html
    # The detail cut short in the list, whole in its title.
    assert "手机号在运营商黑名单中，短信被拒收，请联系住户确认号码或改…</span>" in html
    assert (
        'title="手机号在运营商黑名单中，短信被拒收，请联系住户确认号码或改用其他方式通知。"' in html
    )
    # Nothing of another site.
    assert "欧阳锋" not in html and "13600136000" not in html


def test_it_searches_by_name_never_by_phone(boss, rows):
    assert listed(boss, q="李") == [rows["failed"]]
    assert listed(boss, q="13911112222") == []
    assert listed(boss, q="2222") == []


def test_no_filter_reads_the_phone(boss, rows):
    for lookup in ("phone", "phone__startswith", "phone__exact", "phone__regex"):
        response = boss.get(reverse(LIST), {lookup: "139"})
        assert response.status_code == 400 or "e=1" in response.get("Location", ""), lookup


def test_it_filters_by_channel_state_purpose_date_site_and_robot(client, supervisor, rows):
    client.force_login(supervisor)
    assert listed(client, channel__exact="robot") == [rows["robot"]]
    assert listed(client, state__exact="failed") == [rows["failed"]]
    assert len(listed(client, purpose="test")) == 5
    assert listed(client, purpose="parcel_waiting") == []
    # As the date filter's own links put it: site time, from midnight.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = {"created_at__gte": str(midnight), "created_at__lt": str(midnight + timedelta(1))}
    assert len(listed(client, **today)) == 5
    assert listed(client, created_at__lt=str(midnight)) == []
    assert listed(client, site=rows["other_site"].site_id) == [rows["other_site"]]
    assert listed(client, robot__id__exact=rows["robot"].robot_id) == [rows["robot"]]
    # A purpose no one declares is admin's "incorrect lookup", never an error.
    response = client.get(reverse(LIST), {"purpose": "no_such_thing"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_site_column_is_only_for_those_with_several_sites(client, local_supervisor, supervisor):
    client.force_login(local_supervisor)
    assert "site" not in client.get(reverse(LIST)).context["cl"].list_display
    client.force_login(supervisor)
    assert "site" in client.get(reverse(LIST)).context["cl"].list_display


def test_it_opens_a_delivery_read_only_and_logs_the_whole_phone(boss, rows, local_supervisor):
    url = reverse("admin:channels_delivery_change", args=[rows["failed"].pk])

    response = boss.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "13911112222" in html and 'name="subject"' not in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.model, access.object_id, access.field) == (
        local_supervisor,
        "channels.delivery",
        str(rows["failed"].pk),
        "phone",
    )
    assert boss.post(url, {"subject": "改"}).status_code == 403
    assert reverse("admin:channels_delivery_add") not in html
    assert boss.get(reverse("admin:channels_delivery_add")).status_code == 403


def test_another_sites_delivery_does_not_open(client, rows, site_b):
    boss_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    client.force_login(boss_b)

    response = client.get(reverse("admin:channels_delivery_change", args=[rows["failed"].pk]))

    # Django admin redirects to its index with a "does not exist" message.
    assert response["Location"] == reverse("admin:index")
    assert listed(client) == [rows["other_site"]]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "engineer"])
def test_clerks_and_department_staff_have_no_log(client, request, rows, who):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse(LIST), reverse(USAGE)):
        assert client.get(url).status_code == 302  # admin's login


def fill(site, n: int) -> None:
    robot = factories.make_robot(site, f"{n}号群", key=f"key-of-robot-{n:04d}")
    staff = factories.make_user(site, full_name="赵敏")
    for i in range(n):
        factories.make_delivery(site, name=f"住户{i}", phone=f"1380013{i:04d}", state="failed")
        factories.make_delivery(site, channel="robot", robot=robot, name="")
        factories.make_delivery(site, channel="inbox", user=staff, name="")


def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    boss, site_a, django_assert_num_queries
):
    url = reverse(LIST)
    for n in (1, 12):
        fill(site_a, n)
        boss.get(url)  # the first request may renew the session
        # Session, user, the user's sites; the site filter's sites; the EXPLAIN estimate
        # and the exact count (below the estimate's threshold); the page, with its sites,
        # robots and staff joined. (The robot filter lists no robots unless one is chosen.)
        with django_assert_num_queries(7):
            response = boss.get(url)
        shown = min(Delivery.objects.count(), DeliveryAdmin.list_per_page)
        assert len(response.context["cl"].result_list) == shown
    # Names of robots and staff come from the joined rows when none was recorded.
    html = response.content.decode()
    assert "12号群" in html and "赵敏" in html


# --- Resend ------------------------------------------------------------------------------


def resend(client, *deliveries):
    return client.post(
        reverse(LIST),
        {"action": "resend", "_selected_action": [d.pk for d in deliveries]},
        follow=True,
    )


def test_it_resends_failed_and_uncertain_rows_as_new_ones(boss, rows, local_supervisor):
    before = {d.pk: (d.state, d.attempts, d.code) for d in Delivery.objects.all()}

    response = resend(boss, rows["failed"], rows["uncertain"], rows["sent"], rows["robot"])

    assert "已重新发送 2 条，作为新记录列在最前面。" in response.content.decode()
    copies = sorted(Delivery.objects.exclude(pk__in=before), key=lambda c: c.recipient_name)
    assert [(c.recipient_name, c.phone) for c in copies] == [
        ("李四", "13911112222"),
        ("王五", "13722223333"),
    ]
    for copy, original in zip(copies, [rows["failed"], rows["uncertain"]], strict=True):
        assert (copy.state, copy.attempts, copy.code, copy.detail) == ("pending", 0, "", "")
        assert (copy.site, copy.channel, copy.purpose, copy.subject, copy.text) == (
            original.site,
            original.channel,
            original.purpose,
            original.subject,
            original.text,
        )
        assert copy.created_by == local_supervisor
    # The log stays true: the originals are as they were.
    assert {
        d.pk: (d.state, d.attempts, d.code) for d in Delivery.objects.filter(pk__in=before)
    } == (before)


def test_it_says_when_nothing_could_be_resent(boss, rows):
    response = resend(boss, rows["sent"], rows["robot"])

    assert "只有发送失败或结果不明的消息才会重新发送。" in response.content.decode()
    assert Delivery.objects.count() == 5


def test_another_sites_rows_are_not_resent(client, rows, site_b):
    boss_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    client.force_login(boss_b)

    resend(client, rows["failed"], rows["uncertain"])

    assert Delivery.objects.count() == 5


def test_the_service_copies_a_robot_row_and_leaves_residents_asleep(site_a, supervisor, settings):
    robot = factories.make_robot(site_a)
    to_group = factories.make_delivery(
        site_a, channel="robot", state="failed", robot=robot, name="3栋住户群", params={"a": "b"}
    )
    to_resident = factories.make_delivery(site_a, state="uncertain")
    urgent = factories.make_delivery(site_a, state="failed", urgent=True)
    # Quiet all day long: a resident's message that was not urgent waits for the morning.
    settings.CHANNELS_QUIET_HOURS = (time(0, 0), time(0, 0))

    assert deliveries_resend(rows=[to_group, to_resident, urgent], user=supervisor) == 3

    group_copy, resident_copy, urgent_copy = Delivery.objects.filter(state="pending").order_by("id")
    assert (group_copy.robot, group_copy.params, group_copy.audience) == (
        robot,
        {"a": "b"},
        "resident",
    )
    assert resident_copy.not_before > timezone.now()
    assert urgent_copy.not_before <= timezone.now()


# --- SMS per month -----------------------------------------------------------------------


def at_local(day, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_it_counts_sms_sent_per_site_and_month(client, supervisor, site_a, site_b):
    months = last_months(12)
    this, three_ago = months[-1], months[-4]
    # Half past midnight on the 1st, site time: still the previous day in UTC.
    factories.make_delivery(site_a, at=at_local(this, 0, 30))
    factories.make_delivery(site_a, at=at_local(this))
    factories.make_delivery(site_a, at=at_local(three_ago))
    factories.make_delivery(site_b, at=at_local(this))
    # Not counted: before the twelve months, not sent, not an SMS.
    factories.make_delivery(site_a, at=at_local(months[0] - timedelta(days=1)))
    factories.make_delivery(site_a, state="failed")
    factories.make_delivery(site_a, state="skipped")
    factories.make_delivery(site_a, channel="robot", robot=factories.make_robot(site_a))
    client.force_login(supervisor)

    response = client.get(reverse(USAGE))

    assert response.status_code == 200
    table = {site.name: counts for site, counts, _total in response.context["table"]}
    assert table["翠湖花园"][-1] == 2 and table["翠湖花园"][-4] == 1
    assert sum(table["翠湖花园"]) == 3 and sum(table["锦绣华庭"]) == 1
    assert response.context["totals"][-1] == 3 and response.context["grand_total"] == 4
    html = response.content.decode()
    assert "短信用量" in html and f"{this:%Y-%m}" in html and f"{months[0]:%Y-%m}" in html


def test_the_counts_are_scoped_to_the_supervisors_sites(boss, site_a, site_b):
    factories.make_delivery(site_a)
    factories.make_delivery(site_b)
    factories.make_delivery(site_b)

    response = boss.get(reverse(USAGE))

    assert [(site.name, total) for site, _, total in response.context["table"]] == [("翠湖花园", 1)]
    assert response.context["totals"] == []
    assert "锦绣华庭" not in response.content.decode()


def test_the_log_links_to_the_counts(boss, rows):
    assert reverse(USAGE) in boss.get(reverse(LIST)).content.decode()


def test_the_counts_read_the_sent_sms_index(site_a):
    factories.make_delivery(site_a)
    with connection.cursor() as cursor:
        # A handful of rows is read fastest whole; with that way closed, the planner shows
        # whether the query's conditions match the partial index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = sms_sent_since([site_a.pk], last_months(12)[0]).explain()
    assert "delivery_sms_sent" in plan


def test_the_counts_page_uses_a_fixed_number_of_queries(boss, site_a, django_assert_num_queries):
    for months_ago in range(12):
        factories.make_delivery(site_a, at=at_local(last_months(12)[months_ago]))
    boss.get(reverse(USAGE))  # the first request may renew the session
    # Session, user, the user's sites; the counts; the sites.
    with django_assert_num_queries(5):
        response = boss.get(reverse(USAGE))
    assert response.context["grand_total"] == 0 or sum(response.context["table"][0][1]) == 12
