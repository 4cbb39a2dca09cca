"""The office's admin for participation: the screening queue for suggestions, the moderation queue for
comments (with flags and history), responses, windows and the sensitive-word list.

Every write goes through the services. The change forms of suggestions and comments hold no model fields
of their own: their extra fields name a decision, and the form's ``clean`` calls the service (inside the
admin's transaction, in one savepoint), so that a refusal shows as a form error and nothing is saved.
These forms have no inline formsets (flags and history are shown read-only), so a valid form is always
saved and nothing a service did can be left half-done by an invalid inline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.common.forms import model_choice_field
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    Participant,
    Response,
    ResponseKind,
    SensitiveWord,
    Suggestion,
    SuggestionStatus,
    Window,
)
from minsheng.participation.services import (
    Decision,
    ParticipationError,
    comment_moderate,
    comment_respond,
    sensitive_word_add,
    sensitive_word_remove,
    suggestion_accept,
    suggestion_decline,
    suggestion_item_link,
    suggestion_merge,
    window_set,
)
from minsheng.plans.models import Item, ItemRevision


def _problem(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


class ServiceForm(forms.ModelForm):
    """A change form whose ``clean`` performs one service call; ``self.request`` is set by the admin."""

    request: Any = None

    class Meta:
        fields: tuple[str, ...] = ()

    def perform(self, data: dict[str, Any]) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                with transaction.atomic():  # all of the decision, or none of it
                    self.perform(data)
            except (ParticipationError, PermissionDenied) as exc:
                raise forms.ValidationError(_problem(exc)) from exc
        return data


class ServiceFormAdmin(admin.ModelAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WithRequest(form):
            pass

        WithRequest.request = request
        return WithRequest

    def save_model(self, request, obj, form, change) -> None:
        """The service saved what it had to in the form's clean."""

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing related is edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _each(self, request, queryset, step) -> None:
        done, refused = 0, []
        for obj in queryset:
            try:
                step(obj)
            except (ParticipationError, PermissionDenied) as exc:
                refused.append(f"{obj}: {'; '.join(_problem(exc))}")
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d done.") % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


# --- windows and words -----------------------------------------------------------------------------------


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("plan", "phase", "opens_at", "closes_at", "moderation", "flag_threshold", "max_length")
    list_filter = ("phase", "moderation")
    list_select_related = ("plan",)
    fields = (
        "plan",
        "phase",
        "opens_at",
        "closes_at",
        "moderation",
        "flag_threshold",
        "max_length",
        "user_limit",
        "user_limit_minutes",
        "ip_limit",
        "ip_limit_minutes",
    )

    def get_readonly_fields(self, request, obj=None):
        return ("plan", "phase") if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = {name: getattr(obj, name) for name in self.fields if name not in ("plan", "phase")}
        saved = window_set(plan=obj.plan, phase=obj.phase, by=request.user, **data)
        obj.pk = saved.pk


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    list_display = ("word", "plan", "created_at")
    list_filter = ("plan",)
    search_fields = ("word",)
    fields = ("plan", "word")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        saved = sensitive_word_add(word=obj.word, plan=obj.plan, by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        sensitive_word_remove(sensitive_word=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for entry in queryset:
            sensitive_word_remove(sensitive_word=entry, by=request.user)


# --- suggestions: the screening queue ----------------------------------------------------------------------


def _history_html(actions: list[ModerationAction]) -> str:
    """A moderation history as a small table (every value escaped)."""
    if not actions:
        return _("Nothing yet.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                localize(timezone.localtime(a.created_at)),
                a.get_kind_display(),
                a.from_status or "–",
                a.to_status,
                a.by or _("the system"),
                a.note,
            )
            for a in actions
        ),
    )
    return format_html("<table>{}</table>", rows)


