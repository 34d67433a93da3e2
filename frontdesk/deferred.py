"""Queue Celery work from request code without ever failing the request.

The database is the source of truth for deferred work: a task is sent only after the
transaction that created its work commits, and if the broker cannot take it (Redis down)
the failure is logged and the request goes on; the periodic scan of each area finds the
work still due in the database and queues it again once Redis is back.
"""

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(partial(_send, task, args, kwargs))


def _send(task: Task, args: tuple, kwargs: dict) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.warning(
            "Broker unavailable: %s not queued now; its periodic scan will pick it up.",
            task.name,
            exc_info=True,
        )


def enqueue_later(task: Task, seconds: float, *args: Any, **kwargs: Any) -> None:
    """Queue a task to run in ``seconds`` (outside any transaction); a broker that cannot
    take it is logged, and the periodic scan does the work instead."""
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=seconds)
    except Exception:
        logger.warning("Broker unavailable: %s not queued.", task.name, exc_info=True)
