"""The sender: deliveries written by message_send go out once, at the robot's pace, retried
with backoff, and whatever a worker leaves half-done is neither lost nor sent twice."""

from datetime import datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from frontdesk import roles
from frontdesk.channels import sending
from frontdesk.channels.adapters.wecom import WeComRobot
from frontdesk.channels.fakes.tencent_sms import SIGN_NAME, TEMPLATE_ID
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.recipients import GroupRobot, Message, Personal, ResidentPhone, Staff
from frontdesk.channels.services.messages import message_send
from tests.channels.sms_fixture import fake_sms  # noqa: F401  (the fixture)
from tests.factories import make_site, make_user

pytestmark = pytest.mark.django_db

State = Delivery.State


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Robot ids start again in every fresh test database; old windows must not carry over.
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in client.scan_iter("channels:*"):
        client.delete(key)


@pytest.fixture
def site():
    return make_site()


@pytest.fixture
def robot(site):
    return Robot.objects.create(
        site=site, name="3栋业主群", kind=Robot.Kind.RESIDENTS, key="k-3-building-robot"
    )


@pytest.fixture
def wecom(fake_wecom, settings):
    settings.WECOM_ROBOT_URL = fake_wecom.url
    return fake_wecom


def urgent(text: str = "明天上午9点至11点停水") -> Message:
    return Message(purpose="test", subject="停水通知", text=text, link="/n/abc/", urgent=True)


def send(site, robot, count=1, message=None):
    for n in range(count):
        message_send(
            site=site, recipients=[GroupRobot(robot)], message=message or urgent(f"第{n}条")
        )


def test_it_sends_a_robot_message_once(site, robot, wecom, settings):
    settings.PUBLIC_BASE_URL = "https://desk.example.com"
    send(site, robot)

    report = sending.send_due()
    again = sending.send_due()

    delivery = Delivery.objects.get()
    assert delivery.state == State.SENT and delivery.backend == "wecom"
    assert delivery.sent_at is not None and delivery.attempts == 0
    assert report.sent == 1 and again.sent == 0
    assert len(wecom.delivered) == 1
    assert "停水通知" in wecom.delivered[0].content
    # The link stored as a path is sent on the public address: a path opens nothing in WeCom.
    assert "(https://desk.example.com/n/abc/)" in wecom.delivered[0].content


def test_it_keeps_each_robots_rate_across_batches(site, robot, wecom, settings):
    # As in production (61 s against WeCom's 60), the sender's window is a little longer
    # than the provider's, so that a request delayed on the way never makes it 4.
    settings.CHANNELS_ROBOT_RATE = (3, 2.5)
    wecom.rate_limit, wecom.window_seconds = 3, 2
    send(site, robot, count=7)

    first = sending.send_due()
    assert first.sent == 3 and first.next_due is not None
    # The rest wait for the window, not in a worker: they are pending, due later.
    assert Delivery.objects.filter(state=State.PENDING, not_before__gt=timezone.now()).count() == 4
    deadline = timezone.now() + timedelta(seconds=20)
    while Delivery.objects.exclude(state=State.SENT).exists() and timezone.now() < deadline:
        sending.send_due(budget_seconds=1)

    assert Delivery.objects.filter(state=State.SENT).count() == 7
    assert [m.answer for m in wecom.received] == ["0"] * 7  # WeCom never had to say 45009
    times = [m.at for m in wecom.received]
    assert all(later - earlier >= 2 for earlier, later in zip(times, times[3:], strict=False))


def test_it_waits_a_minute_after_wecom_says_too_many(site, robot, wecom):
    wecom.script(robot.key, ["45009"])
    send(site, robot, count=2)

    report = sending.send_due()

    first, second = Delivery.objects.order_by("id")
    assert first.state == State.PENDING and first.code == "45009"
    assert first.attempts == 0  # the robot's pace, not the message's fault
    assert first.not_before >= timezone.now() + timedelta(seconds=55)
    # The robot is paused for everyone: the second message waits too, unsent.
    assert second.state == State.PENDING and second.code == ""
    assert report.sent == 0 and len(wecom.received) == 1


