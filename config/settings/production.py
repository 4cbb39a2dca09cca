"""Settings for a server: ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be set, cookies are secure.

``minsheng check --deploy`` reports nothing with these settings (a test runs it). Environment read here:

- ``SECRET_KEY`` (required; 50 characters or more), ``ALLOWED_HOSTS`` (required, comma-separated),
  ``CSRF_TRUSTED_ORIGINS`` (comma-separated, e.g. ``https://minsheng.example.gov.cn``).
- ``SECURE_SSL_REDIRECT``: ``1`` (default) sends plain HTTP to HTTPS; ``0`` when the proxy does it.
- ``SECURE_HSTS_SECONDS``: how long browsers keep to HTTPS (default a year, 31536000);
  ``SECURE_HSTS_PRELOAD``: ``1`` (default) adds ``preload``; ``0`` leaves it out.
- ``MINSHENG_PROXY_SSL_HEADER``: the header a trusted reverse proxy sets to ``https`` for requests that came
  in over HTTPS (e.g. ``X-Forwarded-Proto``). Unset (the default), no header is trusted: set it only when
  the proxy overwrites that header from every client.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")  # noqa: F405
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) in the environment for production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
_proxy_header = os.environ.get("MINSHENG_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "1") == "1"
