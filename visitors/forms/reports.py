from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import DateRangeCheck
from frontdesk.forms import BootstrapWidgets

# A year, leap day included: the longest range one page of figures reads well for.
MAX_DAYS = 366
DEFAULT_DAYS = 7


class ReportRangeForm(BootstrapWidgets, DateRangeCheck, forms.Form):
    since = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    @classmethod
    def from_query(cls, query, *, today: date) -> "ReportRangeForm":
        """Bound to the query string, the last seven days standing in for a date not given."""
        return cls(
            {
                "since": query.get("since") or (today - timedelta(days=DEFAULT_DAYS - 1)),
                "until": query.get("until") or today,
            }
        )

    def clean(self):
        data = super().clean()  # plausible dates, in order (DateRangeCheck)
        since, until = data.get("since"), data.get("until")
        if since and until and not self.errors and (until - since).days + 1 > MAX_DAYS:
            self.add_error(
                "since",
                _("At most %(days)s days at a time: choose a later start date.")
                % {"days": MAX_DAYS},
            )
        return data
