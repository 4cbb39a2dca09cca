"""Writes for participation (docs/participation.md). Every function runs in one transaction, checks permission
through rules, validates, records an audit event (minsheng.accounts.services.audit_record) and sends
notifications after the commit.

Errors, for the views to show:

- ``ParticipationError`` (a ValidationError subclass): bad input, a closed window, a rate limit, a step that
  is not allowed now. Its ``messages`` are for the user (``message_dict`` maps fields to messages where a
  field is to blame). Nothing was stored.
- ``PermissionDenied`` (django.core.exceptions): the user may not do this; ``str(error)`` says why.

``ip`` is the client's address as the view sees it (``request.META["REMOTE_ADDR"]``, or the first address
a trusted proxy reports); it feeds the per-address rate limits and is kept on the row for moderators.
Rate limits count stored rows (``created_at``), so they hold without a cache and across processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record, user_create
from minsheng.participation.models import (
    MAX_NOTE_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Comment,
    CommentStatus,
    EmailConfirmation,
    Flag,
    Follow,
    HeldReason,
    ModerationAction,
    ModerationActionKind,
    ModerationMode,
    Notification,
    NotificationKind,
    Participant,
    Phase,
    Response,
    ResponseKind,
    SensitiveWord,
    Suggestion,
    SuggestionStatus,
    Support,
    Window,
)
from minsheng.participation.text import TextProblem, clean_user_text, sensitive_matches
from minsheng.plans.models import Action, Item, ItemRevision, Plan, PlanVersion

logger = logging.getLogger(__name__)

# Registration and confirmation mails per network address / account, per hour (override in settings).
DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR = 5
DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR = 3
EMAIL_CONFIRMATION_HOURS = 72
MAX_FLAG_REASON_LENGTH = 200
MAX_COST = Decimal(10) ** 13  # yuan: ten trillion is not a rough cost of a local project


class ParticipationError(ValidationError):
    """Bad input or a step not allowed now; the message is for the user; nothing was stored."""


# --- helpers ---------------------------------------------------------------------------------------------


def _signed_in(by: Any) -> bool:
    return bool(by is not None and by.is_authenticated and by.is_active)


def _require(by: Any, perm: str, obj: object = None, *, message: str | None = None) -> None:
    """PermissionDenied unless ``by`` holds ``perm`` on ``obj``; anonymous users are asked to sign in."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if not by.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


def _clean(obj: models.Model, **kwargs: Any) -> None:
    """full_clean, turning its errors into a ParticipationError (same messages, same fields)."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        if isinstance(exc, ParticipationError):
            raise
        raise ParticipationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _text(
    value: Any, *, field: str, limit: int, required: bool = True, empty_message: str | None = None
) -> str:
    try:
        return clean_user_text(value, limit=limit, required=required, empty_message=empty_message)
    except TextProblem as exc:
        raise ParticipationError({field: [str(exc)]}) from None


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _lock(model: type[models.Model], obj: models.Model, *related: str) -> Any:
    qs = model.objects.select_for_update()
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


def _history(
    *,
    kind: str,
    to_status: str,
    from_status: str = "",
    by: User | None = None,
    note: str = "",
    comment: Comment | None = None,
    suggestion: Suggestion | None = None,
) -> ModerationAction:
    action = ModerationAction(
        comment=comment,
        suggestion=suggestion,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        by=by if by is not None and by.is_authenticated else None,
        note=note,
    )
    _clean(action)
    action.save()
    return action


def _current_item(item: Item) -> Item:
    fresh = Item.objects.select_related("plan").filter(pk=item.pk).first()
    if fresh is None or fresh.removed_in_id is not None:
        raise ParticipationError(_("This item is no longer in the plan."))
    return fresh


def _open_window(*, plan: Plan, phase: str) -> Window:
    """The plan's window for ``phase``, locked (so that rate limits count one post at a time), if the plan is
    at that stage and the window is open now; else a ParticipationError saying when it opens or closed."""
    plan_status = Plan.objects.values_list("status", flat=True).get(pk=plan.pk)
    window = Window.objects.select_for_update().filter(plan_id=plan.pk, phase=phase).first()
    if window is None or plan_status != phase:
        if phase == Phase.SOLICITATION:
            raise ParticipationError(_("This plan is not collecting suggestions."))
        raise ParticipationError(_("This plan is not open for comment."))
    now = timezone.now()
    if now < window.opens_at:
        raise ParticipationError(_("This opens on %(when)s.") % {"when": _when(window.opens_at)})
    if now >= window.closes_at:
        raise ParticipationError(_("This closed on %(when)s.") % {"when": _when(window.closes_at)})
    return window


def _rate_check(*, rows: QuerySet, window: Window, by: User, ip: str | None) -> None:
    """Refuse when ``by`` or ``ip`` already made as many rows as the window allows in its period."""
    now = timezone.now()
    since = now - dt.timedelta(minutes=window.user_limit_minutes)
    if rows.filter(author=by, created_at__gte=since).count() >= window.user_limit:
        raise ParticipationError(
            _("You are posting too often: at most %(count)d in %(minutes)d minutes. Please try again later.")
            % {"count": window.user_limit, "minutes": window.user_limit_minutes}
        )
    if ip:
        since = now - dt.timedelta(minutes=window.ip_limit_minutes)
        if rows.filter(ip=ip, created_at__gte=since).count() >= window.ip_limit:
            raise ParticipationError(
                _(
                    "Too many posts from your network address: at most %(count)d in %(minutes)d minutes. "
                    "Please try again later."
                )
                % {"count": window.ip_limit, "minutes": window.ip_limit_minutes}
            )


def _sensitive_words(plan: Plan) -> list[str]:
    return list(
        SensitiveWord.objects.filter(models.Q(plan__isnull=True) | models.Q(plan_id=plan.pk))
        .order_by("word")
        .values_list("word", flat=True)
        .distinct()
    )


def _window_settings(plan_id: int, phase: str) -> Window:
    """The plan's window for ``phase``, or an unsaved one with the defaults."""
    return Window.objects.filter(plan_id=plan_id, phase=phase).first() or Window(plan_id=plan_id, phase=phase)


