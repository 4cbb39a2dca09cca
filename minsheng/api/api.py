"""The API under /api/ (docs/api.md): django-ninja with the read and write routers, the JSON errors, the
caching headers, the OpenAPI document at /api/openapi.json and its interactive page at /api/docs, served
from our own static files (django-ninja's copy of Swagger UI; no CDN, no inline script)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from minsheng.api import reads, writes  # noqa: F401 - writes adds its operations to reads.router
from minsheng.api.errors import ApiError, error_response, install_handlers

METHOD_NOT_ALLOWED = 405

# Reads that anyone may make: their security requirement is "a token, or nothing" in the OpenAPI document.
ANONYMOUS_OK = "GET"


class Api(NinjaAPI):
    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """Keep the response ninja will send, so that a read endpoint can set its caching headers on it."""
        response = super().create_temporal_response(request)
        request._api_response = response  # type: ignore[attr-defined]
        return response

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path, methods in schema.get("paths", {}).items():
            for method, operation in methods.items():
                if method.upper() == ANONYMOUS_OK and not path.endswith("/me") and "security" in operation:
                    operation["security"] = [*operation["security"], {}]
        return schema


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as it is, not \\u escapes


def json_not_allowed(patterns: list[Any]) -> list[Any]:
    """ninja answers a method a path does not take with a plain-text 405: make it the API's JSON error."""
    for pattern in patterns:
        pattern.callback = _json_405(pattern.callback)
    return patterns


def _json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == METHOD_NOT_ALLOWED and "json" not in response.get("Content-Type", ""):
            answer = error_response(
                ApiError(
                    METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    gettext("This address does not take this method."),
                )
            )
            answer["Allow"] = response.get("Allow", "")
            return answer
        return response

    return wrapper


class Docs(Swagger):
    template = "api/docs.html"


api = Api(
    title="minsheng API",
    version="1",
    description=(
        "Livelihood pledges: plans, items, targets, progress, lights, reports, supervision notices and "
        "results. Anyone reads public data; a department's token (created by the office) reads its own "
        "and reports progress. See docs/api.md."
    ),
    urls_namespace="api",
    renderer=Renderer(),
    docs=Docs(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/", reads.router)  # with the writes (writes.py registers them on the same router)
