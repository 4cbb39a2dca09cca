"""/api/: the office's token pages (HTML, under /api/tokens/) and the API itself (JSON; any other address
under /api/ is a JSON 404)."""

from django.urls import path, re_path

from minsheng.api import views
from minsheng.api.api import api, json_not_allowed

_patterns, _app, _namespace = api.urls  # (not app_name: Django would read it as this module's)

urlpatterns = [
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("", (json_not_allowed(_patterns), _app, _namespace)),
    re_path(r"^.*$", views.api_not_found),
]
