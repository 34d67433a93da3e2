"""Publishing writes the deliveries in the same transaction: a message to each audience
building's residents' group (once per robot), and for outages and urgent notices an SMS
to each phone of the audience houses' current owners, with the skips the channels write."""

from __future__ import annotations

import random
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontdesk.channels import sending
from frontdesk.channels.fakes.tencent_sms import (
    APP_ID,
    SECRET_ID,
    SECRET_KEY,
    SIGN_NAME,
    TEMPLATE_ID,
)
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from notices.area import AREA
from notices.models import Notice, NoticeRecipient
from notices.services import delivery, versions, workflow
from notices.states import State as NoticeState
from residents.models import Building, Occupancy
from tests import factories
from tests.channels.conftest import fake_wecom  # noqa: F401  (fixtures)
from tests.channels.sms_fixture import fake_sms  # noqa: F401
from tests.notices.conftest import bring_to, make_notice, notice_type

Channel, State = Delivery.Channel, Delivery.State
OWNER, FAMILY, TENANT = (
    Occupancy.Relation.OWNER,
    Occupancy.Relation.FAMILY,
    Occupancy.Relation.TENANT,
)


def robot(site, name, key):
    return Robot.objects.create(site=site, name=name, kind=Robot.Kind.RESIDENTS, key=key)


def build_estate(site) -> SimpleNamespace:
    """Four buildings of ``site``: 1栋 with its own group, 2栋 and 4栋 sharing one, 3栋
    with none; nine houses whose owners are texted, skipped or absent in every way.

    ===========  ===============================================  ==================
    house        owners (current)                                 SMS
    ===========  ===============================================  ==================
    1栋1单元101  张一 138…0101                                    sent to
    1栋1单元102  李二 and 李二妻, one phone 138…0102              one text
    1栋1单元103  孙六 138…0303 (also owns 3栋1单元303)            one text for both
    2栋1单元201  王三 138…0201, asked for no SMS                  skipped: opted out
    2栋1单元202  周七, no phone                                   skipped: no phone
    3栋1单元301  赵四 138…0301 (a family member and a former      sent to the owner
                 owner who moved out have other phones)
    3栋1单元302  钱五, a landline                                 skipped: not mobile
    3栋1单元303  孙六                                             (his one text)
    4栋1单元401  no owner, a tenant 139…0401                      nobody
    ===========  ===============================================  ==================
    """
    one = robot(site, "1栋业主群", "key-building-one")
    shared = robot(site, "2栋4栋业主群", "key-building-two")
    rooms = {"101": 1, "102": 1, "103": 1, "201": 2, "202": 2, "301": 3, "302": 3, "303": 3}
    houses = {
        room: factories.make_house(site, building=number, unit=1, room=room)
        for room, number in {**rooms, "401": 4}.items()
    }
    Building.objects.filter(site=site, number=1).update(group_robot=one)
    Building.objects.filter(site=site, number__in=[2, 4]).update(group_robot=shared)

    def person(name, phone, room, relation=OWNER, **fields):
        resident = factories.make_resident(site, name, phone, houses[room], relation)
        if fields:
            type(resident).objects.filter(pk=resident.pk).update(**fields)
        return resident

    person("张一", "13800000101", "101")
    person("李二", "13800000102", "102")
    person("李二妻", "13800000102", "102")
    sun = person("孙六", "13800000303", "303")
    Occupancy.objects.create(house=houses["103"], resident=sun, relation=OWNER)
    person("王三", "13800000201", "201", no_sms=True)
    person("周七", "", "202")
    person("赵四", "13800000301", "301")
    person("赵小四", "13900000301", "301", relation=FAMILY)
    former = person("吴前", "13800009999", "301")
    Occupancy.objects.filter(resident=former).update(moved_out=timezone.localdate())
    person("钱五", "0571-88886666", "302")
    person("郑租", "13900000401", "401", relation=TENANT)
    return SimpleNamespace(site=site, one=one, shared=shared, houses=houses)


@pytest.fixture
def estate(site_a):
    return build_estate(site_a)


