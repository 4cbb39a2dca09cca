"""Forms of the participation pages. They only parse what was sent; the services decide what it may be
(lengths, markup, windows, rate limits) and their messages are put back on these forms by the views.

Text fields are therefore not ``required`` and carry no ``max_length`` here: an empty or over-long text
reaches the service, which refuses it with a message that says what to do ("Your comment is empty.",
"This is too long: 1200 characters, at most 1000."). The limits are shown as help text instead, and no
``maxlength`` attribute cuts a pasted text short without saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.common.forms import Text, choice_field, model_choices_set
from minsheng.participation.models import MAX_PLACE_LENGTH, MAX_TITLE_LENGTH, ResponseKind
from minsheng.participation.workflows import Decision
from minsheng.plans.models import Action, Item, ItemRevision


def _text(label: Text, *, help_text: Text = "", rows: int | None = None) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=False, strip=False, help_text=help_text, widget=widget)


def _at_most(limit: int) -> str:
    return gettext("At most %(limit)d characters.") % {"limit": limit}


# Lazy: help texts of fields declared on a class are made at import, and must follow each request's language.
_limit = lazy(_at_most, str)


# --- accounts --------------------------------------------------------------------------------------------


class RegisterForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=150,
        help_text=_(
            "Letters, digits and @ . + - _ only. You sign in with it; others see it beside your comments."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        help_text=_("At least 8 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("We send a link to confirm it; then you also get your notifications by email."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ; type the same password twice."))
        return data


class ConfirmForm(forms.Form):
    """A button: confirm the address the link was sent to (a link opened by a mail scanner confirms nothing)."""


# --- suggestions -----------------------------------------------------------------------------------------


class SuggestionForm(forms.Form):
    title = _text(_("Project name"), help_text=_limit(MAX_TITLE_LENGTH))
    content = _text(_("What should be done"), rows=5)
    place = _text(_("Where (optional)"), help_text=_limit(MAX_PLACE_LENGTH))
    reason = _text(_("Why it is needed"), rows=4)
    cost = forms.CharField(
        label=_("Rough cost in yuan (optional)"),
        required=False,
        max_length=40,
        help_text=_("A number, e.g. 500000."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    action = forms.ModelChoiceField(
        label=_("Which action it fits (optional)"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("— not sure —"),
    )

    def __init__(self, *args, actions: QuerySet[Action], max_length: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choices_set(self, "action", actions, lambda a: f"{a.no}. {a.title}" if a.title else str(a.no))
        for name in ("content", "reason"):
            self.fields[name].help_text = _limit(max_length)


# --- comments --------------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    text = _text(_("Your comment"), rows=5)

    def __init__(self, *args, max_length: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if max_length:
            self.fields["text"].help_text = _limit(max_length)


class FlagForm(forms.Form):
    reason = _text(_("Why (optional)"), help_text=_limit(200))


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    note = _text(_("Note (optional; a rejected comment's author sees it)"), rows=2)

    def __init__(self, *args, allowed: Iterable[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            allowed = set(allowed)
            choice_field(self, "decision").choices = [c for c in Decision.choices if c[0] in allowed]


class RespondForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=ResponseKind.choices, widget=forms.RadioSelect)
    text = _text(
        _("Reply"),
        rows=5,
        help_text=_("Required for “not adopted” (the reason) and “answered” (the answer)."),
    )
    revision = forms.TypedChoiceField(
        label=_("The change to the item it caused (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, revisions: Iterable[ItemRevision] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.revisions = {r.pk: r for r in revisions}
        choice_field(self, "revision").choices = [("", _("— no change —"))] + [
            (
                r.pk,
                _("Version %(number)d: %(kind)s")
                % {"number": r.version.number, "kind": r.get_kind_display()},
            )
            for r in self.revisions.values()
        ]

    def clean_revision(self) -> ItemRevision | None:
        pk = self.cleaned_data.get("revision")
        return self.revisions.get(pk) if pk is not None else None


# --- screening -------------------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    note = _text(_("Note (optional)"), rows=2)


class MergeForm(forms.Form):
    into: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Merge into"), queryset=None, empty_label=_("— choose a similar suggestion —")
    )
    note = _text(_("Note (optional)"), rows=2)

    def __init__(self, *args, candidates: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choices_set(self, "into", candidates, lambda s: f"#{s.pk} {s.title}")
        self.fields["into"].error_messages["required"] = _("Choose the suggestion to merge into.")


class DeclineForm(forms.Form):
    reason = _text(_("Reason (the submitter and the public see it)"), rows=3)
    withhold = forms.BooleanField(
        label=_("Keep it off the public list (abusive, or gives personal details)"), required=False
    )


class LinkForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("The item of the draft it became"),
        queryset=Item.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args, items: QuerySet[Item], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choices_set(self, "item", items, lambda i: f"{i.no}. {i.title or i.text[:40]}")
