"""The reach panel of a published notice: groups messaged, texts sent, failed and skipped
with their reasons, and the households no channel reached, with why, a page at a time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdesk.channels.models import Delivery, SmsTemplate
from notices.selectors.reach import reach_panel
from notices.states import State as NoticeState
from residents.models import Building
from tests import factories
from tests.notices.conftest import bring_to, make_notice, notice_type
from tests.notices.test_delivery import approve_sms_template, build_estate

Channel, State = Delivery.Channel, Delivery.State


def mark(notice, channel: str, state: str, code: str = "", **which) -> None:
    """What the sender would have made of the notice's deliveries to ``which``."""
    Delivery.objects.filter(about_id=str(notice.pk), channel=channel, **which).update(
        state=state, code=code
    )


def publish_and_deliver(estate, clerk, boss):
    """The estate's water outage, published; then 1栋's group got it, 2栋4栋's robot
    failed, 赵四's text arrived, 孙六's failed; 张一's and 李二's are still waiting."""
    notice = bring_to(
        make_notice(estate.site, clerk), NoticeState.PUBLISHED, clerk=clerk, boss=boss
    )
    mark(notice, Channel.ROBOT, State.SENT, robot=estate.one)
    mark(notice, Channel.ROBOT, State.FAILED, "40058", robot=estate.shared)
    mark(notice, Channel.SMS, State.SENT, phone="13800000301")
    mark(
        notice,
        Channel.SMS,
        State.FAILED,
        "LimitExceeded.PhoneNumberDailyLimit",
        phone="13800000303",
    )
    return notice


@pytest.fixture
def estate(site_a):
    return build_estate(site_a)


@pytest.fixture
def published(estate, clerk, approver, settings):
    approve_sms_template(estate.site, settings)
    return publish_and_deliver(estate, clerk, approver)


def reach_url(notice) -> str:
    return reverse("notices:reach", args=[notice.pk])


def panel(client, notice, **query):
    return client.get(reach_url(notice), query, headers={"HX-Request": "true"})


def test_it_counts_what_went_out(published):
    reach = reach_panel(published)

    assert (reach.robot.sent, reach.robot.failed, reach.robot.skipped) == (1, 1, 1)
    assert reach.robot.skipped_why == [("未配置群机器人", 1)]
    assert reach.group_counts == {"sent": 1, "failed": 2, "no_robot": 1}
    sms = reach.sms
    assert (sms.sent, sms.failed, sms.skipped, sms.waiting) == (1, 1, 3, 2)
    assert set(sms.skipped_why) == {
        ("业主无电话", 1),
        ("业主拒收短信", 1),
        ("业主电话不是手机号", 1),
    }
    assert sms.failed_why == [("LimitExceeded.PhoneNumberDailyLimit", 1)]
    assert (reach.houses, reach.reached, reach.not_reached) == (9, 4, 5)


def test_it_lists_each_household_not_reached_with_why(published):
    rows = {row.house.label: row.why for row in reach_panel(published).rows}

    # 1栋's three houses had their group's message; 3栋1单元301 its owner's text.
    assert rows == {
        "2栋1单元201": ["群消息发送失败", "业主拒收短信"],
        "2栋1单元202": ["群消息发送失败", "业主无电话"],
        "3栋1单元302": ["未配置群机器人", "业主电话不是手机号"],
        "3栋1单元303": ["未配置群机器人", "短信发送失败"],
        "4栋1单元401": ["群消息发送失败", "未登记业主"],
    }


def test_a_text_still_waiting_is_said_so(published):
    mark(
        published,
        Channel.ROBOT,
        State.PENDING,
        robot=published.site.robot_set.get(name="1栋业主群"),
    )
    rows = {row.house.label: row.why for row in reach_panel(published).rows}
    assert rows["1栋1单元101"] == ["群消息尚未发出", "短信尚未发出"]
    # 孙六's one text failed: both his houses are listed.
    assert rows["1栋1单元103"] == ["群消息尚未发出", "短信发送失败"]


def test_a_house_is_reached_by_whichever_owner_its_text_went_to(estate, clerk, approver, settings):
    approve_sms_template(estate.site, settings)
    # 王三 (201) asked for no SMS; his wife did not: the house stands on her text.
    factories.make_resident(estate.site, "王三妻", "13800000222", estate.houses["201"])
    notice = publish_and_deliver(estate, clerk, approver)
    assert "2栋1单元201" in [row.house.label for row in reach_panel(notice).rows]

    mark(notice, Channel.SMS, State.SENT, phone="13800000222")
    assert "2栋1单元201" not in [row.house.label for row in reach_panel(notice).rows]


def test_a_text_resent_and_delivered_reaches_the_house(published):
    resent = Delivery.objects.get(about_id=str(published.pk), phone="13800000303")
    resent.pk, resent.state, resent.code = None, State.SENT, ""
    resent.save()  # a supervisor's resend (a new row), delivered this time

    labels = [row.house.label for row in reach_panel(published).rows]
    assert "3栋1单元303" not in labels and len(labels) == 4


