from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site


class SiteSwitchForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        error_messages={"invalid_choice": _("You do not work at that site.")},
    )

    def __init__(self, *args, sites: list[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
