"""A house or resident for any form that records one: picked elsewhere on the page (a
hidden id), or a house typed as people say it (``HouseCodeField``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import TOO_LONG
from frontdesk.models import Site
from residents.models import House, Resident
from residents.search import normalize_query, parse_house_code
from residents.selectors.houses import houses_by_code


def picked_house_field() -> forms.ModelChoiceField:
    """A house chosen elsewhere on the page (a link, the lookup's type-ahead), as a hidden
    id; the form's __init__ limits its queryset to the current site."""
    return forms.ModelChoiceField(
        queryset=House.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This house is not in the current site.")},
    )


def picked_resident_field() -> forms.ModelChoiceField:
    """A resident chosen elsewhere on the page, as picked_house_field."""
    return forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This resident is not in the current site.")},
    )


class HouseCodeField(forms.CharField):
    """A house typed as people say it (3-2-1201, 3栋2单元1201, 3栋1201), cleaned to the
    House of the form's site. ``site`` is set by the form."""

    default_error_messages = {
        "max_length": TOO_LONG,
        "format": _("Type the house as 3-2-1201 or 3栋2单元1201."),
        "unknown": _("There is no house %(code)s in this site."),
        "ambiguous": _("More than one house is %(code)s: type the building and entrance too."),
    }

    def __init__(self, *, site: Site | None = None, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.site = site
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("placeholder", _("3-2-1201 or 3栋2单元1201"))

    def prepare_value(self, value):
        return value.label if isinstance(value, House) else value

    def to_python(self, value) -> House | None:
        text = super().to_python(value)
        if not text:
            return None
        # Checked here, on the text: run_validators sees the House it names.
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"limit_value": self.max_length},
            )
        code = parse_house_code(normalize_query(text))
        if code is None:
            raise ValidationError(self.error_messages["format"], code="format")
        houses = houses_by_code(self.site, code)
        if not houses:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": text.strip()}
            )
        if len(houses) > 1:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"code": text.strip()}
            )
        return houses[0]

    def run_validators(self, value) -> None:
        # The CharField's length checks are for the text, not the house it names.
        return None
