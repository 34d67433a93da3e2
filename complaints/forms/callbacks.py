"""回访: the clerk's call-back, the 12345 reply that closes a hotline case, and the
resident's own answer from the feedback link."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from frontdesk.forms import BootstrapWidgets, TextLimits

RATINGS = [(n, str(n)) for n in range(1, 6)]
YES, NO = "yes", "no"


def _yes(value: str) -> bool:
    return value == YES


class _Satisfaction(forms.Form):
    """A rating of 1 to 5 and whether the problem is solved, drawn as button rows."""

    rating = forms.TypedChoiceField(
        label=_("Satisfaction (1 = very dissatisfied, 5 = very satisfied)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Give a rating from 1 to 5."),
            "invalid_choice": _("Give a rating from 1 to 5."),
        },
    )
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        choices=[(YES, _("Yes, solved")), (NO, _("No, not solved"))],
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether the problem is solved."),
            "invalid_choice": _("Say whether the problem is solved."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(TextLimits, BootstrapWidgets, _Satisfaction):
    """The resident's answer on their phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("Anything you would like to tell us (optional)")


class CallbackForm(TextLimits, BootstrapWidgets, _Satisfaction):
    """The clerk's call: reached (the resident's satisfaction) or not (a note)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reached = forms.TypedChoiceField(
        label=_("Was the resident reached?"),
        choices=[(YES, _("Reached")), (NO, _("Not reached"))],
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether the resident was reached."),
            "invalid_choice": _("Say whether the resident was reached."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Not reached: when you called and what happened (no answer, switched off …)."),
    )

    field_order = ["reached", "rating", "solved", "comment", "note", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked only when the resident was reached (checked in clean()).
        self.fields["rating"].required = False
        self.fields["solved"].required = False
        self.fields["comment"].label = _("The resident's comment")

    def clean(self):
        data = super().clean()
        if data.get("reached"):
            if data.get("rating") in (None, ""):
                self.add_error("rating", _("Give a rating from 1 to 5."))
            if data.get("solved") in (None, ""):
                self.add_error("solved", _("Say whether the problem is solved."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        if not data["reached"]:
            return {"reached": False, "note": data["note"], "version": data["version"]}
        return {
            "reached": True,
            "rating": data["rating"],
            "solved": data["solved"],
            "comment": data["comment"],
            "note": data["note"],
            "version": data["version"],
        }


class HotlineCloseForm(TextLimits, BootstrapWidgets, forms.Form):
    """A 12345 case is closed with the reply sent back to the hotline and its verdict."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    hotline_reply = forms.CharField(
        label=_("Reply sent to the 12345 hotline"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Record the reply sent to the 12345 hotline.")},
    )
    hotline_result = forms.ChoiceField(
        label=_("The hotline's satisfaction result"),
        choices=[("", "—"), *Case.HotlineResult.choices],
        error_messages={
            "required": _("Record the hotline's satisfaction result."),
            "invalid_choice": _("Record the hotline's satisfaction result."),
        },
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def form_error(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside its field when it names one of the form's,
    else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
