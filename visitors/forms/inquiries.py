"""咨询登记 and the referrals: the quick form, the log's filter, the department's reply.

``HouseCodeField`` is also the parcel form's house.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.filters import DateRangeFilterSet
from frontdesk.models import Department, Site
from frontdesk.personal import canonical_phone, is_valid_phone
from residents.forms import AnsweredOrReferredForm
from residents.models import House
from residents.search import normalize_query, parse_house_code
from visitors.models import Inquiry
from visitors.selectors import inquiries as selectors

# The model's labels are generic; at the desk the two ways in are 来访 and 来电.
CHANNEL_CHOICES = [
    (Inquiry.Channel.WALK_IN, _("Came to the desk")),
    (Inquiry.Channel.PHONE, _("Called in")),
]


class HouseCodeField(forms.CharField):
    """A house typed as people say it (3-2-1201, 3栋2单元1201, 3栋1201), cleaned to the
    House of the form's site. ``site`` is set by the form."""

    default_error_messages = {
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
        code = parse_house_code(normalize_query(text))
        if code is None:
            raise ValidationError(self.error_messages["format"], code="format")
        houses = selectors.houses_by_code(self.site, code)
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


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not is_valid_phone(value):
        raise ValidationError(
            _("This is not a phone number: an 11-digit mobile or a landline like 0571-88886601."),
            code="phone",
        )
    return canonical_phone(value)


class InquiryForm(AnsweredOrReferredForm):
    """The quick form at the top of the log: either an answer, or a department."""

    channel = forms.ChoiceField(
        label=_("Came or called"),
        choices=CHANNEL_CHOICES,
        initial=Inquiry.Channel.WALK_IN,
        # Drawn as two buttons, the first focused (templates/visitors/inquiry_form_fields.html).
        widget=forms.RadioSelect,
    )
    house = HouseCodeField(label=_("House"), required=False)

    class Meta:
        model = Inquiry
        fields = [
            "channel",
            "asker_name",
            "asker_phone",
            "house",
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

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].site = site
        self.fields["referred_to"].queryset = Department.objects.for_site(site).filter(
            is_active=True
        )
        self.fields["referred_to"].empty_label = _("Not referred (answered at the desk)")
        self.fields["referred_to"].error_messages["invalid_choice"] = _(
            "Choose one of this site's departments."
        )
        self.fields["channel"].error_messages["invalid_choice"] = _("Choose 来访 or 来电.")
        self.fields["asker_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean_asker_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("asker_phone", ""))


class InquiryFilter(DateRangeFilterSet):
    referred_to = django_filters.ModelChoiceFilter(
        label=_("Referred to"), queryset=Department.objects.none(), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Came or called"), choices=CHANNEL_CHOICES, empty_label=_("All")
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Question, answer, name or whole phone")}),
    )

    class Meta:
        model = Inquiry
        fields = ["since", "until", "referred_to", "channel", "q"]

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["referred_to"].queryset = Department.objects.for_site(site)
        # The quick form on the same page has fields of the same names.
        self.form.auto_id = "id_filter_%s"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(question__icontains=value)
            | Q(answer__icontains=value)
            | Q(asker_name__icontains=value)
        )
        phone = canonical_phone(value)
        if is_valid_phone(phone):
            condition |= Q(asker_phone=phone)
        return queryset.filter(condition)


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


class ReferralDoneForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Write down what the department did or answered."),
            "max_length": _("At most %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, inquiry_pk: int, **kwargs):
        # One form per row of the list: ids must differ, the field's name must not.
        kwargs.setdefault("auto_id", f"id_%s_{inquiry_pk}")
        super().__init__(*args, **kwargs)
