import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import DateRangeFilterSet
from frontdesk.personal import canonical_phone, is_valid_phone
from visitors.models import Visit, VisitPurpose
from visitors.validators import normalize_plate


class VisitFilter(DateRangeFilterSet):
    """The register's filter; the export takes the same one, so it exports what is shown."""

    date_field = "checked_in_at"

    purpose = django_filters.ModelChoiceFilter(
        label=_("Purpose"), queryset=VisitPurpose.objects.all(), empty_label=_("All purposes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        empty_label=_("All"),
        choices=[
            ("on_site", _("On site")),
            ("left", _("Left")),
            ("handover", _("Not seen leaving")),
        ],
    )
    q = django_filters.CharFilter(
        label=_("Visitor"),
        method="search",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name (beginning), whole phone or plate")}),
    )

    class Meta:
        model = Visit
        fields = ["since", "until", "purpose", "status", "q"]

    def filter_status(self, queryset, name, value):
        if value == "on_site":
            return queryset.filter(checked_out_at__isnull=True)
        if value == "handover":
            return queryset.filter(exit=Visit.Exit.HANDOVER)
        return queryset.filter(checked_out_at__isnull=False).exclude(exit=Visit.Exit.HANDOVER)

    def search(self, queryset, name, value):
        value = value.strip()
        condition = Q(visitor_name__startswith=value) | Q(plate=normalize_plate(value))
        # A whole phone, in the one form phones are stored in.
        phone = canonical_phone(value)
        if is_valid_phone(phone):
            condition |= Q(visitor_phone=phone)
        return queryset.filter(condition)
