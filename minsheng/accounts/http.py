"""Request types for the views, so that mypy knows who is asking.

- :class:`SignedInRequest`: the request of a view behind ``login_required``: ``request.user`` is a
  :class:`~minsheng.accounts.models.User` (never anonymous) and ``request.htmx`` is django-htmx's.
- :func:`signed_in_user`: in a view open to visitors, the user a service is called for once the rule has
  passed: a signed-in user, or "sign in first" (:class:`~minsheng.common.web.SignInFirst`).
"""

from __future__ import annotations

from typing import Any

from minsheng.accounts.models import User
from minsheng.common.web import HtmxHttpRequest, SignInFirst


class SignedInRequest(HtmxHttpRequest):
    user: User  # narrower than HttpRequest's: login_required guarantees it


def signed_in_user(request: Any) -> User:
    """``request.user`` when signed in; else "sign in first" (and back to this page)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise SignInFirst("")
    return user
