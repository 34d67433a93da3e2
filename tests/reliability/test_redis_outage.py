"""Redis stops while a clerk works: pages and saves go on, and the deferred work runs once
Redis is back, queued again by its periodic path (for the heartbeat: beat)."""

import logging
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.deferred import enqueue_on_commit
from frontdesk.models import Heartbeat
from frontdesk.selectors import HEARTBEAT_NAME
from frontdesk.tasks import heartbeat
from tests import factories
from tests.reliability.harness import wait_for
from visitors.models import Inquiry

QUESTION = "物业费交到几月了？"


def _beat_at():
    return Heartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True).first()


def _work_at_the_desk(client, house) -> None:
    assert client.get("/").status_code == 200
    lookup = client.get(reverse("residents:index"), {"q": "张三丰"})
    assert lookup.status_code == 200 and "138****8000" in lookup.content.decode()
    response = client.post(
        reverse("visitors:inquiry_create"),
        {
            "house": house.label,
            "asker_kind": "resident",
            "asker_name": "张三丰",
            "channel": "walk_in",
            "question": QUESTION,
            "answer": "已交到本月。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.slow
def test_the_desk_works_through_an_outage_and_deferred_work_catches_up(
    own_redis, celery_processes, clerk_client, site_a, caplog
):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    _work_at_the_desk(clerk_client, house)
    assert clerk_client.get("/healthz").status_code == 200

    own_redis.stop()

    # Nothing a clerk does waits on the broker for long.
    started = time.monotonic()
    _work_at_the_desk(clerk_client, house)
    assert time.monotonic() - started < 3
    assert Inquiry.objects.filter(question=QUESTION).count() == 2
    started = time.monotonic()
    health = clerk_client.get("/healthz")
    assert time.monotonic() - started < 3
    assert (health.status_code, health.json()["db"]) == (503, "ok")
    assert health.json()["broker"].startswith("error"), health.json()

    with caplog.at_level(logging.WARNING, logger="frontdesk.deferred"), transaction.atomic():
        enqueue_on_commit(heartbeat)
    assert "frontdesk.heartbeat not queued now" in caplog.text
    assert _beat_at() is None

    # Redis comes back empty (it saves nothing), so that message is gone for good; what
    # is due lives in the database, where beat's schedule finds it.
    own_redis.start()
    assert wait_for(lambda: clerk_client.get("/healthz").status_code == 200, 5)
    PeriodicTask.objects.filter(task=heartbeat.name).update(
        interval=IntervalSchedule.objects.get_or_create(every=1, period="seconds")[0]
    )
    celery_processes.worker()
    celery_processes.beat()

    # The worker beats once when it starts; more than one beat needs beat's schedule.
    seen = set()

    def beats() -> bool:
        seen.add(_beat_at())
        return len(seen - {None}) >= 3

    assert wait_for(beats), f"beats seen: {seen}\n{celery_processes.output()}"
    assert "(frontdesk.heartbeat)" in celery_processes.read_log("beat")
