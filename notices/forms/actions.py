"""The small forms of a notice's page, one per action; each carries the revision the page
showed, so that a change made meanwhile by someone else is a Conflict, not overwritten."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import BootstrapWidgets, TextLimits
from notices.models import REASON_LENGTH


class ActionForm(BootstrapWidgets, TextLimits, forms.Form):
    """An action without input: just the revision seen."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].error_messages.update(
            required=_("The page is out of date: open the notice again."),
            invalid=_("The page is out of date: open the notice again."),
            min_value=_("The page is out of date: open the notice again."),
        )


class CommentForm(ActionForm):
    """Approving or publishing directly, with an optional comment."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendBackForm(ActionForm):
    comment = forms.CharField(
        label=_("What should be changed"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what should be changed.")},
    )


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the notice is withdrawn.")},
        # notices.services.delivery.notice_withdrawn
        help_text=_(
            "A published notice's residents' groups are told it is withdrawn, with this reason."
        ),
    )
