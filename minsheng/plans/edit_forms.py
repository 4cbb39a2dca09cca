"""The forms of editing an adopted plan: the item (text, title, action, departments, the reason) and one row
per target (subject, comparator, value, up-to value, unit, period, weight, remove; a blank row adds one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.plans.models import Action, Department, Item, Op, TargetKind


class ItemEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.none(), empty_label=None)
    lead = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none(), required=False
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Why the plan changes (kept with the new version)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, actions: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from minsheng.common.forms import model_choices_set

        model_choices_set(self, "action", actions, label=lambda a: f"{a.no}. {a.title}")
        model_choices_set(self, "lead", departments)
        model_choices_set(self, "supporting", departments)


class TargetEditForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=TargetKind.choices, initial=TargetKind.QUANTITY)
    subject = forms.CharField(label=_("What is measured"), max_length=300, required=False)
    op = forms.ChoiceField(label=_("Comparator"), choices=Op.choices, initial=Op.EXACTLY)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4, required=False)
    value_max = forms.DecimalField(label=_("Up to"), max_digits=20, decimal_places=4, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    period = forms.CharField(label=_("Per period"), max_length=16, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=8, decimal_places=4, initial=1)
    remove = forms.BooleanField(label=_("Remove this target"), required=False)


TargetFormSet = forms.formset_factory(TargetEditForm, extra=1, max_num=50, validate_max=True)


class CarryOverForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label=_("Items to carry over"),
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one item to carry over.")},
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from minsheng.common.forms import model_choices_set

        model_choices_set(self, "items", items)
