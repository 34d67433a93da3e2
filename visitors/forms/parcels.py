"""代收快递: logging a parcel, the shelf's filter, telling the household, handing it over."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import TextLimits, model_max_length
from frontdesk.models import Site
from frontdesk.uploads import MB, clean_image, validate_upload
from residents.forms.pickers import HouseCodeField
from residents.search import HouseCode, normalize_query, parse_house_code
from visitors.models import Parcel
from visitors.selectors import parcels as selectors

MAX_PHOTO_SIZE = 10 * MB
TRACKING = re.compile(r"^[A-Z0-9-]{4,40}$")


def normalize_tracking(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


class ParcelForm(TextLimits, forms.ModelForm):
    """Made for a pile of parcels: house first, the courier kept from the last one."""

    house = HouseCodeField(label=_("House"), widget=forms.TextInput(attrs={"autofocus": True}))
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional: a JPEG or PNG photo of the label, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    notify_now = forms.BooleanField(label=_("Notify the household now"), required=False)
    notice_method = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=[("", "—"), *Parcel.NoticeMethod.choices],
    )

    class Meta:
        model = Parcel
        fields = ["house", "recipient_name", "courier", "tracking_number", "shelf"]
        labels = {
            "recipient_name": _("Recipient (as on the label)"),
            "courier": _("Courier"),
            "tracking_number": _("Tracking number"),
            "shelf": _("Shelf position"),
        }
        error_messages = {"courier": {"required": _("Choose the courier.")}}

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].site = site
        self.fields["house"].error_messages["required"] = _("Type the house the parcel is for.")
        self.fields["courier"].error_messages["invalid_choice"] = _("Choose a courier of the list.")
        self.fields["notice_method"].error_messages["invalid_choice"] = _(
            "Choose how the household was told."
        )
        self.fields["tracking_number"].widget.attrs["autocomplete"] = "off"
        self.fields["shelf"].widget.attrs["placeholder"] = _("e.g. A-3")

    def clean_tracking_number(self) -> str:
        value = normalize_tracking(self.cleaned_data.get("tracking_number", ""))
        if value and not TRACKING.match(value):
            raise ValidationError(
                _("A tracking number has 4 to 40 letters, digits or dashes."), code="tracking"
            )
        return value

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        # By content, whatever the name; then stored without its metadata (GPS).
        validate_upload(upload, kinds={"jpeg", "png"}, max_size=MAX_PHOTO_SIZE)
        return clean_image(upload)

    def clean(self):
        data = super().clean()
        if data.get("notify_now") and not data.get("notice_method"):
            self.add_error("notice_method", _("Choose how the household is told."))
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        notify = data.pop("notify_now")
        method = data.pop("notice_method")
        return {**data, "notice_method": method if notify else ""}


class ParcelFilterForm(TextLimits, forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (selectors.WAITING, _("Waiting at the desk")),
            (selectors.OVERDUE, _("Overdue")),
            (selectors.COLLECTED, _("Collected")),
            (selectors.ALL, _("All")),
        ],
    )
    house = forms.CharField(
        label=_("House"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": _("3-2-1201"), "autocomplete": "off"}),
    )
    tail = forms.CharField(
        label=_("Tracking number ends with"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("last digits"), "autocomplete": "off"}),
    )

    def clean_house(self) -> HouseCode | None:
        text = self.cleaned_data.get("house", "")
        if not text:
            return None
        code = parse_house_code(normalize_query(text))
        if code is None:
            raise ValidationError(_("Type the house as 3-2-1201 or 3栋2单元1201."), code="format")
        return code

    def clean_tail(self) -> str:
        return normalize_tracking(self.cleaned_data.get("tail", ""))

    def cleaned(self) -> dict:
        """What to show: the waiting ones unless a valid filter says otherwise."""
        if not self.is_bound or not self.is_valid():
            return {"status": selectors.WAITING, "house_code": None, "tracking_tail": ""}
        return {
            "status": self.cleaned_data["status"] or selectors.WAITING,
            "house_code": self.cleaned_data["house"],
            "tracking_tail": self.cleaned_data["tail"],
        }


class NotifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"),
        choices=Parcel.NoticeMethod.choices,
        initial=Parcel.NoticeMethod.PHONE,
        error_messages={
            "required": _("Choose how the household was told."),
            "invalid_choice": _("Choose how the household was told."),
        },
    )


class HandOverForm(TextLimits, forms.Form):
    collected_by_name = forms.CharField(
        label=_("Collected by"),
        max_length=model_max_length(Parcel, "collected_by_name"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        error_messages={"required": _("Write down who collected the parcel.")},
    )
