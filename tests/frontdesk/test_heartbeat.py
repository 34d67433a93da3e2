"""The heartbeat task, run by a real Celery worker and scheduled by a real beat.

The worker and beat are separate processes, so the test data must be committed
(transactional_db) and they are pointed at the test database and the test broker.
"""

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.models import Heartbeat
from frontdesk.selectors import HEARTBEAT_NAME
from frontdesk.tasks import heartbeat
from tests.reliability.harness import CeleryProcesses, wait_for

TASK_NAME = "frontdesk.heartbeat"
# Real worker and beat processes.
pytestmark = pytest.mark.slow


def _beat_at():
    return Heartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True).first()


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    # A message left over from an earlier run would make a heartbeat we did not queue.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")
    processes = CeleryProcesses(tmp_path, settings.CELERY_BROKER_URL)
    yield processes
    # Stopped before transactional_db's flush, which would wait on their connections.
    processes.stop()


def test_it_records_a_heartbeat_from_a_real_worker(celery_processes):
    celery_processes.worker("heartbeat-test")
    # The worker beats once when ready; after that beat, a newer one can only be ours.
    first = wait_for(_beat_at)
    assert first, f"no heartbeat at worker start\n{celery_processes.output()}"

    queued_at = timezone.now()
    heartbeat.delay()

    beat = wait_for(
        lambda: Heartbeat.objects.filter(name=HEARTBEAT_NAME, beat_at__gt=first).first()
    )
    assert beat, f"queued heartbeat never ran\n{celery_processes.output()}"
    assert queued_at <= beat.beat_at <= timezone.now()
    assert beat.hostname.startswith("heartbeat-test@")


def test_it_is_scheduled_by_beat_from_the_database(celery_processes):
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    # Made by the data migration, and again after each flush (post_migrate).
    task = PeriodicTask.objects.get(task=TASK_NAME)
    task.interval, task.enabled = every_second, True
    task.save()

    celery_processes.worker("heartbeat-test")
    celery_processes.beat()

    # The worker beats once by itself at start; three distinct beats need beat's schedule.
    seen = set()

    def three_beats() -> bool:
        seen.add(_beat_at())
        seen.discard(None)
        return len(seen) >= 3

    assert wait_for(three_beats), f"beats seen: {seen}\n{celery_processes.output()}"
    # Beat writes its run count to the database every few minutes and when it stops.
    celery_processes.stop()
    task.refresh_from_db()
    assert task.total_run_count >= 2, celery_processes.output()
    assert task.last_run_at is not None