@pytest.mark.parametrize("errcode", ["93000", "93004", "93008"])
def test_it_marks_a_removed_robot_broken_and_tells_the_supervisor(site, robot, wecom, errcode):
    supervisor = make_user(site, role=roles.SUPERVISOR)
    clerk = make_user(site)
    wecom.script(robot.key, [errcode])
    send(site, robot, count=3)

    sending.send_due()

    robot.refresh_from_db()
    assert robot.broken_at is not None and robot.broken_reason
    rows = Delivery.objects.filter(robot=robot)
    assert {r.state for r in rows} == {State.FAILED} and {r.code for r in rows} == {errcode}
    assert len(wecom.received) == 1  # not tried again for the other two
    told = Delivery.objects.get(channel=Delivery.Channel.INBOX)
    assert told.user == supervisor and robot.name in told.subject
    assert not Delivery.objects.filter(user=clerk).exists()
    # Later messages to the broken robot are written as not sent, with the reason.
    send(site, robot)
    assert Delivery.objects.filter(robot=robot).latest("id").state == State.SKIPPED


def test_it_retries_transient_failures_with_backoff_then_fails(site, robot, wecom):
    wecom.script(robot.key, ["500", "garbage", "hangup", "500"])
    send(site, robot)
    delivery = Delivery.objects.get()
    waits = []
    for _ in range(4):
        before = timezone.now()
        Delivery.objects.filter(pk=delivery.pk).update(not_before=before)
        sending.send_due()
        delivery.refresh_from_db()
        if delivery.state == State.PENDING:
            waits.append(round((delivery.not_before - before).total_seconds() / 60))

    assert waits == [1, 5, 30]
    assert delivery.state == State.FAILED and delivery.attempts == 4
    assert "4" in delivery.detail
    assert wecom.delivered == []


def test_two_senders_never_claim_the_same_rows(site, robot):
    send(site, robot, count=5)

    _token1, first = sending.claim_due(3)
    _token2, second = sending.claim_due(3)

    assert len(first) == 3 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}


def test_it_frees_rows_of_a_sender_that_died_before_sending(site, robot, wecom):
    send(site, robot, count=2)
    sending.claim_due(10)  # a worker claims them, then dies
    assert sending.send_due().sent == 0  # the lease still holds

    Delivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    report = sending.send_due()

    assert report.sent == 2 and len(wecom.delivered) == 2


def test_a_row_left_sending_is_marked_uncertain_and_not_sent_again(site, robot, wecom):
    send(site, robot)
    Delivery.objects.update(state=State.SENDING, lease_until=timezone.now() - timedelta(seconds=1))

    report = sending.send_due()

    delivery = Delivery.objects.get()
    assert report.uncertain == 1 and delivery.state == State.UNCERTAIN
    assert "可能已送达" in delivery.detail
    assert wecom.received == []


def at_local(hour: int, minute: int = 0) -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime(today.year, today.month, today.day, hour, minute))


@pytest.mark.parametrize(
    ("hour", "delay_hours"), [(22, 10), (7, 1), (12, 0), (20, 0)], ids=["22h", "7h", "12h", "20h"]
)
def test_it_keeps_residents_quiet_at_night(site, robot, hour, delay_hours, monkeypatch):
    now = at_local(hour)
    monkeypatch.setattr(timezone, "now", lambda: now)

    send(site, robot, message=Message(purpose="test", subject="活动", text="周末社区活动"))
    send(site, robot, message=urgent())

    ordinary, pressing = Delivery.objects.order_by("id")
    assert ordinary.not_before == now + timedelta(hours=delay_hours)
    assert pressing.not_before == now


def test_staff_are_not_kept_quiet(site):
    user = make_user(site)
    late = at_local(23)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: late)
        message_send(
            site=site, recipients=[Staff(user)], message=Message("test", "交接", "夜班交接")
        )

    inbox = Delivery.objects.get()
    assert inbox.channel == Delivery.Channel.INBOX and inbox.state == State.SENT
    assert inbox.not_before == late and inbox.read_at is None


@pytest.mark.parametrize(
    ("recipient", "code"),
    [
        (ResidentPhone(""), "no_phone"),
        (ResidentPhone("057188886601"), "not_mobile"),
        (ResidentPhone("13800138000", no_sms=True), "opted_out"),
        (ResidentPhone("13800138000"), "no_provider"),
        (GroupRobot(None, name="5栋业主群"), "no_robot"),
    ],
)
def test_it_records_why_a_resident_is_not_reached(site, recipient, code):
    message_send(site=site, recipients=[recipient], message=urgent())

    delivery = Delivery.objects.get()
    assert delivery.state == State.SKIPPED and delivery.code == code and delivery.detail


