"""Comments on the draft (征求意见): submit while the plan is open for comment (pre- or post-moderation),
withdraw one's own, flag another's (enough open flags hide it), the moderator's decisions (states from
``participation.workflows.MODERATION_FLOW``), and the office's published response."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import item_label, require
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.participation.models import (
    MAX_NOTE_LENGTH,
    MAX_TEXT_LENGTH,
    Comment,
    CommentStatus,
    Flag,
    Follow,
    HeldReason,
    ModerationActionKind,
    ModerationMode,
    Phase,
    Response,
    ResponseKind,
)
from minsheng.participation.services._core import (
    MAX_FLAG_REASON_LENGTH,
    ParticipationError,
    _clean,
    _current_item,
    _history,
    _lock,
    _open_window,
    _rate_check,
    _sensitive_words,
    _text,
    _window_settings,
)
from minsheng.participation.services.notifications import _item_link, _just, _users_following
from minsheng.participation.text import sensitive_matches
from minsheng.participation.workflows import MODERATION_FLOW, Decision
from minsheng.plans.models import Item, ItemRevision

# --- comments, flags and moderation (征求意见) -------------------------------------------------------------


def _follow_quietly(*, user: User, item: Item) -> bool:
    """Follow ``item`` if not yet following; True if a follow was made."""
    if Follow.objects.filter(user=user, item=item).exists():
        return False
    follow = Follow(user=user, item=item)
    _clean(follow, validate_constraints=False)
    follow.save()
    return True


@transaction.atomic
def comment_submit(*, item: Item, by: User, text: str, ip: str | None) -> Comment:
    """Comment on an item while its plan is open for comment. The comment is published at once, or held for
    review (pre-moderation, or a sensitive word); commenting also follows the item, so that the author
    hears of the office's response and of changes to the item."""
    require(by, "participation.add_comment", item, message=_("Your account cannot comment."))
    item = _current_item(item)
    window = _open_window(plan=item.plan, phase=Phase.CONSULTATION)
    text = _text(text, field="text", limit=window.max_length, empty_message=_("Your comment is empty."))
    _rate_check(rows=Comment.objects.filter(plan_id=item.plan_id), window=window, by=by, ip=ip)
    words = sensitive_matches(text, _sensitive_words(item.plan))
    if words:
        status, held = CommentStatus.PENDING, HeldReason.SENSITIVE_WORDS
    elif window.moderation == ModerationMode.PRE:
        status, held = CommentStatus.PENDING, HeldReason.PRE_MODERATION
    else:
        status, held = CommentStatus.PUBLISHED, HeldReason.NONE
    comment = Comment(
        plan_id=item.plan_id,
        item=item,
        author=by,
        ip=ip,
        text=text,
        status=status,
        held_reason=held,
        matched_words=words,
    )
    _clean(comment)
    comment.save()
    if status == CommentStatus.PENDING:
        _history(
            comment=comment,
            kind=ModerationActionKind.HELD,
            to_status=status,
            note=", ".join(words),  # why it is held is the comment's held_reason
        )
    followed = _follow_quietly(user=by, item=item)
    audit_record(
        actor=by,
        verb=AuditVerb.COMMENT_SUBMIT,
        obj=comment,
        details={
            "item": item.pk,
            "status": status,
            "held": held,
            "sensitive_words": words,
            "followed": followed,
        },
    )
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, by: User) -> Comment:
    """The author takes back their comment (before the office has responded to it)."""
    require(
        by, "participation.withdraw_comment", comment, message=_("You can only withdraw your own comments.")
    )
    current = _lock(Comment, comment)
    if current.author_id != by.pk:
        raise PermissionDenied(_("You can only withdraw your own comments."))
    if current.status in (CommentStatus.WITHDRAWN, CommentStatus.REJECTED):
        raise ParticipationError(_("This comment is no longer shown."))
    if Response.objects.filter(comment=current).exists():
        raise ParticipationError(_("The office has responded to this comment; it stays on the record."))
    before = current.status
    current.status = CommentStatus.WITHDRAWN
    current.held_reason = HeldReason.NONE
    _clean(current)
    current.save(update_fields=["status", "held_reason", "updated_at"])
    _history(
        comment=current,
        kind=ModerationActionKind.WITHDRAWN,
        from_status=before,
        to_status=current.status,
        by=by,
    )
    audit_record(actor=by, verb=AuditVerb.COMMENT_WITHDRAW, obj=current, details={"from": before})
    return current


