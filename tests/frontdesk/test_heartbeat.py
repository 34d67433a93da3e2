"""The heartbeat task, run by a real Celery worker and scheduled by a real beat.

The worker and beat are separate processes, so the test data must be committed
(transactional_db) and they are pointed at the test database and the test broker.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.models import Heartbeat
from frontdesk.selectors import HEARTBEAT_NAME
from frontdesk.tasks import heartbeat

CELERY = Path(sys.executable).with_name("celery")
TASK_NAME = "frontdesk.heartbeat"
WAIT_SECONDS = 30


def _database_url() -> str:
    db = settings.DATABASES["default"]  # NAME is the test database's name while tests run
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def _wait_for(predicate: Callable[[], object], seconds: float = WAIT_SECONDS) -> object:
    deadline = time.monotonic() + seconds
    while not (result := predicate()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def _beat_at():
    return Heartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True).first()


class CeleryProcesses:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        }

    def start(self, *args: str) -> None:
        # The child keeps its own copy of the log's descriptor; ours can close at once.
        with (self.logs / f"{args[0]}.log").open("wb") as log:
            self.procs.append(
                subprocess.Popen(
                    [CELERY, "-A", "frontdesk", *args],
                    env=self.env,
                    cwd=settings.BASE_DIR,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def output(self) -> str:
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text(errors='replace')}"
            for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    # A message left over from an earlier run would make a heartbeat we did not queue.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    processes = CeleryProcesses(tmp_path)
    yield processes
    # Stopped before transactional_db's flush, which would wait on their connections.
    processes.stop()


WORKER = ("worker", "--pool=solo", "--loglevel=INFO", "--hostname=heartbeat-test@%h")


def test_it_records_a_heartbeat_from_a_real_worker(celery_processes):
    celery_processes.start(*WORKER)
    # The worker beats once when ready; after that beat, a newer one can only be ours.
    first = _wait_for(_beat_at)
    assert first, f"no heartbeat at worker start\n{celery_processes.output()}"

    queued_at = timezone.now()
    heartbeat.delay()

    beat = _wait_for(
        lambda: Heartbeat.objects.filter(name=HEARTBEAT_NAME, beat_at__gt=first).first()
    )
    assert beat, f"queued heartbeat never ran\n{celery_processes.output()}"
    assert queued_at <= beat.beat_at <= timezone.now()
    assert beat.hostname.startswith("heartbeat-test@")


def test_it_is_scheduled_by_beat_from_the_database(celery_processes, tmp_path):
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    # Made by the data migration, and again after each flush (post_migrate).
    task = PeriodicTask.objects.get(task=TASK_NAME)
    task.interval, task.enabled = every_second, True
    task.save()

    celery_processes.start(*WORKER)
    celery_processes.start("beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule"))

    # The worker beats once by itself at start; three distinct beats need beat's schedule.
    seen = set()

    def three_beats() -> bool:
        seen.add(_beat_at())
        seen.discard(None)
        return len(seen) >= 3

    assert _wait_for(three_beats), f"beats seen: {seen}\n{celery_processes.output()}"
    # Beat writes its run count to the database every few minutes and when it stops.
    celery_processes.stop()
    task.refresh_from_db()
    assert task.total_run_count >= 2, celery_processes.output()
    assert task.last_run_at is not None
