"""Recording a case (from scratch, from a house or a lookup result, from an inquiry) and
the small forms of its page, one per action. Validation only: the services decide."""

from __future__ import annotations

from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Category, Urgency
from complaints.photos import MAX_PHOTOS, photo_clean
from frontdesk.forms import BootstrapWidgets, TextLimits
from frontdesk.models import Department, Site
from residents.forms.pickers import HouseCodeField, picked_house_field, picked_resident_field
from residents.models import Building, House, Resident

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
PICK_LISTED = _("Pick one of the listed choices.")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos from one picker, each checked and cleaned by photo_clean."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True})
        )
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP, at most 10 MB each, up to 9 at a time.")
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(count)s photos at a time.") % {"count": MAX_PHOTOS}, code="count"
            )
        return [photo_clean(upload) for upload in uploads]


def category_choices(site: Site) -> list:
    """The site's active categories as a select grouped by their top level: each group
    offers the top level itself, then its sub-categories (工程维修/漏水)."""
    rows = list(
        Category.objects.for_site(site)
        .filter(is_active=True)
        .select_related("parent")
        .order_by("sort_order", "id")
    )
    tops = [c for c in rows if c.parent_id is None]
    children: dict[int, list[Category]] = {}
    for c in rows:
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)
    choices: list = [("", _("Choose a category"))]
    for top in tops:
        group = [(top.pk, top.name)] + [(c.pk, c.full_name) for c in children.get(top.pk, [])]
        choices.append((top.name, group))
    return choices


def category_field_for(field: forms.ModelChoiceField, site: Site) -> None:
    """The category select of a form recording a case: the site's active categories."""
    # With what routing a new case reads (Category.routed_department).
    field.queryset = (
        Category.objects.for_site(site)
        .filter(is_active=True)
        .select_related("department", "parent__department")
    )
    # Read when the select is drawn: a valid post never draws it.
    field.widget.choices = partial(category_choices, site)
    field.error_messages.update(
        required=_("Choose the category."),
        invalid_choice=_("Choose one of this site's categories."),
    )


def errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names (the form's own where the
    form has them, at the top otherwise)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class CaseForm(BootstrapWidgets, TextLimits, forms.Form):
    """投诉/建议/报修/表扬 as the clerk records it: a house (with its resident), or a
    public place; how it came in (12345 with the hotline's reference and deadline); what
    it is about; photos."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Case.Kind.choices, initial=Case.Kind.COMPLAINT
    )
    source = forms.ChoiceField(
        label=_("Came in by"), choices=Case.Source.choices, initial=Case.Source.WALK_IN
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    house = HouseCodeField(label=_("House"), required=False)
    resident = picked_resident_field()
    building = forms.ModelChoiceField(
        label=_("Building (public place)"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("No building / the whole estate"),
    )
    place = forms.CharField(
        label=_("Public place"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. underground garage, east gate")}),
    )
    hotline_ref = forms.CharField(label=_("12345 reference number"), max_length=50, required=False)
    hotline_deadline = forms.DateTimeField(
        label=_("12345 deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe what the resident reported.")},
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        # Opened for a house (from the lookup or its page): the clerk starts with the kind.
        self.fields["kind"].widget.attrs["autofocus"] = True
        self.fields["house"].site = site
        self.fields["resident"].queryset = Resident.objects.for_site(site)
        self.fields["building"].queryset = Building.objects.for_site(site)
        category_field_for(self.fields["category"], site)
        for name in ("kind", "source", "urgency"):
            self.fields[name].error_messages["invalid_choice"] = PICK_LISTED
        self.fields["building"].error_messages["invalid_choice"] = _(
            "Choose one of this site's buildings."
        )
        self.fields["hotline_deadline"].error_messages["invalid"] = _(
            "Enter a date and time, e.g. 2026-12-04 17:00."
        )

    def picked_resident(self) -> Resident | None:
        value = self["resident"].value()
        if isinstance(value, Resident):
            return value
        try:
            return self.fields["resident"].clean(value)
        except ValidationError:
            return None

    def clean(self):
        data = super().clean()
        house, resident = data.get("house"), data.get("resident")
        if house is None and resident is not None:
            data["resident"] = None  # the house was cleared: the resident came with it
        return data


class CaseStartForm(forms.Form):
    """What a case opened from a house's page or a lookup result starts with
    (?house=&resident=, ids of the current site); anything else is ignored."""

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


class CaseFromInquiryForm(BootstrapWidgets, TextLimits, forms.Form):
    """An inquiry turned into a case: its house, resident and channel come along; the
    clerk says what kind of case it is and where it goes."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Case.Kind.choices, initial=Case.Kind.REPAIR)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("As the category routes it"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe what the resident reported.")},
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        category_field_for(self.fields["category"], site)
        self.fields["department"].queryset = Department.objects.for_site(site).filter(
            is_active=True
        )
        self.fields["department"].error_messages["invalid_choice"] = _(
            "Choose one of this site's departments."
        )
        for name in ("kind", "urgency"):
            self.fields[name].error_messages["invalid_choice"] = PICK_LISTED


