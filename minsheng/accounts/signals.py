"""At sign-in: when the session began (for its absolute lifetime), and whether a person for whom two factors
are optional has an authenticator (then this session must give the second factor too)."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts.middleware import LAST_SEEN, SIGNED_IN_AT, TWO_FACTOR_OPTED_IN, now_seconds
from minsheng.accounts.rules import two_factor_required


def session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    now = now_seconds()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    if not two_factor_required(user) and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        session[TWO_FACTOR_OPTED_IN] = True
