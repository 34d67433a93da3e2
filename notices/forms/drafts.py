"""Writing a notice: management's request, the draft (new or edited) with its audience and
attachments, starting from a template, and the Markdown preview. Validation only: the
services decide."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import BootstrapWidgets, TextLimits
from frontdesk.models import Department, Site
from notices.attachments import MAX_ATTACHMENTS, attachment_clean
from notices.models import (
    BODY_LENGTH,
    TITLE_LENGTH,
    Notice,
    NoticeAttachment,
    NoticeRequest,
    NoticeTemplate,
    NoticeType,
)
from notices.rendering import BUILDINGS, DATE, PERIOD
from notices.selectors.audience import building_choices, entrance_choices
from notices.services.drafts import MAX_HOUSES
from residents.forms.pickers import HouseCodeField
from residents.models import Building

PICK_LISTED = _("Pick one of the listed choices.")
ATTACHMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
DATE_INVALID = _("Enter a date, e.g. 2026-12-04.")
# How house codes may be separated in the box: lines, commas, 、 and semicolons.
HOUSE_SEPARATORS = re.compile(r"[\n\r,，、;；]+")
DEFAULT_DAYS = 7


def errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names (the form's own where the
    form has them, at the top otherwise)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NoticeRequestForm(BootstrapWidgets, TextLimits, forms.Form):
    """管理处的通知需求 as it came in."""

    requested_by = forms.CharField(
        label=_("Asked by"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 工程部 张经理"), "autofocus": True}),
        error_messages={"required": _("Say who asked for the notice.")},
    )
    department = forms.ModelChoiceField(
        label=_("From department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Not a department of this site"),
    )
    via = forms.ChoiceField(
        label=_("Came in by"), choices=NoticeRequest.Via.choices, initial=NoticeRequest.Via.PHONE
    )
    content = forms.CharField(
        label=_("What is to be announced"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what is to be announced.")},
    )
    wanted_on = forms.DateField(
        label=_("Wanted by"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": DATE_INVALID},
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_site(site).filter(
            is_active=True
        )
        self.fields["department"].error_messages["invalid_choice"] = PICK_LISTED
        self.fields["via"].error_messages["invalid_choice"] = PICK_LISTED


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS PDFs and images from one picker, each checked by content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT, "multiple": True})
        )
        kwargs.setdefault(
            "help_text",
            _("PDF, JPEG, PNG or WebP, at most 10 MB each, up to %(count)s in all.")
            % {"count": MAX_ATTACHMENTS},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("A notice has at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS}
            )
        return [attachment_clean(upload) for upload in uploads]


class HouseCodesField(forms.CharField):
    """Houses typed as people say them (3-2-1201, 3栋2单元1201), one a line or separated
    by commas or 、, each cleaned to a House of the form's site (``site``, set by the
    form), with the same messages as one house typed anywhere else."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_HOUSES * 20)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)
        self.site: Site | None = None

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(getattr(h, "label", str(h)) for h in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        codes = [c.strip() for c in HOUSE_SEPARATORS.split(text or "") if c.strip()]
        if len(codes) > MAX_HOUSES:
            raise ValidationError(
                _(
                    "At most %(count)s houses one by one: choose their buildings or entrances "
                    "instead."
                )
                % {"count": MAX_HOUSES}
            )
        one = HouseCodeField(site=self.site)
        houses, errors = [], []
        for code in dict.fromkeys(codes):
            try:
                houses.append(one.clean(code))
            except ValidationError as error:
                errors.extend(f"{code}：{message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(houses))


class NoticeForm(BootstrapWidgets, TextLimits, forms.Form):
    """The draft: what it says, to whom, from when to when; its attachments."""

    type = forms.ModelChoiceField(label=_("Notice type"), queryset=NoticeType.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_LENGTH,
        error_messages={"required": _("Give the notice a title.")},
    )
    body = forms.CharField(
        label=_("Body"),
        max_length=BODY_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace notice-body-input"}),
        error_messages={"required": _("Write the notice.")},
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=Notice.Audience.choices,
        initial=Notice.Audience.SITE,
        widget=forms.RadioSelect,
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"),
        queryset=Building.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entrances = forms.MultipleChoiceField(
        label=_("Entrances"), required=False, widget=forms.CheckboxSelectMultiple
    )
    houses = HouseCodesField(
        label=_("Houses"),
        help_text=_("One house a line, as 3-2-1201 or 3栋2单元1201; or pick them below."),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=DateInput, error_messages={"invalid": DATE_INVALID}
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput,
        help_text=_("The last day it is in force; it expires the day after."),
        error_messages={"invalid": DATE_INVALID},
    )
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=100,
        error_messages={"required": _("Say which office issues the notice.")},
    )
    attachments = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, site: Site, notice: Notice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site, self.notice = site, notice
        types = NoticeType.objects.for_site(site).filter(is_active=True).order_by("sort_order")
        if notice is not None:
            # A type retired since the draft was written stays its type until changed.
            types = NoticeType.objects.for_site(site).filter(
                pk__in=[*types.values_list("pk", flat=True), notice.type_id]
            )
        self.fields["type"].queryset = types.order_by("sort_order", "id")
        self.fields["type"].empty_label = _("Choose a type")
        self.fields["buildings"].queryset = building_choices(site)
        self.fields["entrances"].choices = entrance_choices(site)
        self.fields["houses"].site = site
        messages = {
            "type": {
                "required": _("Choose the notice type."),
                "invalid_choice": _("Choose one of this site's notice types."),
            },
            "audience": {"invalid_choice": PICK_LISTED},
            "buildings": {"invalid_choice": _("Choose among this site's buildings.")},
            "entrances": {"invalid_choice": _("Choose among this site's entrances.")},
            "effective_from": {"required": _("Say from when it is in force.")},
            "expires_on": {"required": _("Say until when it is in force.")},
        }
        for name, errors in messages.items():
            self.fields[name].error_messages.update(errors)
        if notice is not None:
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label=_("Remove attachments"),
                queryset=NoticeAttachment.objects.filter(notice=notice),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["revision"] = forms.IntegerField(widget=forms.HiddenInput)
        if not self.is_bound and notice is None:
            today = timezone.localdate()
            self.initial.setdefault("effective_from", today)
            self.initial.setdefault("expires_on", today + timedelta(days=DEFAULT_DAYS))
            self.initial.setdefault("issuer", f"{site.name}物业服务中心")

    def clean_entrances(self) -> list[tuple[Building, int]]:
        values = self.cleaned_data["entrances"]
        ids = {int(v.split(":")[0]) for v in values}
        buildings = {b.pk: b for b in Building.objects.for_site(self.site).filter(pk__in=ids)}
        return [(buildings[int(b)], int(u)) for b, u in (v.split(":") for v in values)]

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("expires_on")
        if start and end and end < start:
            self.add_error("expires_on", _("The expiry date cannot be before the effective date."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        return data


def notice_initial(notice: Notice) -> dict:
    """The edit form's values: the notice as it is."""
    return {
        "type": notice.type_id,
        "title": notice.title,
        "body": notice.body,
        "urgent": notice.urgent,
        "audience": notice.audience,
        "buildings": [b.pk for b in notice.buildings.all()],
        "entrances": [f"{e.building_id}:{e.unit}" for e in notice.entrances.all()],
        "houses": list(notice.houses.all()),
        "effective_from": notice.effective_from,
        "expires_on": notice.expires_on,
        "issuer": notice.issuer,
        "revision": notice.revision,
    }


class TemplateStartForm(BootstrapWidgets, TextLimits, forms.Form):
    """Starting a draft from a template: which one, and the values of its placeholders
    ({小区} is the site's name; the others are typed here)."""

    template = forms.ModelChoiceField(
        label=_("Template"), queryset=NoticeTemplate.objects.none(), empty_label=None
    )
    date = forms.CharField(
        label=_("Date ({日期})"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 12月5日（周五）")}),
    )
    period = forms.CharField(
        label=_("Time ({时间段})"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 9:00–17:00")}),
    )
    buildings = forms.CharField(
        label=_("Buildings ({楼栋})"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 3栋、5栋")}),
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["template"].queryset = (
            NoticeTemplate.objects.for_site(site)
            .filter(is_active=True, type__is_active=True)
            .select_related("type")
            .order_by("sort_order", "id")
        )
        self.fields["template"].error_messages.update(
            required=_("Choose a template."),
            invalid_choice=_("Choose one of this site's templates."),
        )

    def values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {DATE: data["date"], PERIOD: data["period"], BUILDINGS: data["buildings"]}


class StartForm(forms.Form):
    """What a new draft may start from (?request=), ids of the current site; anything else
    is ignored."""

    request = forms.ModelChoiceField(queryset=NoticeRequest.objects.none(), required=False)

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = NoticeRequest.objects.for_site(site)

    def picked(self) -> NoticeRequest | None:
        return self.cleaned_data.get("request") if self.is_valid() else None


class PreviewForm(forms.Form):
    body = forms.CharField(max_length=BODY_LENGTH, required=False, strip=False)
