"""Group robots in admin: the key is a secret shown only as its last four characters,
saving marks a robot as working again, and the test button writes a test delivery."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdesk import roles
from frontdesk.channels.models import Delivery, Robot
from tests import factories

KEY = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b9f7e"
OTHER_KEY = "ffff0000-1111-4222-8333-444455556666"
WEBHOOK = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={OTHER_KEY}"


@pytest.fixture
def robot(site_a):
    return factories.make_robot(site_a, "3栋住户群", key=KEY)


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


def change_url(robot: Robot) -> str:
    return reverse("admin:channels_robot_change", args=[robot.pk])


def send_test_url(robot: Robot) -> str:
    return reverse("admin:channels_robot_test", args=[robot.pk])


def form_data(robot: Robot, **changes) -> dict:
    data = {
        "site": robot.site_id,
        "name": robot.name,
        "kind": robot.kind,
        "department": robot.department_id or "",
        "key": "",
        "is_active": "on" if robot.is_active else "",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def test_it_lists_robots_with_their_keys_masked(boss, robot):
    robot.broken_at, robot.broken_reason = timezone.now(), "机器人已被移出群聊。"
    robot.save(update_fields=["broken_at", "broken_reason"])

    response = boss.get(reverse("admin:channels_robot_changelist"))

    html = response.content.decode()
    assert list(response.context["cl"].result_list) == [robot]
    assert "****9f7e" in html and KEY not in html
    assert "3栋住户群" in html and "业主群" in html
    assert "起不可用：机器人已被移出群聊。" in html


def test_it_shows_the_change_form_without_the_key(boss, robot):
    html = boss.get(change_url(robot)).content.decode()

    assert KEY not in html and KEY[-8:] not in html
    assert "已保存：****9f7e；留空则不变" in html
    [key_input] = re.findall(r'<input[^>]*name="key"[^>]*>', html)
    assert "value=" not in key_input or 'value=""' in key_input
    assert "发送测试消息" in html and send_test_url(robot) in html


def test_the_section_and_labels_are_in_chinese(boss, robot):
    html = boss.get(reverse("admin:index")).content.decode()
    assert "消息渠道" in html and "群机器人" in html and "短信模板" in html and "发送记录" in html


def test_it_adds_a_robot_from_a_pasted_webhook_address(boss, site_a):
    response = boss.post(
        reverse("admin:channels_robot_add"),
        {
            "site": site_a.pk,
            "name": "5栋住户群",
            "kind": "residents",
            "key": WEBHOOK,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    robot = Robot.objects.get(name="5栋住户群")
    assert robot.key == OTHER_KEY
    # Nowhere in admin after saving: the list, the form, the history.
    for url in (
        reverse("admin:channels_robot_changelist"),
        change_url(robot),
        reverse("admin:channels_robot_history", args=[robot.pk]),
    ):
        assert OTHER_KEY not in boss.get(url).content.decode()


def test_a_new_robot_needs_a_key(boss, site_a):
    response = boss.post(
        reverse("admin:channels_robot_add"),
        {"site": site_a.pk, "name": "5栋住户群", "kind": "residents", "key": "", "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["key"] == ["这个字段是必填项。"]
    assert not Robot.objects.exists()


def test_an_empty_key_keeps_the_saved_one(boss, robot):
    response = boss.post(change_url(robot), form_data(robot, name="3栋业主群"))

    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.name, robot.key) == ("3栋业主群", KEY)


def test_a_new_key_or_webhook_address_replaces_it(boss, robot):
    boss.post(change_url(robot), form_data(robot, key=WEBHOOK))
    robot.refresh_from_db()
    assert robot.key == OTHER_KEY

    boss.post(change_url(robot), form_data(robot, key=f"  {KEY}  "))
    robot.refresh_from_db()
    assert robot.key == KEY


@pytest.mark.parametrize(
    "typed", ["short", "a key with spaces", "https://qyapi.weixin.qq.com/send?key=bad!key#"]
)
def test_a_bad_key_is_refused_beside_the_field(boss, robot, typed):
    response = boss.post(change_url(robot), form_data(robot, key=typed, name="改过的名字"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["key"] == ["请粘贴企业微信给出的机器人 Webhook 地址，或其中“key=”后面的密钥。"]
    robot.refresh_from_db()
    assert (robot.name, robot.key) == ("3栋住户群", KEY)


def test_a_staff_group_needs_its_department(boss, robot, site_a):
    response = boss.post(change_url(robot), form_data(robot, kind="staff"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["department"] == ["员工群须指定所属部门。"]

    engineering = site_a.departments.get(name="工程部")
    response = boss.post(
        change_url(robot), form_data(robot, kind="staff", department=engineering.pk)
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.kind, robot.department) == ("staff", engineering)


def test_another_sites_department_is_not_offered(boss, robot, site_b):
    other = site_b.departments.get(name="工程部")
    response = boss.post(change_url(robot), form_data(robot, kind="staff", department=other.pk))

    assert response.status_code == 200
    assert "department" in response.context["adminform"].form.errors
    robot.refresh_from_db()
    assert robot.kind == "residents"


def test_saving_marks_a_broken_robot_as_working(boss, robot):
    robot.broken_at, robot.broken_reason = timezone.now(), "机器人已被停用。"
    robot.save(update_fields=["broken_at", "broken_reason"])
    html = boss.get(change_url(robot)).content.decode()
    assert "机器人已被停用。" in html and "保存即表示机器人已恢复" in html

    assert boss.post(change_url(robot), form_data(robot)).status_code == 302

    robot.refresh_from_db()
    assert (robot.broken_at, robot.broken_reason, robot.key) == (None, "", KEY)


def test_the_test_button_queues_a_test_message(boss, robot, local_supervisor):
    response = boss.post(send_test_url(robot), follow=True)

    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.purpose) == ("robot", "pending", "test")
    assert (delivery.robot, delivery.site, delivery.urgent) == (robot, robot.site, True)
    assert delivery.created_by == local_supervisor
    assert (delivery.about_type, delivery.about_id) == (
        ContentType.objects.get_for_model(Robot),
        str(robot.pk),
    )
    assert response.redirect_chain == [(change_url(robot), 302)]
    html = response.content.decode()
    assert "测试消息已加入发送队列" in html
    log = reverse("admin:channels_delivery_changelist") + f"?robot__id__exact={robot.pk}"
    assert log.replace("&", "&amp;") in html
    assert [d.pk for d in boss.get(log).context["cl"].result_list] == [delivery.pk]
    # The delivery log names the robot, never its key.
    detail = reverse("admin:channels_delivery_change", args=[delivery.pk])
    for page in (boss.get(log), boss.get(detail)):
        assert "3栋住户群" in page.content.decode() and KEY not in page.content.decode()


def test_a_switched_off_robot_is_tried_and_says_why_not(boss, robot):
    robot.is_active = False
    robot.save(update_fields=["is_active"])

    html = boss.post(send_test_url(robot), follow=True).content.decode()

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.code) == ("skipped", "robot_inactive")
    assert "测试消息未发送：" in html


def test_the_test_button_takes_only_a_post_with_its_token(local_supervisor, robot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(local_supervisor)
    assert client.get(send_test_url(robot)).status_code == 405
    assert client.post(send_test_url(robot)).status_code == 403
    assert not Delivery.objects.exists()


def test_another_sites_robot_is_out_of_reach(client, robot, site_b):
    boss_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    client.force_login(boss_b)

    assert client.post(send_test_url(robot)).status_code == 404
    # Django admin redirects to its index with a "does not exist" message.
    assert client.get(change_url(robot))["Location"] == reverse("admin:index")
    assert client.post(change_url(robot), form_data(robot, key=OTHER_KEY)).status_code == 302
    robot.refresh_from_db()
    assert robot.key == KEY and not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "engineer"])
def test_clerks_and_department_staff_have_no_robots(client, request, robot, who):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("admin:channels_robot_changelist"), change_url(robot)):
        assert client.get(url).status_code == 302  # admin's login
    assert client.post(send_test_url(robot)).status_code == 302
    assert not Delivery.objects.exists()


def test_a_supervisor_of_two_sites_sees_whose_department_it_is(client, supervisor, site_a):
    client.force_login(supervisor)
    html = client.get(reverse("admin:channels_robot_add")).content.decode()
    assert "翠湖花园 · 工程部" in html and "锦绣华庭 · 工程部" in html


def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    boss, site_a, django_assert_num_queries
):
    url = reverse("admin:channels_robot_changelist")
    for n in (1, 12):
        while Robot.objects.count() < n:
            factories.make_robot(
                site_a, f"{Robot.objects.count()}号群", key=f"key-{n}-{Robot.objects.count():04d}x"
            )
        boss.get(url)  # the first request may renew the session
        # Session, user, the user's sites; the site filter's sites; the filtered and the
        # total count; the page with its sites and departments.
        with django_assert_num_queries(7):
            response = boss.get(url)
        assert len(response.context["cl"].result_list) == n
