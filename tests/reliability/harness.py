"""Real Redis, Celery worker and beat processes, to test deferred work through failures.

The processes are separate from the test, so the test's data must be committed
(``transactional_db``); they are pointed at the test database and at the given broker.
Every process gets its own session (process group), so a kill takes the whole worker down
at once, children included, as a crash would, and never the test runner.

A later area tests its own deferred work with the fixtures of ``conftest.py``::

    def test_reminders_survive_an_outage(own_redis, celery_processes, clerk_client):
        own_redis.stop()
        ...  # the clerk saves work whose task cannot be queued
        own_redis.start()
        celery_processes.worker()
        celery_processes.beat()  # its periodic scan queues the work again
        assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists()), (
            celery_processes.output()
        )
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from django.conf import settings

CELERY = Path(sys.executable).with_name("celery")
REDIS_SERVER = "redis-server"
WAIT_SECONDS = 30


def wait_for(predicate: Callable[[], Any], seconds: float = WAIT_SECONDS) -> Any:
    """The predicate's first truthy result, or its last falsy one after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := predicate()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def database_url() -> str:
    db = settings.DATABASES["default"]  # NAME is the test database's name while tests run
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _signal(proc: subprocess.Popen, sig: int) -> None:
    # Its group: each process here leads its own session (start_new_session=True).
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.killpg(proc.pid, sig)


def _end(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal the process's whole group and reap it; SIGKILL if it outstays `timeout`."""
    _signal(proc, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal(proc, signal.SIGKILL)
        proc.wait()


class RedisServer:
    """A redis-server of the test's own, on its own port, that the test stops and starts.

    Nothing is saved to disk: a restart is an empty Redis, as after a crash without
    persistence, the worst case for messages waiting in the broker.
    """

    def __init__(self, logs: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = logs / f"redis-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wait_for(self._answers, 10), self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None:
            _end(self.proc)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def _answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False


class CeleryProcesses:
    """Real `celery worker` and `celery beat` processes, each logging to its own file."""

    def __init__(self, logs: Path, broker_url: str, **env: str) -> None:
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "TEST_REDIS_URL": broker_url,
            **env,
        }

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        """Run `celery -A frontdesk <args>` as `name` (its log is `<name>.log`)."""
        assert name not in self.procs or self.procs[name].poll() is not None, name
        # The child keeps its own copy of the log's descriptor; ours can close at once.
        with self.log(name).open("ab") as log:
            self.procs[name] = subprocess.Popen(
                [CELERY, "-A", "frontdesk", *args],
                env={**self.env, **env},
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.procs[name]

    def worker(self, name: str = "worker", *args: str, **env: str) -> subprocess.Popen:
        # Mingle and gossip only slow the start down; one worker has no one to talk to.
        return self.start(
            name,
            *("worker", "--pool=solo", "--loglevel=INFO", f"--hostname={name}@%h"),
            *("--without-mingle", "--without-gossip", *args),
            **env,
        )

    def beat(self, name: str = "beat", *args: str, **env: str) -> subprocess.Popen:
        # -s: the scheduler is the database's, but beat still opens its file.
        schedule = self.logs / f"{name}-schedule"
        return self.start(name, "beat", "--loglevel=INFO", "-s", str(schedule), *args, **env)

    def kill(self, name: str) -> None:
        """SIGKILL the process's whole group: a hard death, mid-task if one is running."""
        _end(self.procs[name], signal.SIGKILL)

    def terminate(self, name: str) -> None:
        """Stop one process as a supervisor does (SIGTERM: a warm shutdown)."""
        _end(self.procs[name])

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def read_log(self, name: str) -> str:
        path = self.log(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def output(self) -> str:
        """Every log of the test, for assertion messages."""
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text(errors='replace')}"
            for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        """Stop every process (warm shutdown, then SIGKILL after 10 s)."""
        for proc in self.procs.values():
            _signal(proc, signal.SIGTERM)
        for proc in self.procs.values():
            _end(proc)
