"""The people pages' forms: they parse input; the services check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import User
from minsheng.people.selectors import regions
from minsheng.people.services import ROLES_GIVEN, SignIn, active_departments


class DepartmentForm(forms.Form):
    region = forms.ModelChoiceField(label=_("region"), queryset=regions(), empty_label=None)
    name = forms.CharField(label=_("name"), max_length=200)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("new name"), max_length=200)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("merge into"), queryset=active_departments())

    def __init__(self, *args: Any, department: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = active_departments().filter(region_id=department.region_id).exclude(pk=department.pk)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    contact = forms.CharField(
        label=_("mobile phone or email"),
        max_length=254,
        help_text=_("The person signs in with it."),
    )
    role = forms.ChoiceField(label=_("role"), choices=[(role.value, role.label) for role in ROLES_GIVEN])
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=active_departments(),
        required=False,
        help_text=_("For department reporters and heads."),
    )
    sign_in = forms.ChoiceField(
        label=_("how they sign in first"),
        choices=SignIn.choices,
        initial=SignIn.LINK,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = User.Role.REPORTER


class SheetForm(forms.Form):
    sheet = forms.FileField(label=_("filled people sheet (.xlsx)"))
