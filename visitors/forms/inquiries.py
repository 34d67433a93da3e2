"""咨询/查询登记 and the referrals: the one form (at reception, and on a house's page), the
department's reply (the log's filter is visitors.filters.InquiryFilter)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import BootstrapWidgets, TextLimits, model_max_length
from frontdesk.models import Department, Site
from residents.forms.pickers import HouseCodeField, picked_house_field, picked_resident_field
from residents.models import House, Resident
from visitors.models import Inquiry
from visitors.selectors import inquiries as selectors

# The model's labels are generic; at the desk the two ways in are 来访 and 来电.
CHANNEL_CHOICES = [
    (Inquiry.Channel.WALK_IN, _("Came to the desk")),
    (Inquiry.Channel.PHONE, _("Called in")),
]


def choices_from(field: forms.ModelChoiceField, rows: list) -> None:
    """Draw a model choice field's select from rows already read: Django reads its queryset
    again for each select it draws."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *((row.pk, field.label_from_instance(row)) for row in rows)]


class InquiryForm(BootstrapWidgets, TextLimits, forms.ModelForm):
    """What the desk was asked, at reception or from a house's page: either answered there
    or referred to a department. The resident, when there is one, was picked on the page
    it was opened from (a house's occupant, a lookup result)."""

    channel = forms.ChoiceField(
        label=_("Came or called"),
        choices=CHANNEL_CHOICES,
        initial=Inquiry.Channel.WALK_IN,
        # Drawn as two buttons, the first focused (templates/visitors/inquiry_form_fields.html).
        widget=forms.RadioSelect,
    )
    house = HouseCodeField(label=_("House"), required=False)
    resident = picked_resident_field()

    class Meta:
        model = Inquiry
        fields = [
            "channel",
            "asker_name",
            "asker_phone",
            "house",
            "resident",
            "question",
            "answer",
            "referred_to",
        ]
        labels = {
            "asker_name": _("Name"),
            "asker_phone": _("Phone"),
            "question": _("Question"),
            "answer": _("Answer given"),
            "referred_to": _("Referred to"),
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"question": {"required": _("Please write down what was asked.")}}

    def __init__(self, *args, site: Site, departments: list[Department] | None = None, **kwargs):
        """``departments``: the site's, when the page has read them already; the list is
        then drawn from them rather than read again (the choice is still checked against
        the database)."""
        super().__init__(*args, **kwargs)
        self.fields["house"].site = site
        self.fields["resident"].queryset = Resident.objects.for_site(site)
        self.fields["referred_to"].queryset = Department.objects.for_site(site).filter(
            is_active=True
        )
        self.fields["referred_to"].empty_label = _("Not referred (answered at the desk)")
        if departments is not None:
            choices_from(self.fields["referred_to"], [d for d in departments if d.is_active])
        self.fields["referred_to"].error_messages["invalid_choice"] = _(
            "Choose one of this site's departments."
        )
        self.fields["channel"].error_messages["invalid_choice"] = _("Choose 来访 or 来电.")

    def picked_resident(self) -> Resident | None:
        """The resident the inquiry is about, as the page shows it above the form."""
        value = self["resident"].value()
        if isinstance(value, Resident):
            return value
        try:
            return self.fields["resident"].clean(value)
        except ValidationError:
            return None

    def clean(self):
        data = super().clean()
        if data.get("referred_to") is None and not (data.get("answer") or "").strip():
            self.add_error(
                "answer",
                _("Write down the answer given, or choose the department it was referred to."),
            )
        return data


class InquiryStartForm(forms.Form):
    """What an inquiry opened from another page starts with (?house=&resident=, ids of the
    current site, as a house's page and the lookup's results link them); anything else
    is ignored and the form starts empty."""

    house = picked_house_field()
    resident = picked_resident_field()

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = House.objects.for_site(site).select_related("building")
        self.fields["resident"].queryset = Resident.objects.for_site(site)

    def initial_values(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        choices=[
            (selectors.OPEN, _("Waiting for the department")),
            (selectors.DONE, _("Handled in the last 30 days")),
        ],
        required=False,
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_site(site)

    def cleaned(self) -> tuple[str, Department | None]:
        """Status and department asked for; the defaults for anything not understood."""
        if not self.is_bound or not self.is_valid():
            return selectors.OPEN, None
        return self.cleaned_data["status"] or selectors.OPEN, self.cleaned_data["department"]


class ReferralDoneForm(TextLimits, forms.Form):
    reply = forms.CharField(
        label=_("Reply"),
        max_length=model_max_length(Inquiry, "referral_reply"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write down what the department did or answered.")},
    )

    def __init__(self, *args, inquiry_pk: int, **kwargs):
        # One form per row of the list: ids must differ, the field's name must not.
        kwargs.setdefault("auto_id", f"id_%s_{inquiry_pk}")
        super().__init__(*args, **kwargs)
        self.inquiry_pk = inquiry_pk


def with_done_forms(inquiries, posted: ReferralDoneForm | None = None) -> None:
    """Give each referral of the list its reply form (``done_form``); the one just posted
    with errors keeps what was typed and says what is wrong."""
    for inquiry in inquiries:
        if posted is not None and posted.inquiry_pk == inquiry.pk:
            inquiry.done_form = posted
        else:
            inquiry.done_form = ReferralDoneForm(inquiry_pk=inquiry.pk)
