"""The API's errors: JSON ``{"status", "code", "message", "errors"}`` with the message in the requested
language (Accept-Language; Chinese by default) and never a traceback (docs/api.md#errors).

Each kind of refusal has its own status and code: a bad, expired or revoked token 401; a missing scope or
another department's object 403; a missing object 404; a closed period, a step the report's state does not
allow or a stale version 409; an invalid figure or request 422; too many requests 429 (with Retry-After).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from minsheng.common.errors import ConflictError

logger = logging.getLogger(__name__)

UNAUTHORIZED = 401
FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409
INVALID = 422
TOO_MANY = 429


class ApiError(Exception):
    """A refusal with its status, a stable ``code`` and a message for the user (already translated)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}


def error_body(status: int, code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"status": status, "code": code, "message": message, "errors": errors or {}}


def error_response(error: ApiError) -> HttpResponse:
    response = JsonResponse(
        error_body(error.status, error.code, error.message, error.errors),
        status=error.status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


def not_found() -> ApiError:
    return ApiError(NOT_FOUND, "not_found", _("Nothing was found at this address."))


def _field_messages(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors as messages by field, in the user's language."""
    result: dict[str, list[str]] = {}
    for error in errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")
        ]
        name = location[-1] if location else "request"
        kind = str(error.get("type", ""))
        if kind == "missing":
            message = _("This field is required.")
        elif kind in ("extra_forbidden",):
            message = _("This field is not known.")
        elif "date" in kind:
            message = _("Give a date such as 2025-06-30.")
        elif kind.startswith(("int", "decimal", "float", "greater", "less")):
            message = _("Give a number in range.")
        elif "json" in kind:
            message = _("The body is not valid JSON.")
        else:
            message = _("This value is not valid.")
        result.setdefault(name, []).append(message)
    return result


def delivery_error(error: ValidationError) -> ApiError:
    """A service's ``DeliveryError``: a figure or field to blame is 422 (invalid); a refusal not about a
    field (the report's state, a report that already exists, a target gone from the plan) is 409."""
    if hasattr(error, "error_dict"):
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
        if set(errors) - {"__all__"}:
            message = "; ".join(m for messages in errors.values() for m in messages)
            return ApiError(INVALID, "invalid_figure", message, errors=errors)
    return ApiError(CONFLICT, "wrong_state", " ".join(error.messages))


def install_handlers(api: NinjaAPI) -> None:
    """Every exception a view may raise, answered as JSON."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _field_messages(list(exc.errors))
        return error_response(ApiError(INVALID, "invalid", _("The request is not valid."), errors=errors))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(ApiError(UNAUTHORIZED, "token_missing", _("This needs an API token.")))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("This token may not do this.")
        return error_response(ApiError(FORBIDDEN, "forbidden", message))

    @api.exception_handler(Http404)
    def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(not_found())

    @api.exception_handler(ConflictError)
    def _stale(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return error_response(
            ApiError(
                CONFLICT,
                "stale_version",
                _("Someone changed this report since the version you sent; read it again, then retry."),
            )
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "method_not_allowed" if exc.status_code == 405 else "bad_request"
        return error_response(ApiError(exc.status_code, code, _("The request is not valid.")))

    @api.exception_handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s", request.path)
        return error_response(
            ApiError(500, "server_error", _("Something went wrong on our side; nothing was changed."))
        )
