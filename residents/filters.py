import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import DateRangeFilterSet
from frontdesk.models import Department
from residents.models import RecordRequest
from residents.selectors import text_filter


class RecordRequestFilter(DateRangeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Question, answer or name")}),
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

    def search(self, queryset, name, value):
        return text_filter(queryset, value, "question", "answer", "asker_name")
