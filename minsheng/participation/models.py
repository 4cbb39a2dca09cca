"""The public's voice (docs/participation.md): suggestions while a plan collects them (征集), comments and
support on the items of a draft open for comment (征求意见), moderation, the office's responses, following
items, and the public accounts that do all this.

Text written by users is stored exactly as accepted (the services refuse markup and control characters
instead of stripping them) and is escaped wherever it is shown: nothing here is ever marked safe.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# Hard ceilings; a window's own limits are at most these.
MAX_TEXT_LENGTH = 5000
MAX_TITLE_LENGTH = 100
MAX_PLACE_LENGTH = 200
MAX_NOTE_LENGTH = 1000
DEFAULT_FLAG_THRESHOLD = 3


class Phase(models.TextChoices):
    SOLICITATION = "solicitation", _("Collecting suggestions (征集)")
    CONSULTATION = "consultation", _("Comments on the draft (征求意见)")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: a moderator approves every comment before it shows")
    POST = "post", _("Post-moderation: comments show at once; sensitive words and flags hold them")


class Window(models.Model):
    """When a plan takes suggestions or comments, and the rules that apply: moderation mode, how many flags
    hide a comment, how long a text may be, how many posts a person or a network address may make."""

    Phase = Phase
    Moderation = ModerationMode

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="participation_windows"
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    moderation = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    flag_threshold = models.PositiveSmallIntegerField(
        _("flags that hide a comment"),
        default=DEFAULT_FLAG_THRESHOLD,
        validators=[MinValueValidator(1)],
        help_text=_("A published comment flagged by this many people is hidden until a moderator decides."),
    )
    max_length = models.PositiveIntegerField(
        _("longest text (characters)"),
        default=1000,
        validators=[MinValueValidator(10), MaxValueValidator(MAX_TEXT_LENGTH)],
        help_text=_("From 10 to 5000."),
    )
    user_limit = models.PositiveSmallIntegerField(
        _("posts per person"), default=5, validators=[MinValueValidator(1)]
    )
    user_limit_minutes = models.PositiveSmallIntegerField(
        _("… within minutes"), default=10, validators=[MinValueValidator(1)]
    )
    ip_limit = models.PositiveSmallIntegerField(
        _("posts per network address"), default=20, validators=[MinValueValidator(1)]
    )
    ip_limit_minutes = models.PositiveSmallIntegerField(
        _("… within minutes (address)"), default=60, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participation window")
        verbose_name_plural = _("participation windows")
        ordering = ["plan", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "phase"], name="participation_window_one_per_phase"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="participation_window_phase"),
            models.CheckConstraint(
                condition=Q(moderation__in=ModerationMode.values), name="participation_window_moderation"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="participation_window_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(flag_threshold__gte=1), name="participation_window_flags"),
            models.CheckConstraint(
                condition=Q(max_length__gte=10, max_length__lte=MAX_TEXT_LENGTH),
                name="participation_window_max_length",
            ),
            models.CheckConstraint(
                condition=Q(
                    user_limit__gte=1, user_limit_minutes__gte=1, ip_limit__gte=1, ip_limit_minutes__gte=1
                ),
                name="participation_window_rate_limits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_phase_display()}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The window must close after it opens.")})


class SensitiveWord(models.Model):
    """A word or phrase that holds a comment for review (and marks a suggestion in the screening queue).

    Without a plan it applies to every plan."""

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="sensitive_words",
        null=True,
        blank=True,
        help_text=_("Empty: every plan."),
    )
    word = models.CharField(_("word or phrase"), max_length=50)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(word=""), name="participation_word_not_empty"),
            models.UniqueConstraint(fields=["plan", "word"], name="participation_word_unique_per_plan"),
            models.UniqueConstraint(
                fields=["word"], condition=Q(plan__isnull=True), name="participation_word_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return self.word


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{4,18}[0-9]$",
    _("Enter a phone number: digits, optionally with a leading + and hyphens."),
)


class Participant(models.Model):
    """What a public account adds to accounts.User: an optional phone, and which email address is confirmed.

    Accounts the office creates (departments, deputies) have no Participant row; their addresses are trusted.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="participant"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email_confirmed = models.EmailField(_("confirmed email address"), blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    registered_ip = models.GenericIPAddressField(_("registered from"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_confirmed="", email_confirmed_at__isnull=True)
                | (~Q(email_confirmed="") & Q(email_confirmed_at__isnull=False)),
                name="participation_participant_confirmed_with_time",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class EmailConfirmation(models.Model):
    """A link sent to confirm an email address. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_confirmations",
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("email confirmation")
        verbose_name_plural = _("email confirmations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a pattern, not a secret
                name="participation_confirmation_hash",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting screening")
    ACCEPTED = "accepted", _("Accepted as a candidate item")
    MERGED = "merged", _("Merged into a similar suggestion")
    DECLINED = "declined", _("Declined")


SCREENED = (SuggestionStatus.ACCEPTED, SuggestionStatus.MERGED, SuggestionStatus.DECLINED)


class Suggestion(models.Model):
    """A project someone suggests while a plan collects suggestions (征集), and the office's outcome.

    Accepting a suggestion makes it a candidate for the draft; the item it becomes exists only once the
    office imports the draft, and is then linked (``item``, through ``suggestion_item_link``)."""

    Status = SuggestionStatus

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="suggestions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="suggestions",
    )
    ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    title = models.CharField(_("project name"), max_length=MAX_TITLE_LENGTH)
    content = models.TextField(_("what should be done"))
    place = models.CharField(_("place"), max_length=MAX_PLACE_LENGTH, blank=True)
    reason = models.TextField(_("why"))
    cost = models.DecimalField(_("rough cost (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    action = models.ForeignKey(
        "plans.Action",
        verbose_name=_("fits the action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )
    matched_words = models.JSONField(_("sensitive words found"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    outcome_reason = models.TextField(_("the office's reason or note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )
    withheld = models.BooleanField(
        _("withheld from the public list"),
        default=False,
        help_text=_("For a declined suggestion that is abusive or gives personal details."),
    )
    item = models.ForeignKey(
        "plans.Item",
        verbose_name=_("became the item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="participation_suggestion_status"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="participation_suggestion_title"),
            models.CheckConstraint(condition=~Q(content=""), name="participation_suggestion_content"),
            models.CheckConstraint(condition=~Q(reason=""), name="participation_suggestion_reason"),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="participation_suggestion_cost"
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="participation_suggestion_merged_into",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="participation_suggestion_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(outcome_reason=""),
                name="participation_suggestion_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=True) | Q(status="accepted"),
                name="participation_suggestion_item_if_accepted",
            ),
            models.CheckConstraint(
                condition=Q(withheld=False) | Q(status="declined"),
                name="participation_suggestion_withheld_if_declined",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "author", "created_at"], name="participation_sugg_author_idx"),
            models.Index(fields=["plan", "ip", "created_at"], name="participation_sugg_ip_idx"),
            models.Index(fields=["plan", "status"], name="participation_sugg_status_idx"),
            models.Index(
                fields=["action"], condition=Q(action__isnull=False), name="participation_sugg_action_idx"
            ),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="participation_sugg_merged_idx",
            ),
            models.Index(
                fields=["item"], condition=Q(item__isnull=False), name="participation_sugg_item_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden pending review")
    REJECTED = "rejected", _("Not published")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")


class HeldReason(models.TextChoices):
    NONE = "", _("Not held")
    PRE_MODERATION = "pre", _("Pre-moderation")
    SENSITIVE_WORDS = "words", _("Sensitive words")
    FLAGS = "flags", _("Flagged by readers")
    MODERATOR = "moderator", _("Hidden by a moderator")


class Comment(models.Model):
    """A comment on an item of a draft open for comment."""

    Status = CommentStatus
    Held = HeldReason

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="comments"
    )
    item = models.ForeignKey(
        "plans.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
    )
    ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    text = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    held_reason = models.CharField(
        _("held because"), max_length=16, choices=HeldReason.choices, blank=True, default=HeldReason.NONE
    )
    matched_words = models.JSONField(_("sensitive words found"), default=list, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="participation_comment_status"
            ),
            models.CheckConstraint(
                condition=Q(held_reason__in=HeldReason.values), name="participation_comment_held_reason"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="participation_comment_text"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(held_reason=""),
                name="participation_comment_published_not_held",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "author", "created_at"], name="participation_comm_author_idx"),
            models.Index(fields=["plan", "ip", "created_at"], name="participation_comm_ip_idx"),
            models.Index(fields=["item", "status"], name="participation_comm_item_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def clean(self) -> None:
        if self.item_id and self.plan_id and self.item.plan_id != self.plan_id:
            raise ValidationError({"item": _("The item belongs to another plan.")})


class Flag(models.Model):
    """A reader's report that a comment breaks the rules; one per person and comment.

    ``reviewed_at`` is set when a moderator decides on the comment: reviewed flags no longer count towards
    hiding it again."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.CASCADE,
        related_name="comment_flags",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["comment", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="participation_flag_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.comment_id}"


class Support(models.Model):
    """Someone supports an item of the draft; once per person and item."""

    item = models.ForeignKey(
        "plans.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="participation_support_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} + {self.item_id}"


class ResponseKind(models.TextChoices):
    ADOPTED = "adopted", _("Adopted (采纳)")
    PARTLY = "partly", _("Partly adopted (部分采纳)")
    NOT_ADOPTED = "not_adopted", _("Not adopted (不采纳)")
    ANSWERED = "answered", _("Answered (已答复)")


class Response(models.Model):
    """The office's official response to a comment; ``revision`` is the change to the item it caused."""

    Kind = ResponseKind

    comment = models.OneToOneField(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="response"
    )
    kind = models.CharField(_("outcome"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("reply"), blank=True)
    revision = models.ForeignKey(
        "plans.ItemRevision",
        verbose_name=_("the change it caused"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    created_at = models.DateTimeField(_("responded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["comment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResponseKind.values), name="participation_response_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["not_adopted", "answered"]) | ~Q(text=""),
                name="participation_response_reason_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.comment_id}"

    def clean(self) -> None:
        if self.revision is not None and self.comment_id and self.revision.item_id != self.comment.item_id:
            raise ValidationError({"revision": _("That change was made to another item.")})


class ModerationActionKind(models.TextChoices):
    HELD = "held", _("Held for review")
    HIDDEN_BY_FLAGS = "hidden_by_flags", _("Hidden after flags")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged")
    DECLINED = "declined", _("Declined")
    LINKED = "linked", _("Linked to an item")


class ModerationAction(models.Model):
    """The history moderators see: what happened to a comment or a suggestion, who did it (empty: the
    system, e.g. a sensitive word or the flag threshold), when, and why."""

    Kind = ModerationActionKind

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("suggestion"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation history")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, suggestion__isnull=True)
                | Q(comment__isnull=True, suggestion__isnull=False),
                name="participation_moderation_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ModerationActionKind.values), name="participation_moderation_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_status}→{self.to_status}"


class Follow(models.Model):
    """Someone follows an item: they hear of responses to their comments on it and of changes to it."""

    item = models.ForeignKey(
        "plans.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="participation_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.item_id}"
