"""Reception's statistics: visits per day, hour and purpose over a date range, for one site.

Two GROUP BYs in PostgreSQL over the (site, checked_in_at) range the register's index
serves: one per hour of the desk's clock (Asia/Shanghai, whatever the time zone of the
database session), which the days and the hours of the day are added up from, and one per
purpose, which also sums the stays. A query per table read the month's visits four times
and converted each one's time to the desk's clock twice: most of the page's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncHour

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


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def _scaled(bars: list[Bar]) -> list[Bar]:
    longest = max((bar.visits for bar in bars), default=0)
    for bar in bars:
        bar.percent = round(100 * bar.visits / longest) if longest else 0
    return bars


# Those who left: a visit closed at the handover was not seen leaving, so its time out
# says nothing about its stay.
LEFT = Q(checked_out_at__isnull=False) & ~Q(exit=Visit.Exit.HANDOVER)
STAY = ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), DurationField())


def visit_report(site: Site, since: date, until: date) -> VisitReport:
    visits = visits_between(site, since, until).order_by()
    counted = {"visits": Count("id"), "visitors": Sum("party_size")}
    # A row for each hour of the range that had a visit: a month is a few hundred.
    per_hour = (
        visits.annotate(at=TruncHour("checked_in_at", tzinfo=desk_zone()))
        .values("at")
        .annotate(**counted)
    )
    days = {day: Bar(day, 0, 0) for day in _days(since, until)}
    hours = [Bar(hour, 0, 0) for hour in range(24)]
    for row in per_hour:
        for bar in (days[row["at"].date()], hours[row["at"].hour]):
            bar.visits += row["visits"]
            bar.visitors += row["visitors"] or 0
    per_purpose = list(
        visits.values("purpose__name")
        .annotate(
            **counted,
            first=F("purpose__sort_order"),
            stayed=Sum(STAY, filter=LEFT),
            left=Count("id", filter=LEFT),
        )
        .order_by("-visits", "first", "purpose__name")
    )
    checked_out = sum(row["left"] for row in per_purpose)
    stayed = sum((row["stayed"] for row in per_purpose if row["stayed"]), timedelta())
    return VisitReport(
        since=since,
        until=until,
        days=_scaled(list(days.values())),
        hours=_scaled(hours),
        purposes=_scaled(
            [Bar(row["purpose__name"], row["visits"], row["visitors"]) for row in per_purpose]
        ),
        average_stay=stayed / checked_out if checked_out else None,
        checked_out=checked_out,
    )