# --- notifications ---------------------------------------------------------------------------------------


def _link(name: str, *args: Any, fragment: str = "") -> str:
    try:
        return reverse(name, args=args) + fragment
    except NoReverseMatch:
        return ""


def _item_link(item_id: int, fragment: str = "") -> str:
    return _link("participation:item", item_id, fragment=fragment) or _link(
        "portal:item", item_id, fragment=fragment
    )


def _in_site_language(build: Callable[[], str]) -> str:
    """Notifications are stored and mailed in the site's language (settings.LANGUAGE_CODE)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return build()


def _item_label(item: Item) -> str:
    title = item.title or (item.text[:30] + ("…" if len(item.text) > 30 else ""))
    return _("item %(no)d “%(title)s”") % {"no": item.no, "title": title}


def _confirmed_address(user: User) -> str:
    """Where mail to ``user`` may go: a public account's confirmed address; an address the office set."""
    if not user.email or not user.is_active:
        return ""
    try:
        participant = user.participant
    except Participant.DoesNotExist:
        return user.email
    return user.email if participant.email_confirmed and participant.email_confirmed == user.email else ""


def _mail(messages: Sequence[EmailMessage]) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(list(messages))
    except Exception:  # a mail server that is down must not undo the write that caused the mail
        logger.exception("could not send %d participation emails", len(messages))


def _deliver(notifications: Sequence[Notification]) -> None:
    """Mail the notifications to confirmed addresses (EMAIL_BACKEND: the console by default)."""
    site = getattr(django_settings, "MINSHENG_SITE_URL", "").rstrip("/")
    messages = []
    for notification in notifications:
        address = _confirmed_address(notification.user)
        if not address:
            continue
        subject = _in_site_language(
            lambda n=notification: _("[Livelihood pledges] %(kind)s") % {"kind": n.get_kind_display()}
        )
        body = notification.message
        if notification.url:
            body += "\n\n" + (site + notification.url if site else notification.url)
        messages.append(EmailMessage(subject=subject, body=body, to=[address]))
    _mail(messages)


def _notify_on_commit(
    recipients: Callable[[], Iterable[User]],
    *,
    kind: str,
    message: Callable[[], str],
    url: str = "",
    item_id: int | None = None,
) -> None:
    """After the write commits: notify the recipients in-app and by email."""

    def send() -> None:
        text = _in_site_language(message)
        with transaction.atomic():
            created = []
            for user in {u.pk: u for u in recipients()}.values():
                notification = Notification(
                    user=user, kind=kind, message=text, url=url[:300], item_id=item_id
                )
                _clean(notification, validate_constraints=False)
                notification.save()
                created.append(notification)
        _deliver(created)

    transaction.on_commit(send)


