"""The filter of the notices list: by state and type, and a title's words."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import FilterForm
from frontdesk.models import Site
from notices.models import Notice, NoticeType
from notices.states import IN_PROGRESS, State

ALL_IN_PROGRESS = "in_progress"


class NoticeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        method="filter_state",
        empty_label=_("All"),
        choices=[(ALL_IN_PROGRESS, _("Not yet published")), *State.choices],
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Notice type"), queryset=NoticeType.objects.none(), empty_label=_("All")
    )
    q = django_filters.CharFilter(
        label=_("Title"),
        field_name="title",
        lookup_expr="icontains",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Words of the title")}),
    )

    class Meta:
        model = Notice
        fields = ["state", "type", "q"]
        form = FilterForm

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        # The site's own, so another site's id is "not one of the choices" (a Chinese
        # message beside the field), never a filter over notices the user cannot see.
        self.filters["type"].queryset = NoticeType.objects.for_site(site).order_by(
            "sort_order", "id"
        )

    def filter_state(self, queryset, name, value):
        if value == ALL_IN_PROGRESS:
            return queryset.filter(state__in=sorted(IN_PROGRESS))
        return queryset.filter(state=value)
