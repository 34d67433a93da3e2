from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Department, Site
from frontdesk.uploads import validate_upload
from residents import roster
from residents.models import House, RecordRequest, Resident, RosterImport


def picked_house_field() -> forms.ModelChoiceField:
    """A house chosen elsewhere on the page (a link, the lookup's type-ahead), as a hidden
    id; the form's __init__ limits its queryset to the current site."""
    return forms.ModelChoiceField(
        queryset=House.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This house is not in the current site.")},
    )


def picked_resident_field() -> forms.ModelChoiceField:
    """A resident chosen elsewhere on the page, as picked_house_field."""
    return forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This resident is not in the current site.")},
    )


class AnsweredOrReferredForm(forms.ModelForm):
    """What the desk was asked is either answered there or referred to a department."""

    def clean(self):
        data = super().clean()
        if data.get("referred_to") is None and not (data.get("answer") or "").strip():
            self.add_error(
                "answer",
                _("Write down the answer given, or choose the department it was referred to."),
            )
        return data


class RecordRequestForm(AnsweredOrReferredForm):
    """查询登记. The house and resident come from the page it was opened on."""

    house = picked_house_field()
    resident = picked_resident_field()

    class Meta:
        model = RecordRequest
        fields = [
            "house",
            "resident",
            "asker_kind",
            "asker_name",
            "channel",
            "question",
            "answer",
            "referred_to",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"question": {"required": _("Please write down what was asked.")}}

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = House.objects.for_site(site)
        self.fields["resident"].queryset = Resident.objects.for_site(site)
        self.fields["referred_to"].queryset = Department.objects.for_site(site).filter(
            is_active=True
        )
        self.fields["referred_to"].empty_label = _("Not referred (answered at the desk)")
        self.fields["question"].widget.attrs["autofocus"] = True


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contents"), choices=RosterImport.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx, first sheet) or a CSV file (UTF-8 or GB18030), "
            "at most 10 MB and 50,000 rows."
        ),
        error_messages={
            "required": _("Choose the file to import."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # By content, whatever the name: roster.py then reads the sheet itself.
        validate_upload(upload, kinds={"xlsx", "csv"}, max_size=roster.MAX_FILE_SIZE)
        return upload
