"""The channels' sender with real workers against a local WeCom: a burst keeps each robot's
rate, a worker killed mid-send loses nothing and repeats nothing, two workers never send a
message twice, what was written while Redis was down goes out with beat's scan, and what a
robot's rate put off goes out when its window allows, not at the next scan. The last three
tests run the sender in threads of this process: a batch that outlasts its lease, a
database slow between counting a send and making it, and when a run says to come back.

Workers get a robot rate of 20 messages in 3 seconds instead of 20 a minute, so a burst
takes seconds. The fake WeCom keeps the same limit over a window a second shorter, as
production does (WeCom's 60 s against the sender's 61 s): a message reaches WeCom a while
after the sender counted it (its row is started in the database, then it is posted), and
that while varies, most on a loaded machine. Were the limit broken, the fake would answer
45009.
"""

import logging
import re
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.channels import ratelimit, sending
from frontdesk.channels.fakes.wecom import FakeWeCom, Received
from frontdesk.channels.models import Delivery, Robot
from frontdesk.channels.recipients import GroupRobot, Message
from frontdesk.channels.services.messages import message_send
from frontdesk.channels.tasks import send_due
from tests.factories import make_robot, make_site
from tests.reliability.harness import wait_for

State = Delivery.State

ROBOT_LIMIT = 20
ROBOT_WINDOW = 3.0
# A second shorter, as production's 61 s against WeCom's 60 (see the module).
WECOM_WINDOW = 2.0
# Generous: worker start-up alone can take several seconds on a busy machine.
SLOW = 90
TOKEN = re.compile(r"msg-(\d{3})")


@pytest.fixture
def wecom():
    """The fake WeCom, keeping the shortened limit; set up before the workers, so that it
    is stopped after them."""
    server = FakeWeCom()
    server.rate_limit, server.window_seconds = ROBOT_LIMIT, WECOM_WINDOW
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(wecom) -> dict[str, str]:
    """What the worker processes need to send to the fake at the shortened rate."""
    return {
        "WECOM_ROBOT_URL": wecom.url,
        "CHANNELS_ROBOT_LIMIT": str(ROBOT_LIMIT),
        "CHANNELS_ROBOT_WINDOW": str(ROBOT_WINDOW),
    }


@pytest.fixture
def sender_here(transactional_db, own_redis, wecom, settings):
    """For the tests that run the sender in this process (threads stand in for workers):
    the fake WeCom, the shortened rate, and the test's own Redis for the robots' windows
    and for the tasks that message_send queues on commit, which no worker takes here."""
    settings.WECOM_ROBOT_URL = wecom.url
    settings.CHANNELS_ROBOT_RATE = (ROBOT_LIMIT, ROBOT_WINDOW)
    settings.CELERY_BROKER_URL = own_redis.url


def _robots(site, count: int) -> list[Robot]:
    return [make_robot(site, f"{n + 1}栋业主群", key=f"robot-{n:02d}-key") for n in range(count)]


def _send(site, robots: list[Robot]) -> list[str]:
    """One urgent message to each robot in turn (quiet hours do not apply), all written in
    one transaction as an area's save would; their texts, each with its own token."""
    texts = []
    with transaction.atomic():
        for n, robot in enumerate(robots):
            text = f"明天上午9点至11点停水 msg-{n:03d}"
            message_send(
                site=site,
                recipients=[GroupRobot(robot)],
                message=Message("test", "停水通知", text, link="/n/abc/", urgent=True),
            )
            texts.append(text)
    return texts


def _tokens(messages: list[Received]) -> Counter:
    return Counter(TOKEN.search(m.content).group(1) for m in messages)


def _crowded(messages: list[Received], window: float) -> list[tuple[str, float]]:
    """Each robot's runs of limit + 1 arrivals within `window` seconds (none if kept)."""
    times = defaultdict(list)
    for message in messages:
        times[message.key].append(message.at)
    return [
        (key, round(last - first, 3))
        for key, at in times.items()
        for first, last in zip(sorted(at), sorted(at)[ROBOT_LIMIT:], strict=False)
        if last - first < window
    ]


