"""What every dated list filters by: a range of days in the site's time zone."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import BootstrapWidgets

# Dates a desk list can mean; beyond them a date is a typing slip (and 9999-12-31 + 1 day
# would not exist).
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def start_of(day: date) -> datetime:
    """Midnight of that day in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class FilterForm(BootstrapWidgets, forms.Form):
    """A list's filter form, drawn with templates/frontdesk/_field.html."""


class DateRangeCheck:
    """Form mixin: the From and To dates are plausible and in order, or errors beside them."""

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                )
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data


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

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (DateRangeCheck, form_class), {})

    def filter_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": start_of(value)})

    def filter_until(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lt": start_of(value + timedelta(days=1))})
