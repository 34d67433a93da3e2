"""The postings section's small forms: a copy posted (with an optional photo as proof), a
copy taken down. Validation only: notices.services.postings decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.forms import BootstrapWidgets
from notices.services.postings import posting_photo_clean

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
# Where a form sends the clerk back once done: the notice's page, or the checklist.
BACK_TO = [("notice", "notice"), ("checklist", "checklist")]


class PostingForm(BootstrapWidgets, forms.Form):
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
        help_text=_("A photo of the copy on the board, as proof: JPEG, PNG or WebP, up to 10 MB."),
    )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return posting_photo_clean(upload) if upload else None


class RemovalForm(forms.Form):
    back = forms.ChoiceField(choices=BACK_TO, required=False)
