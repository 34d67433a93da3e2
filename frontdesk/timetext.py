"""Lengths of time and how long ago, as a clerk says them: 4小时25分, 3天前, 刚刚.

Django's timesince reads "4 小时，25 分钟" and "1 周，6 日前": machine text. Whole minutes,
hours and days only, the two largest units at most, no weeks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


def duration_text(duration: timedelta | None) -> str:
    """25分钟, 4小时25分, 3天4小时 (minutes rounded down: time on site never runs ahead)."""
    if duration is None:
        return ""
    minutes = max(int(duration.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        if hours:
            return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        return _("%(days)d d") % {"days": days}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def ago_text(moment: datetime, now: datetime | None = None) -> str:
    """刚刚, 25分钟前, 4小时25分前, 3天前: how long ago, to the unit that matters."""
    elapsed = (now or timezone.now()) - moment
    if elapsed < timedelta(minutes=1):
        return _("just now")
    if elapsed >= timedelta(days=1):
        return _("%(days)d days ago") % {"days": elapsed.days}
    return _("%(time)s ago") % {"time": duration_text(elapsed)}
