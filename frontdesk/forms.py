from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
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


class LoginForm(AuthenticationForm):
    """Django's login form, refusing an over-long username before anyone authenticates.

    Django sets the username's max_length after the field is built, so it is only an
    HTML attribute; without this validator a 300-character name reaches the login
    failure log (and its 255-character column).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))
