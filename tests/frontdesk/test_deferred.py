"""enqueue_on_commit: a task goes to the broker only after its transaction commits, and a
broker that is down never fails the request that queued it."""

import json
import logging
import time

import pytest
import redis
from django.conf import settings
from django.db import transaction

from frontdesk.deferred import enqueue_on_commit
from frontdesk.tasks import heartbeat

QUEUE = "celery"


@pytest.fixture
def broker():
    # The test broker's own Redis database, read with redis-py to see what really arrived.
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


def test_it_sends_the_task_when_the_transaction_commits(
    db, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(heartbeat)
        # Not before the commit: a worker could otherwise look for rows not yet there.
        assert broker.llen(QUEUE) == 0

    assert len(callbacks) == 1
    assert broker.llen(QUEUE) == 1
    message = json.loads(broker.lindex(QUEUE, 0))
    assert message["headers"]["task"] == "frontdesk.heartbeat"


def test_it_sends_nothing_when_the_transaction_rolls_back(
    db, broker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(heartbeat)
        raise RuntimeError("the write failed")

    assert callbacks == []
    assert broker.llen(QUEUE) == 0


def test_it_logs_and_goes_on_when_the_broker_is_down(
    db, unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="frontdesk.deferred"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        enqueue_on_commit(heartbeat)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1
    # A request waiting on Redis would keep the resident at the desk waiting too.
    assert elapsed < 3, f"took {elapsed:.1f} s"
    [record] = [r for r in caplog.records if r.name == "frontdesk.deferred"]
    assert record.levelno == logging.WARNING
    assert "frontdesk.heartbeat" in record.getMessage()
