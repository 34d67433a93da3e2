"""Payment reminders by text message from the arrears list: the confirmation page (who is
reached, who is left out and why), the run (reminders and the owners' deliveries, once per
interval, never to a house that has paid since), two clerks at once, and query counts."""

import random
import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdesk import roles
from frontdesk.channels.models import Delivery
from residents.models import ArrearsReminder, Bill, FeeKind, Occupancy, RecordsSettings
from residents.selectors import reminders as selectors
from residents.selectors.arrears import arrears_totals
from residents.services.reminders import RemindersUnavailable, arrears_reminders_send
from tests import factories
from tests.residents.conftest import pay
from tests.residents.owing import add_person, owing_house, reminded, sms_ready

URL = reverse("residents:arrears_reminders")
LIST = reverse("residents:arrears")


@pytest.fixture
def ready(settings, site_a):
    return sms_ready(settings, site_a)


@pytest.fixture
def street(site_a, site_b, clerk):
    """Site A's owing houses, one of each kind the run tells apart, and site B's debtor."""
    houses = {
        "big": owing_house(site_a, room="101", months=4, owner="张三丰", phone="13800138000"),
        "small": owing_house(site_a, room="102", months=1, owner="李四", phone="13900139000"),
        "recent": owing_house(site_a, room="103", months=2, owner="王五", phone="13700137000"),
        "no_phone": owing_house(site_a, room="104", months=2, owner="赵六", phone=""),
        "no_owner": owing_house(site_a, room="105", months=3, owner=None),
        "opted_out": owing_house(site_a, room="106", months=2, owner="钱七", phone="13600136000"),
        "landline": owing_house(site_a, room="107", months=2, owner="孙八", phone="057188886666"),
    }
    add_person(houses["big"], "张小丰", "13500135000", Occupancy.Relation.FAMILY)
    add_person(houses["big"], "周九", "13300133000", Occupancy.Relation.TENANT)
    add_person(houses["opted_out"], "钱小七", "", Occupancy.Relation.OWNER)
    houses["opted_out"].residents.filter(name="钱七").update(no_sms=True)
    reminded(houses["recent"], clerk, days_ago=3)
    owing_house(site_b, building=9, room="909", months=6, owner="欧阳锋", phone="13100131000")
    return houses


def sent_today():
    """The reminders the test sent (the fixture's own was three days ago)."""
    return ArrearsReminder.objects.filter(sent_on=timezone.localdate())


def room(target) -> str:
    return target.label.rsplit("单元", 1)[-1]


def skips(plan) -> dict[str, str]:
    return {room(t): t.skip for t in plan.skipped}


# --- the confirmation page -----------------------------------------------------------


def test_it_says_who_is_reached_and_who_is_left_out_and_why(clerk_client, ready, street):
    response = clerk_client.get(URL)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [room(t) for t in plan.to_remind] == ["101", "102"]
    assert skips(plan) == {
        "103": "recent",
        "104": "no_phone",
        "105": "no_owner",
        "106": "opted_out",
        "107": "no_phone",
    }
    assert plan.messages == 2  # the two owners; never family or tenants
    html = response.content.decode()
    assert 'id="reminders-to-send">2<' in html
    assert "间隔期内已提醒" in html
    three_days_ago = timezone.localtime(timezone.now() - timedelta(days=3))
    assert f"{three_days_ago:%Y-%m-%d}" in html  # when it was reminded
    assert "未登记业主" in html and "拒收短信" in html
    assert "909" not in html  # another site's debtor
    # The message as the first house reads it, with the finance office's phone.
    assert "3栋2单元101：已欠费 4 个月，共计 ¥1200.00" in html
    assert "0571-88886601" in html
    assert f'name="houses" value="{street["big"].pk},{street["small"].pk}"' in html


def test_it_takes_the_lists_filters(clerk_client, ready, street):
    plan = clerk_client.get(URL, {"months": 3}).context["plan"]
    assert [room(t) for t in plan.targets] == ["101", "105"]
    plan = clerk_client.get(URL, {"amount": "600"}).context["plan"]
    assert sorted(room(t) for t in plan.targets) == ["101", "103", "104", "105", "106", "107"]


