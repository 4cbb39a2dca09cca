"""The inbox's form: which notifications to mark read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class IntegerListField(forms.Field):
    """Several integers from one repeated field (``ids=1&ids=2``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Enter whole numbers.")}

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [int(str(v)) for v in values]
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class MarkReadForm(forms.Form):
    """Mark some notifications read (``ids``), or all of them (no ids)."""

    ids = IntegerListField(required=False)
