"""The confirmation of a reminder run: the houses the page showed, posted back as they were.

The ids are checked only for form (numbers, not too many): the service reads them within
the current site, so another site's id reminds nobody, and reads what each house owes
again, so a house that paid since is left out.
"""

from __future__ import annotations

import re

from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from residents.filters import ArrearsFilter
from residents.selectors.reminders import MAX_HOUSES

IDS = re.compile(r"^\d{1,12}(,\d{1,12})*$")


class ReminderRunForm(forms.Form):
    houses = forms.CharField(
        widget=forms.HiddenInput,
        max_length=MAX_HOUSES * 13,
        error_messages={"required": _("No house to remind: the list is empty.")},
    )
    # The list's filters, to go back to them afterwards.
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    def clean_houses(self) -> list[int]:
        value = self.cleaned_data["houses"].strip()
        if not IDS.match(value):
            raise forms.ValidationError(_("The list of houses was changed: open it again."))
        ids = list(dict.fromkeys(int(part) for part in value.split(",")))
        if len(ids) > MAX_HOUSES:
            raise forms.ValidationError(
                _("At most %(n)s houses at a time: narrow the filters.") % {"n": MAX_HOUSES}
            )
        return ids

    def back_url(self, page: str = "residents:arrears") -> str:
        """The arrears list (or ``page``) with the filters it had (only the filters' own
        names kept)."""
        given = QueryDict(str(self.data.get("query", ""))[:300])
        kept = QueryDict(mutable=True)
        for name in ArrearsFilter.base_filters:
            if given.get(name):
                kept[name] = given[name]
        url = reverse(page)
        return f"{url}?{kept.urlencode()}" if kept else url