def test_a_notice_of_a_type_without_sms_says_so(estate, clerk, approver):
    notice = make_notice(estate.site, clerk, type=notice_type(estate.site, "社区活动"))
    bring_to(notice, NoticeState.PUBLISHED, clerk=clerk, boss=approver)
    mark(notice, Channel.ROBOT, State.SENT)

    reach = reach_panel(notice)
    assert reach.sms.total == 0 and not reach.sms_wanted
    assert {row.house.label: row.why for row in reach.rows} == {
        "3栋1单元301": ["未配置群机器人", "此类公告不发短信"],
        "3栋1单元302": ["未配置群机器人", "此类公告不发短信"],
        "3栋1单元303": ["未配置群机器人", "此类公告不发短信"],
    }


def test_the_panel_shows_phones_masked(clerk_client, published):
    response = panel(clerk_client, published)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "notices/_reach.html"
    html = response.content.decode()
    assert "138****0201" in html and "13800000201" not in html
    assert "2栋1单元201" in html and "1栋1单元101" not in html
    assert "发布范围 9 户：已触达 4 户，未触达 5 户" in html
    assert "已发送 1 · 失败 1 · 未发送 3" in html
    assert reverse("notices:reach_export", args=[published.pk]) in html


def test_without_htmx_it_is_a_page_of_its_own(clerk_client, published):
    response = clerk_client.get(reach_url(published))
    assert response.status_code == 200
    assert "notices/reach.html" in [t.name for t in response.templates]
    assert reverse("notices:detail", args=[published.pk]) in response.content.decode()


def test_the_notice_page_loads_it_once_published(clerk_client, published, site_a, clerk):
    page = clerk_client.get(reverse("notices:detail", args=[published.pk])).content.decode()
    assert f'hx-get="{reach_url(published)}"' in page
    draft = make_notice(site_a, clerk)
    page = clerk_client.get(reverse("notices:detail", args=[draft.pk])).content.decode()
    assert reach_url(draft) not in page


def test_a_draft_has_nothing_sent(clerk_client, site_a, clerk):
    response = panel(clerk_client, make_notice(site_a, clerk))
    assert response.status_code == 200 and 'id="reach-unpublished"' in response.content.decode()


def test_another_sites_notice_is_not_found(client, clerk_b, published):
    client.force_login(clerk_b)
    assert panel(client, published).status_code == 404
    assert client.get(reach_url(published)).status_code == 404


def add_unreached_houses(site, count: int) -> None:
    """``count`` houses of 9栋, which has no group robot and whose houses no owner."""
    for n in range(count):
        factories.make_house(site, building=9, unit=1, room=f"{900 + n}")


def publish_with_unreached(estate, clerk, approver, settings, count: int):
    """The reach panel's notice, published to the estate with ``count`` more houses."""
    if not SmsTemplate.objects.filter(site=estate.site, purpose="notice").exists():
        approve_sms_template(estate.site, settings)
    add_unreached_houses(estate.site, count)
    return publish_and_deliver(estate, clerk, approver)


def test_it_pages_the_households_by_thirty(clerk_client, estate, clerk, approver, settings):
    published = publish_with_unreached(estate, clerk, approver, settings, 35)

    first = panel(clerk_client, published).context["reach"]
    second = panel(clerk_client, published, page=2).context["reach"]
    assert len(first.rows) == 30 and len(second.rows) == 10
    assert first.rows[0].house.label == "2栋1单元201"
    assert second.rows[-1].house.label == "9栋1单元934"
    assert first.not_reached == 40


def test_every_household_reached_says_so(clerk_client, published):
    mark(published, Channel.ROBOT, State.SENT)
    Building.objects.filter(site=published.site, number=3).update(
        group_robot=published.site.robot_set.get(name="1栋业主群")
    )
    response = panel(clerk_client, published)
    assert 'id="reach-all"' in response.content.decode()
    assert response.context["reach"].not_reached == 0


def count_queries(client, notice) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert panel(client, notice).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_it_reads_the_panel_in_a_fixed_number_of_queries(
    clerk_client, published, estate, clerk, approver, settings
):
    panel(clerk_client, published)  # the first request renews the session
    few = count_queries(clerk_client, published)
    more = publish_with_unreached(estate, clerk, approver, settings, 40)
    many = count_queries(clerk_client, more)
    # session, user, the notice with its type and site; the texts sent counted, the
    # groups' messages, the texts not sent; the audience buildings with their robots; the
    # households counted; the recipients without a text or with one not sent, their
    # houses in order; the page's houses, their owners with the residents
    assert len(few) == len(many) == 12, "\n".join(many)


def test_it_reads_no_text_that_was_sent(clerk_client, published):
    """The panel's cost grows with the households not reached, not with the audience:
    of the texts, it reads (rather than counts) only those not sent."""
    mark(published, Channel.SMS, State.SENT)
    with CaptureQueriesContext(connection) as queries:
        reach = panel(clerk_client, published).context["reach"]
    assert reach.sms.sent == Delivery.objects.filter(channel=Channel.SMS, state=State.SENT).count()
    texts = [q["sql"] for q in queries if 'FROM "channels_delivery"' in q["sql"]]
    assert not any(
        "\"state\" = 'sent'" in sql and "COUNT" not in sql and "LIMIT 1" not in sql for sql in texts
    )


def test_a_house_recorded_after_publishing_is_not_of_its_households(clerk_client, published):
    before = panel(clerk_client, published).context["reach"]
    add_unreached_houses(published.site, 3)
    after = panel(clerk_client, published).context["reach"]
    assert (after.houses, after.not_reached) == (before.houses, before.not_reached)