def people_notify(
    recipients: Callable[[], Iterable[User]], *, kind: str, message: Callable[[], str], url: str = ""
) -> None:
    """After the current write commits, notify people in-app (their notifications page) and by email to a
    confirmed address. Other apps use this: the vote and the rating tell the deputies they are open."""
    _notify_on_commit(recipients, kind=kind, message=message, url=url)


def _users_following(item_id: int, user_ids: Iterable[int | None]) -> Callable[[], list[User]]:
    ids = [i for i in user_ids if i]

    def users() -> list[User]:
        return list(
            User.objects.filter(pk__in=ids, is_active=True, follows__item_id=item_id)
            .select_related("participant")
            .distinct()
        )

    return users


def _just(user_id: int | None) -> Callable[[], list[User]]:
    def users() -> list[User]:
        if not user_id:
            return []
        return list(User.objects.filter(pk=user_id, is_active=True).select_related("participant"))

    return users


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's participation notifications (those in ``ids``, or all) read; returns how many."""
    _require(user, "participation.view_notifications")
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(
            actor=user, verb="participation_notifications_mark_read", obj=user, details={"count": count}
        )
    return count


@transaction.atomic
def item_changes_notify(*, version: PlanVersion, by: User | None = None) -> int:
    """Tell the followers of every item that ``version`` changed, renumbered or removed (in-app, and by mail
    after the commit). Idempotent: calling it again for the same version notifies no one twice. Returns the
    number of notifications created. Called, after the commit, for every ``plan_version_created`` that
    plans sends (see :mod:`minsheng.plans.signals` and this app's ``ready()``)."""
    revisions = list(
        ItemRevision.objects.filter(version=version)
        .exclude(kind=ItemRevision.Kind.ADDED)
        .select_related("item", "version")
    )
    by_item = {revision.item_id: revision for revision in revisions}
    follows = list(
        Follow.objects.filter(item_id__in=list(by_item), user__is_active=True).select_related(
            "user__participant"
        )
    )
    keys = {f.pk: f"item_changed:v{version.pk}:item{f.item_id}" for f in follows}
    already = set(
        Notification.objects.filter(
            user_id__in={f.user_id for f in follows}, dedupe_key__in=set(keys.values())
        ).values_list("user_id", "dedupe_key")
    )

    def message(revision: ItemRevision) -> str:
        item = revision.item
        values = {"item": _item_label(item), "version": version.number, "no": revision.no}
        if revision.kind == ItemRevision.Kind.REMOVED:
            return _("%(item)s, which you follow, was removed from the plan in version %(version)d.") % values
        if revision.kind == ItemRevision.Kind.RENUMBERED:
            return (
                _("%(item)s, which you follow, is now number %(no)d (version %(version)d of the plan).")
                % values
            )
        return _("%(item)s, which you follow, changed in version %(version)d of the plan.") % values

    created = []
    for follow in follows:
        key = keys[follow.pk]
        if (follow.user_id, key) in already:
            continue
        revision = by_item[follow.item_id]
        notification = Notification(
            user=follow.user,
            kind=NotificationKind.ITEM_CHANGED,
            message=_in_site_language(lambda r=revision: message(r)),
            url=_item_link(follow.item_id, "#changes")[:300],
            item_id=follow.item_id,
            dedupe_key=key,
        )
        _clean(notification, validate_constraints=False)
        created.append(notification)
    Notification.objects.bulk_create(created)
    audit_record(
        actor=by,
        verb="item_changes_notify",
        obj=version,
        details={"items": sorted(by_item), "notified": len(created)},
    )
    if created:
        transaction.on_commit(lambda: _deliver(created))
    return len(created)


# --- windows and sensitive words (the office) -----------------------------------------------------------