def test_it_leaves_out_houses_within_the_sites_interval(clerk_client, clerk, ready, street):
    reminded(street["small"], clerk, days_ago=10)
    assert "102" in skips(clerk_client.get(URL).context["plan"])  # 30 days by default
    RecordsSettings.objects.create(site=street["small"].site, reminder_interval_days=7)
    plan = clerk_client.get(URL).context["plan"]
    assert "102" not in skips(plan) and "103" in skips(plan)  # 3 days ago: still within
    # A door slip is another channel: it does not hold back a text message.
    reminded(street["big"], clerk, days_ago=1, channel="slip")
    assert "101" not in skips(clerk_client.get(URL).context["plan"])


def test_it_offers_no_send_without_the_approved_template(clerk_client, settings, street):
    settings.TENCENT_SMS_SECRET_ID = "AKIDtest"
    settings.TENCENT_SMS_SECRET_KEY = "test-secret"
    settings.TENCENT_SMS_APP_ID = "1400000000"
    response = clerk_client.get(URL)
    html = response.content.decode()
    assert 'id="reminders-not-ready"' in html and "短信模板" in html
    assert 'id="reminders-send"' not in html
    houses = f"{street['big'].pk},{street['small'].pk}"
    response = clerk_client.post(URL, {"houses": houses}, follow=True)
    assert "短信模板" in response.content.decode()
    assert ArrearsReminder.objects.count() == 1  # the fixture's, three days ago
    assert not Delivery.objects.exists()


def test_it_sends_nothing_when_no_house_owes(clerk_client, ready):
    response = clerk_client.get(URL)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.counts, plan.messages, plan.house_ids, plan.first) == ({}, 0, "", None)
    html = response.content.decode()
    assert 'id="reminders-to-send">0<' in html and 'id="reminders-send"' not in html
    assert 'id="reminders-skipped-list"' not in html


def test_it_answers_bad_filters_with_the_list_and_its_errors(clerk_client, ready, street):
    response = clerk_client.get(URL, {"months": "abc", "amount": "-5"})
    assert response.status_code == 400
    assert response.templates[0].name == "residents/arrears.html"
    html = response.content.decode()
    assert "请输入一个数字" in html or "输入一个数字" in html
    assert "大于或等于" in html


# --- sending ---------------------------------------------------------------------------


def send(client, houses, query=""):
    """Post the run's confirmation for these houses (or house ids)."""
    data = {"houses": ",".join(str(getattr(h, "pk", h)) for h in houses), "query": query}
    return client.post(URL, data)


def test_it_texts_the_owners_and_records_a_reminder_per_house(
    clerk_client, clerk, site_a, ready, street, django_capture_on_commit_callbacks
):
    add_person(street["big"], "张二丰", "13800138001")  # a second owner
    with django_capture_on_commit_callbacks():
        response = send(clerk_client, [street["big"], street["small"]], "months=1&x=1")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?months=1"

    reminders = {r.house.room: r for r in sent_today().select_related("house")}
    assert set(reminders) == {"101", "102"}
    big = reminders["101"]
    assert (big.site, big.channel, big.amount, big.months) == (site_a, "sms", Decimal(1200), 4)
    assert (big.messages, big.sent_by, big.sent_on) == (2, clerk, timezone.localdate())

    deliveries = Delivery.objects.filter(purpose="arrears_reminder").order_by("id")
    assert sorted(d.recipient_name for d in deliveries) == [
        "张三丰（3栋2单元101）",
        "张二丰（3栋2单元101）",
        "李四（3栋2单元102）",
    ]  # owners only: no family member, no tenant
    by_phone = {d.phone: d for d in deliveries}
    assert by_phone["13800138000"].params == {
        "site": "翠湖花园",
        "house": "3栋2单元101",
        "amount": "1200.00",
        "months": "4",
        "phone": "0571-88886601",
    }
    assert by_phone["13900139000"].params["amount"] == "300.00"
    assert by_phone["13900139000"].params["months"] == "1"
    assert "3栋2单元102：已欠费 1 个月，共计 ¥300.00" in by_phone["13900139000"].text
    assert {d.state for d in deliveries} == {"pending"}
    assert {d.about_id for d in deliveries if d.phone != "13900139000"} == {str(big.pk)}
    assert {d.site_id for d in deliveries} == {site_a.pk}
    assert {d.created_by for d in deliveries} == {clerk}

    page = clerk_client.get(response["Location"])
    assert "已向 2 户发送缴费提醒短信：共 3 条短信。" in page.content.decode()


