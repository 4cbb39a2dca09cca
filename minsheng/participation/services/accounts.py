"""Public accounts: registration (limited per network address and hour), and the confirmation of an
email address by a mailed link (a token stored only as its hash, valid 72 hours). Mail goes only to a
confirmed address (the one rule of minsheng.notifications)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record, user_create
from minsheng.common.services import in_site_language, link, require
from minsheng.notifications.services import mail_send
from minsheng.participation.models import (
    EmailConfirmation,
    Participant,
)
from minsheng.participation.services._core import (
    DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR,
    DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR,
    EMAIL_CONFIRMATION_HOURS,
    ParticipationError,
    _clean,
)

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
        path = link("participation:email_confirm", token)

        def body() -> str:
            text = _(
                "Confirm your email address for %(username)s by opening this link within %(hours)d hours:"
            ) % {"username": user.get_username(), "hours": EMAIL_CONFIRMATION_HOURS}
            text += "\n\n" + ((site + path if site else path) if path else token)
            if path:
                text += "\n\n" + _("Your confirmation code: %(token)s") % {"token": token}
            text += "\n\n" + _("If you did not register, ignore this email.")
            return text

        subject = in_site_language(lambda: _("[Livelihood pledges] Confirm your email address"))
        mail_send([EmailMessage(subject=subject, body=in_site_language(body), to=[email])])

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
        actor=user,
        verb=AuditVerb.ACCOUNT_REGISTER,
        obj=user,
        details={"email": bool(email), "phone": bool(phone)},
    )
    if email:
        _email_confirmation_create(user=user, email=email)
    return user


@transaction.atomic
def email_confirmation_send(*, user: User) -> EmailConfirmation:
    """Send (again) a confirmation link for the user's current address; at most 3 an hour."""
    require(user, "participation.confirm_email")
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
    audit_record(actor=user, verb=AuditVerb.EMAIL_CONFIRMATION_SEND, obj=confirmation, details={})
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
    audit_record(
        actor=user, verb=AuditVerb.EMAIL_CONFIRM, obj=user, details={"confirmation": confirmation.pk}
    )
    return user
