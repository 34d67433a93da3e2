from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.http import url_has_allowed_host_and_scheme
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


class NextPageForm(forms.Form):
    """Where to go back to after an action: a page of this site (a path), never elsewhere."""

    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, host: str, secure: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.host, self.secure = host, secure

    def clean_next(self) -> str:
        target = self.cleaned_data["next"]
        if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.host}, require_https=self.secure
        ):
            return target
        return ""


def next_page(request, data) -> str:
    """The page to go back to after an action (``next`` in ``data``), or "" when none was
    given or it is not a path of this site."""
    form = NextPageForm(data, host=request.get_host(), secure=request.is_secure())
    return form.cleaned_data["next"] if form.is_valid() else ""
