"""Queue Celery work from request code without ever failing the request.

The database is the source of truth for deferred work: a task is sent only after the
transaction that created its work commits, and if the broker cannot take it (Redis down)
the failure is logged and the request goes on; the periodic scan of each area finds the
work still due in the database and queues it again once Redis is back.
"""

import logging
from functools import partial
from typing import Any

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """`task` is the task itself, or its name where importing it would import the caller
    back (a service whose task runs code that uses the service)."""
    transaction.on_commit(partial(_send, task, args, kwargs))


def enqueue_once_on_commit(task: Task | str, *args: Any) -> None:
    """As enqueue_on_commit, unless the same call is already waiting for this transaction's
    commit: a hundred messages written in one transaction ask for one sender, not a
    hundred. (Should the savepoint of the one waiting be rolled back, the periodic scan
    still finds the work.)"""
    call = partial(_send, task, args, {})
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            waiting = entry[1]
            if isinstance(waiting, partial) and waiting.args == call.args:
                return
    transaction.on_commit(call)


def _send(task: Task | str, args: tuple, kwargs: dict) -> None:
    name = task if isinstance(task, str) else task.name
    try:
        if isinstance(task, str):
            current_app.send_task(task, args=args, kwargs=kwargs)
        else:
            task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.warning(
            "Broker unavailable: %s not queued now; its periodic scan will pick it up.",
            name,
            exc_info=True,
        )


def enqueue_later(task: Task, seconds: float, *args: Any, **kwargs: Any) -> None:
    """Queue a task to run in ``seconds`` (outside any transaction); a broker that cannot
    take it is logged, and the periodic scan does the work instead."""
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=seconds)
    except Exception:
        logger.warning("Broker unavailable: %s not queued.", task.name, exc_info=True)