def test_it_writes_an_opted_out_co_owner_as_not_sent(clerk_client, ready, street):
    add_person(street["small"], "李四嫂", "13900139001", no_sms=True)
    send(clerk_client, [street["small"]])
    rows = {d.recipient_name: d for d in Delivery.objects.all()}
    assert rows["李四（3栋2单元102）"].state == "pending"
    assert (rows["李四嫂（3栋2单元102）"].state, rows["李四嫂（3栋2单元102）"].code) == (
        "skipped",
        "opted_out",
    )
    assert sent_today().get().messages == 1


def test_it_leaves_out_at_send_time_a_house_that_has_paid_since(clerk_client, ready, street):
    confirmed = clerk_client.get(URL).context["plan"].to_remind
    assert [room(t) for t in confirmed] == ["101", "102"]
    pay(street["small"], "300.00")  # after the page was shown, before the clerk sends
    response = send(clerk_client, [t.house_id for t in confirmed])
    assert [r.house.room for r in sent_today()] == ["101"]
    assert not Delivery.objects.filter(phone="13900139000").exists()
    message = clerk_client.get(response["Location"]).content.decode()
    assert "已缴清 1" in message


def test_it_sends_what_is_owed_when_it_sends(clerk_client, ready, street):
    pay(street["big"], "750.00")  # two and a half of four months, oldest first
    send(clerk_client, [street["big"]])
    reminder = sent_today().get()
    assert (reminder.amount, reminder.months) == (Decimal("450.00"), 2)
    assert Delivery.objects.get(phone="13800138000").params["amount"] == "450.00"


def test_it_never_reminds_twice_within_the_interval(clerk_client, ready, street):
    send(clerk_client, [street["big"], street["small"]])
    response = send(clerk_client, [street["big"], street["small"]])
    assert sent_today().count() == 2
    assert Delivery.objects.count() == 2
    message = clerk_client.get(response["Location"]).content.decode()
    assert "已向 0 户发送" in message and "间隔期内已提醒 2" in message


def test_it_reminds_nobody_of_another_site(client, clerk_b, ready, street):
    client.force_login(clerk_b)
    plan = client.get(URL).context["plan"]
    assert [room(t) for t in plan.targets] == ["909"]
    send(client, [street["big"], street["small"]])  # site A's ids, posted at site B
    assert ArrearsReminder.objects.count() == 1  # the fixture's, three days ago
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("houses", ["", "1,x", "1;2", "9" * 30, ",".join(map(str, range(1, 3000)))])
def test_it_refuses_a_tampered_list_of_houses(clerk_client, ready, street, houses):
    response = clerk_client.post(URL, {"houses": houses}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == LIST
    assert response.context["messages"]
    assert ArrearsReminder.objects.count() == 1  # the fixture's, three days ago


def test_it_refuses_more_houses_than_a_run_takes(site_a, clerk, ready, monkeypatch):
    monkeypatch.setattr("residents.services.reminders.MAX_HOUSES", 1)
    houses = [owing_house(site_a, room=f"20{i}") for i in range(2)]
    with pytest.raises(RemindersUnavailable):
        arrears_reminders_send(site=site_a, user=clerk, house_ids=[h.pk for h in houses])
    assert not ArrearsReminder.objects.exists()


def test_the_house_page_shows_the_last_reminder(clerk_client, ready, street):
    send(clerk_client, [street["big"]])
    html = clerk_client.get(reverse("residents:house", args=[street["big"].pk])).content.decode()
    assert f"上次催缴 {timezone.localdate():%Y-%m-%d}（短信）" in html
    listed = clerk_client.get(LIST).context["page"]
    big = next(h for h in listed if h.pk == street["big"].pk)
    assert (big.last_reminder_at is not None, big.last_reminder_label) == (True, "短信")


# --- query counts ----------------------------------------------------------------------


def more_owing_houses(site, count: int, start: int) -> list:
    return [
        owing_house(site, building=20, room=f"{start + i}", phone=f"138{start + i:08d}")
        for i in range(count)
    ]


def test_the_confirmation_uses_the_same_number_of_queries_for_few_or_many(
    clerk_client, site_a, ready, street, django_assert_num_queries
):
    clerk_client.get(URL)
    # Session, user, the header's unread messages, the settings, the run summed up with
    # the houses it names (the first to remind, a page of those left out), the SMS
    # template, the finance phone.
    with django_assert_num_queries(7):
        clerk_client.get(URL)
    more_owing_houses(site_a, 25, 1000)
    with django_assert_num_queries(7):
        response = clerk_client.get(URL)
    assert len(response.context["plan"].to_remind) == 27


def test_sending_uses_the_same_number_of_queries_for_few_or_many(
    clerk_client, site_a, ready, django_capture_on_commit_callbacks
):
    def queries(count: int, start: int) -> int:
        houses = more_owing_houses(site_a, count, start)
        for house in houses:  # a second owner each, one of them opted out
            add_person(house, "林", f"139{house.pk:08d}", no_sms=house.pk % 2 == 0)
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(),
        ):
            send(clerk_client, houses)
        assert ArrearsReminder.objects.filter(house__in=houses).count() == count
        return len(captured)

    queries(1, 100)  # the first request may renew the session, look up content types
    # Session, user; savepoint, the settings, the template; the houses locked, what they
    # owe, the houses with their last reminder, their owners; the reminders written; the
    # finance phone; the template, the deliveries (each with its house's figures and
    # reminder); release.
    assert queries(2, 200) == queries(30, 300) == 14