def _story(wecom: FakeWeCom, celery_processes) -> str:
    """What happened, for a failing assertion: the rows' states, WeCom's answers, the logs."""
    states = Counter(Delivery.objects.values_list("state", flat=True))
    answers = Counter(m.answer for m in wecom.received)
    return (
        f"rows {dict(states)}, WeCom answered {dict(answers)}, "
        f"crowded {_crowded(wecom.received, WECOM_WINDOW)}\n{celery_processes.output()}"
    )


def _sent() -> int:
    return Delivery.objects.filter(state=State.SENT).count()


def _unfinished() -> int:
    return Delivery.objects.filter(state__in=[State.PENDING, State.SENDING]).count()


def _sent_by(celery_processes, name: str) -> int:
    log = celery_processes.read_log(name)
    return sum(int(n) for n in re.findall(r"succeeded in [\d.]+s: \{'sent': (\d+)", log))


def _scan_every_second() -> None:
    PeriodicTask.objects.filter(task=send_due.name).update(
        interval=IntervalSchedule.objects.get_or_create(every=1, period="seconds")[0]
    )


@pytest.mark.slow
def test_it_sends_a_burst_once_each_at_the_robots_pace(wecom, env, celery_processes):
    (robot,) = _robots(make_site(), 1)
    # The task that a robot's rate puts off queues itself again; beat's scan every second
    # covers the times it does not (see the last test).
    _scan_every_second()
    celery_processes.beat()
    celery_processes.worker(**env)
    started = time.monotonic()

    _send(robot.site, [robot] * 100)

    assert wait_for(lambda: _sent() == 100, SLOW), _story(wecom, celery_processes)
    took = time.monotonic() - started
    assert [m.answer for m in wecom.received] == ["0"] * 100, _story(wecom, celery_processes)
    assert _tokens(wecom.delivered) == dict.fromkeys((f"{n:03d}" for n in range(100)), 1)
    assert _crowded(wecom.received, WECOM_WINDOW) == []
    # 100 at 20 a window: four waits for the window at least.
    assert took >= 4 * ROBOT_WINDOW, took
    assert Delivery.objects.exclude(state=State.SENT).count() == 0


@pytest.mark.slow
def test_it_calls_the_message_in_flight_uncertain_when_the_worker_dies(
    wecom, env, celery_processes
):
    count = 10
    (robot,) = _robots(make_site(), 1)
    # The third message hangs far longer than the test needs the worker to be inside it
    # (the adapter itself gives up after 5 s, so the kill must come before that).
    wecom.hang_seconds = 60
    wecom.script(robot.key, ["ok", "ok", "timeout"])
    celery_processes.worker("worker-1", **env)

    texts = _send(robot.site, [robot] * count)

    assert wait_for(lambda: len(wecom.received) >= 3, SLOW), _story(wecom, celery_processes)
    celery_processes.kill("worker-1")
    in_flight = Delivery.objects.get(text=texts[2])
    assert in_flight.state == State.SENDING, (in_flight.state, celery_processes.output())
    assert len(wecom.received) == 3

    # The dead worker's claim: the row it was sending and the ones it had not started.
    # Five minutes pass, as far as its lease can tell.
    expired = Delivery.objects.filter(lease_until__isnull=False).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert expired == count - 2
    _scan_every_second()
    celery_processes.worker("worker-2", **env)
    celery_processes.beat()

    assert wait_for(lambda: _unfinished() == 0, SLOW), _story(wecom, celery_processes)
    in_flight.refresh_from_db()
    assert (in_flight.state, in_flight.code) == (State.UNCERTAIN, "interrupted")
    assert _sent() == count - 1
    # Each message reached WeCom once, the one in flight included: it was not sent again.
    assert _tokens(wecom.received) == dict.fromkeys((f"{n:03d}" for n in range(count)), 1)
    assert [m.answer for m in wecom.received].count("0") == count - 1
    assert wecom.received[2].answer == "timeout"


