"""The periodic tasks the system needs, kept in django-celery-beat's tables.

``ensure_schedules`` creates a missing schedule and leaves an existing one as the
supervisor set it; it runs in a data migration and after every migrate (post_migrate).
The core has its own; each area declares its periodic scans (``Area.schedules``).
"""

from django.apps import apps as global_apps
from django.conf import settings

from frontdesk.areas import Schedule, all_areas

CORE_SCHEDULES = [
    Schedule(
        "工作进程心跳（heartbeat）", "frontdesk.heartbeat", settings.HEARTBEAT_INTERVAL_SECONDS
    ),
    # Login, logout and failure logs past the company's period (CompanySettings).
    Schedule("清除过期登录日志（每日）", "frontdesk.purge_login_logs", 24 * 60 * 60),
    # The channels' scan: deliveries still pending after a lost task or a Redis outage.
    Schedule("发送待发消息（每分钟）", "frontdesk.channels.send_due", 60),
]


def all_schedules() -> list[Schedule]:
    return [*CORE_SCHEDULES, *(s for area in all_areas() for s in area.schedules)]


def ensure_schedules(apps=global_apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for schedule in all_schedules():
        if PeriodicTask.objects.filter(task=schedule.task).exists():
            continue
        every, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period="seconds"
        )
        PeriodicTask.objects.create(name=schedule.name, task=schedule.task, interval=every)