# --- a long run ------------------------------------------------------------------------

# Of every ten houses: six reminded (the first with a second owner to text, the second
# with an opted-out co-owner), then one of each reason to leave a house out.
KINDS = ["", "", "", "", "", "", "no_phone", "no_owner", "opted_out", "recent"]


@pytest.fixture
def crowd(site_a, clerk):
    """Sixty owing houses, each owing a different amount (room 5000 + i owes 100 + i)."""
    houses = {}
    for i in range(60):
        kind = KINDS[i % 10]
        house = owing_house(
            site_a,
            building=30,
            room=f"{5000 + i}",
            months=1,
            amount=f"{100 + i}.00",
            owner=None if kind == "no_owner" else f"业主{i}",
            phone="" if kind == "no_phone" else f"137{i:08d}",
        )
        if kind == "opted_out":
            house.residents.update(no_sms=True)
        if kind == "recent":
            reminded(house, clerk, days_ago=2)
        if i % 10 == 0:
            add_person(house, f"共有人{i}", f"136{i:08d}")
        if i % 10 == 1:
            add_person(house, f"共有人{i}", f"136{i:08d}", no_sms=True)
        houses[house.pk] = kind
    return houses


def largest_debts_first(houses: dict[int, str], kind: str) -> list[int]:
    return sorted((pk for pk, k in houses.items() if k == kind), reverse=True)


def test_a_long_run_is_summed_up_without_reading_it_house_by_house(
    clerk_client, ready, crowd, monkeypatch
):
    monkeypatch.setattr("residents.selectors.reminders.SKIPPED_PER_PAGE", 10)
    read = []
    per_house = selectors.reminder_plan

    def reading(site, owing, **kwargs):
        read.append(len(owing))
        return per_house(site, owing, **kwargs)

    monkeypatch.setattr("residents.selectors.reminders.reminder_plan", reading)
    response = clerk_client.get(URL)
    # Nothing read house by house: not the sixty (nor, at a site's scale, the 2,000 of a
    # run); the houses the page names came with the sums.
    assert read == []
    plan = response.context["plan"]
    assert plan.counts == {"": 36, "no_phone": 6, "no_owner": 6, "opted_out": 6, "recent": 6}
    assert plan.messages == 36 + 6  # the second owners of every tenth house
    html = response.content.decode()
    assert 'id="reminders-to-send">36<' in html and 'id="reminders-skipped">24<' in html
    for label in ("业主无手机号：6", "未登记业主：6", "业主拒收短信：6", "间隔期内已提醒：6"):
        assert label in html
    # Every house to remind goes back with the form, largest debt first.
    ids = ",".join(map(str, largest_debts_first(crowd, "")))
    assert f'name="houses" value="{ids}"' in html
    assert "30栋2单元5055：已欠费 1 个月，共计 ¥155.00" in html  # the first to remind
    # The houses left out, a page at a time, largest debt first.
    left_out = sorted((pk for pk, k in crowd.items() if k), reverse=True)
    assert [t.house_id for t in plan.skipped_page] == left_out[:10]
    assert "第 1 / 3 页" in html
    page3 = clerk_client.get(URL, {"page": 3}).context["plan"].skipped_page
    assert [t.house_id for t in page3] == left_out[20:]
    for asked, shown in (("99", left_out[20:]), ("0", left_out[20:]), ("x", left_out[:10])):
        page = clerk_client.get(URL, {"page": asked}).context["plan"].skipped_page
        assert [t.house_id for t in page] == shown, asked  # as the lists' pages answer
    assert "every_house" not in plan.__dict__  # nothing on the page asked for every house