@transaction.atomic
def window_set(
    *,
    plan: Plan,
    phase: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    by: User,
    moderation: str = ModerationMode.POST,
    flag_threshold: int = 3,
    max_length: int = 1000,
    user_limit: int = 5,
    user_limit_minutes: int = 10,
    ip_limit: int = 20,
    ip_limit_minutes: int = 60,
) -> Window:
    """Create or change the plan's window for ``phase`` (solicitation or consultation) and its rules."""
    _require(by, "participation.change_window", plan)
    for name, moment in (("opens_at", opens_at), ("closes_at", closes_at)):
        if isinstance(moment, dt.datetime) and timezone.is_naive(moment):
            raise ParticipationError({name: [_("Give a time with its time zone.")]})
    window = Window.objects.select_for_update().filter(plan=plan, phase=phase).first()
    created = window is None
    if window is None:
        window = Window(plan=plan, phase=phase)
    values = {
        "opens_at": opens_at,
        "closes_at": closes_at,
        "moderation": moderation,
        "flag_threshold": flag_threshold,
        "max_length": max_length,
        "user_limit": user_limit,
        "user_limit_minutes": user_limit_minutes,
        "ip_limit": ip_limit,
        "ip_limit_minutes": ip_limit_minutes,
    }
    for key, value in values.items():
        setattr(window, key, value)
    _clean(window)
    window.save()
    audit_record(
        actor=by,
        verb="window_set",
        obj=window,
        details={"created": created, "phase": phase, **{k: str(v) for k, v in values.items()}},
    )
    return window


@transaction.atomic
def sensitive_word_add(*, word: str, by: User, plan: Plan | None = None) -> SensitiveWord:
    """Add a word or phrase that holds comments for review (for one plan, or all when ``plan`` is None)."""
    _require(by, "participation.change_sensitiveword", plan)
    word = _text(word, field="word", limit=50, empty_message=_("Give the word or phrase."))
    exists = SensitiveWord.objects.filter(word=word, plan=plan)
    if exists.exists():
        raise ParticipationError({"word": [_("“%(word)s” is already on the list.") % {"word": word}]})
    entry = SensitiveWord(word=word, plan=plan)
    _clean(entry)
    entry.save()
    audit_record(
        actor=by, verb="sensitive_word_add", obj=entry, details={"word": word, "plan": plan and plan.pk}
    )
    return entry


@transaction.atomic
def sensitive_word_remove(*, sensitive_word: SensitiveWord, by: User) -> None:
    _require(by, "participation.change_sensitiveword", sensitive_word.plan)
    audit_record(
        actor=by,
        verb="sensitive_word_remove",
        obj=sensitive_word,
        details={"word": sensitive_word.word, "plan": sensitive_word.plan_id},
    )
    sensitive_word.delete()


# --- accounts ------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email_confirmation_create(*, user: User, email: str) -> EmailConfirmation:
    token = secrets.token_urlsafe(32)
    confirmation = EmailConfirmation(user=user, email=email, token_hash=_token_hash(token))
    _clean(confirmation)
    confirmation.save()

    def send() -> None:
        site = getattr(django_settings, "MINSHENG_SITE_URL", "").rstrip("/")
        link = _link("participation:email_confirm", token)

        def body() -> str:
            text = _(
                "Confirm your email address for %(username)s by opening this link within %(hours)d hours:"
            ) % {"username": user.get_username(), "hours": EMAIL_CONFIRMATION_HOURS}
            text += "\n\n" + ((site + link if site else link) if link else token)
            if link:
                text += "\n\n" + _("Your confirmation code: %(token)s") % {"token": token}
            text += "\n\n" + _("If you did not register, ignore this email.")
            return text

        subject = _in_site_language(lambda: _("[Livelihood pledges] Confirm your email address"))
        _mail([EmailMessage(subject=subject, body=_in_site_language(body), to=[email])])

    transaction.on_commit(send)
    return confirmation


def _registrations_per_hour() -> int:
    return int(
        getattr(
            django_settings, "MINSHENG_REGISTRATIONS_PER_IP_PER_HOUR", DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR
        )
    )