class SuggestionScreenForm(ServiceForm):
    OUTCOMES = (
        ("", gettext_lazy("(no decision)")),
        ("accept", gettext_lazy("Accept as a candidate item")),
        ("merge", gettext_lazy("Merge into another suggestion")),
        ("decline", gettext_lazy("Decline")),
        ("link", gettext_lazy("Link to the item it became")),
    )
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=OUTCOMES, required=False)
    note = forms.CharField(
        label=gettext_lazy("Reason or note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Required to decline; the submitter and the public see it."),
    )
    into = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"), queryset=Suggestion.objects.none(), required=False
    )
    withhold = forms.BooleanField(
        label=gettext_lazy("Withhold from the public list (abuse, personal details)"), required=False
    )
    link_item = forms.ModelChoiceField(
        label=gettext_lazy("Became the item"), queryset=Item.objects.none(), required=False
    )

    class Meta:
        model = Suggestion
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suggestion = self.instance
        if suggestion.pk:
            model_choice_field(self, "into").queryset = (
                Suggestion.objects.filter(plan_id=suggestion.plan_id)
                .exclude(pk=suggestion.pk)
                .exclude(status=SuggestionStatus.MERGED)
                .order_by("-created_at")
            )
            model_choice_field(self, "link_item").queryset = Item.objects.filter(
                plan_id=suggestion.plan_id, removed_in__isnull=True
            ).order_by("no")

    def perform(self, data: dict[str, Any]) -> None:
        outcome, by, suggestion = data.get("outcome"), self.request.user, self.instance
        if outcome == "accept":
            suggestion_accept(suggestion=suggestion, by=by, note=data.get("note", ""))
        elif outcome == "merge":
            if data.get("into") is None:
                raise ParticipationError({"into": [_("Choose the suggestion to merge into.")]})
            suggestion_merge(suggestion=suggestion, into=data["into"], by=by, note=data.get("note", ""))
        elif outcome == "decline":
            suggestion_decline(
                suggestion=suggestion,
                by=by,
                reason=data.get("note", ""),
                withhold=data.get("withhold", False),
            )
        elif outcome == "link":
            suggestion_item_link(suggestion=suggestion, item=data.get("link_item"), by=by)


@admin.register(Suggestion)
class SuggestionAdmin(ServiceFormAdmin):
    form = SuggestionScreenForm
    list_display = ("title", "plan", "status", "merged", "matched_words", "author", "created_at")
    list_filter = ("status", "plan")
    list_select_related = ("plan", "author")
    search_fields = ("title", "content", "place", "reason")
    date_hierarchy = "created_at"
    readonly_fields = (
        "plan",
        "author",
        "ip",
        "title",
        "content",
        "place",
        "reason",
        "cost",
        "action",
        "matched_words",
        "status",
        "outcome_reason",
        "merged_into",
        "withheld",
        "item",
        "screened_at",
        "screened_by",
        "created_at",
        "history",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (gettext_lazy("Screening"), {"fields": ("outcome", "note", "into", "withhold", "link_item")}),
    )
    actions = ["accept_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(merged_total=Count("merged_from", distinct=True))

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj: Suggestion) -> str:
        return _history_html(list(obj.moderation_actions.select_related("by").order_by("-created_at", "-id")))

    @admin.display(description=gettext_lazy("merged"), ordering="merged_total")
    def merged(self, obj: Suggestion) -> int:
        return obj.merged_total  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.action(description=gettext_lazy("Accept the selected suggestions as candidate items"))
    def accept_selected(self, request, queryset) -> None:
        self._each(request, queryset, lambda s: suggestion_accept(suggestion=s, by=request.user))


# --- comments: the moderation queue -------------------------------------------------------------------------