def test_a_long_runs_sums_are_what_the_run_house_by_house_finds(clerk_client, site_a, ready, crowd):
    plan = clerk_client.get(URL).context["plan"]
    every = selectors.filtered_plan(site_a, arrears_totals(site_a), channel="sms")
    assert Counter(t.skip for t in every.targets) == plan.counts
    assert (every.messages, every.house_ids) == (plan.messages, plan.house_ids)
    assert [t.house_id for t in plan.skipped_page] == [t.house_id for t in every.skipped]
    assert {t.house_id: t.skip for t in every.targets} == crowd


def test_a_long_run_sends_what_was_confirmed(
    clerk_client, ready, crowd, django_capture_on_commit_callbacks
):
    plan = clerk_client.get(URL).context["plan"]
    with django_capture_on_commit_callbacks():
        send(clerk_client, plan.house_ids.split(","))
    assert set(sent_today().values_list("house", flat=True)) == set(largest_debts_first(crowd, ""))
    assert Delivery.objects.filter(state="pending").count() == plan.messages
    after = clerk_client.get(URL).context["plan"]
    assert after.counts == {"recent": 42, "no_phone": 6, "no_owner": 6, "opted_out": 6}
    assert 'id="reminders-send"' not in clerk_client.get(URL).content.decode()


def test_it_sends_nothing_when_more_houses_match_than_a_run_takes(
    clerk_client, ready, street, monkeypatch
):
    monkeypatch.setattr("residents.selectors.reminders.MAX_HOUSES", 3)
    response = clerk_client.get(URL)
    html = response.content.decode()
    assert 'id="reminders-too-many"' in html and "超过 3 户" in html
    assert 'id="reminders-send"' not in html
    assert response.context["plan"].houses == 3  # the three largest debts, counted


# --- two clerks at once --------------------------------------------------------------


