"""What every dated list filters by: a range of days in the site's time zone."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def start_of(day: date) -> datetime:
    """Midnight of that day in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class DateRangeFilterSet(django_filters.FilterSet):
    """From and To dates over ``date_field``.

    Compared as moments, not as dates of the column: a (site, -<date_field>) index then
    serves the range."""

    date_field = "created_at"

    since = django_filters.DateFilter(
        label=_("From"),
        method="filter_since",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        method="filter_until",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def filter_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": start_of(value)})

    def filter_until(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lt": start_of(value + timedelta(days=1))})