def approve_sms_template(site, settings) -> SmsTemplate:
    """The notice purpose's approved template of ``site``, and an SMS provider configured
    (the local fake's credentials; nothing is sent unless a test runs the sender)."""
    settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY = SECRET_ID, SECRET_KEY
    settings.TENCENT_SMS_APP_ID = APP_ID
    return SmsTemplate.objects.create(
        site=site,
        purpose=delivery.PURPOSE,
        template_id=TEMPLATE_ID,
        sign_name=SIGN_NAME,
        params="title,date,phone",
    )


@pytest.fixture
def sms_template(site_a, settings):
    return approve_sms_template(site_a, settings)


@pytest.fixture
def providers(fake_wecom, fake_sms, settings):  # noqa: F811
    """The local WeCom and Tencent Cloud SMS, configured as the channels' providers."""
    settings.WECOM_ROBOT_URL = fake_wecom.url
    for name, value in fake_sms.settings().items():
        setattr(settings, name, value)
    return SimpleNamespace(wecom=fake_wecom, sms=fake_sms)


@pytest.fixture
def daytime(monkeypatch):
    # Residents' messages keep quiet hours unless urgent: publish at 10:00.
    today = timezone.localdate()
    ten = timezone.make_aware(datetime(today.year, today.month, today.day, 10))
    monkeypatch.setattr(timezone, "now", lambda: ten)
    return ten


def publish(notice: Notice, clerk, boss) -> Notice:
    return bring_to(notice, NoticeState.PUBLISHED, clerk=clerk, boss=boss)


def rows(notice: Notice, channel: str) -> list[Delivery]:
    return list(Delivery.objects.filter(about_id=str(notice.pk), channel=channel).order_by("id"))


def test_it_tells_each_group_once_and_names_the_building_without_one(
    estate, clerk, approver, sms_template, settings
):
    settings.PUBLIC_BASE_URL = "https://wy.example.com/"
    notice = publish(make_notice(estate.site, clerk), clerk, approver)

    groups = rows(notice, Channel.ROBOT)
    assert [(g.robot, g.state, g.recipient_name) for g in groups] == [
        (estate.one, State.PENDING, "1栋业主群"),
        (estate.shared, State.PENDING, "2栋4栋业主群"),
        (None, State.SKIPPED, "3栋业主群"),
    ]
    assert groups[2].code == "no_robot"
    message = groups[0]
    # The path: the channels put the public address in front of it when sending.
    assert message.link == f"/n/{notice.token}/"
    assert message.subject == "【停水停电】停水通知"
    assert "因管道检修，本周六 9:00–17:00 停水。" in message.text
    today = notice.effective_from
    assert f"生效日期：{today.year}年{today.month}月{today.day}日" in message.text
    assert message.purpose == "notice" and message.created_by == clerk
    assert message.audience == Delivery.Audience.RESIDENT


def test_the_link_is_on_the_sites_own_host_without_a_setting(
    estate,
    clerk,
    approver,
    settings,
    fake_wecom,  # noqa: F811
):
    settings.ALLOWED_HOSTS = [".example.org", "wy.example.com", "localhost"]
    settings.PUBLIC_BASE_URL = ""
    settings.WECOM_ROBOT_URL = fake_wecom.url
    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    Delivery.objects.update(not_before=timezone.now())  # whatever the quiet hours

    sending.send_due()

    assert {d.link for d in Delivery.objects.all()} == {notice.public_path}
    link = f"https://wy.example.com/n/{notice.token}/"
    assert fake_wecom.delivered and all(link in m.content for m in fake_wecom.delivered)


def test_it_texts_each_owner_phone_once_and_skips_with_reasons(
    estate, clerk, approver, sms_template
):
    notice = publish(make_notice(estate.site, clerk), clerk, approver)

    texts = rows(notice, Channel.SMS)
    assert sorted((t.phone, t.state, t.code) for t in texts) == [
        ("", State.SKIPPED, "no_phone"),
        ("0571-88886666", State.SKIPPED, "not_mobile"),
        ("13800000101", State.PENDING, ""),
        ("13800000102", State.PENDING, ""),
        ("13800000201", State.SKIPPED, "opted_out"),
        ("13800000301", State.PENDING, ""),
        ("13800000303", State.PENDING, ""),
    ]
    names = {t.phone: t.recipient_name for t in texts}
    assert names["13800000101"] == "张一（1栋1单元101）"
    assert names["13800000303"] == "孙六（1栋1单元103 等 2 套）"
    assert names[""] == "周七（2栋1单元202）"
    today = notice.effective_from
    # The parameters the purpose declares, for a supervisor to map to the template's {n}.
    assert set(texts[0].params) == set(AREA.message_purposes["notice"].params)
    assert texts[0].params == {
        "site": "翠湖花园",
        "type": "停水停电",
        "title": "停水通知",
        "date": f"{today.month}月{today.day}日",
        "phone": "0571-88886601",
    }


