import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site
from frontdesk.personal import canonical_phone, is_valid_id_number, is_valid_phone
from residents.forms import picked_house_field, picked_resident_field
from residents.models import House, Resident
from visitors.models import VisitPurpose
from visitors.validators import is_valid_plate, normalize_plate

# 预计停留: what the clerk picks; the visit stores the moment it is due out.
STAY_CHOICES = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
    (480, _("8 hours (workers)")),
]


class VisitForm(forms.Form):
    """来访登记, in the order the clerk asks: phone first, so a returning visitor fills in."""

    visitor_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        error_messages={"required": _("Ask for the visitor's phone number.")},
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "tel",
                "autocomplete": "off",
                # A returning visitor: their last visit fills the form in (static/js/visitors.js).
                "hx-get": reverse_lazy("visitors:returning"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#returning",
                "hx-sync": "this:replace",
            }
        ),
    )
    visitor_name = forms.CharField(
        label=_("Visitor's name"),
        max_length=50,
        error_messages={"required": _("Write down the visitor's name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    party_size = forms.IntegerField(
        label=_("Party size"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={
            "min_value": _("At least one person."),
            "max_value": _("At most 99 people in one registration."),
            "invalid": _("Enter the number of people."),
            "required": _("Enter the number of people."),
        },
    )
    purpose = forms.ModelChoiceField(
        label=_("Purpose"),
        queryset=VisitPurpose.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the listed purposes.")},
    )
    # Picked with the lookup's type-ahead (visitors:pick_house), which fills these two in.
    house = picked_house_field()
    resident = picked_resident_field()
    plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "浙A12345"}),
    )
    expected_stay = forms.TypedChoiceField(
        label=_("Expected stay"), choices=STAY_CHOICES, coerce=int, initial=60
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)
    # Shown once the watch list has warned: the clerk confirms they checked and go on.
    watch_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, site: Site, id_number_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = VisitPurpose.objects.filter(is_active=True)
        self.fields["house"].queryset = House.objects.for_site(site)
        self.fields["resident"].queryset = Resident.objects.for_site(site)
        if id_number_required:
            self.fields["id_number"].required = True
            self.fields["id_number"].error_messages["required"] = _(
                "This site registers visitors' ID numbers: ask for it."
            )
        else:
            # Collect only what the task needs: where the site does not require it, the
            # register has no place for it.
            del self.fields["id_number"]

    def clean_visitor_phone(self) -> str:
        phone = canonical_phone(self.cleaned_data["visitor_phone"])
        if not is_valid_phone(phone):
            raise ValidationError(
                _("Not a Chinese phone number: 11 digits starting with 1, or a landline.")
            )
        return phone

    def clean_visitor_name(self) -> str:
        name = re.sub(r"\s+", " ", self.cleaned_data["visitor_name"]).strip()
        if not name:
            raise ValidationError(_("Write down the visitor's name."))
        return name

    def clean_plate(self) -> str:
        plate = normalize_plate(self.cleaned_data["plate"])
        if plate and not is_valid_plate(plate):
            raise ValidationError(_("Not a plate number: write it as 浙A12345 or 浙AD12345."))
        return plate

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip().upper()
        if value and not is_valid_id_number(value):
            raise ValidationError(
                _("Not a valid ID number: 18 characters, and the last one must match the check.")
            )
        return value

    def clean(self):
        data = super().clean()
        house, resident = data.get("house"), data.get("resident")
        if resident is not None and house is None:
            self.add_error("resident", _("Choose the house the resident is visited at."))
        return data


class ScanForm(forms.Form):
    """What a barcode scanner types from a pass: its URL, or the code alone."""

    code = forms.CharField(
        label=_("Scan a pass"),
        max_length=300,
        error_messages={"required": _("Scan the pass's QR code or type its code.")},
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip().rstrip("/")
        token = value.rsplit("/", 1)[-1]
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,20}", token):
            raise ValidationError(_("This is not the code of a visitor pass."))
        return token
