"""A person whose password is an initial one (or who came in by a one-time link) chooses their own before
anything else: every other page sends them to the password page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            open_paths = (
                reverse("accounts:password"),
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
