"""The API under /api/ (docs/api.md): django-ninja with the read and write routers, the JSON errors, the
caching headers, the OpenAPI document at /api/openapi.json and its interactive page at /api/docs, served
from our own static files (django-ninja's copy of Swagger UI; no CDN, no inline script)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from minsheng.api import reads, writes  # noqa: F401 - writes adds its operations to reads.router
from minsheng.api.errors import install_handlers

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
