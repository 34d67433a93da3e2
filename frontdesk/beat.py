"""Beat runs once: a second beat process waits while another one holds the lock.

django-celery-beat keeps the schedule in the database, but nothing stops two beat
processes (a restart that overlaps the old one, a second machine) from both sending every
due task. This scheduler first takes a PostgreSQL session-level advisory lock on a
connection of its own and holds it for the life of the process. A second beat logs that it
is waiting and tries again every few seconds; PostgreSQL releases the lock when the
holder's connection ends, however the process died, so the standby takes over then.
"""

import logging
import signal
import threading
import time
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# Any fixed number will do: advisory locks are per database, so this is one per install.
LOCK_KEY = 0x66645F62656174  # "fd_beat"
RETRY_SECONDS = 2


class LockedDatabaseScheduler(DatabaseScheduler):
    _lock_connection: psycopg.Connection | None = None

    def setup_schedule(self) -> None:
        # Called once the real scheduler is built (not for beat's banner, which is lazy).
        with _signals_end_the_wait():
            self._lock_connection = _wait_for_lock()
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        # If the lock's connection broke (PostgreSQL restarted), the lock is gone and a
        # standby may hold it now: stop rather than send alongside it. The supervisor
        # (honcho, systemd) restarts beat, which then waits for the lock like any other.
        try:
            self._lock_connection.execute("SELECT 1")
        except psycopg.Error:
            logger.error("beat lost its database lock; stopping")
            raise SystemExit(1) from None
        return super().tick(*args, **kwargs)


def _wait_for_lock() -> psycopg.Connection:
    waiting_logged = False
    while True:
        try:
            connection = _connect()
            if connection.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
                logger.info("beat holds the lock; sending due tasks")
                return connection
            connection.close()
            if not waiting_logged:
                logger.info("another beat is running; waiting")
                waiting_logged = True
        except psycopg.OperationalError as exc:  # the database is down: wait for it too
            logger.warning("beat cannot reach the database for its lock: %s", exc)
        time.sleep(RETRY_SECONDS)


def _connect() -> psycopg.Connection:
    # Not Django's connection: Django may close or replace its own at any time, and the
    # lock lives exactly as long as the connection that took it.
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
        connect_timeout=5,
        application_name="frontdesk beat lock",
    )


@contextmanager
def _signals_end_the_wait():
    """While waiting, SIGTERM/SIGINT end the process at once.

    Celery's handler would save the schedule by building the scheduler, which would wait
    for the lock again inside the handler: a waiting beat has nothing to save.
    """
    if threading.current_thread() is not threading.main_thread():  # beat embedded: -B
        yield
        return

    def leave(signum, frame):
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
