"""Fixtures of the reliability harness (tests/reliability/harness.py): a Redis of the
test's own that it can stop and start, and real Celery worker and beat processes."""

import pytest

from frontdesk.celery import app as celery_app
from tests.reliability.harness import CeleryProcesses, RedisServer


@pytest.fixture
def own_redis(monkeypatch, tmp_path):
    """A redis-server on a free port, the Celery app's broker for this test only.

    The app keeps connection pools; it gets fresh ones for this broker (as
    `unreachable_broker` does), and the original ones back afterwards.
    """
    server = RedisServer(tmp_path)
    try:
        server.start()
        monkeypatch.setitem(celery_app.conf, "broker_url", server.url)
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        yield server
        celery_app.pool.force_close_all()
    finally:
        server.stop()


@pytest.fixture
def celery_processes(transactional_db, own_redis, tmp_path):
    """Worker and beat processes against the test database and `own_redis`.

    Stopped before transactional_db's flush, which would wait on their connections, and
    before `own_redis` stops, so a worker's warm shutdown can still acknowledge its task.
    """
    processes = CeleryProcesses(tmp_path, own_redis.url)
    yield processes
    processes.stop()
