"""A test-only task for test_worker_killed: one unit of an idempotent batch.

The worker loads it with `celery -A frontdesk worker -I tests.reliability.tasks`.
"""

import time

import redis
from celery import shared_task
from django.utils import timezone

from frontdesk.models import Heartbeat

RUNS = "reliability:runs"  # Redis hash: key -> how many times its unit started
UNIT_SECONDS = 0.3


def unit_name(key: str) -> str:
    return f"unit-{key}"


@shared_task(name="tests.reliability.record_unit", ignore_result=True)
def record_unit(key: str) -> None:
    # Counted before the work, so a unit killed half-way shows as started twice.
    redis.Redis.from_url(record_unit.app.conf.broker_url).hincrby(RUNS, key)
    time.sleep(UNIT_SECONDS)
    # Idempotent: a redelivered unit finds its row and writes nothing. Heartbeat is any
    # existing table with a unique name; a real task checks its own row's state the same way.
    Heartbeat.objects.get_or_create(
        name=unit_name(key),
        defaults={"beat_at": timezone.now(), "hostname": record_unit.request.hostname or ""},
    )