@transaction.atomic
def account_register(
    *, username: str, password: str, ip: str | None, phone: str = "", email: str = "", by: Any = None
) -> User:
    """Register a public account, active at once; an email address given is confirmed through a link mailed
    after the commit (EMAIL_BACKEND: the console by default). ``by`` is the requesting user (anonymous).

    Refused: a signed-in requester, a taken user name (in any letter case), a password Django's validators
    reject, a bad phone or address, and more than MINSHENG_REGISTRATIONS_PER_IP_PER_HOUR (default 5)
    registrations from one address in an hour."""
    if by is not None and by.is_authenticated:
        raise PermissionDenied(_("You are already signed in."))
    username = (username or "").strip()
    email = User.objects.normalize_email((email or "").strip())
    phone = (phone or "").strip()
    if not username:
        raise ParticipationError({"username": [_("Choose a user name.")]})
    if ip:
        since = timezone.now() - dt.timedelta(hours=1)
        if (
            Participant.objects.filter(registered_ip=ip, created_at__gte=since).count()
            >= _registrations_per_hour()
        ):
            raise ParticipationError(
                _(
                    "Too many accounts were registered from your network address in the last hour. Please try later."
                )
            )
    if User.objects.filter(username__iexact=username).exists():
        raise ParticipationError({"username": [_("This user name is taken; choose another.")]})
    try:
        validate_password(password or "", user=User(username=username, email=email))
    except ValidationError as exc:
        raise ParticipationError({"password": exc.messages}) from None
    participant = Participant(phone=phone, registered_ip=ip)
    try:
        participant.clean_fields(exclude=["user"])
    except ValidationError as exc:
        raise ParticipationError(exc.message_dict) from None
    try:
        user = user_create(username=username, password=password, role=User.Role.PUBLIC, email=email)
    except ValidationError as exc:
        raise ParticipationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    participant.user = user
    _clean(participant)
    participant.save()
    audit_record(
        actor=user, verb="account_register", obj=user, details={"email": bool(email), "phone": bool(phone)}
    )
    if email:
        _email_confirmation_create(user=user, email=email)
    return user


