"""What a signed-in session must do before anything else, in this order (``MIDDLEWARE``):

- :class:`SessionLifetimeMiddleware`: an office or admin session ends after
  ``MINSHENG_OFFICE_IDLE_MINUTES`` without a request and ``MINSHENG_OFFICE_SESSION_HOURS`` after signing in,
  whatever happens in between; everyone else's lasts ``SESSION_COOKIE_AGE`` (Django's own expiry).
- :class:`PasswordFirstMiddleware`: a person whose password is an initial one (or who came in by a one-time
  link) chooses their own before anything else.
- :class:`TwoFactorMiddleware`: a session of the office, of an admin, or of anyone who opted in, that has not
  yet given its second factor, is sent to the verification page (which sends a person with no authenticator
  to enrolment) from every page: the office's pages, the admin, the public pages alike. Only the password
  page of a person who must choose one (the step before) stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.rules import two_factor_required

# Session keys: when the person signed in, when they were last seen (epoch seconds), and whether they
# opted in to two factors (set at sign-in, so that no page asks the database).
SIGNED_IN_AT = "minsheng_signed_in_at"
LAST_SEEN = "minsheng_last_seen"
TWO_FACTOR_OPTED_IN = "minsheng_two_factor"
# The last-seen time is written at most once a minute (not a session write per request).
SEEN_RESOLUTION = 60


def now_seconds() -> float:
    return timezone.now().timestamp()


def two_factor_applies(request: HttpRequest) -> bool:
    user = request.user
    return two_factor_required(user) or bool(request.session.get(TWO_FACTOR_OPTED_IN))


def verification_pending(request: HttpRequest) -> bool:
    """A signed-in session that owes its second factor."""
    user = request.user
    if not user.is_authenticated or not two_factor_applies(request):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and two_factor_required(user):
            now = now_seconds()
            session = request.session
            idle = settings.MINSHENG_OFFICE_IDLE_MINUTES * 60
            lifetime = settings.MINSHENG_OFFICE_SESSION_HOURS * 3600
            started = session.get(SIGNED_IN_AT)
            seen = session.get(LAST_SEEN)
            if started is not None and now - started > lifetime:
                return self._signed_out(
                    request,
                    _("You were signed out %(hours)d hours after signing in. Please sign in again.")
                    % {"hours": settings.MINSHENG_OFFICE_SESSION_HOURS},
                )
            if seen is not None and now - seen > idle:
                return self._signed_out(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": settings.MINSHENG_OFFICE_IDLE_MINUTES},
                )
            if started is None:
                session[SIGNED_IN_AT] = now
            if seen is None or now - seen >= SEEN_RESOLUTION:
                session[LAST_SEEN] = now
                # The cookie goes too, shortly after the server stops accepting it.
                session.set_expiry(idle + SEEN_RESOLUTION)
        return self.get_response(request)

    @staticmethod
    def _signed_out(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "user", None) is not None and verification_pending(request):
            open_paths = (
                reverse("accounts:two_factor"),  # and enrolment below it
                reverse("accounts:logout"),
                reverse("set_language"),
                settings.STATIC_URL,
            )
            first_password = bool(getattr(request.user, "must_change_password", False)) and (
                request.path == reverse("accounts:password")
            )
            if not request.path.startswith(open_paths) and not first_password:
                return redirect(
                    reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()})
                )
        return self.get_response(request)


class PasswordFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            open_paths = (
                reverse("accounts:password"),
                reverse("accounts:two_factor"),
                reverse("accounts:logout"),
                reverse("set_language"),
                settings.STATIC_URL,
            )
            if not request.path.startswith(open_paths):
                return redirect("accounts:password")
        return self.get_response(request)


class AuditTrailMiddleware:
    """Opens the request's audit trail (minsheng.accounts.trail): every change recorded while it runs is
    attributed to the signed-in person, from this address, as a web, admin or API write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from minsheng.accounts.trail import opened

        admin_prefix = reverse("admin:index")
        source = "admin" if request.path.startswith(admin_prefix) else "web"
        if request.path.startswith("/api/"):
            source = "api"
        with opened(
            source=source,
            actor=lambda: getattr(request, "user", None),
            remote_addr=request.META.get("REMOTE_ADDR"),
        ):
            return self.get_response(request)
