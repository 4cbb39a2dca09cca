"""Forms of the printing pages: the bulletin's date, period and format."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.printing.models import BulletinFormat


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BulletinForm(forms.Form):
    on = forms.DateField(label=_("As of"), widget=DateInput())
    since = forms.DateField(
        label=_("Period starts after"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to start where the previous bulletin ended."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=BulletinFormat.choices, initial=BulletinFormat.PDF)


class PostersForm(forms.Form):
    """The date whose published figures the posters show (a bad value is today)."""

    on = forms.DateField(required=False)
