"""Referrals: what the desk passed to a department, and the department's reply."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdesk import roles
from frontdesk.conflicts import Conflict
from frontdesk.models import Department
from tests import factories
from visitors.models import Inquiry
from visitors.services.inquiries import inquiry_create, inquiry_referral_done

LIST = reverse("visitors:referrals")


def done_url(inquiry) -> str:
    return reverse("visitors:referral_done", args=[inquiry.pk])


@pytest.fixture
def engineering(site_a):
    return Department.objects.get(site=site_a, name="工程部")


@pytest.fixture
def referral(clerk, site_a, engineering):
    return inquiry_create(
        site=site_a,
        user=clerk,
        channel=Inquiry.Channel.PHONE,
        asker_name="李女士",
        asker_phone="13912345678",
        question="楼道灯不亮",
        referred_to=engineering,
    )


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


@pytest.fixture
def security_guard(site_a):
    return factories.make_user(
        site_a, role=roles.DEPARTMENT_STAFF, username="guard", department="秩序部"
    )


def grant_handle_any(user):
    # The rule is the permission, whichever role grants it (frontdesk.roles gives it to
    # supervisors); granted here so that this test is about the rule alone.
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="visitors", codename="change_inquiry")
    )


def test_it_shows_the_engineer_his_departments_referrals(engineer_client, referral, clerk, site_a):
    security = Department.objects.get(site=site_a, name="秩序部")
    inquiry_create(site=site_a, user=clerk, question="外来车辆乱停", referred_to=security)
    inquiry_create(site=site_a, user=clerk, question="前台答复的问题", answer="已答复")
    response = engineer_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "转交工程部的咨询" in html
    assert "楼道灯不亮" in html and "李女士" in html
    assert "外来车辆乱停" not in html and "前台答复的问题" not in html
    # Masked, and without the reveal the engineer may not use.
    assert "139****5678" in html and "13912345678" not in html
    assert "reveal" not in html
    assert 'id="visitors-nav"' not in html  # the desk's tabs are not his


def test_it_lets_the_engineer_mark_it_handled_with_a_reply(
    engineer_client, engineer, referral, clerk
):
    response = engineer_client.post(done_url(referral), {"reply": "已更换灯泡"})
    assert response["Location"] == LIST
    referral.refresh_from_db()
    assert referral.referral_reply == "已更换灯泡"
    assert referral.referral_done_by == engineer
    assert referral.referral_done_at is not None
    html = engineer_client.get(LIST).content.decode()
    assert "已标记为处理完毕" in html
    assert "楼道灯不亮" not in html  # no longer waiting
    assert "已更换灯泡" in engineer_client.get(LIST, {"status": "done"}).content.decode()
    desk = Client()
    desk.force_login(clerk)
    assert "已更换灯泡" in desk.get(reverse("visitors:inquiries")).content.decode()


def test_it_refuses_staff_of_another_department(client, security_guard, referral):
    client.force_login(security_guard)
    assert "楼道灯不亮" not in client.get(LIST).content.decode()
    assert client.post(done_url(referral), {"reply": "x"}).status_code == 403
    referral.refresh_from_db()
    assert referral.referral_done_at is None


def test_it_refuses_a_clerk_but_lets_a_supervisor(clerk_client, client, supervisor, referral):
    assert clerk_client.post(done_url(referral), {"reply": "x"}).status_code == 403
    grant_handle_any(supervisor)
    client.force_login(supervisor)
    assert client.post(done_url(referral), {"reply": "已安排维修"})["Location"] == LIST
    referral.refresh_from_db()
    assert (referral.referral_reply, referral.referral_done_by) == ("已安排维修", supervisor)


def test_it_hides_another_sites_referral(client, site_b, referral):
    engineer_b = factories.make_user(
        site_b, role=roles.DEPARTMENT_STAFF, username="eng_b", department="工程部"
    )
    client.force_login(engineer_b)
    assert "楼道灯不亮" not in client.get(LIST).content.decode()
    assert client.post(done_url(referral), {"reply": "x"}).status_code == 404
    supervisor_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    grant_handle_any(supervisor_b)
    client.force_login(supervisor_b)
    assert client.post(done_url(referral), {"reply": "x"}).status_code == 404
    referral.refresh_from_db()
    assert referral.referral_done_at is None


def test_it_is_a_404_for_an_inquiry_answered_at_the_desk(engineer_client, clerk, site_a):
    answered = inquiry_create(site=site_a, user=clerk, question="x", answer="y")
    assert engineer_client.post(done_url(answered), {"reply": "x"}).status_code == 404


def test_it_records_a_referral_once(engineer_client, engineer, security_guard, referral):
    assert inquiry_referral_done(inquiry=referral, user=engineer, reply="第一次")
    response = engineer_client.post(done_url(referral), {"reply": "第二次"})
    assert response["Location"] == LIST
    html = engineer_client.get(LIST).content.decode()
    assert "本次未作任何更改" in html
    when = timezone.localtime(referral.referral_done_at).strftime("%H:%M")
    assert f"已于 {when} 由 {engineer.get_full_name()} 处理" in html
    referral.refresh_from_db()
    assert referral.referral_reply == "第一次"


def test_two_people_at_once_cannot_both_record(engineer, supervisor, referral):
    # Both loaded the open referral; the second write finds it handled and changes nothing.
    stale = Inquiry.objects.get(pk=referral.pk)
    assert inquiry_referral_done(inquiry=referral, user=engineer, reply="甲")
    with pytest.raises(Conflict) as conflict:
        inquiry_referral_done(inquiry=stale, user=supervisor, reply="乙")
    assert (conflict.value.by, conflict.value.at) == (engineer, referral.referral_done_at)
    referral.refresh_from_db()
    assert (referral.referral_reply, referral.referral_done_by) == ("甲", engineer)


def test_it_asks_for_the_reply(engineer_client, referral):
    response = engineer_client.post(done_url(referral), {"reply": "   "})
    assert response.status_code == 200
    assert "请填写部门的处理情况或答复" in response.content.decode()
    referral.refresh_from_db()
    assert referral.referral_done_at is None


def test_a_refused_reply_comes_back_at_its_row_on_the_same_page(
    engineer_client, clerk, site_a, engineering, referral
):
    for i in range(30):  # oldest first: the last one asked is on the list's second page
        last = inquiry_create(site=site_a, user=clerk, question=f"问题{i}", referred_to=engineering)
    referral = last
    query = {"status": "open", "page": "2"}
    html = engineer_client.get(LIST, query).content.decode()
    # The reply's form goes back to this page of the list, and lands on its own field.
    action = f'action="{done_url(referral)}?status=open&amp;page=2#id_reply_{referral.pk}"'
    assert action in html

    response = engineer_client.post(f"{done_url(referral)}?status=open&page=2", {"reply": ""})
    html = response.content.decode()
    assert f'id="id_reply_{referral.pk}"' in html and "is-invalid" in html
    assert "问题29" in html and "问题0" not in html  # the same page, with the row's error

    response = engineer_client.post(f"{done_url(referral)}?status=open&page=2", {"reply": "好"})
    assert response["Location"] == f"{LIST}?status=open&page=2"


def test_it_refuses_get(engineer_client, referral):
    assert engineer_client.get(done_url(referral)).status_code == 405


def test_the_desk_sees_all_referrals_with_a_department_filter(
    clerk_client, clerk, site_a, referral
):
    security = Department.objects.get(site=site_a, name="秩序部")
    inquiry_create(site=site_a, user=clerk, question="外来车辆乱停", referred_to=security)
    html = clerk_client.get(LIST).content.decode()
    assert "楼道灯不亮" in html and "外来车辆乱停" in html
    assert reverse("reveal", args=["visitors.inquiry", referral.pk, "asker_phone"]) in html
    assert "处理完毕" not in html  # the clerk follows them, the department answers
    html = clerk_client.get(LIST, {"department": security.pk}).content.decode()
    assert "楼道灯不亮" not in html and "外来车辆乱停" in html


def test_staff_without_a_department_see_a_note(client, site_a, referral):
    nobody = factories.make_user(site_a, role=roles.DEPARTMENT_STAFF, username="nodept")
    client.force_login(nobody)
    html = client.get(LIST).content.decode()
    assert "您不属于本小区的任何部门" in html
    assert "楼道灯不亮" not in html


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"department": "x"}, {"page": "zz"}])
def test_it_survives_a_bad_filter(engineer_client, referral, params):
    response = engineer_client.get(LIST, params)
    assert response.status_code == 200
    assert "楼道灯不亮" in response.content.decode()


def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    engineer_client, clerk, site_a, engineering, referral, django_assert_num_queries
):
    house = factories.make_house(site_a)
    engineer_client.get(LIST)
    # Session, user, the header's unread messages, the engineer's department, the count
    # and the page.
    with django_assert_num_queries(6):
        engineer_client.get(LIST)
    for i in range(40):
        inquiry_create(
            site=site_a, user=clerk, house=house, question=f"问题{i}", referred_to=engineering
        )
    with django_assert_num_queries(6):
        engineer_client.get(LIST)


def test_it_needs_login(client, referral):
    assert client.get(LIST)["Location"].startswith(reverse("login"))
    assert client.post(done_url(referral))["Location"].startswith(reverse("login"))


def test_it_needs_a_site(client, db):
    client.force_login(factories.make_user(username="nosite"))
    assert client.get(LIST).status_code == 403
