from datetime import datetime, timedelta

from django import template

from frontdesk.timetext import ago_text, duration_text

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """{{ visit.time_on_site|duration }} → 4小时25分"""
    return duration_text(value)


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """{{ parcel.received_at|ago }} → 3天前"""
    return ago_text(value, now) if value else ""
