"""What the apps' forms share: typed access to a form's fields (a form's ``fields`` maps names to the base
``Field``, so narrowing a choice or model-choice field's choices in ``__init__`` goes through these), and
the type of a label that may be lazy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text  # a string or a lazy translation (gettext_lazy)
else:
    Text = str | Promise


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field ``name`` (to set its ``choices``)."""
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model-choice field ``name`` (to set its ``queryset`` or ``label_from_instance``)."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def model_choices_set(
    form: forms.BaseForm, name: str, queryset: QuerySet[Any], label: Callable[[Any], str] | None = None
) -> None:
    """Give the form's model-choice field ``name`` its ``queryset`` and, where given, how a choice reads."""
    field = model_choice_field(form, name)
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label  # type: ignore[method-assign, assignment]  # as Django's docs do
