"""The forms of the office's stages page (docs/stages.md): the plan's stage, a participation window and its
rules, a sensitive word. Validated here; the services validate again and have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.participation.models import MAX_TEXT_LENGTH, ModerationMode, Window
from minsheng.plans.models import Plan

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class MomentInput(forms.DateTimeInput):
    """A date and a time of day, as the browser's own picker (in the site's time zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=MOMENT_FORMAT)


def _moment(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=MomentInput, input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"]
    )


def _count(label: Any, *, minimum: int = 1, maximum: int = 32767) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=minimum, max_value=maximum)


class StageForm(forms.Form):
    status = forms.ChoiceField(label=_("Move the plan to"), choices=Plan.Status.choices)


class WindowForm(forms.Form):
    """When a plan takes suggestions (or comments) and the rules that apply to what people post."""

    opens_at = _moment(_("Opens"))
    closes_at = _moment(_("Closes"))
    moderation = forms.ChoiceField(label=_("Moderation"), choices=ModerationMode.choices)
    flag_threshold = _count(_("Flags that hide a comment"), maximum=1000)
    max_length = _count(_("Longest text (characters)"), minimum=10, maximum=MAX_TEXT_LENGTH)
    user_limit = _count(_("Posts per person"))
    user_limit_minutes = _count(_("… within minutes"))
    ip_limit = _count(_("Posts per network address"))
    ip_limit_minutes = _count(_("… within minutes (address)"))

    @classmethod
    def for_window(cls, window: Window | None, **kwargs: Any) -> WindowForm:
        """A blank form filled with the window's values (or the defaults where there is none yet)."""
        if window is None:
            window = Window()
        initial = {name: getattr(window, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", _("The window must close after it opens."))
        return data


class SensitiveWordForm(forms.Form):
    word = forms.CharField(label=_("Word or phrase"), max_length=50)
    every_plan = forms.BooleanField(label=_("For every plan, not only this one"), required=False)
