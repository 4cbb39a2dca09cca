"""Settings shared by every environment. Configuration comes from the environment, with safe local defaults.

Environment variables read here:

- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/minsheng``; default a SQLite file under ``var/``.
- ``SECRET_KEY``: required in production.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``TIME_ZONE``: default ``Asia/Shanghai``.
- ``MINSHENG_VAR_DIR``: where the SQLite file and other run-time files live (default ``var/`` in the checkout).
- ``EMAIL_BACKEND``: how notification emails go out (default: printed on the console); with the SMTP
  backend, ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``.
- ``DEFAULT_FROM_EMAIL``: the sender of notification emails.
- ``MINSHENG_SITE_URL``: the site's address, e.g. ``https://minsheng.example.gov.cn``, for links in emails.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MINSHENG_VAR_DIR") or BASE_DIR / "var")


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_from_env(default_url: str) -> dict:
    """The default database from ``DATABASE_URL``; a SQLite file's folder is created when missing."""
    url = os.environ.get("DATABASE_URL") or default_url
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"] not in ("", ":memory:"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Writers take the lock when their transaction begins and wait for each other (up to 20 s), instead
        # of failing with "database is locked" when two read-then-write transactions meet (two ballots).
        config.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    return dict(config)


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "minsheng.accounts.admin_site.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_q",
    "rules.apps.AutodiscoverRulesConfig",
    "minsheng.common",
    "minsheng.accounts",
    "minsheng.plans",
    "minsheng.notifications",
    "minsheng.delivery",
    "minsheng.participation",
    "minsheng.voting",
    "minsheng.people",
    "minsheng.portal",
    "minsheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "minsheng.accounts.middleware.PasswordFirstMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "minsheng.common.web.SignInFirstMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_env("sqlite:///" + str(VAR_DIR / "minsheng.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:start"  # where each person works: minsheng.portal.navigation
LOGOUT_REDIRECT_URL = "/"

# Language and time: Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "minsheng" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Largest plan document accepted for import, in bytes.
MINSHENG_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Largest evidence file (photo or PDF) attached to a progress report, in bytes.
MINSHENG_MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# The site's address for links in notification emails (paths alone when empty).
MINSHENG_SITE_URL = os.environ.get("MINSHENG_SITE_URL", "")

# Notification emails: printed on the console unless EMAIL_BACKEND names another backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")

# django-q2 runs the daily reminders (``minsheng remind --install-schedule`` creates the schedule,
# ``minsheng qcluster`` runs it); the queue lives in the database, no broker to run.
Q_CLUSTER = {
    "name": "minsheng",
    "orm": "default",
    "workers": 1,
    "timeout": 600,
    "retry": 1200,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Django Q",
}

# Content Security Policy: our own origin only, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: lock an account and address out after repeated failed logins.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Cache (docs/performance.md): each process's memory by default (nothing to run; cached pages stay correct
# across processes because their version lives in the database); MINSHENG_CACHE_URL=redis://host:6379/0
# shares one cache between several servers through Django's own Redis backend.
_cache_url = os.environ.get("MINSHENG_CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url:
    raise ImproperlyConfigured(
        "MINSHENG_CACHE_URL must be a redis:// URL (or unset for each process's memory)"
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "minsheng",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("MINSHENG_CACHE_ENTRIES", "5000"))},
        }
    }
# Whole pages cached until the next write (minsheng.common.pages); cookies that change a page's looks.
PAGE_CACHE_ENABLED = os.environ.get("MINSHENG_PAGE_CACHE", "1") == "1"
PAGE_CACHE_VARY_COOKIES: list[str] = []