# The case page's actions: each a small POST form carrying the version the page showed.


class ActionForm(BootstrapWidgets, TextLimits, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, site: Site, departments: list[Department] | None = None, **kwargs):
        # Every action's form on one page: ids must differ between them.
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_%s")
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages["required"] = _(
            "The page was incomplete: reload it and try again."
        )
        if "department" in self.fields:
            field = self.fields["department"]
            field.queryset = Department.objects.for_site(site).filter(is_active=True)
            field.error_messages["invalid_choice"] = _("Choose one of this site's departments.")
            field.error_messages["required"] = _("Choose the department.")
            if departments is not None:
                field.widget.choices = [("", field.empty_label)] + [
                    (d.pk, d.name) for d in departments if d.is_active
                ]

    prefix_name = "action"


def _reason(label, message: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=300,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": message},
    )


def _note(label, message: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message},
    )


class AssignForm(ActionForm):
    prefix_name = "assign"
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), empty_label=_("Choose…")
    )
    note = _note(_("Note"), "", required=False)


class TransferForm(ActionForm):
    prefix_name = "transfer"
    department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.none(), empty_label=_("Choose…")
    )
    reason = _reason(_("Reason"), _("Say why the case is transferred."))


class HandBackForm(ActionForm):
    prefix_name = "hand_back"
    reason = _reason(_("Reason"), _("Say why the case is handed back."))


class AcceptForm(ActionForm):
    prefix_name = "accept"


class NoteForm(ActionForm):
    prefix_name = "note"
    note = _note(_("Progress"), _("Write what was done or found."))
    photos = PhotosField(label=_("Photos"))


class PauseForm(ActionForm):
    prefix_name = "pause"
    kind = forms.ChoiceField(
        label=_("Waiting for"),
        choices=Case.PauseKind.choices,
        error_messages={
            "required": _("Say what the case is waiting for."),
            "invalid_choice": _("Say what the case is waiting for."),
        },
    )
    reason = _reason(_("Reason"), _("Say why the case is paused."))
    resume_expected = forms.DateField(
        label=_("Expected to resume on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, e.g. 2026-12-04.")},
    )


class ResumeForm(ActionForm):
    prefix_name = "resume"
    note = _note(_("Note"), "", required=False)


class ResolveForm(ActionForm):
    prefix_name = "resolve"
    note = _note(_("How it was resolved"), _("Say how the case was resolved."))
    photos = PhotosField(label=_("After photos"))


class WithdrawForm(ActionForm):
    prefix_name = "withdraw"
    reason = _reason(_("Reason"), _("Say why the case is withdrawn."))


class DeadlineForm(ActionForm):
    prefix_name = "change_deadline"
    resolve_due = forms.DateTimeField(
        label=_("Resolve by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Enter the new deadline."),
            "invalid": _("Enter a date and time, e.g. 2026-12-04 17:00."),
        },
    )
    reason = _reason(_("Reason"), _("Say why the deadline changes."))
