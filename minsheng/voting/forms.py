"""Forms of the vote and rating pages. They parse what was sent; the services decide what it may be and
their messages are put back on these forms by the views."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.common.forms import Text, choice_field
from minsheng.voting.models import MAX_NOTE_LENGTH, MAX_RATING_COMMENT_LENGTH, Grade, VoteRule


def _at_most(limit: int) -> str:
    return gettext("At most %(limit)d characters.") % {"limit": limit}


# Lazy: help texts of fields declared on a class are made at import, and must follow each request's language.
_limit = lazy(_at_most, str)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _when(label: Text) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeInput(),
        error_messages={"required": _("Give a date and time."), "invalid": _("Give a date and time.")},
    )


class VoteSetForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=VoteRule.choices, widget=forms.RadioSelect)
    choose = forms.IntegerField(
        label=_("Number of items to choose"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("Give a whole number."),
            "invalid": _("Give a whole number."),
            "min_value": _("Give a number from 1 to the number of candidates."),
            "max_value": _("Give a number from 1 to the number of candidates."),
        },
    )
    majority_required = forms.BooleanField(
        label=_("A chosen item needs votes from more than half of the deputies"), required=False
    )
    opens_at = _when(_("Opens"))
    closes_at = _when(_("Closes"))


class BallotForm(forms.Form):
    """The chosen items: checkboxes named ``items`` with item ids (checked again by the service)."""

    items = forms.TypedMultipleChoiceField(
        label=_("Your choice"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("The ballot holds something that is not a candidate.")},
    )

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "items").choices = [
            (item.pk, f"{item.no}. {item.title or item.text}") for item in candidates
        ]


class TieForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        label=_("Chosen among the tied items"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the tied items.")},
    )
    reason = forms.CharField(
        label=_("How the tie was decided (published with the result)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_limit(MAX_NOTE_LENGTH),
    )

    def __init__(self, *args, tied=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "items").choices = [
            (item.pk, f"{item.no}. {item.title or item.text}") for item in tied
        ]


class RatingSetForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Flag items below this satisfaction rate (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=80,
        error_messages={
            "required": _("Give a percentage from 0 to 100."),
            "invalid": _("Give a percentage from 0 to 100."),
        },
    )
    opens_at = _when(_("Opens"))
    closes_at = _when(_("Closes"))


class RateForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Your rating"),
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        strip=False,
        help_text=_limit(MAX_RATING_COMMENT_LENGTH),
    )


class ConfirmForm(forms.Form):
    """A button that changes a state (open, close): nothing but the CSRF token."""
