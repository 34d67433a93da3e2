"""The periodic tasks the system needs, kept in django-celery-beat's tables.

``ensure_schedules`` creates a missing schedule and leaves an existing one as the
supervisor set it; it runs in a data migration and after every migrate (post_migrate).
Later areas add their periodic scans to SCHEDULES.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_seconds: int


SCHEDULES = [
    Schedule(
        "工作进程心跳（heartbeat）", "frontdesk.heartbeat", settings.HEARTBEAT_INTERVAL_SECONDS
    ),
    # Visitors' phone and ID numbers past their site's retention period (visitors.tasks).
    Schedule("清除过期访客个人信息（每日）", "visitors.purge_personal_data", 24 * 60 * 60),
]


def ensure_schedules(apps=global_apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for schedule in SCHEDULES:
        if PeriodicTask.objects.filter(task=schedule.task).exists():
            continue
        every, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period="seconds"
        )
        PeriodicTask.objects.create(name=schedule.name, task=schedule.task, interval=every)
