import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.fields import IdNumberFormField, PhoneFormField, PlateFormField
from frontdesk.forms import TextLimits, model_max_length
from frontdesk.models import Site
from residents.forms.pickers import picked_house_field, picked_resident_field
from residents.models import House, Resident
from visitors.models import Visit, VisitPurpose
from visitors.selectors import visits as selectors

# 预计停留: what the clerk picks; the visit stores the moment it is due out.
STAY_CHOICES = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
    (480, _("8 hours (workers)")),
]


class VisitForm(TextLimits, forms.Form):
    """来访登记, in the order the clerk asks: phone first, so a returning visitor fills in."""

    visitor_phone = PhoneFormField(
        label=_("Phone"),
        error_messages={"required": _("Ask for the visitor's phone number.")},
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
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
        max_length=model_max_length(Visit, "visitor_name"),
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
    plate = PlateFormField(
        label=_("Vehicle plate"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "浙A12345"}),
    )
    expected_stay = forms.TypedChoiceField(
        label=_("Expected stay"), choices=STAY_CHOICES, coerce=int, initial=60
    )
    id_number = IdNumberFormField(label=_("ID number"), required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=model_max_length(Visit, "notes"), required=False
    )
    # Shown once the watch list has warned: the clerk confirms they checked and go on,
    # for the entries the warning listed (watch_seen: their ids, "3,7").
    watch_ack = forms.BooleanField(required=False, widget=forms.HiddenInput)
    watch_seen = forms.CharField(required=False, widget=forms.HiddenInput)

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

    def clean_visitor_name(self) -> str:
        name = re.sub(r"\s+", " ", self.cleaned_data["visitor_name"]).strip()
        if not name:
            raise ValidationError(_("Write down the visitor's name."))
        return name

    def clean_watch_seen(self) -> frozenset[int]:
        # Hand-made values are no entry's id: they confirm nothing.
        ids = self.cleaned_data["watch_seen"].split(",")
        return frozenset(int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 19)

    def clean(self):
        data = super().clean()
        house, resident = data.get("house"), data.get("resident")
        if resident is not None and house is None:
            self.add_error("resident", _("Choose the house the resident is visited at."))
        return data

    def service_arguments(self) -> dict:
        """``visit_register``'s arguments: the watch-list entries confirmed are those the
        warning listed, if the clerk ticked that they checked."""
        data = dict(self.cleaned_data)
        seen = data.pop("watch_seen")
        confirmed = data.pop("watch_ack")
        return {**data, "watch_confirmed": seen if confirmed else frozenset()}

    def house_label(self) -> str:
        """The picked house (and resident), shown again when the form comes back."""
        house = self.cleaned_data.get("house") if hasattr(self, "cleaned_data") else None
        if house is None:
            return ""
        resident = self.cleaned_data.get("resident")
        return f"{house.label} · {resident.name}" if resident else house.label


class ReturningVisitorForm(forms.Form):
    """The phone while it is typed into the registration form (``?visitor_phone=``): valid
    once it is a whole number, which is when a returning visitor can be looked up."""

    visitor_phone = PhoneFormField()


class ScanForm(TextLimits, forms.Form):
    """What a barcode scanner types from a pass: its URL, or the code alone; cleaned to the
    site's visit of that pass (``cleaned_data["visit"]``)."""

    code = forms.CharField(
        label=_("Scan a pass"),
        max_length=300,
        error_messages={"required": _("Scan the pass's QR code or type its code.")},
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip().rstrip("/")
        # A scanned URL ends in the code; a typed code may come in groups of four.
        token = value.rsplit("/", 1)[-1] if "/" in value else "".join(value.split())
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,24}", token):
            raise ValidationError(_("This is not the code of a visitor pass."))
        return token

    def clean(self):
        data = super().clean()
        if "code" in data:
            data["visit"] = selectors.visit_by_pass(self.site, data["code"])
            if data["visit"] is None:
                # The same words for another site's pass: nothing says it exists elsewhere.
                self.add_error("code", _("There is no such pass: check the code."))
        return data


class HandoverForm(forms.Form):
    """The visits ticked on the handover list; what is not a visit number is ignored."""

    visits = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_visits(self) -> list[int]:
        values = self.cleaned_data["visits"] or []
        ids = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10]
        if not ids:
            raise ValidationError(_("Tick the visits to close."), code="none")
        return ids[: selectors.HANDOVER_LIMIT]
