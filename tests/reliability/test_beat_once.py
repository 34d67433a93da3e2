"""Beat runs once: of two beat processes one sends and the other waits for its lock
(frontdesk/beat.py); the waiting one takes over when the first dies or stops, and no
start of beat adds a second schedule."""

import time

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.models import Heartbeat
from frontdesk.selectors import HEARTBEAT_NAME
from frontdesk.tasks import heartbeat
from tests.reliability.harness import wait_for

HOLDS = "beat holds the lock"
WAITS = "another beat is running; waiting"


def _sends(celery_processes, name: str) -> int:
    return celery_processes.read_log(name).count(f"({heartbeat.name})")


def _beats_after(moment) -> bool:
    return Heartbeat.objects.filter(name=HEARTBEAT_NAME, beat_at__gt=moment).exists()


@pytest.mark.slow
def test_one_beat_sends_and_a_standby_takes_over(celery_processes):
    PeriodicTask.objects.filter(task=heartbeat.name).update(
        interval=IntervalSchedule.objects.get_or_create(every=1, period="seconds")[0]
    )
    celery_processes.worker()
    celery_processes.beat("beat-a")
    celery_processes.beat("beat-b")
    output = celery_processes.output

    def roles() -> tuple[str, str] | None:
        logs = {name: celery_processes.read_log(name) for name in ("beat-a", "beat-b")}
        holder = [name for name, log in logs.items() if HOLDS in log]
        waiting = [name for name, log in logs.items() if WAITS in log]
        return len(holder) == len(waiting) == 1 and (holder[0], waiting[0])

    assert (pair := wait_for(roles)), output()
    active, standby = pair
    assert wait_for(lambda: _sends(celery_processes, active) >= 3), output()
    assert _sends(celery_processes, standby) == 0, output()

    # A hard death: PostgreSQL drops the dead process's lock with its connection.
    celery_processes.kill(active)
    killed_at = timezone.now()
    assert wait_for(lambda: _sends(celery_processes, standby) >= 2, 15), output()
    assert wait_for(lambda: _beats_after(killed_at), 5), output()

    # Beats started while the standby sends wait in turn; a waiting beat stops at once.
    celery_processes.beat("beat-restarted")
    waiting = celery_processes.beat("beat-waiting")
    for name in ("beat-restarted", "beat-waiting"):
        assert wait_for(lambda n=name: WAITS in celery_processes.read_log(n)), output()
    started = time.monotonic()
    celery_processes.terminate("beat-waiting")
    assert (waiting.returncode, time.monotonic() - started < 3) == (0, True), output()

    # Stopped as a supervisor stops it, the sending beat hands over to a waiting one.
    celery_processes.terminate(standby)
    assert wait_for(lambda: _sends(celery_processes, "beat-restarted") >= 1, 15), output()
    assert PeriodicTask.objects.filter(task=heartbeat.name).count() == 1
