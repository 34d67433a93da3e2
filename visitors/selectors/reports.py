"""Reception's statistics: visits per day, hour and purpose over a date range, for one site.

Each table is one GROUP BY in PostgreSQL over the (site, checked_in_at) range the register's
index serves; days and hours are those of the desk's clock (Asia/Shanghai), whatever the
time zone of the database session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate

from frontdesk.filters import start_of
from frontdesk.models import Site
from visitors.models import Visit


@dataclass
class Bar:
    """One line of a table: what it counts, and its bar's length (0-100, of the longest)."""

    label: object
    visits: int
    visitors: int
    percent: int = 0


@dataclass
class VisitReport:
    since: date
    until: date
    days: list[Bar]
    hours: list[Bar]
    purposes: list[Bar]
    average_stay: timedelta | None
    checked_out: int  # the visits the average stay is taken over

    @property
    def visits(self) -> int:
        return sum(bar.visits for bar in self.days)

    @property
    def visitors(self) -> int:
        return sum(bar.visitors for bar in self.days)

    @property
    def busiest_day(self) -> Bar | None:
        return max(self.days, key=lambda bar: bar.visits, default=None) if self.visits else None


def desk_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def visits_between(site: Site, since: date, until: date) -> QuerySet:
    """The site's visits that checked in from the start of ``since`` to the end of ``until``."""
    return Visit.objects.for_site(site).filter(
        checked_in_at__gte=start_of(since), checked_in_at__lt=start_of(until + timedelta(days=1))
    )


def _bars(rows, key: str, labels: list) -> list[Bar]:
    """A bar for every label, in their order, whether or not any visit counted for it."""
    found = {row[key]: row for row in rows}
    bars = [
        Bar(label, found[label]["visits"], found[label]["visitors"] or 0)
        if label in found
        else Bar(label, 0, 0)
        for label in labels
    ]
    return _scaled(bars)


def _scaled(bars: list[Bar]) -> list[Bar]:
    longest = max((bar.visits for bar in bars), default=0)
    for bar in bars:
        bar.percent = round(100 * bar.visits / longest) if longest else 0
    return bars


def visit_report(site: Site, since: date, until: date) -> VisitReport:
    visits = visits_between(site, since, until).order_by()
    counted = {"visits": Count("id"), "visitors": Sum("party_size")}
    zone = desk_zone()
    per_day = (
        visits.annotate(day=TruncDate("checked_in_at", tzinfo=zone))
        .values("day")
        .annotate(**counted)
    )
    per_hour = (
        visits.annotate(hour=ExtractHour("checked_in_at", tzinfo=zone))
        .values("hour")
        .annotate(**counted)
    )
    per_purpose = (
        visits.values("purpose__name")
        .annotate(**counted, first=F("purpose__sort_order"))
        .order_by("-visits", "first", "purpose__name")
    )
    # Those who left: a visit closed at the handover was not seen leaving, so its time out
    # says nothing about its stay.
    stay = (
        visits.filter(checked_out_at__isnull=False)
        .exclude(exit=Visit.Exit.HANDOVER)
        .aggregate(
            average=Avg(
                ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), DurationField())
            ),
            count=Count("id"),
        )
    )
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    return VisitReport(
        since=since,
        until=until,
        days=_bars(per_day, "day", days),
        hours=_bars(per_hour, "hour", list(range(24))),
        purposes=_scaled(
            [Bar(row["purpose__name"], row["visits"], row["visitors"]) for row in per_purpose]
        ),
        average_stay=stay["average"],
        checked_out=stay["count"],
    )
