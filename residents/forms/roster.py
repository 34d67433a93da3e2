from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.uploads import validate_upload
from residents.models import RosterImport
from residents.roster.files import MAX_FILE_SIZE


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
        # By content, whatever the name: residents.roster.files then reads the sheet itself.
        validate_upload(upload, kinds={"xlsx", "csv"}, max_size=MAX_FILE_SIZE)
        return upload
