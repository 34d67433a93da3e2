"""manage.py bench_channels: how fast the channels write and send, at company scale.

In a scratch site of the benchmark's database (made for the run, deleted after it):

1. one ``message_send`` of a notice to a large estate: 10,000 residents by SMS and a few
   buildings' groups; the time to write the rows, commit included (target 5 s);
2. the time from that commit until every row is sent (target 60 s), by one real Celery
   worker process (``celery -A frontdesk worker -c 1``) talking to local stand-ins for
   Tencent Cloud SMS and the WeCom robot webhook (``tests/channels``' fakes, run here on
   threads), with a Redis database of its own as broker and for the robots' rate limit;
3. a burst to one group's robot (20 a minute, as many minutes as ``--robot-minutes``)
   under the real limit: the most messages any 60 s held at the webhook, the rate, and
   any "too many" (45009) the webhook answered.

Pending rows of the real sites are held aside for the run (a lease nobody holds, given
back at the end), so the worker sends only the run's own and the data stays as it was.
Beat does not run: the command queues the sender every minute as its scan would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from frontdesk import demo, services
from frontdesk.celery import app as celery_app
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.recipients import GroupRobot, Message, ResidentPhone
from frontdesk.channels.services.messages import message_send
from frontdesk.channels.tasks import send_due
from frontdesk.management.commands.bench import BENCH_MIN_SITES
from frontdesk.models import Site

SCRATCH_SITE = "性能测试·消息通道"
CREATE_TARGET_S = 5.0
SEND_TARGET_S = 60.0
# WeCom's own window: no 60 s may hold more than the limit at the webhook.
WECOM_WINDOW_S = 60.0
# The run's purpose: a notice (the template is the scratch site's own).
PURPOSE = "notice"
# Beat's scan runs every minute; without beat, the command queues the sender as often.
SCAN_EVERY_S = 60.0
HOLD = timedelta(hours=1)
State = Delivery.State


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    target: float | None = None  # at most
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.target is None or (self.value is not None and self.value <= self.target)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "ok": self.ok,
            "note": self.note,
        }


class Command(BaseCommand):
    help = (
        "Measure the channels at company scale: writing 10,000 deliveries with one "
        "message_send, sending them with one Celery worker against local fake providers, "
        "and one robot's rate under its 20-a-minute limit; exit 1 when a target is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
        parser.add_argument("--recipients", type=int, default=10_000, help="Residents to text.")
        parser.add_argument("--robots", type=int, default=5, help="Buildings' groups as well.")
        parser.add_argument(
            "--robot-minutes",
            type=int,
            default=3,
            help="Minutes of the one-robot burst (the limit's worth each); 0 leaves it out.",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
            help="The run's own Redis database (broker and rate limit); it is purged.",
        )
        # For the tests alone: the machinery on a small database, and a short window.
        parser.add_argument("--allow-small", action="store_true", help="Skip the scale check.")
        parser.add_argument("--robot-window", type=float, help="The limit's window in seconds.")

    def handle(self, *args, json_path, recipients, robots, robot_minutes, redis_url, **options):
        try:
            # The providers' stand-ins are the tests' own: run from a checkout.
            from frontdesk.channels.fakes.tencent_sms import FakeTencentSms
            from frontdesk.channels.fakes.wecom import FakeWeCom
        except ImportError as error:
            raise CommandError(f"The fake providers are missing: {error}") from error

        sites = Site.objects.count()
        if sites < BENCH_MIN_SITES and not options["allow_small"]:
            raise CommandError(
                f"The database holds {sites} sites, not company scale: "
                "run `python manage.py seed_demo --scale bench` first.",
                returncode=2,
            )
        limit, window = settings.CHANNELS_ROBOT_RATE
        window = options["robot_window"] or window
        self.figures: list[Figure] = []
        self.stdout.write(
            f"Database {connection.settings_dict['NAME']}: "
            f"{Delivery.objects.order_by().count():,} deliveries; "
            f"robot limit {limit} in {window:g} s; broker {redis_url}.\n"
        )
        self.remove_scratch()
        sms, wecom = FakeTencentSms().start(), FakeWeCom().start()
        # The fake keeps WeCom's own 60 s against the sender's longer window; scaled down
        # with it when a test shortens the window.
        wecom.window_seconds = min(WECOM_WINDOW_S, window - 1 if window > 2 else window / 2)
        provider = {**sms.settings(), "WECOM_ROBOT_URL": wecom.url}
        worker = held = None
        try:
            with override_settings(**provider, CELERY_BROKER_URL=redis_url), self.broker(redis_url):
                site, group_robots = self.scratch_site(robots)
                held = self.hold_pending(site)
                worker = Worker(redis_url, provider, limit, window)
                worker.start()
                self.create_and_send(site, group_robots, recipients, sms, wecom)
                if robot_minutes > 0:
                    self.robot_rate(site, limit * robot_minutes, window, wecom)
        finally:
            if worker is not None:
                worker.stop()
            sms.stop()
            wecom.stop()
            if held is not None:
                self.give_back(held)
            self.remove_scratch()
        self.report(json_path, worker)

    # --- set-up ---------------------------------------------------------------------------

    @staticmethod
    @contextmanager
    def broker(url: str) -> Iterator[None]:
        """The Celery app publishing to the run's Redis (it read its broker at import and
        keeps its connections in pools: fresh ones for the run, the old ones after)."""
        previous = celery_app.conf.broker_url
        Command.switch_broker(url)
        try:
            # Whatever an earlier, interrupted run left queued there.
            celery_app.control.purge()
            yield
        finally:
            # Kombu keeps one pool per broker address for the whole process: the run's is
            # closed only when it is not the one the process goes on using.
            if url != previous:
                celery_app.pool.force_close_all()
            Command.switch_broker(previous)

    @staticmethod
    def switch_broker(url: str) -> None:
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def scratch_site(self, robots: int) -> tuple[Site, list[Robot]]:
        site = services.site_create(
            name=SCRATCH_SITE, address="（性能测试，测量后删除）", service_phone="0571-00000000"
        )
        SmsTemplate.objects.create(
            site=site,
            purpose=PURPOSE,
            template_id="2400001",
            sign_name="测试物业",
            params="title,date",
            text="【测试物业】小区发布了“{1}”，请于{2}前留意，详见公告栏。",
        )
        stamp = f"{os.getpid()}-{int(time.time())}"
        group_robots = Robot.objects.bulk_create(
            Robot(
                site=site,
                name=f"{n}栋业主群",
                kind=Robot.Kind.RESIDENTS,
                key=f"benchch-{stamp}-{n}",
            )
            for n in range(1, robots + 2)  # one more: the rate burst's
        )
        return site, group_robots

    def hold_pending(self, site: Site) -> list[int]:
        """Lease the real sites' pending rows to nobody for the run (claim_due passes over
        a row whose lease has not run out), so that only the run's own rows are sent."""
        with transaction.atomic():
            ids = list(
                Delivery.objects.filter(state=State.PENDING, claim__isnull=True)
                .exclude(site=site)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
            Delivery.objects.filter(id__in=ids).update(lease_until=timezone.now() + HOLD)
        if ids:
            self.stdout.write(f"{len(ids):,} pending rows of other sites held aside for the run.")
        return ids

    def give_back(self, ids: list[int]) -> None:
        Delivery.objects.filter(id__in=ids, state=State.PENDING, claim__isnull=True).update(
            lease_until=None
        )

    def remove_scratch(self) -> None:
        for site in Site.objects.filter(name=SCRATCH_SITE):
            # Rows first: a robot cannot go while a delivery names it.
            Delivery.objects.filter(site=site).delete()
            Robot.objects.filter(site=site).delete()
            site.delete()

    # --- the measures -----------------------------------------------------------------------

    def create_and_send(self, site, group_robots, count, sms, wecom) -> None:
        rng = demo.SeedContext(sites=[]).rng("bench_channels")
        phones: dict[str, str] = {}
        while len(phones) < count:
            phones.setdefault(demo.mobile(rng), demo.person_name(rng))
        recipients = [ResidentPhone(phone, name) for phone, name in phones.items()]
        recipients += [GroupRobot(robot, robot.name) for robot in group_robots[:-1]]
        message = Message(
            purpose=PURPOSE,
            subject="停水通知",
            text="因市政供水管网抢修，全体业主今日 14:00—18:00 暂停供水，请提前储水。",
            link="/n/bench-channels-notice/",
            params={"title": "停水通知", "date": "今日"},
            # Urgent, so that quiet hours never put it off whenever the bench runs.
            urgent=True,
        )
        started = time.perf_counter()
        with transaction.atomic():
            rows = message_send(site=site, recipients=recipients, message=message)
        committed = time.perf_counter()
        created = committed - started
        pending = sum(row.state == State.PENDING for row in rows)
        self.add(
            f"create {len(rows):,} deliveries (one message_send)",
            created,
            "s",
            CREATE_TARGET_S,
            f"{len(rows) / created:,.0f} rows/s; {len(rows) - pending} not to send",
        )
        done = self.wait(
            lambda: (
                not Delivery.objects.filter(
                    site=site, state__in=[State.PENDING, State.SENDING]
                ).exists()
            ),
            timeout=max(SEND_TARGET_S * 5, 60),
            label="sending",
        )
        sent_s = (done or time.perf_counter()) - committed
        states = dict(
            Delivery.objects.filter(site=site)
            .values_list("state")
            .annotate(n=Count("id"))
            .order_by()
        )
        self.add(
            f"send them (1 worker): {states.get(State.SENT, 0):,} sent",
            sent_s if done else None,
            "s",
            SEND_TARGET_S,
            f"{pending / sent_s:,.0f} rows/s; {len(sms.requests)} SMS requests, "
            f"{len(wecom.delivered)} robot messages; states "
            + ", ".join(f"{state} {n:,}" for state, n in sorted(states.items())),
        )

    def robot_rate(self, site: Site, count: int, window: float, wecom) -> None:
        robot = Robot.objects.filter(site=site).order_by("-id").first()
        message = Message(
            purpose=PURPOSE,
            subject="快递待领取",
            text="3栋2单元1201：您的顺丰快递已到物业服务中心前台，请及时领取。",
            urgent=True,
        )
        self.stdout.write(f"Rate: {count} messages to one robot, about {count // 20} windows …")
        started = time.perf_counter()
        with transaction.atomic():
            rows = message_send(
                site=site, recipients=[GroupRobot(robot, robot.name)] * count, message=message
            )
        ids = [row.pk for row in rows]
        done = self.wait(
            lambda: Delivery.objects.filter(id__in=ids, state=State.SENT).count() == count,
            timeout=(count / 20 + 1) * (window + 5) + 60,
            label="robot burst",
        )
        received = wecom.for_key(robot.key)
        arrived = sorted(r.at for r in received if r.answer == "0")
        refused = sum(r.answer == "45009" for r in received)
        span = arrived[-1] - arrived[0] if len(arrived) > 1 else 0.0
        fake_window = wecom.window_seconds
        most = max_in_window(arrived, fake_window)
        limit = wecom.rate_limit
        self.add(
            f"robot burst: {len(arrived)} of {count} at the webhook",
            (done - started) if done else None,
            "s",
            None,
            f"first to last {span:.1f} s",
        )
        self.add(
            f"most in any {fake_window:g} s at the webhook",
            most,
            "msgs",
            limit,
            f"WeCom's limit is {limit}",
        )
        # After the first window's burst, the robot gets the limit once per window.
        steady = (len(arrived) - limit) / span * 60 if span and len(arrived) > limit else None
        self.add(
            "robot rate after the first window",
            round(steady, 1) if steady is not None else None,
            "msgs/min",
            None,
            f"overall {len(arrived) / span * 60:.1f}/min from first to last" if span else "",
        )
        self.add("WeCom's 'too many' (45009) answers", refused, "answers", 0)

    # --- plumbing ---------------------------------------------------------------------------

    def wait(self, done: Callable[[], bool], timeout: float, label: str) -> float | None:
        """perf_counter() when ``done()`` first held, or None after ``timeout``; queues the
        sender every minute meanwhile, as beat's scan does."""
        started = last_scan = last_note = time.perf_counter()
        while True:
            now = time.perf_counter()
            if done():
                return now
            if now - started > timeout:
                return None
            if now - last_scan >= SCAN_EVERY_S:
                send_due.delay()
                last_scan = now
            if now - last_note >= 15:
                self.stdout.write(f"  {label}: {now - started:.0f} s …")
                last_note = now
            time.sleep(0.05)

    def add(self, name, value, unit, target=None, note="") -> None:
        if isinstance(value, float):
            value = round(value, 2)
        figure = Figure(name, value, unit, target, note)
        self.figures.append(figure)
        shown = "-" if value is None else (f"{value:,}" if unit != "s" else f"{value:.2f}")
        limit = "" if target is None else f"≤ {target:g} {unit}"
        verdict = "ok" if figure.ok else "MISSED"
        self.stdout.write(
            f"{name:<52} {shown:>9} {unit:<8} {limit:>12}  {verdict:<6} {figure.note}"
        )

    def report(self, json_path: str | None, worker: Worker | None) -> None:
        if json_path:
            Path(json_path).write_text(
                json.dumps([f.as_json() for f in self.figures], ensure_ascii=False, indent=2)
            )
            self.stdout.write(f"Figures written to {json_path}.")
        missed = [f for f in self.figures if not f.ok]
        if missed:
            log = f" (worker's log: {worker.log})" if worker is not None else ""
            raise CommandError(
                f"{len(missed)} of {len(self.figures)} figures missed their target: "
                + "; ".join(f.name for f in missed)
                + log,
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(self.figures)} figures within target."))


def max_in_window(times: list[float], window: float) -> int:
    """The most of ``times`` (sorted seconds) within any ``window`` seconds."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def database_url() -> str:
    """The database this process uses (a test's own under pytest), as DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


class Worker:
    """One `celery -A frontdesk worker -c 1` process, pointed at the run's database,
    broker and fake providers; its log is var/bench-channels-worker.log."""

    READY_TIMEOUT_S = 60

    def __init__(self, redis_url: str, provider: dict, limit: int, window: float) -> None:
        self.log = Path(settings.BASE_DIR) / "var" / "bench-channels-worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            # The test settings read their broker from here.
            "TEST_REDIS_URL": redis_url,
            "CHANNELS_ROBOT_LIMIT": str(limit),
            "CHANNELS_ROBOT_WINDOW": str(window),
            **{name: str(value) for name, value in provider.items()},
        }
        # Celery would prefer it to the settings' broker.
        self.env.pop("CELERY_BROKER_URL", None)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log.parent.mkdir(exist_ok=True)
        celery = Path(sys.executable).with_name("celery")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [celery, "-A", "frontdesk", "worker", "-c", "1", "--loglevel=INFO"]
                + [f"--hostname=bench-channels-{os.getpid()}@%h"]
                + ["--without-mingle", "--without-gossip"],
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own group: stopping it stops its pool's child too, and nothing else.
                start_new_session=True,
            )
        deadline = time.monotonic() + self.READY_TIMEOUT_S
        while " ready." not in self.log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CommandError(f"The worker did not start: see {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
