"""A worker killed in the middle of a batch: after a restart every unit is done, once.

Delivery is at least once: tasks are acknowledged late, so the message of the task that
was running when the worker died stays unacknowledged in Redis, and a worker puts it back
in the queue once it is older than the visibility timeout (a worker checks when it starts,
then every ~100 s). The effect is exactly once because the task is idempotent.
"""

import time

import pytest

from frontdesk.models import Heartbeat
from tests.reliability.harness import wait_for
from tests.reliability.tasks import RUNS, record_unit, unit_name

N = 20
VISIBILITY_SECONDS = 3
WORKER = ("-I", "tests.reliability.tasks")
ENV = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS)}


def _recorded() -> list[str]:
    return list(Heartbeat.objects.filter(name__startswith="unit-").values_list("name", flat=True))


@pytest.mark.slow
def test_each_unit_is_done_exactly_once_after_the_worker_is_killed(own_redis, celery_processes):
    keys = [f"{i:02d}" for i in range(N)]
    runs = own_redis.client()
    celery_processes.worker("worker-1", *WORKER, **ENV)
    for key in keys:
        record_unit.delay(key)

    def running_unit() -> str | None:
        # Some units done, one started and not yet recorded: the worker is mid-task.
        done = {name.removeprefix("unit-") for name in _recorded()}
        if len(done) < 5:
            return None
        started = {key.decode() for key in runs.hkeys(RUNS)}
        return next(iter(started - done), None)

    key = wait_for(running_unit)
    assert key, f"no unit seen running\n{celery_processes.output()}"
    celery_processes.kill("worker-1")
    # The unit may, rarely, have recorded itself between our look and the kill.
    killed_mid_task = not Heartbeat.objects.filter(name=unit_name(key)).exists()
    assert len(_recorded()) < N

    # Only a message older than the visibility timeout is put back, and the new worker
    # checks when it starts.
    time.sleep(VISIBILITY_SECONDS)
    celery_processes.worker("worker-2", *WORKER, **ENV)

    assert wait_for(lambda: len(_recorded()) >= N), (
        f"recorded {sorted(_recorded())}\n{celery_processes.output()}"
    )
    assert sorted(_recorded()) == sorted(unit_name(k) for k in keys)
    started = {k.decode(): int(v) for k, v in runs.hgetall(RUNS).items()}
    assert {k: n for k, n in started.items() if k != key} == dict.fromkeys(set(keys) - {key}, 1)
    if killed_mid_task:
        # Delivered again after the kill and run to the end by the new worker.
        assert started[key] == 2, celery_processes.output()
        assert Heartbeat.objects.get(name=unit_name(key)).hostname.startswith("worker-2@")
