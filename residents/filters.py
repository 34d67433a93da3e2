from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Department
from residents.models import RecordRequest
from residents.selectors import text_filter


def start_of(day: date) -> datetime:
    """Midnight of that day in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class RecordRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Question, answer or name")}),
    )
    # Compared as moments, not as dates of the column: the (site, created_at) index then
    # serves the range.
    since = django_filters.DateFilter(
        label=_("From"), method="filter_since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), method="filter_until", widget=forms.DateInput(attrs={"type": "date"})
    )
    referred_to = django_filters.ModelChoiceFilter(
        label=_("Referred to"), queryset=Department.objects.none()
    )

    class Meta:
        model = RecordRequest
        fields = ["q", "since", "until", "referred_to"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["referred_to"].queryset = Department.objects.for_site(site)

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=start_of(value + timedelta(days=1)))

    def search(self, queryset, name, value):
        return text_filter(queryset, value, "question", "answer", "asker_name")
