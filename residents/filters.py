"""The arrears list's filters: months owed, amount owed, building.

The same set filters the list, its export, the reminders' confirmation and the door slips,
so each acts on exactly the houses the clerk was shown.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site
from residents.models import Bill
from residents.selectors.arrears import arrears_totals
from residents.selectors.houses import site_buildings

# Beyond these a figure is a typing slip: bills go back a few years at most.
MAX_MONTHS = 120
MAX_AMOUNT = Decimal("9999999.99")


class ArrearsFilterForm(forms.Form):
    """Bootstrap's classes set here, so that the page draws the fields with a plain loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class ArrearsFilter(django_filters.FilterSet):
    """Over ``arrears_totals`` rows (per house: arrears_months, arrears_total).

    Months and amount are conditions on the sums (HAVING), the building one on the bills'
    houses; the site's buildings are read once, for the choices and the check alike.
    """

    months = django_filters.NumberFilter(
        label=_("Months owed, at least"),
        method="filter_months",
        min_value=1,
        max_value=MAX_MONTHS,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MONTHS, "placeholder": "1"}),
    )
    amount = django_filters.NumberFilter(
        label=_("Amount owed, at least (¥)"),
        method="filter_amount",
        min_value=Decimal(0),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "placeholder": "0.00"}),
    )
    building = django_filters.ChoiceFilter(
        label=_("Building"), method="filter_building", empty_label=_("All buildings")
    )

    class Meta:
        model = Bill
        fields = ["months", "amount", "building"]
        form = ArrearsFilterForm

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)

        # Read when first needed (drawing the select, or checking a building given), once:
        # an export without a building filter never reads them.
        @functools.cache
        def choices() -> list[tuple[str, str]]:
            return [(str(b.pk), b.label) for b in site_buildings(site)]

        self.filters["building"].extra["choices"] = choices

    def filter_months(self, queryset, name, value):
        return queryset.filter(arrears_months__gte=int(value))

    def filter_amount(self, queryset, name, value):
        return queryset.filter(arrears_total__gte=value)

    def filter_building(self, queryset, name, value):
        return queryset.filter(house__building_id=int(value))

    @property
    def rows(self):
        """The filtered rows; all of them while the filters are not valid (the page then
        shows the errors beside the fields)."""
        return self.qs if self.is_bound and self.is_valid() else self.queryset

    @property
    def params(self) -> dict[str, str]:
        """The filters in force, as a query string carries them (the page's links)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            name: str(value)
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }

    @property
    def summary(self) -> str:
        """The filters in force in words, as the confirmation and the slips repeat them."""
        if not self.is_bound or not self.is_valid():
            return ""
        data, parts = self.form.cleaned_data, []
        if data.get("months"):
            parts.append(_("owing %(n)s months or more") % {"n": int(data["months"])})
        if data.get("amount"):
            parts.append(_("owing ¥%(amount)s or more") % {"amount": f"{data['amount']:.2f}"})
        if data.get("building"):
            parts.append(dict(self.filters["building"].extra["choices"]())[data["building"]])
        return "；".join(parts)


def arrears_filter(site: Site, data) -> ArrearsFilter:
    """The arrears list's filters over the site's owing houses, as a query string gives
    them (the list, its export, the reminders and the slips)."""
    return ArrearsFilter(data or None, queryset=arrears_totals(site), site=site)