@transaction.atomic
def comment_flag(*, comment: Comment, by: User, reason: str = "") -> Flag:
    """Flag a published comment as breaking the rules; once per person. When the unreviewed flags reach the
    plan's threshold (default 3) the comment is hidden until a moderator decides."""
    require(by, "participation.flag_comment", comment, message=_("You cannot flag your own comment."))
    current = _lock(Comment, comment)
    if current.author_id == by.pk:
        raise PermissionDenied(_("You cannot flag your own comment."))
    if Flag.objects.filter(comment=current, user=by).exists():
        raise ParticipationError(_("You have already flagged this comment."))
    if current.status in (CommentStatus.PENDING, CommentStatus.HIDDEN):
        raise ParticipationError(_("This comment is already waiting for a moderator."))
    if current.status != CommentStatus.PUBLISHED:
        raise ParticipationError(_("This comment is no longer shown."))
    reason = _text(reason, field="reason", limit=MAX_FLAG_REASON_LENGTH, required=False)
    flag = Flag(comment=current, user=by, reason=reason)
    _clean(flag, validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ParticipationError(_("You have already flagged this comment.")) from None
    threshold = _window_settings(current.plan_id, Phase.CONSULTATION).flag_threshold
    open_flags = Flag.objects.filter(comment=current, reviewed_at__isnull=True).count()
    hidden = open_flags >= threshold
    if hidden:
        current.status = CommentStatus.HIDDEN
        current.held_reason = HeldReason.FLAGS
        _clean(current)
        current.save(update_fields=["status", "held_reason", "updated_at"])
        _history(
            comment=current,
            kind=ModerationActionKind.HIDDEN_BY_FLAGS,
            from_status=CommentStatus.PUBLISHED,
            to_status=CommentStatus.HIDDEN,
            note=_("%(count)d flags") % {"count": open_flags},
        )
    audit_record(
        actor=by,
        verb=AuditVerb.COMMENT_FLAG,
        obj=current,
        details={"open_flags": open_flags, "hidden": hidden},
    )
    return flag


_DECISIONS: dict[str, tuple[str, str, str]] = {
    # decision: (to status, held reason, history kind); the states each is allowed from: MODERATION_FLOW
    Decision.PUBLISH: (
        CommentStatus.PUBLISHED,
        HeldReason.NONE,
        ModerationActionKind.PUBLISHED,
    ),
    Decision.REJECT: (
        CommentStatus.REJECTED,
        HeldReason.NONE,
        ModerationActionKind.REJECTED,
    ),
    Decision.HIDE: (
        CommentStatus.HIDDEN,
        HeldReason.MODERATOR,
        ModerationActionKind.HIDDEN,
    ),
}


@transaction.atomic
def comment_moderate(*, comment: Comment, by: User, decision: str, note: str = "") -> Comment:
    """A moderator publishes a held or hidden comment, rejects one, or hides a published one. The decision
    settles the flags so far (they no longer count towards hiding it again) and goes into the history;
    a rejected comment's author is told, with the note."""
    require(by, "participation.moderate_comment", comment)  # MODERATION_FLOW's rule for every decision
    if decision not in _DECISIONS:
        raise ParticipationError({"decision": [_("Choose publish, reject or hide.")]})
    to_status, held, kind = _DECISIONS[decision]
    current = _lock(Comment, comment, "item")
    if not MODERATION_FLOW[decision].state_allows(by, current):
        raise ParticipationError(
            _("This comment is %(status)s; it cannot be given that decision.")
            % {"status": current.get_status_display().lower()}
        )
    note = _text(note, field="note", limit=MAX_NOTE_LENGTH, required=False)
    before = current.status
    current.status = to_status
    current.held_reason = held
    _clean(current)
    current.save(update_fields=["status", "held_reason", "updated_at"])
    Flag.objects.filter(comment=current, reviewed_at__isnull=True).update(reviewed_at=timezone.now())
    _history(comment=current, kind=kind, from_status=before, to_status=to_status, by=by, note=note)
    audit_record(
        actor=by, verb=AuditVerb.COMMENT_MODERATE, obj=current, details={"decision": decision, "from": before}
    )
    if decision == Decision.REJECT:
        item = current.item

        def message() -> str:
            text = _("Your comment on %(item)s was not published.") % {"item": item_label(item)}
            if note:
                text += " " + _("The moderator's note: %(note)s") % {"note": note}
            return text

        notify(
            _just(current.author_id),
            kind=NotificationKind.COMMENT_REJECTED,
            message=message,
            url=_item_link(item.pk),
            item_id=item.pk,
        )
    return current


@transaction.atomic
def comment_respond(
    *, comment: Comment, by: User, kind: str, text: str = "", revision: ItemRevision | None = None
) -> Response:
    """The office's official response to a published comment: adopted, partly adopted, not adopted (the
    reason is required) or answered (the answer is required). ``revision`` points at the change to the item
    the comment caused. Responding again replaces the response. The author hears of it while they follow
    the item."""
    require(by, "participation.respond_comment", comment)
    current = _lock(Comment, comment, "item")
    if current.status != CommentStatus.PUBLISHED:
        raise ParticipationError(_("Only a published comment gets a response; moderate it first."))
    if kind not in ResponseKind.values:
        raise ParticipationError({"kind": [_("Choose adopted, partly adopted, not adopted or answered.")]})
    empty = {
        str(ResponseKind.NOT_ADOPTED): _("Give the reason the comment is not adopted."),
        str(ResponseKind.ANSWERED): _("Write the answer."),
    }.get(kind)
    text = _text(text, field="text", limit=MAX_TEXT_LENGTH, required=empty is not None, empty_message=empty)
    if revision is not None and revision.item_id != current.item_id:
        raise ParticipationError({"revision": [_("That change was made to another item.")]})
    response = Response.objects.select_for_update().filter(comment=current).first()
    created = response is None
    if response is None:
        response = Response(comment=current, created_by=by)
    before = (
        None if created else {"kind": response.kind, "text": response.text, "revision": response.revision_id}
    )
    response.kind = kind
    response.text = text
    response.revision = revision
    _clean(response)
    response.save()
    audit_record(
        actor=by,
        verb=AuditVerb.COMMENT_RESPOND,
        obj=response,
        details={"comment": current.pk, "kind": kind, "revision": revision and revision.pk, "before": before},
    )
    item = current.item
    label = response.get_kind_display

    def message() -> str:
        return _("The office responded to your comment on %(item)s: %(kind)s.") % {
            "item": item_label(item),
            "kind": label(),
        } + (("\n\n" + text) if text else "")

    notify(
        _users_following(item.pk, [current.author_id]),
        kind=NotificationKind.RESPONSE_POSTED,
        message=message,
        url=_item_link(item.pk, f"?comment={current.pk}#comment-{current.pk}"),
        item_id=item.pk,
    )
    return response
