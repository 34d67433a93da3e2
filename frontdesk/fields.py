"""Phones, ID numbers and plates: one model field and one form field each.

Each is written down one way (frontdesk.personal's normaliser) and checked one way (its
validator, with one message), wherever it is typed: a desk form, an admin form (a model
field's form field is the matching one here, so every ModelForm gets it), a plain form,
or a roster file's cell. The same phone typed two ways is then stored alike, which is
what the watch list, the returning-visitor lookup and the searches compare.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.personal import (
    canonical_phone,
    is_valid_id_number,
    is_valid_phone,
    is_valid_plate,
    normalize_id_number,
    normalize_plate,
)

PHONE_ERROR = _("Not a Chinese phone number: 11 digits starting with 1, or a landline.")
ID_NUMBER_ERROR = _("Not a valid ID number: 18 characters, and the last one must match the check.")
PLATE_ERROR = _("Not a plate number: write it as 浙A12345 or 浙AD12345.")


def _validator(is_valid: Callable[[str], bool], message) -> Callable[[str], None]:
    def validate(value: str) -> None:
        if value and not is_valid(value):
            raise ValidationError(message, code="invalid")

    return validate


validate_phone = _validator(is_valid_phone, PHONE_ERROR)
validate_id_number = _validator(is_valid_id_number, ID_NUMBER_ERROR)
validate_plate = _validator(is_valid_plate, PLATE_ERROR)


# --- Form fields -----------------------------------------------------------------------


class PersonalFormField(forms.CharField):
    """What was typed, written the one way it is stored, or the field's message beside it.

    No length check of its own: a value that passes the check is short enough for its
    column, and one that does not gets the message saying what is expected, rather than a
    count of characters. The input still takes a little more than is stored, for the
    spaces, dots and dashes people type.
    """

    normalize: Callable[[str], str]
    typed_max_length = 30
    input_attrs: dict[str, str] = {"autocomplete": "off"}

    def __init__(self, **kwargs):
        kwargs["max_length"] = None
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) in ("text", "tel", "search"):
            attrs["maxlength"] = str(self.typed_max_length)
            attrs |= {k: v for k, v in self.input_attrs.items() if k not in widget.attrs}
        return attrs


class PhoneFormField(PersonalFormField):
    """A mainland mobile or a landline, stored as 13912345678 or 0571-88886601."""

    default_validators = [validate_phone]
    default_error_messages = {"invalid": PHONE_ERROR}
    normalize = staticmethod(canonical_phone)
    input_attrs = {"autocomplete": "off", "inputmode": "tel"}


class IdNumberFormField(PersonalFormField):
    """An 18-character resident ID number whose check character matches (GB 11643)."""

    default_validators = [validate_id_number]
    default_error_messages = {"invalid": ID_NUMBER_ERROR}
    normalize = staticmethod(normalize_id_number)
    typed_max_length = 24


class PlateFormField(PersonalFormField):
    """A Chinese vehicle plate, upper-case, without the dots and spaces people type."""

    default_validators = [validate_plate]
    default_error_messages = {"invalid": PLATE_ERROR}
    normalize = staticmethod(normalize_plate)
    typed_max_length = 12


# --- Model fields ----------------------------------------------------------------------


class PersonalField(models.CharField):
    """A CharField whose form field is the matching one above; the same check runs on
    ``full_clean``. Rows written before the check are left as they are: they are checked
    (and written the one way) when next saved through a form."""

    form_class: type[PersonalFormField]
    stored_max_length: int

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.stored_max_length)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class PhoneField(PersonalField):
    default_validators = [validate_phone]
    form_class = PhoneFormField
    stored_max_length = 20


class IdNumberField(PersonalField):
    default_validators = [validate_id_number]
    form_class = IdNumberFormField
    stored_max_length = 18


class PlateField(PersonalField):
    default_validators = [validate_plate]
    form_class = PlateFormField
    stored_max_length = 10
