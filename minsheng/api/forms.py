"""The office's form for a new API token: the person it acts as (their department is the token's), a name,
what it may do and until when. The service decides what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.api.models import Scope
from minsheng.api.selectors import token_people
from minsheng.common.forms import model_choices_set


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _person_label(person: Any) -> str:
    return f"{person.department.name} · {person.get_full_name() or person.username} ({person.get_role_display()})"


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=token_people().none(),
        help_text=_("A reporter of the department (to report), or its head (to read only)."),
    )
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Which system uses it."))
    scopes = forms.MultipleChoiceField(
        label=_("May"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choices_set(self, "user", token_people(), _person_label)
        if not self.is_bound:
            self.initial.setdefault("expires_on", (timezone.localdate() + dt.timedelta(days=365)).isoformat())

    def expires_at(self) -> dt.datetime:
        """The end of the day chosen, in the site's time zone."""
        day: dt.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