def test_it_texts_nobody_for_a_type_without_sms(estate, clerk, approver, sms_template):
    notice = make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动"))
    publish(notice, clerk, approver)

    assert rows(notice, Channel.SMS) == []
    assert len(rows(notice, Channel.ROBOT)) == 3


def test_an_urgent_notice_is_texted_whatever_its_type(estate, clerk, approver, sms_template):
    notice = make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动"), urgent=True)
    workflow.notice_publish_now(site=estate.site, user=approver, notice=notice)

    texts = rows(notice, Channel.SMS)
    assert len(texts) == 7
    # Urgent: no quiet hours, for the group as for the owners.
    assert all(d.urgent for d in Delivery.objects.filter(about_id=str(notice.pk)))


def test_the_audience_chooses_the_groups_and_the_owners(estate, clerk, approver, sms_template):
    notice = make_notice(
        estate.site,
        clerk,
        audience=Notice.Audience.BUILDINGS,
        buildings=list(Building.objects.filter(site=estate.site, number=1)),
    )
    publish(notice, clerk, approver)

    assert [g.robot for g in rows(notice, Channel.ROBOT)] == [estate.one]
    assert sorted(t.phone for t in rows(notice, Channel.SMS)) == [
        "13800000101",
        "13800000102",
        "13800000303",
    ]


