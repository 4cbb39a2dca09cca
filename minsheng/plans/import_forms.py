"""The forms of importing on the web: the upload (file, and region and year where the document lacks them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".docx,.xlsx,.txt,.html,.htm,.pdf,.json"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document (.docx, .xlsx, .txt, .html, or a PDF with a text layer)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("A plan downloaded from the open-data page as one document (.json) is read as it is."),
    )
    region = forms.CharField(
        label=_("Region (only if the document does not name it)"), max_length=100, required=False
    )
    year = forms.IntegerField(
        label=_("Year (only if the document does not state it)"),
        min_value=2000,
        max_value=2100,
        required=False,
    )