def send_in_thread(site, user, houses, outcome, key, started=None, release=None):
    def run():
        try:
            with transaction.atomic():
                outcome[key] = arrears_reminders_send(
                    site=site, user=user, house_ids=[h.pk for h in houses]
                )
                if started is not None:
                    started.set()
                    release.wait(10)
        except Exception as error:  # reported to the test, which fails on it
            outcome[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_clerks_sending_at_once_remind_each_house_once(settings, site_a):
    sms_ready(settings, site_a)
    clerks = [factories.make_user(site_a, username=f"desk{i}") for i in range(2)]
    houses = [owing_house(site_a, room=f"30{i}", phone=f"1380000000{i}") for i in range(4)]
    outcome, started, release = {}, threading.Event(), threading.Event()
    first = send_in_thread(site_a, clerks[0], houses[:3], outcome, "first", started, release)
    assert started.wait(10)  # the first has written its reminders, not committed
    second = send_in_thread(site_a, clerks[1], houses[1:], outcome, "second")
    second.join(timeout=0.5)
    assert second.is_alive()  # waiting for the houses the first holds
    release.set()
    first.join(10)
    second.join(10)
    assert not [o for o in outcome.values() if isinstance(o, Exception)], outcome

    assert [r.house.room for r in outcome["first"].reminders] == ["300", "301", "302"]
    assert [r.house.room for r in outcome["second"].reminders] == ["303"]
    assert {room(t): t.skip for t in outcome["second"].plan.skipped} == {
        "301": "recent",
        "302": "recent",
    }
    assert ArrearsReminder.objects.count() == 4
    assert sorted(Delivery.objects.values_list("phone", flat=True)) == [
        f"1380000000{i}" for i in range(4)
    ]


@pytest.mark.django_db(transaction=True)
def test_clerks_sending_together_never_text_a_house_twice(settings, site_a):
    sms_ready(settings, site_a)
    clerks = [factories.make_user(site_a, username=f"desk{i}") for i in range(4)]
    houses = [owing_house(site_a, room=f"40{i}", phone=f"1390000000{i}") for i in range(6)]
    outcome = {}
    threads = [
        send_in_thread(site_a, clerk, houses[::-1] if n % 2 else houses, outcome, n)
        for n, clerk in enumerate(clerks)
    ]
    for thread in threads:
        thread.join(20)
    assert not [o for o in outcome.values() if isinstance(o, Exception)], outcome
    assert ArrearsReminder.objects.count() == 6
    assert Delivery.objects.count() == 6


# --- the demo --------------------------------------------------------------------------


@pytest.mark.slow  # loads the demo records
def test_the_demo_has_reminders_as_the_run_would_have_written_them(db):
    from frontdesk import demo
    from residents import demo as residents_demo
    from residents.selectors.arrears import arrears_totals
    from residents.selectors.reminders import filtered_plan

    context = demo.seed_core()
    residents_demo.seed_demo(context)
    residents_demo.seed_demo(context)  # twice: nothing doubled
    site = context.sites[0]
    reminders = ArrearsReminder.objects.filter(site=site)
    assert reminders.count() == len(residents_demo.DEMO_REMINDERS)
    assert set(reminders.values_list("channel", flat=True)) == {"sms", "slip"}
    texted = Delivery.objects.filter(site=site, purpose="arrears_reminder", state="sent")
    assert texted.count() == sum(reminders.values_list("messages", flat=True)) > 0
    assert all(d.params["house"] and d.params["amount"] for d in texted)
    # The confirmation leaves out the houses texted within the interval, and only those.
    plan = filtered_plan(site, arrears_totals(site), channel="sms")
    recent = timezone.now() - timedelta(days=30)
    assert {t.house_id for t in plan.skipped if t.skip == "recent"} == set(
        reminders.filter(channel="sms", sent_at__gte=recent).values_list("house", flat=True)
    )
    assert RecordsSettings.of(site).how_to_pay  # the site's own way to pay, on its slips


def test_the_bench_makes_its_busiest_site_owe_for_a_full_run(site_a, monkeypatch):
    from residents import demo as residents_demo

    monkeypatch.setattr(residents_demo, "RUN_SHARE", 1.0)  # every house, of these four
    owing = owing_house(site_a, room="101")
    ahead = factories.make_house(site_a, room="102")
    pay(ahead, "500.00")  # credit, which would pay a bill as it came
    others = [factories.make_house(site_a, room=f"10{i}") for i in (3, 4)]
    today = timezone.localdate()

    def run() -> int:
        return residents_demo.seed_reminder_run(site_a, random.Random("bench"), today)

    assert run() == 2
    assert set(arrears_totals(site_a).values_list("house", flat=True)) == {
        owing.pk,
        *(h.pk for h in others),
    }
    added = Bill.objects.filter(kind=FeeKind.SHARED)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert {(b.period, b.paid_amount) for b in added} == {(last_month, 0)}
    assert all(b.due_date < today for b in added)
    assert run() == 0  # loaded again: nothing doubled


# --- the interval, set by a supervisor in admin -----------------------------------------


def test_a_supervisor_sets_their_own_sites_interval_in_admin(client, site_a, site_b, street):
    boss_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    client.force_login(boss_b)
    url = reverse("admin:residents_recordssettings_add")
    data = {"reminder_interval_days": 7, "how_to_pay": "", "finance_phone": ""}
    response = client.post(url, {**data, "site": site_a.pk})
    assert response.status_code == 200  # the form again: site A is not theirs to choose
    response = client.post(url, {**data, "site": site_b.pk, "reminder_interval_days": 0})
    assert response.status_code == 200  # at least a day
    assert not RecordsSettings.objects.exists()
    assert client.post(url, {**data, "site": site_b.pk}).status_code == 302
    assert RecordsSettings.of(site_b).reminder_interval_days == 7
    assert RecordsSettings.of(site_a).reminder_interval_days == 30  # unsaved defaults
    assert RecordsSettings.of(site_a)._state.adding  # not saved: nothing was asked
    # The reminders given are read there, never written.
    reminders = client.get(reverse("admin:residents_arrearsreminder_changelist"))
    assert reminders.status_code == 200
    assert list(reminders.context["cl"].result_list) == []  # site A's are not theirs
    assert client.get(reverse("admin:residents_arrearsreminder_add")).status_code == 403
