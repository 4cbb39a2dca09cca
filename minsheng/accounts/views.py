"""Sign-in pages: Django's own views (django-axes locks out repeated failures) with our templates; the
one-time sign-in link the office gives a new person, and the page where a person chooses their password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts import services
from minsheng.accounts.http import SignedInRequest
from minsheng.common.services import link

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signs out on POST (a sign-out link is a small form); GET is refused by Django."""

    template_name = "accounts/logged_out.html"


def _work_home() -> str:
    """Where a person goes once signed in: the delivery entry sends each role to its page."""
    return link("delivery:home") or "/"


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (so that a mail scanner opening the link does not spend it); POST signs the person
    in and sends them to choose a password."""
    try:
        found = services.sign_in_link_find(token=token)
    except ValidationError as exc:
        return render(request, "accounts/sign_in_link.html", {"problem": exc.messages[0]}, status=404)
    if request.method == "POST":
        try:
            user = services.sign_in_link_use(token=token)
        except ValidationError as exc:
            return render(request, "accounts/sign_in_link.html", {"problem": exc.messages[0]}, status=404)
        login(request, user, backend=MODEL_BACKEND)
        return redirect("accounts:password")
    return render(request, "accounts/sign_in_link.html", {"person": found.user})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def password(request: SignedInRequest) -> HttpResponse:
    """Choose a password: without the old one when the account must change it (a link or an initial
    password), with it otherwise."""
    user = request.user
    form_class = SetPasswordForm if user.must_change_password else PasswordChangeForm
    status = 200
    if request.method == "POST":
        form = form_class(user, request.POST)
        if form.is_valid():
            try:
                services.password_set(user=user, password=form.cleaned_data["new_password1"])
            except ValidationError as exc:
                form.add_error("new_password2", exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password is saved."))
                return redirect(_work_home())
        status = 400
    else:
        form = form_class(user)
    return render(
        request,
        "accounts/password.html",
        {"form": form, "first": user.must_change_password},
        status=status,
    )
