"""Forms of the delivery pages. They parse and check input; the services decide what the input may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from minsheng.common.forms import Text, choice_field, model_choice_field
from minsheng.delivery.models import Cadence, Stage
from minsheng.delivery.selectors import Period
from minsheng.plans.models import Department

MAX_DIGITS = 20


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _amount(
    label: Text,
    *,
    required: bool = False,
    places: int = 4,
    help_text: Text = "",
    max_value: Decimal | None = None,
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=max_value,
        max_digits=MAX_DIGITS,
        decimal_places=places,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class VersionForm(forms.Form):
    """A step on a record (submit, approve, accept…): the version the user saw, to catch a conflict."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


# --- the office ------------------------------------------------------------------------------------------


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (the page lists the choices); a bad value is ignored."""

    action = forms.IntegerField(required=False, min_value=1)
    department = forms.IntegerField(required=False, min_value=1)
    place = forms.CharField(required=False, max_length=100)
    on = forms.DateField(required=False)

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return self.cleaned_data


class AssignmentForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    official = forms.CharField(label=_("Responsible official"), max_length=100, required=False)
    deadline = forms.DateField(label=_("Completion deadline"), widget=DateInput)
    cadence = forms.ChoiceField(label=_("Reporting cadence"), choices=Cadence.choices)
    due_day = forms.IntegerField(
        label=_("Reports due on day"),
        min_value=1,
        max_value=28,
        help_text=_("Day of the month after each period ends (1–28)."),
    )

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "lead").queryset = departments
        model_choice_field(self, "supporting").queryset = departments


class ScheduleForm(forms.Form):
    """One optional field per month: the cumulative value planned by the month's end."""

    def __init__(self, *args, months: Sequence[tuple[int, int]], milestone: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.months = list(months)
        for year, month in self.months:
            label = date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")
            self.fields[self.field_name(year, month)] = _amount(
                label, max_value=Decimal(1) if milestone else None
            )

    @staticmethod
    def field_name(year: int, month: int) -> str:
        return f"m{year}_{month:02d}"

    def planned(self) -> dict[tuple[int, int], Decimal]:
        return {
            (year, month): self.cleaned_data[self.field_name(year, month)]
            for year, month in self.months
            if self.cleaned_data.get(self.field_name(year, month)) is not None
        }


class NoticeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    demand = forms.CharField(
        label=_("What the department must do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    reply_deadline = forms.DateField(label=_("Reply by"), widget=DateInput)


class AcceptForm(VersionForm):
    publish = forms.BooleanField(
        label=_("Publish the figure on the public pages"), required=False, initial=True
    )
    # Shown only beside a far-off warning (``selectors.report_warnings``); the service refuses without it.
    confirm_far_off = forms.BooleanField(
        label=_("I have checked this figure and accept it despite the warning"), required=False
    )


class PublishForm(VersionForm):
    published = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Why it goes back"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class NoticeCloseForm(VersionForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class NoticeEscalateForm(VersionForm):
    note = forms.CharField(
        label=_("Why it is escalated"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class TemplateForm(forms.Form):
    department = forms.TypedChoiceField(
        label=_("Only the items of"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data: dict | None, *, departments: Iterable[Department]) -> None:
        super().__init__(data)
        choice_field(self, "department").choices = [("", _("All departments"))] + [
            (d.pk, d.name) for d in departments
        ]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled progress sheet (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    # The rows whose far-off figures the office was shown (comma-separated row numbers) and confirms.
    confirm_rows = forms.RegexField(regex=r"^[0-9, ]*$", required=False, widget=forms.HiddenInput)
    confirm_far_off = forms.BooleanField(
        label=_("I have checked the figures of the rows listed above and load them despite the warning"),
        required=False,
    )

    def confirmed_rows(self) -> set[int]:
        """The rows the office confirms (none unless the box is ticked)."""
        if not self.cleaned_data.get("confirm_far_off"):
            return set()
        return {
            int(part)
            for part in self.cleaned_data.get("confirm_rows", "").replace(" ", "").split(",")
            if part
        }


# --- departments -----------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    period_end = forms.TypedChoiceField(label=_("As of (end of the period)"), coerce=dt.date.fromisoformat)
    actual = _amount(
        _("Cumulative actual"), help_text=_("The total delivered since the start, not this period's.")
    )
    stage = forms.ChoiceField(label=_("Stage reached"), required=False)
    narrative = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    funds_spent = _amount(_("Funds spent to date (yuan)"), places=2)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        periods: Sequence[Period],
        milestone: bool,
        unit: str = "",
        editing: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = editing
        choice_field(self, "period_end").choices = [
            (p.end.isoformat(), date_format(p.end, "DATE_FORMAT")) for p in reversed(periods)
        ]
        if milestone:
            del self.fields["actual"]
            self.fields["stage"].required = True
            choice_field(self, "stage").choices = [("", "—"), *Stage.choices]
        else:
            del self.fields["stage"]
            if unit:
                self.fields["actual"].label = _("Cumulative actual (%(unit)s)") % {"unit": unit}


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence: a photo (JPEG, PNG) or a PDF, at most 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class NoticeReplyForm(VersionForm):
    explanation = forms.CharField(
        label=_("Why the item is behind"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    catch_up_plan = forms.CharField(
        label=_("How and by when it will catch up"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