def test_each_personal_recipient_gets_its_own_message_and_record(site, robot):
    first, second = make_user(site, username="p1"), make_user(site, username="p2")
    shared = Message("test", "缴费提醒", "请缴费", params={"site": "翠湖花园"})
    own = Message("test", "缴费提醒", "101 欠费 ¥300", params={"amount": "300.00"})

    message_send(
        site=site,
        recipients=[Personal(ResidentPhone("13800138000"), own, about=first), Staff(second)],
        message=shared,
        about=robot,
    )

    sms, inbox = Delivery.objects.order_by("id")
    assert (sms.text, sms.params, sms.about_id) == ("101 欠费 ¥300", own.params, str(first.pk))
    assert (inbox.text, inbox.about_id) == ("请缴费", str(robot.pk))
    with pytest.raises(ValueError, match="purpose"):
        message_send(
            site=site,
            recipients=[Personal(Staff(first), Message("other", "x", "y"))],
            message=shared,
        )


def test_it_refuses_another_sites_robot(site):
    elsewhere = Robot.objects.create(
        site=make_site(), name="别的小区群", kind=Robot.Kind.RESIDENTS, key="k-elsewhere-0"
    )

    with pytest.raises(ValueError, match="another site"):
        message_send(site=site, recipients=[GroupRobot(elsewhere)], message=urgent())
    assert not Delivery.objects.exists()


def test_no_answer_in_time_is_not_sent_again(site, robot, wecom):
    wecom.hang_seconds = 1
    wecom.script(robot.key, ["timeout"])
    send(site, robot)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sending.backends, "robot_sender", lambda: WeComRobot(wecom.url, timeout=0.3))
        sending.send_due()
        sending.send_due()

    delivery = Delivery.objects.get()
    assert delivery.state == State.UNCERTAIN and delivery.code == "timeout"
    assert "可能已送达" in delivery.detail
    assert len(wecom.received) == 1


def test_runs_put_off_by_the_limit_schedule_one_wake_up_between_them(site, robot, wecom, settings):
    from frontdesk.channels import tasks

    settings.CHANNELS_ROBOT_RATE = (1, 30)
    send(site, robot, count=3)
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.delete("celery")

    tasks.send_due()  # sends one, puts two off: schedules a wake-up
    tasks.send_due()  # finds them still put off: a wake-up is already on its way

    assert len(wecom.delivered) == 1
    assert queue.llen("celery") == 1


def test_one_request_texts_many_and_records_each_numbers_answer(site, fake_sms, settings):  # noqa: F811
    for name, value in fake_sms.settings().items():
        setattr(settings, name, value)
    SmsTemplate.objects.create(
        site=site, purpose="test", template_id=TEMPLATE_ID, sign_name=SIGN_NAME, params="site"
    )
    fake_sms.phone_codes["13800000002"] = "LimitExceeded.PhoneNumberDailyLimit"
    fake_sms.phone_codes["13800000003"] = "LimitExceeded.PhoneNumberThirtySecondLimit"
    phones = ["13800000001", "13800000002", "13800000003", "13800000004"]
    message_send(
        site=site,
        recipients=[ResidentPhone(p) for p in phones],
        message=Message("test", "测试", "测试短信", params={"site": "翠湖"}, urgent=True),
    )

    report = sending.send_due()

    [request] = fake_sms.requests
    assert sorted(request.mobiles) == phones and request.params == ["翠湖"]
    rows = {d.phone: d for d in Delivery.objects.all()}
    assert rows["13800000001"].state == rows["13800000004"].state == State.SENT
    assert rows["13800000001"].detail != rows["13800000004"].detail  # each its own receipt
    assert rows["13800000002"].state == State.FAILED
    assert rows["13800000003"].state == State.PENDING and rows["13800000003"].attempts == 1
    assert report.sent == 2 and report.failed == 1 and report.retried == 1


def test_a_message_asks_for_the_sender_once_committed(
    site, robot, settings, django_capture_on_commit_callbacks
):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.delete("celery")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(site, robot)
        assert queue.llen("celery") == 0  # nothing before the commit
    for callback in callbacks:
        callback()

    [raw] = queue.lrange("celery", 0, -1)
    assert b"frontdesk.channels.send_due" in raw


def test_many_messages_in_one_transaction_ask_for_one_sender(
    site, robot, settings, django_capture_on_commit_callbacks
):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.delete("celery")

    with django_capture_on_commit_callbacks(execute=True):
        send(site, robot, count=5)

    assert queue.llen("celery") == 1 and Delivery.objects.count() == 5