@pytest.mark.slow
def test_two_workers_send_each_message_once(wecom, env, celery_processes):
    robots = _robots(make_site(), 10)
    # Beat's scan every second as well: a third way in to the same rows.
    _scan_every_second()
    celery_processes.beat()
    for name in ("worker-a", "worker-b"):
        celery_processes.worker(name, **env)
    for name in ("worker-a", "worker-b"):
        assert wait_for(lambda n=name: " ready." in celery_processes.read_log(n), SLOW), (
            celery_processes.output()
        )

    _send(robots[0].site, robots * 30)

    assert wait_for(lambda: _sent() == 300, SLOW), _story(wecom, celery_processes)
    assert _tokens(wecom.received) == dict.fromkeys((f"{n:03d}" for n in range(300)), 1)
    assert Counter(m.key for m in wecom.received) == {r.key: 30 for r in robots}
    assert {m.answer for m in wecom.received} == {"0"}, _story(wecom, celery_processes)
    assert _crowded(wecom.received, WECOM_WINDOW) == []
    assert Delivery.objects.exclude(state=State.SENT).count() == 0
    # Both took part, and what they say they sent adds up to what WeCom got.
    assert wait_for(
        lambda: (
            _sent_by(celery_processes, "worker-a") + _sent_by(celery_processes, "worker-b") == 300
        ),
        10,
    ), celery_processes.output()
    assert _sent_by(celery_processes, "worker-a") > 0 and _sent_by(celery_processes, "worker-b") > 0


@pytest.mark.slow
def test_it_sends_what_was_written_while_redis_was_down(
    wecom, env, own_redis, celery_processes, caplog
):
    (robot,) = _robots(make_site(), 1)
    own_redis.stop()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="frontdesk.deferred"):
        (text,) = _send(robot.site, [robot])
    # The save went through and did not wait long on the broker.
    assert time.monotonic() - started < 5
    assert f"{send_due.name} not queued now" in caplog.text
    assert Delivery.objects.get().state == State.PENDING

    # Redis comes back empty: no task is waiting; the database still says what is due.
    own_redis.start()
    _scan_every_second()
    celery_processes.worker(**env)
    celery_processes.beat()

    assert wait_for(lambda: _sent() == 1, SLOW), _story(wecom, celery_processes)
    assert f"({send_due.name})" in celery_processes.read_log("beat")
    # Beat keeps scanning every second; nothing is sent again.
    time.sleep(2)
    assert [(m.content.count(text), m.answer) for m in wecom.received] == [(1, "0")]


@pytest.mark.slow
def test_each_robot_put_off_by_its_rate_is_sent_when_its_window_allows(
    wecom, env, celery_processes
):
    """Two robots put off a few seconds apart: each is sent when its own window allows,
    without waiting for beat's scan (there is no beat here)."""
    window = 6
    wecom.window_seconds = window - 1
    first, second = _robots(make_site(), 2)
    celery_processes.worker(**{**env, "CHANNELS_ROBOT_WINDOW": str(window)})
    _send(first.site, [first] * (ROBOT_LIMIT + 1))
    assert wait_for(lambda: len(wecom.for_key(first.key)) == ROBOT_LIMIT, SLOW), _story(
        wecom, celery_processes
    )
    # The first robot's 21st waits for its window; the second robot's 21st will wait for
    # a window that ends a moment later.
    _send(first.site, [second] * (ROBOT_LIMIT + 1))

    everything = 2 * (ROBOT_LIMIT + 1)
    # Its window ends about `window` seconds from now; the scan would come in a minute.
    assert wait_for(lambda: _sent() == everything, window + 5), _story(wecom, celery_processes)
    assert {m.answer for m in wecom.received} == {"0"}, _story(wecom, celery_processes)


