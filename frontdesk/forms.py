from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site

# A text over its field's length, in the desk's words ("最多 50 个字。"), not Django's
# "Ensure this value has at most 50 characters (it has 500)."
TOO_LONG = _("At most %(limit_value)d characters.")


def model_max_length(model, field_name: str) -> int:
    """The column's length, for a plain form's field that fills that column."""
    return model._meta.get_field(field_name).max_length


class TextLimits:
    """For every form the desk shows: a text longer than its field (the column it fills)
    is refused beside the field with TOO_LONG, keeping what was typed, and never cut to
    fit. The inputs carry ``maxlength`` (Django adds it for any field with a max_length)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "max_length", None) is not None:
                # The "max_length" code is MaxLengthValidator's; a field's own wording stays.
                field.error_messages.setdefault("max_length", TOO_LONG)


class SiteSwitchForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        error_messages={"invalid_choice": _("You do not work at that site.")},
    )

    def __init__(self, *args, sites: list[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(pk__in=[s.pk for s in sites])


class LoginForm(TextLimits, AuthenticationForm):
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


# Drawn by hand where they are used (the inquiry's channel buttons), or not drawn.
UNSTYLED = (forms.HiddenInput, forms.RadioSelect, forms.CheckboxInput)


def _add_class(widget: forms.Widget, css: str) -> None:
    classes = widget.attrs.get("class", "").split()
    if css not in classes:
        widget.attrs["class"] = " ".join([*classes, css])


class BootstrapWidgets:
    """Form mixin: form-control or form-select on every drawn widget, is-invalid on those
    of fields with errors (the widgets are the form instance's own copies)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, UNSTYLED):
                select = isinstance(field.widget, forms.Select)
                _add_class(field.widget, "form-select" if select else "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, UNSTYLED):
                _add_class(self.fields[name].widget, "is-invalid")
