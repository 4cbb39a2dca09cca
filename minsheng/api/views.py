"""The office's API token pages (/api/tokens/): the list of tokens with the form for a new one, and a
revoke button on each. A new token is shown once, on the page that answers the POST that made it (only
its hash is stored). Only the office may open them (anyone else a 403 page, a visitor the sign-in page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.accounts.http import SignedInRequest
from minsheng.api import selectors, services
from minsheng.api.errors import error_body
from minsheng.api.forms import TokenForm
from minsheng.common.web import BAD_INPUT, attempt, button, require

PERM = "api.manage_tokens"


def _page(
    request: SignedInRequest, form: TokenForm, *, status: int = 200, created: services.NewToken | None = None
) -> HttpResponse:
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.token_list(), "created": created},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # the page that shows a new token must not stay in a cache
@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=BAD_INPUT)
    person = form.cleaned_data["user"]
    created, status = attempt(
        form,
        lambda: services.token_create(
            by=request.user,
            department=person.department,
            user=person,
            name=form.cleaned_data["name"],
            scopes=list(form.cleaned_data["scopes"]),
            expires_at=form.expires_at(),
        ),
        services.TokenError,
    )
    if created is None:
        return _page(request, form, status=status)
    return _page(request, TokenForm(), created=created)


@require_POST
@login_required
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    require(request, PERM)
    token = selectors.token_get(token_id=token_id)
    if token is None:
        raise Http404
    return button(
        request,
        lambda: services.token_revoke(token=token, by=request.user),
        done=_("The token %(prefix)s… is revoked; requests with it are refused from now on.")
        % {"prefix": token.prefix},
        back=reverse("api_tokens"),
        errors=services.TokenError,
    )


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/: a JSON 404, as the API answers."""
    return JsonResponse(
        error_body(404, "not_found", _("Nothing was found at this address.")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
