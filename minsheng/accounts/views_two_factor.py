"""The two-step pages: the code asked after the password (``/accounts/verify/``), enrolment of an
authenticator with its QR code drawn here (``/accounts/verify/enrol/``, recovery codes shown once), and the
person's own account page (``/accounts/me/``: opt in, new recovery codes, turn off where optional). The
writes are :mod:`minsheng.accounts.services`'s; one office user resetting another's authenticator is a button
on the people page (``people:person_two_factor_reset``)."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts import services
from minsheng.accounts.forms import CodeForm
from minsheng.accounts.http import SignedInRequest
from minsheng.accounts.middleware import TWO_FACTOR_OPTED_IN
from minsheng.accounts.rules import two_factor_required
from minsheng.common.services import link
from minsheng.common.web import BAD_INPUT


def _next(request: SignedInRequest) -> str:
    """Where to go once verified: the page asked for (on this site only), else the person's work."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return link("portal:start") or "/"


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _is_verified(user: object) -> bool:
    """Whether this session gave its second factor (django-otp's middleware adds ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def _has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _verified(request: SignedInRequest, device) -> None:
    """The session has given its second factor: remember the device (as django_otp.login does) under a new
    session key."""
    django_otp.login(request, device)
    request.session.cycle_key()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def verify(request: SignedInRequest) -> HttpResponse:
    user = request.user
    next_url = _next(request)
    if _is_verified(user):
        return redirect(next_url)
    if not _has_authenticator(user):
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    status = 200
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        status = BAD_INPUT
        if form.is_valid():
            device = services.two_factor_verify(user=user, token=form.cleaned_data["code"])
            if device is not None:
                _verified(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        _(
                            "You used a recovery code; %(count)d are left. Make new ones on your account page, "
                            "or ask a colleague in the office to reset your authenticator if it is lost."
                        )
                        % {"count": device.token_set.count()},
                    )
                return redirect(next_url)
            form.add_error(
                "code",
                _("That code is not right, or too many wrong codes were tried: wait a little and try again."),
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def enrol(request: SignedInRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code: the recovery codes are shown once."""
    user = request.user
    next_url = _next(request)
    if _has_authenticator(user):
        return redirect(_with_next("accounts:two_factor", next_url) if not _is_verified(user) else next_url)
    device = services.two_factor_pending(user=user)
    status = 200
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        status = BAD_INPUT
        if form.is_valid():
            try:
                codes = services.two_factor_confirm(user=user, device=device, token=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error.messages)
            else:
                device.refresh_from_db()
                _verified(request, device)
                if not two_factor_required(user):
                    request.session[TWO_FACTOR_OPTED_IN] = True
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    context = {
        "form": form,
        "next": next_url,
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG drawn here by qrcode from our own URI
        "secret": b32encode(device.bin_key).decode(),
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
@login_required
def account(request: SignedInRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_authenticator": _has_authenticator(user),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
            "required": two_factor_required(user),
        },
    )


@never_cache
@require_POST
@login_required
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """New recovery codes (a verified session only: the middleware sees to that)."""
    try:
        codes = services.recovery_codes_renew(user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accounts:account")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:account")}
    )


@require_POST
@login_required
def two_factor_off(request: SignedInRequest) -> HttpResponse:
    try:
        services.two_factor_remove(user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        request.session.pop(TWO_FACTOR_OPTED_IN, None)
        messages.success(request, _("Two-step verification is off for your account."))
    return redirect("accounts:account")