@pytest.mark.slow
def test_a_live_senders_message_is_not_called_uncertain(sender_here, wecom, settings):
    """A batch can outlast its lease (200 rows, each up to the adapter's 5 s timeout, is
    far longer than 5 minutes): another worker's scan must then not take the row being
    sent right now for a dead worker's, nor drop what its sender hears back."""
    settings.CHANNELS_LEASE_SECONDS = 3
    (robot,) = _robots(make_site(), 1)
    # WeCom takes 2 s to answer the first message and 4 s the second (both well within
    # the adapter's 5 s): the claim's lease runs out while the second is in flight.
    wecom.hang_seconds = 2
    wecom.script(robot.key, ["timeout", "timeout"])
    first, second = _send(robot.site, [robot, robot])

    def worker() -> None:
        try:
            sending.send_due()
        finally:
            connection.close()

    sender = threading.Thread(target=worker)
    sender.start()
    try:
        assert wait_for(lambda: wecom.received, 10)
        wecom.hang_seconds = 4
        # Not started yet: its lease is still the one of the claim.
        claim_ends = Delivery.objects.get(text=second).lease_until
        assert wait_for(lambda: len(wecom.received) == 2, 10)
        # The claim's lease runs out, and another worker scans.
        assert wait_for(lambda: timezone.now() > claim_ends + timedelta(seconds=0.2), 10)
        sending.send_due()
    finally:
        sender.join(20)

    assert Delivery.objects.get(text=first).state == State.SENT
    row = Delivery.objects.get(text=second)
    assert (row.state, row.code) == (State.SENT, "0"), row.detail
    assert _tokens(wecom.received) == {"000": 1, "001": 1}


@pytest.mark.slow
def test_a_slow_moment_of_the_database_does_not_crowd_a_robots_window(sender_here, wecom):
    """The sender counts a message against the robot's window, then starts its row in the
    database, then posts it. If the database keeps it waiting between the two (a row lock,
    a slow commit), the message reaches WeCom late, and the 21st, counted a window after
    the first, reaches WeCom less than a window after it: WeCom says 45009."""
    busy, robot = _robots(make_site(), 2)
    # The busy robot's message keeps the sender waiting, after its claim, while the test
    # locks the other robot's first row: the sender meets the lock when it starts that row.
    wecom.hang_seconds = 2
    wecom.script(busy.key, ["timeout"])
    texts = _send(busy.site, [busy] + [robot] * (ROBOT_LIMIT + 1))
    locked = threading.Event()

    def refused() -> bool:
        return any(m.answer == "45009" for m in wecom.received)

    def worker() -> None:
        try:
            deadline = time.monotonic() + 15
            # Until all is sent, or WeCom refused one (then a retry is a minute away).
            while _unfinished() and time.monotonic() < deadline and not refused():
                sending.send_due(budget_seconds=1)
                time.sleep(0.1)
        finally:
            connection.close()

    def lock() -> None:
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(text=texts[1])
                locked.set()
                time.sleep(wecom.hang_seconds + 2)
        finally:
            connection.close()

    sender = threading.Thread(target=worker)
    sender.start()
    locker = threading.Thread(target=lock)
    try:
        assert wait_for(lambda: wecom.received, 10)
        locker.start()
        assert locked.wait(5)
    finally:
        locker.join(10)
        sender.join(30)

    answers = [m.answer for m in wecom.for_key(robot.key)]
    assert answers == ["0"] * (ROBOT_LIMIT + 1), _crowded(wecom.received, WECOM_WINDOW)
    assert _sent() == ROBOT_LIMIT + 2


@pytest.mark.slow
def test_a_run_says_when_what_it_left_put_off_is_due(sender_here, wecom):
    """The task queues its next run for the report's `next_due`: it must be the time of a
    row still put off. A row put off and then sent within the same run no longer counts,
    or the next run comes too early, finds nothing due, queues none, and what is left
    waits for beat's scan."""
    paused, busy = _robots(make_site(), 2)
    # The first robot waits 0.2 s; the other's first message takes longer than that, so
    # the run comes back to the first robot's message, due by then, and sends it.
    ratelimit.robot_pause(paused.pk, 0.2)
    wecom.hang_seconds = 0.5
    wecom.script(busy.key, ["timeout"])
    _send(paused.site, [paused] + [busy] * (ROBOT_LIMIT + 1))

    report = sending.send_due(budget_seconds=10)

    left = Delivery.objects.get(state=State.PENDING)
    assert (left.robot, _sent()) == (busy, ROBOT_LIMIT + 1)
    assert report.next_due == left.not_before, (report.next_due, timezone.now())