def test_a_publication_that_fails_writes_no_delivery(
    estate, clerk, approver, sms_template, monkeypatch
):
    notice = bring_to(
        make_notice(estate.site, clerk), NoticeState.APPROVED, clerk=clerk, boss=approver
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the SMS step failed after the groups' rows were written")

    monkeypatch.setattr(delivery, "sms_message", broken)
    with pytest.raises(RuntimeError):
        workflow.notice_publish(site=estate.site, user=clerk, notice=notice)

    notice.refresh_from_db()
    assert notice.state == NoticeState.APPROVED and notice.published_at is None
    assert not Delivery.objects.exists()


def test_a_correction_tells_the_groups_and_texts_the_owners_again(
    estate, clerk, approver, sms_template
):
    first = publish(make_notice(estate.site, clerk), clerk, approver)
    correction = versions.notice_new_version(site=estate.site, user=clerk, notice=first)
    publish(correction, clerk, approver)

    again = rows(correction, Channel.ROBOT)
    assert [g.robot for g in again] == [estate.one, estate.shared, None]
    assert again[0].subject == "【停水停电 · 更正】停水通知"
    assert again[0].link.endswith(f"/n/{correction.token}/")
    texts = rows(correction, Channel.SMS)
    assert len(texts) == 7 and texts[0].params["title"] == "更正：停水通知"
    # The first version's deliveries stay as they were, about it.
    assert len(rows(first, Channel.ROBOT)) == 3 and len(rows(first, Channel.SMS)) == 7


def withdraw(notice: Notice, boss, reason="管道检修改期，另行通知") -> Notice:
    return workflow.notice_withdraw(site=notice.site, user=boss, notice=notice, reason=reason)


def test_withdrawing_a_published_notice_tells_each_group_it_no_longer_holds(
    estate, clerk, approver, sms_template
):
    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    withdraw(notice, approver)

    told = [g for g in rows(notice, Channel.ROBOT) if g.purpose == delivery.WITHDRAWN_PURPOSE]
    assert [(g.robot, g.state) for g in told] == [
        (estate.one, State.PENDING),
        (estate.shared, State.PENDING),
        (None, State.SKIPPED),
    ]
    message = told[0]
    assert message.subject == "【撤回】停水通知"
    assert "公告“停水通知”（停水停电）已撤回，不再有效。" in message.text
    assert "撤回原因：管道检修改期，另行通知" in message.text
    assert message.link == f"/n/{notice.token}/" and message.created_by == approver
    # The owners are not texted again: only the publication's seven texts.
    assert len(rows(notice, Channel.SMS)) == 7


@pytest.mark.parametrize("state", [NoticeState.DRAFT, NoticeState.SUBMITTED, NoticeState.APPROVED])
def test_withdrawing_a_notice_never_published_tells_nobody(estate, clerk, approver, state):
    notice = bring_to(make_notice(estate.site, clerk), state, clerk=clerk, boss=approver)
    withdraw(notice, approver)
    assert not Delivery.objects.filter(about_id=str(notice.pk)).exists()


def test_the_withdrawal_is_not_counted_as_the_notice_reaching_a_group(
    estate, clerk, approver, sms_template
):
    from notices.selectors.reach import reach_panel

    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    Delivery.objects.filter(about_id=str(notice.pk), robot__isnull=False).update(
        state=State.FAILED, code="93000"
    )
    before = reach_panel(notice)
    withdraw(notice, approver)
    Delivery.objects.filter(purpose=delivery.WITHDRAWN_PURPOSE, robot__isnull=False).update(
        state=State.SENT
    )
    after = reach_panel(notice)
    assert (after.robot.sent, after.robot.failed) == (before.robot.sent, before.robot.failed)
    assert after.robot.failed == 2 and after.not_reached == before.not_reached


def test_a_withdrawal_goes_out_to_the_groups_through_the_robot(
    estate, clerk, approver, providers, daytime
):
    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    sending.send_due()
    withdraw(notice, approver)

    report = sending.send_due()

    assert report.sent == 2
    withdrawn = providers.wecom.delivered[2:]
    assert len(withdrawn) == 2 and all("撤回" in m.content for m in withdrawn)
    assert f"/n/{notice.token}/" in withdrawn[0].content


def test_nothing_of_the_notice_shapes_the_group_message(estate, clerk, approver):
    notice = make_notice(
        estate.site,
        clerk,
        title='<font color="warning">停水</font>',
        body="<script>alert(1)</script>" + "很长的说明。" * 40,
    )
    publish(notice, clerk, approver)

    message = rows(notice, Channel.ROBOT)[0]
    assert "<" not in message.subject + message.text
    first_line = message.text.split("\n")[0]
    assert len(first_line) == delivery.EXCERPT_CHARS and first_line.endswith("…")


def test_sms_parameters_fit_what_the_provider_takes():
    assert delivery.sms_param("详见 https://example.com/x 及 www.example.com") == "详见 及"
    long = delivery.sms_param("一二三四五六七八九十" * 3)
    assert len(long) == delivery.SMS_PARAM_CHARS and long.endswith("…")
    assert delivery.sms_param("两行\n标题") == "两行 标题"


def test_they_go_out_through_the_providers(
    estate, clerk, approver, sms_template, providers, daytime
):
    notice = publish(make_notice(estate.site, clerk), clerk, approver)

    report = sending.send_due()

    assert report.sent == 2 + 4
    assert len(providers.wecom.delivered) == 2
    assert f"/n/{notice.token}/" in providers.wecom.delivered[0].content
    (request,) = providers.sms.requests
    assert sorted(request.mobiles) == ["13800000101", "13800000102", "13800000301", "13800000303"]
    today = notice.effective_from
    assert request.params == ["停水通知", f"{today.month}月{today.day}日", "0571-88886601"]


def count_publish_queries(site, clerk, boss) -> int:
    notice = bring_to(make_notice(site, clerk), NoticeState.APPROVED, clerk=clerk, boss=boss)
    notice = Notice.objects.select_related("site", "type").get(pk=notice.pk)
    with CaptureQueriesContext(connection) as queries:
        workflow.notice_publish(site=site, user=clerk, notice=notice)
    return len(queries)


def test_it_reads_and_writes_the_deliveries_in_a_fixed_number_of_queries(
    estate, clerk, approver, sms_template
):
    ContentType.objects.get_for_model(Notice)  # read once a process, then cached
    few = count_publish_queries(estate.site, clerk, approver)
    for n in range(30):
        house = factories.make_house(estate.site, building=5 + n % 3, unit=1, room=f"{500 + n}")
        factories.make_resident(estate.site, f"业主{n}", f"1380001{n:04d}", house)
    Building.objects.filter(site=estate.site, number=6).update(
        group_robot=robot(estate.site, "6栋业主群", "key-building-six")
    )
    many = count_publish_queries(estate.site, clerk, approver)
    # The publication's own (its savepoint and release, the conditional UPDATE, its
    # timeline entry) and the deliveries': the audience buildings with their robots, one
    # insert of the groups' rows; the owners of the audience houses, the SMS template, one
    # insert of the texts, the audience's houses and one insert of their recipients (the
    # text standing for each).
    assert few == many, "publishing reads or writes per house"
    assert many == 11


def test_another_sites_owners_are_never_texted(estate, clerk, approver, sms_template):
    other = factories.make_house(factories.make_site("别的小区"), building=1, unit=1, room="101")
    factories.make_resident(other.site, "外人", "13800007777", other)
    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    assert "13800007777" not in {t.phone for t in rows(notice, Channel.SMS)}


def test_each_house_stands_on_a_text_to_its_owners(estate, clerk, approver, sms_template):
    wife = factories.make_resident(estate.site, "王三妻", "13800000222", estate.houses["201"])
    notice = publish(make_notice(estate.site, clerk), clerk, approver)

    chosen = {
        r.house.room: r.sms.phone if r.sms else None
        for r in NoticeRecipient.objects.filter(notice=notice).select_related("house", "sms")
    }
    # 201: 王三 opted out, so his wife's text, which may arrive; 202 (no phone) and 401
    # (no owner) have no text to stand on, and are the notice's households all the same.
    assert chosen == {
        "202": None,
        "401": None,
        "101": "13800000101",
        "102": "13800000102",
        "103": "13800000303",
        "201": wife.phone,
        "301": "13800000301",
        "302": "0571-88886666",
        "303": "13800000303",
    }


def test_a_notice_without_sms_records_no_recipients(estate, clerk, approver, sms_template):
    notice = make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动"))
    publish(notice, clerk, approver)
    assert not NoticeRecipient.objects.filter(notice=notice).exists()


def test_the_bench_seeds_the_reach_of_one_outage(estate, clerk, approver, sms_template):
    from notices import demo
    from notices.selectors.reach import reach_panel

    notice = publish(make_notice(estate.site, clerk), clerk, approver)
    Delivery.objects.all().delete()
    NoticeRecipient.objects.all().delete()
    assert demo.reach_bench_notice(estate.site) == notice

    written = demo.seed_reach_bench(estate.site, clerk, random.Random(1))

    assert written == {"deliveries": 3 + 7, "notice recipients": 9}
    assert not Delivery.objects.filter(state=State.PENDING).exists()
    assert reach_panel(notice).reached >= 4
    # Loaded once.
    assert demo.seed_reach_bench(estate.site, clerk, random.Random(1))["deliveries"] == 0


def test_the_bench_seeds_each_published_notices_group_messages(
    estate, clerk, approver, sms_template
):
    from notices import demo

    outage = publish(make_notice(estate.site, clerk), clerk, approver)  # the reach's
    event = publish(
        make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动")), clerk, approver
    )
    draft = make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动"))
    Delivery.objects.filter(about_id=str(event.pk)).delete()
    assert demo.reach_bench_notice(estate.site) == outage

    written = demo.seed_groups_bench(estate.site, random.Random(1))

    # 1栋's robot, 2栋4栋's (once), 3栋 without one: what publishing writes.
    groups = Delivery.objects.filter(about_id=str(event.pk), channel=Channel.ROBOT)
    assert written == {"deliveries": 3} and groups.count() == 3
    assert set(groups.values_list("robot_id", flat=True)) == {estate.one.pk, estate.shared.pk, None}
    assert groups.get(robot=None).code == "no_robot"
    assert groups.exclude(robot=None).filter(sent_at__gte=event.published_at).exists()
    assert not Delivery.objects.filter(about_id=str(draft.pk)).exists()
    # The outage's own deliveries are publishing's, left as they were; loaded once.
    assert Delivery.objects.filter(about_id=str(outage.pk), channel=Channel.ROBOT).count() == 3
    assert demo.seed_groups_bench(estate.site, random.Random(1)) == {"deliveries": 0}