@transaction.atomic
def email_confirmation_send(*, user: User) -> EmailConfirmation:
    """Send (again) a confirmation link for the user's current address; at most 3 an hour."""
    _require(user, "participation.confirm_email")
    if not user.email:
        raise ParticipationError(_("Your account has no email address to confirm."))
    participant, _created = Participant.objects.get_or_create(user=user)
    if participant.email_confirmed and participant.email_confirmed == user.email:
        raise ParticipationError(_("Your email address is already confirmed."))
    since = timezone.now() - dt.timedelta(hours=1)
    limit = int(
        getattr(
            django_settings,
            "MINSHENG_CONFIRMATIONS_PER_USER_PER_HOUR",
            DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR,
        )
    )
    if EmailConfirmation.objects.filter(user=user, created_at__gte=since).count() >= limit:
        raise ParticipationError(
            _("A confirmation email was sent recently; check your inbox or try again later.")
        )
    confirmation = _email_confirmation_create(user=user, email=user.email)
    audit_record(actor=user, verb="email_confirmation_send", obj=confirmation, details={})
    return confirmation


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Confirm the address a mailed token was sent to. Refused: an unknown, used or expired token, or one for
    an address the account no longer uses."""
    token = (token or "").strip()
    confirmation = (
        EmailConfirmation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
        if token
        else None
    )
    if confirmation is None:
        raise ParticipationError(_("This confirmation link is not valid."))
    if confirmation.confirmed_at is not None:
        raise ParticipationError(_("This confirmation link was already used."))
    if timezone.now() - confirmation.created_at > dt.timedelta(hours=EMAIL_CONFIRMATION_HOURS):
        raise ParticipationError(_("This confirmation link has expired; ask for a new one."))
    user = confirmation.user
    if user.email != confirmation.email:
        raise ParticipationError(_("This link is for an address your account no longer uses."))
    now = timezone.now()
    confirmation.confirmed_at = now
    _clean(confirmation)
    confirmation.save(update_fields=["confirmed_at"])
    participant, _created = Participant.objects.get_or_create(user=user)
    participant.email_confirmed = confirmation.email
    participant.email_confirmed_at = now
    _clean(participant)
    participant.save(update_fields=["email_confirmed", "email_confirmed_at"])
    audit_record(actor=user, verb="email_confirm", obj=user, details={"confirmation": confirmation.pk})
    return user


# --- suggestions (征集) ----------------------------------------------------------------------------------


def _cost(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]}) from None
    if not number.is_finite():
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]})
    if number < 0:
        raise ParticipationError({"cost": [_("The cost cannot be negative.")]})
    if number >= MAX_COST:
        raise ParticipationError({"cost": [_("The cost is too large.")]})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def suggestion_submit(
    *,
    plan: Plan,
    by: User,
    title: str,
    content: str,
    reason: str,
    ip: str | None,
    place: str = "",
    cost: Any = None,
    action: Action | None = None,
) -> Suggestion:
    """Suggest a project while the plan collects suggestions: name, what should be done, why, and optionally
    the place, a rough cost in yuan and the action it fits."""
    _require(by, "participation.add_suggestion", plan, message=_("Your account cannot make suggestions."))
    window = _open_window(plan=plan, phase=Phase.SOLICITATION)
    limit = window.max_length
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, value, field_limit, required, empty in (
        ("title", title, MAX_TITLE_LENGTH, True, _("Give the project a name.")),
        ("content", content, limit, True, _("Say what should be done.")),
        ("reason", reason, limit, True, _("Say why it is needed.")),
        ("place", place, MAX_PLACE_LENGTH, False, None),
    ):
        try:
            values[field] = clean_user_text(value, limit=field_limit, required=required, empty_message=empty)
        except TextProblem as exc:
            errors[field] = [str(exc)]
    try:
        values["cost"] = _cost(cost)
    except ParticipationError as exc:
        errors.update(exc.message_dict)
    if action is not None and (action.plan_id != plan.pk or action.removed_in_id is not None):
        errors["action"] = [_("Choose one of this plan's actions.")]
    if errors:
        raise ParticipationError(errors)
    _rate_check(rows=Suggestion.objects.filter(plan=plan), window=window, by=by, ip=ip)
    words = sensitive_matches(
        " ".join([values["title"], values["content"], values["reason"], values["place"]]),
        _sensitive_words(plan),
    )
    suggestion = Suggestion(plan=plan, author=by, ip=ip, action=action, matched_words=words, **values)
    _clean(suggestion)
    suggestion.save()
    audit_record(
        actor=by,
        verb="suggestion_submit",
        obj=suggestion,
        details={"plan": plan.pk, "sensitive_words": words},
    )
    return suggestion


def _screenable(suggestion: Suggestion, by: User) -> Suggestion:
    _require(by, "participation.screen_suggestion", suggestion)
    current = _lock(Suggestion, suggestion)
    if current.status != SuggestionStatus.SUBMITTED:
        raise ParticipationError(
            _("This suggestion was already screened (%(status)s).") % {"status": current.get_status_display()}
        )
    return current


def _screened(
    suggestion: Suggestion, *, by: User, status: str, kind: str, note: str, message: Callable[[], str]
) -> Suggestion:
    suggestion.status = status
    suggestion.outcome_reason = note
    suggestion.screened_at = timezone.now()
    suggestion.screened_by = by
    _clean(suggestion)
    suggestion.save()
    _history(
        suggestion=suggestion,
        kind=kind,
        from_status=SuggestionStatus.SUBMITTED,
        to_status=status,
        by=by,
        note=note,
    )
    audit_record(
        actor=by,
        verb=f"suggestion_{kind}",
        obj=suggestion,
        details={"merged_into": suggestion.merged_into_id, "withheld": suggestion.withheld},
    )
    _notify_on_commit(
        _just(suggestion.author_id),
        kind=NotificationKind.SUGGESTION_SCREENED,
        message=message,
        url=_link("participation:suggestion", suggestion.pk),
    )
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, by: User, note: str = "") -> Suggestion:
    """Accept a suggestion as a candidate item of the draft (linked to the item once the draft is imported)."""
    current = _screenable(suggestion, by)
    note = _text(note, field="note", limit=MAX_NOTE_LENGTH, required=False)
    title = current.title
    return _screened(
        current,
        by=by,
        status=SuggestionStatus.ACCEPTED,
        kind=ModerationActionKind.ACCEPTED,
        note=note,
        message=lambda: (
            _("Your suggestion “%(title)s” was accepted as a candidate item of the draft.") % {"title": title}
        ),
    )


@transaction.atomic
def suggestion_merge(*, suggestion: Suggestion, into: Suggestion, by: User, note: str = "") -> Suggestion:
    """Merge a duplicate into a similar suggestion of the same plan; suggestions merged into this one move
    along to ``into``. The merged count shows on ``into``."""
    current = _screenable(suggestion, by)
    target = Suggestion.objects.select_for_update().filter(pk=into.pk).first()
    if target is None or target.pk == current.pk:
        raise ParticipationError({"merged_into": [_("Choose another suggestion to merge into.")]})
    if target.plan_id != current.plan_id:
        raise ParticipationError({"merged_into": [_("That suggestion was made for another plan.")]})
    if target.status == SuggestionStatus.MERGED:
        raise ParticipationError(
            {"merged_into": [_("That suggestion was itself merged; merge into the one it was merged into.")]}
        )
    note = _text(note, field="note", limit=MAX_NOTE_LENGTH, required=False)
    moved = list(Suggestion.objects.filter(merged_into=current).values_list("pk", flat=True))
    Suggestion.objects.filter(pk__in=moved).update(merged_into=target)
    current.merged_into = target
    title, target_title = current.title, target.title
    result = _screened(
        current,
        by=by,
        status=SuggestionStatus.MERGED,
        kind=ModerationActionKind.MERGED,
        note=note,
        message=lambda: (
            _("Your suggestion “%(title)s” was merged into a similar one: “%(other)s”.")
            % {"title": title, "other": target_title}
        ),
    )
    if moved:
        audit_record(actor=by, verb="suggestion_merge_moved", obj=target, details={"moved": moved})
    return result


@transaction.atomic
def suggestion_decline(
    *, suggestion: Suggestion, by: User, reason: str, withhold: bool = False
) -> Suggestion:
    """Decline a suggestion with a reason the submitter and the public see. ``withhold`` keeps an abusive
    suggestion (or one giving personal details) off the public list; its author still sees the outcome."""
    current = _screenable(suggestion, by)
    reason = _text(
        reason, field="reason", limit=MAX_NOTE_LENGTH, empty_message=_("Give the reason it is declined.")
    )
    current.withheld = bool(withhold)
    title = current.title
    return _screened(
        current,
        by=by,
        status=SuggestionStatus.DECLINED,
        kind=ModerationActionKind.DECLINED,
        note=reason,
        message=lambda: (
            _("Your suggestion “%(title)s” was declined: %(reason)s") % {"title": title, "reason": reason}
        ),
    )


@transaction.atomic
def suggestion_item_link(*, suggestion: Suggestion, item: Item | None, by: User) -> Suggestion:
    """Record which item of the imported draft an accepted suggestion became (None to undo)."""
    _require(by, "participation.screen_suggestion", suggestion)
    current = _lock(Suggestion, suggestion)
    if current.status != SuggestionStatus.ACCEPTED:
        raise ParticipationError(_("Only an accepted suggestion becomes an item."))
    if item is not None:
        item = _current_item(item)
        if item.plan_id != current.plan_id:
            raise ParticipationError({"item": [_("That item belongs to another plan.")]})
    before = current.item_id
    current.item = item
    _clean(current)
    current.save(update_fields=["item"])
    _history(
        suggestion=current,
        kind=ModerationActionKind.LINKED,
        from_status=current.status,
        to_status=current.status,
        by=by,
        note=_item_label(item) if item else "",
    )
    audit_record(
        actor=by, verb="suggestion_item_link", obj=current, details={"from": before, "to": item and item.pk}
    )
    if item is not None and before != item.pk:
        title = current.title
        _notify_on_commit(
            _just(current.author_id),
            kind=NotificationKind.SUGGESTION_LINKED,
            message=lambda: (
                _("Your suggestion “%(title)s” is in the draft as %(item)s.")
                % {"title": title, "item": _item_label(item)}
            ),
            url=_item_link(item.pk),
            item_id=item.pk,
        )
    return current


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
    _require(by, "participation.add_comment", item, message=_("Your account cannot comment."))
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
        verb="comment_submit",
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
    _require(
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
    audit_record(actor=by, verb="comment_withdraw", obj=current, details={"from": before})
    return current


@transaction.atomic
def comment_flag(*, comment: Comment, by: User, reason: str = "") -> Flag:
    """Flag a published comment as breaking the rules; once per person. When the unreviewed flags reach the
    plan's threshold (default 3) the comment is hidden until a moderator decides."""
    _require(by, "participation.flag_comment", comment, message=_("You cannot flag your own comment."))
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
        actor=by, verb="comment_flag", obj=current, details={"open_flags": open_flags, "hidden": hidden}
    )
    return flag


