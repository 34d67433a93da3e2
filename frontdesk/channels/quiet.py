"""Quiet hours: residents are not messaged at night unless it is urgent."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


def quiet_hours() -> tuple[time, time]:
    start, end = settings.CHANNELS_QUIET_HOURS
    return start, end


def next_allowed(at: datetime) -> datetime:
    """`at` itself when residents may be messaged then, else the next morning's start."""
    day_start, day_end = quiet_hours()  # e.g. 08:00 and 21:00, site (Asia/Shanghai) time
    local = timezone.localtime(at)
    if day_start <= local.time() < day_end:
        return at
    morning = local.date() if local.time() < day_start else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(morning, day_start))