class CommentModerateForm(ServiceForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Moderation"),
        choices=[("", gettext_lazy("(no change)")), *Decision.choices],
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Moderator's note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=gettext_lazy("Kept in the history; sent to the author when a comment is rejected."),
    )
    response_kind = forms.ChoiceField(
        label=gettext_lazy("Official response"),
        choices=[("", gettext_lazy("(no change)")), *ResponseKind.choices],
        required=False,
    )
    response_text = forms.CharField(
        label=gettext_lazy("Reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("Required for “not adopted” (the reason) and “answered”."),
    )
    response_revision = forms.ModelChoiceField(
        label=gettext_lazy("The change it caused"), queryset=ItemRevision.objects.none(), required=False
    )

    class Meta:
        model = Comment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comment = self.instance
        if comment.pk:
            model_choice_field(self, "response_revision").queryset = ItemRevision.objects.filter(
                item_id=comment.item_id
            ).select_related("version")
            response = Response.objects.filter(comment=comment).first()
            if response is not None:
                self.fields["response_kind"].initial = response.kind
                self.fields["response_text"].initial = response.text
                self.fields["response_revision"].initial = response.revision_id

    def perform(self, data: dict[str, Any]) -> None:
        by, comment = self.request.user, self.instance
        if data.get("decision"):
            comment = comment_moderate(
                comment=comment, by=by, decision=data["decision"], note=data.get("note", "")
            )
        kind = data.get("response_kind")
        if kind and (
            "response_kind" in self.changed_data
            or "response_text" in self.changed_data
            or "response_revision" in self.changed_data
        ):
            comment_respond(
                comment=comment,
                by=by,
                kind=kind,
                text=data.get("response_text", ""),
                revision=data.get("response_revision"),
            )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (
            ("review", gettext_lazy("Waiting for a moderator")),
            ("unanswered", gettext_lazy("Published, no response yet")),
        )

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
        if self.value() == "unanswered":
            return queryset.filter(status=CommentStatus.PUBLISHED, response__isnull=True)
        return queryset


@admin.register(Comment)
class CommentAdmin(ServiceFormAdmin):
    form = CommentModerateForm
    list_display = (
        "excerpt",
        "item",
        "author",
        "status",
        "held_reason",
        "open_flags",
        "matched_words",
        "created_at",
    )
    list_filter = (NeedsReviewFilter, "status", "held_reason", "plan")
    list_select_related = ("item", "author")
    search_fields = ("text",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "plan",
        "item",
        "author",
        "ip",
        "text",
        "status",
        "held_reason",
        "matched_words",
        "created_at",
        "flags_list",
        "history",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (gettext_lazy("Moderation"), {"fields": ("decision", "note")}),
        (gettext_lazy("Response"), {"fields": ("response_kind", "response_text", "response_revision")}),
    )
    actions = ["publish_selected", "reject_selected", "hide_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_flag_count=Count("flags", filter=Q(flags__reviewed_at__isnull=True), distinct=True)
            )
        )

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj: Comment) -> str:
        return _history_html(list(obj.moderation_actions.select_related("by").order_by("-created_at", "-id")))

    @admin.display(description=gettext_lazy("flags"))
    def flags_list(self, obj: Comment) -> str:
        flags = list(obj.flags.select_related("user").order_by("created_at", "id"))
        if not flags:
            return _("None.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {} {}</li>",
                (
                    (
                        localize(timezone.localtime(f.created_at)),
                        f.user,
                        f.reason or "–",
                        _("(reviewed)") if f.reviewed_at else "",
                    )
                    for f in flags
                ),
            ),
        )

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, obj: Comment) -> str:
        return obj.text[:60]

    @admin.display(description=gettext_lazy("open flags"), ordering="open_flag_count")
    def open_flags(self, obj: Comment) -> int:
        return obj.open_flag_count  # type: ignore[attr-defined]  # annotated by get_queryset

    def _decide(self, request, queryset, decision: str) -> None:
        self._each(
            request, queryset, lambda c: comment_moderate(comment=c, by=request.user, decision=decision)
        )

    @admin.action(description=gettext_lazy("Publish the selected comments"))
    def publish_selected(self, request, queryset) -> None:
        self._decide(request, queryset, Decision.PUBLISH)

    @admin.action(description=gettext_lazy("Reject the selected comments"))
    def reject_selected(self, request, queryset) -> None:
        self._decide(request, queryset, Decision.REJECT)

    @admin.action(description=gettext_lazy("Hide the selected comments"))
    def hide_selected(self, request, queryset) -> None:
        self._decide(request, queryset, Decision.HIDE)


# --- read-only pages ------------------------------------------------------------------------------------------


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "comment", "suggestion", "from_status", "to_status", "by", "note")
    list_filter = ("kind",)
    list_select_related = ("comment", "suggestion", "by")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("comment", "kind", "revision", "created_by", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("comment", "revision", "created_by")


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("user", "phone", "email_confirmed", "email_confirmed_at", "registered_ip", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "phone", "email_confirmed")
