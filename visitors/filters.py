import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import DateRangeFilterSet, FilterForm
from frontdesk.models import Department, Site
from frontdesk.personal import normalize_plate, whole_phone
from visitors.forms.inquiries import CHANNEL_CHOICES, choices_from
from visitors.models import Inquiry, Visit, VisitPurpose


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
        form = FilterForm

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
        if phone := whole_phone(value):
            condition |= Q(visitor_phone=phone)
        return queryset.filter(condition)


class InquiryFilter(DateRangeFilterSet):
    referred_to = django_filters.ModelChoiceFilter(
        label=_("Referred to"), queryset=Department.objects.none(), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Came or called"), choices=CHANNEL_CHOICES, empty_label=_("All")
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Question, answer, name or whole phone")}),
    )

    class Meta:
        model = Inquiry
        fields = ["since", "until", "referred_to", "channel", "q"]
        form = FilterForm

    def __init__(self, *args, site: Site, departments: list[Department] | None = None, **kwargs):
        """``departments``: the site's, read once for this filter and the quick form."""
        super().__init__(*args, **kwargs)
        self.filters["referred_to"].queryset = Department.objects.for_site(site)
        # The quick form on the same page has fields of the same names.
        self.form.auto_id = "id_filter_%s"
        if departments is not None:
            choices_from(self.form.fields["referred_to"], departments)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(question__icontains=value)
            | Q(answer__icontains=value)
            | Q(asker_name__icontains=value)
        )
        # A whole phone, in the one form phones are stored in.
        if phone := whole_phone(value):
            condition |= Q(asker_phone=phone)
        return queryset.filter(condition)
