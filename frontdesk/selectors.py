from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk import worktime
from frontdesk.areas import Area, DeskItem, Panel, all_areas, call
from frontdesk.models import Heartbeat, Site, User

HEARTBEAT_NAME = "celery"
VIEW_CALENDAR = "frontdesk.view_calendarday"


def sites_for_user(user: User) -> list[Site]:
    """The active sites a user works at, in a stable order (the first is the default)."""
    if not user.is_authenticated:
        return []
    sites = Site.objects.filter(is_active=True)
    if not user.is_superuser:
        sites = sites.filter(staff=user)
    return list(sites.order_by("id"))


@dataclass(frozen=True)
class Health:
    db: str
    broker: str
    worker: str
    heartbeat_at: datetime | None

    @property
    def ok(self) -> bool:
        # The worker is reported but does not fail the check: the desk keeps working
        # without it and the deferred work catches up when it returns.
        return self.db == "ok" and self.broker == "ok"


def health() -> Health:
    db, heartbeat_at = _check_db()
    worker = "unknown"
    if db == "ok":
        stale_after = timedelta(seconds=3 * settings.HEARTBEAT_INTERVAL_SECONDS)
        if heartbeat_at is None:
            worker = "no heartbeat yet"
        elif timezone.now() - heartbeat_at > stale_after:
            worker = "stale"
        else:
            worker = "ok"
    return Health(db=db, broker=_check_broker(), worker=worker, heartbeat_at=heartbeat_at)


def _check_db() -> tuple[str, datetime | None]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = Heartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("beat_at", flat=True)
        return "ok", beat.first()
    except Exception as exc:  # any failure means "not answering"; the message says which
        return f"error: {type(exc).__name__}", None


def _check_broker() -> str:
    from frontdesk.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def areas_for_user(user: User) -> list[Area]:
    return [a for a in all_areas() if a.permission is None or user.has_perm(a.permission)]


def desk_items(site: Site, user: User) -> list[DeskItem]:
    """The core's notices, then every area's counts for today's desk (Area.desk_items)."""
    return [
        *core_desk_items(user),
        *(item for a in all_areas() if a.desk_items for item in call(a.desk_items, site, user)),
    ]


def core_desk_items(user: User) -> list[DeskItem]:
    # Deadlines count working time with the holiday calendar: without next year's, its
    # holidays would count as workdays. Today's desk is the supervisor's first page every
    # day; the company's administrators enter the calendar.
    if not user.has_perm(VIEW_CALENDAR):
        return []
    today = timezone.localdate()
    if not worktime.calendar_missing_next_year(today):
        return []
    return [
        DeskItem(
            _("%(year)s holidays not entered yet") % {"year": today.year + 1},
            None,
            reverse("admin:frontdesk_calendarday_changelist"),
            "warning",
        )
    ]


def waiting_on(site: Site, user: User) -> list[DeskItem]:
    """What waits on this user, or their department, from every area (Area.waiting_on)."""
    return [item for a in all_areas() if a.waiting_on for item in call(a.waiting_on, site, user)]


def panels_for(site: Site, user: User, obj) -> list[Panel]:
    """Every area's sections for a page about ``obj`` (Area.panels), in area order."""
    label = obj._meta.label_lower
    return [
        panel
        for a in all_areas()
        if label in a.panels
        for panel in call(a.panels[label], site, user, obj)
    ]
