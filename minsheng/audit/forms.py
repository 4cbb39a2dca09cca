"""The audit page's filters: person, object type, date range, verb. A bad value is an error on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.audit import AuditVerb
from minsheng.audit import present, selectors
from minsheng.common.forms import choice_field


class FiltersForm(forms.Form):
    person = forms.CharField(label=_("Person (user name)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    verb = forms.ChoiceField(label=_("What was done"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("all"))
        types = [(label, name) for label, name in selectors.object_types()]
        types.append(("accounts.auditevent", str(_("audit trail"))))
        choice_field(self, "object_type").choices = [everything, *types]
        verbs = sorted(
            ((verb.value, present.verb_label(verb.value)) for verb in AuditVerb), key=lambda v: v[1]
        )
        choice_field(self, "verb").choices = [everything, *verbs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        return selectors.Filters(
            person=(data.get("person") or "").strip(),
            object_type=data.get("object_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            verb=data.get("verb") or "",
        )
