"""The filter of every case the user may see; the export takes the same one, so it exports
what the list shows."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Category, Urgency
from complaints.states import OPEN, State
from frontdesk.filters import DateRangeFilterSet, FilterForm
from frontdesk.models import Department, Site

ALL_OPEN = "open"


class CaseFilter(DateRangeFilterSet):
    """Recorded between two dates (case_site_time), and by state, category (a top-level
    one takes its sub-categories), department, how it came in, urgency and kind."""

    date_field = "created_at"

    state = django_filters.ChoiceFilter(
        label=_("State"),
        method="filter_state",
        empty_label=_("All"),
        choices=[(ALL_OPEN, _("Still open")), *State.choices],
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.none(),
        method="filter_category",
        empty_label=_("All"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.none(), empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        label=_("Came in by"), choices=Case.Source.choices, empty_label=_("All")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Urgency.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Case.Kind.choices, empty_label=_("All")
    )

    class Meta:
        model = Case
        fields = ["since", "until", "state", "category", "department", "source", "urgency", "kind"]
        form = FilterForm

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        # The site's own, so another site's id is "not one of the choices" (a Chinese
        # message beside the field), never a filter over cases the user cannot see.
        self.filters["category"].queryset = Category.objects.for_site(site).select_related("parent")
        self.filters["department"].queryset = Department.objects.for_site(site)

    def filter_state(self, queryset, name, value):
        if value == ALL_OPEN:
            return queryset.filter(state__in=OPEN)
        return queryset.filter(state=value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))