class Decision(models.TextChoices):
    """What a moderator does with a comment. (Lazy labels: a class body runs once, at import, in whatever
    language is active then; the buttons must follow each request's language.)"""

    PUBLISH = "publish", gettext_lazy("Publish")
    REJECT = "reject", gettext_lazy("Reject")
    HIDE = "hide", gettext_lazy("Hide")


_DECISIONS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    # decision: (from statuses, to status, held reason, history kind)
    Decision.PUBLISH: (
        (CommentStatus.PENDING, CommentStatus.HIDDEN),
        CommentStatus.PUBLISHED,
        HeldReason.NONE,
        ModerationActionKind.PUBLISHED,
    ),
    Decision.REJECT: (
        (CommentStatus.PENDING, CommentStatus.HIDDEN, CommentStatus.PUBLISHED),
        CommentStatus.REJECTED,
        HeldReason.NONE,
        ModerationActionKind.REJECTED,
    ),
    Decision.HIDE: (
        (CommentStatus.PUBLISHED,),
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
    _require(by, "participation.moderate_comment", comment)
    if decision not in _DECISIONS:
        raise ParticipationError({"decision": [_("Choose publish, reject or hide.")]})
    allowed_from, to_status, held, kind = _DECISIONS[decision]
    current = _lock(Comment, comment, "item")
    if current.status not in allowed_from:
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
        actor=by, verb="comment_moderate", obj=current, details={"decision": decision, "from": before}
    )
    if decision == Decision.REJECT:
        item = current.item

        def message() -> str:
            text = _("Your comment on %(item)s was not published.") % {"item": _item_label(item)}
            if note:
                text += " " + _("The moderator's note: %(note)s") % {"note": note}
            return text

        _notify_on_commit(
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
    _require(by, "participation.respond_comment", comment)
    current = _lock(Comment, comment, "item")
    if current.status != CommentStatus.PUBLISHED:
        raise ParticipationError(_("Only a published comment gets a response; moderate it first."))
    if kind not in ResponseKind.values:
        raise ParticipationError({"kind": [_("Choose adopted, partly adopted, not adopted or answered.")]})
    empty = {
        ResponseKind.NOT_ADOPTED: _("Give the reason the comment is not adopted."),
        ResponseKind.ANSWERED: _("Write the answer."),
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
        verb="comment_respond",
        obj=response,
        details={"comment": current.pk, "kind": kind, "revision": revision and revision.pk, "before": before},
    )
    item = current.item
    label = response.get_kind_display

    def message() -> str:
        return _("The office responded to your comment on %(item)s: %(kind)s.") % {
            "item": _item_label(item),
            "kind": label(),
        } + (("\n\n" + text) if text else "")

    _notify_on_commit(
        _users_following(item.pk, [current.author_id]),
        kind=NotificationKind.RESPONSE_POSTED,
        message=message,
        url=_item_link(item.pk, f"#comment-{current.pk}"),
        item_id=item.pk,
    )
    return response


# --- support and following --------------------------------------------------------------------------------


@transaction.atomic
def item_support(*, item: Item, by: User) -> Support:
    """Support an item of the draft while it is open for comment; once per person."""
    _require(by, "participation.support_item", item, message=_("Your account cannot support items."))
    item = _current_item(item)
    _open_window(plan=item.plan, phase=Phase.CONSULTATION)
    if Support.objects.filter(item=item, user=by).exists():
        raise ParticipationError(_("You already support this item."))
    support = Support(item=item, user=by)
    _clean(support, validate_constraints=False)
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError:
        raise ParticipationError(_("You already support this item.")) from None
    audit_record(actor=by, verb="item_support", obj=support, details={"item": item.pk})
    return support


@transaction.atomic
def item_support_withdraw(*, item: Item, by: User) -> None:
    """Take back one's support while the item is open for comment."""
    _require(by, "participation.support_item", item)
    item = _current_item(item)
    _open_window(plan=item.plan, phase=Phase.CONSULTATION)
    support = Support.objects.filter(item=item, user=by).first()
    if support is None:
        raise ParticipationError(_("You do not support this item."))
    audit_record(actor=by, verb="item_support_withdraw", obj=support, details={"item": item.pk})
    support.delete()


@transaction.atomic
def item_follow(*, item: Item, by: User) -> Follow:
    """Follow an item (in any stage of its plan); following twice is the same as once."""
    _require(by, "participation.follow_item", item)
    existing = Follow.objects.filter(item_id=item.pk, user=by).first()
    if existing is not None:
        return existing
    item = _current_item(item)
    follow = Follow(item=item, user=by)
    _clean(follow, validate_constraints=False)
    try:
        with transaction.atomic():
            follow.save()
    except IntegrityError:
        return Follow.objects.get(item=item, user=by)
    audit_record(actor=by, verb="item_follow", obj=follow, details={"item": item.pk})
    return follow


@transaction.atomic
def item_unfollow(*, item: Item, by: User) -> None:
    """Stop following an item; a no-op when not following."""
    _require(by, "participation.follow_item", item)
    follow = Follow.objects.filter(item_id=item.pk, user=by).first()
    if follow is None:
        return
    audit_record(actor=by, verb="item_unfollow", obj=follow, details={"item": item.pk})
    follow.delete()
