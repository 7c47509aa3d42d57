"""The forms of the spreadsheet import: the upload (with the organisation a
coordinator imports into) and the confirmation of a checked file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import Organisation
from ..spreadsheets import FileProblem
from ..spreadsheets.files import check_size, format_of


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(".ods, .xlsx of .csv, tot 10 MB, volgens het sjabloon."),
        widget=forms.ClearableFileInput(attrs={"accept": ".ods,.xlsx,.csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Mijn eigen organisatie"),
        help_text=_("Voor rijen zonder organisatie."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not permissions.is_coordinator(user):
            del self.fields["organisation"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte is read
            format_of(upload.name)
        except FileProblem as problem:
            raise forms.ValidationError(problem.message) from None
        return upload


class ConfirmForm(forms.Form):
    """The checked file, by the name it was kept under."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
