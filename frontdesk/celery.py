"""The Celery app: Redis broker from REDIS_URL, settings under CELERY_*, beat schedule in
the database (django-celery-beat, edited by supervisors in admin)."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")

app = Celery("frontdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _beat_once_at_start(sender, **kwargs) -> None:
    # A fresh worker reports itself at once instead of waiting for the first beat.
    from frontdesk.tasks import heartbeat

    heartbeat.delay()
