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
    # Before django.contrib.auth, so that its createsuperuser (the password policy without prompts too) wins.
    "minsheng.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_q",
    "rules.apps.AutodiscoverRulesConfig",
    "minsheng.common",
    "minsheng.plans",
    "minsheng.notifications",
    "minsheng.delivery",
    "minsheng.participation",
    "minsheng.voting",
    "minsheng.people",
    "minsheng.printing",
    "minsheng.portal",
    "minsheng.api",
    "ninja",
    "minsheng.opendata",
    "minsheng.audit",
    "minsheng.demo",
    # After minsheng.audit, whose ``auditlogflush`` (a refusal) takes the place of the library's.
    "auditlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (CSRF reads a POST's form): an oversized request is refused unread.
    "minsheng.common.limits.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed here (nothing stands in front of gunicorn); WhiteNoise sends static files already
    # compressed. Above every middleware that reads or changes the body, below the two that answer alone.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Who writes, from where: every change recorded in this request is attributed to the signed-in person.
    "minsheng.accounts.middleware.AuditTrailMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "minsheng.accounts.middleware.SessionLifetimeMiddleware",
    "minsheng.accounts.middleware.PasswordFirstMiddleware",
    "minsheng.accounts.middleware.TwoFactorMiddleware",
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
        # The plumbing's pages (minsheng.common is no app: the 413 page lives here).
        "DIRS": [BASE_DIR / "minsheng" / "common" / "templates"],
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
# Ballot secrecy (docs/voting.md): a vote's or a rating group's results are withheld below this many voters.
VOTING_MIN_VOTERS = int(os.environ.get("MINSHENG_VOTING_MIN_VOTERS", "5"))
# The key that seals ballots while a vote is open (default: SECRET_KEY). Keep it unchanged during a vote.
VOTING_BALLOT_KEY = os.environ.get("MINSHENG_BALLOT_KEY", "")

# The API's rate limits (docs/api.md): (requests, seconds) per token, and per address without a token.
# Counted in the default cache: in production, one that every server process shares.
MINSHENG_API_RATE = (120, 60)
MINSHENG_API_ANON_RATE = (300, 60)

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

# django-axes: lock out after repeated failed sign-ins, counted per account and address and per account
# across every address (guessing spread over many addresses still meets the limit).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]

# Two factors (django-otp): TOTP for the office and admins (enrolled at the first sign-in), recovery codes
# (static tokens); anyone else may opt in. See docs/security.md.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "minsheng")
# How many recovery codes enrolment gives (each works once).
MINSHENG_RECOVERY_CODES = 10

# Sessions: the office and admins are signed out after MINSHENG_OFFICE_IDLE_MINUTES without a request and
# MINSHENG_OFFICE_SESSION_HOURS after signing in, whatever they do; everyone else after
# MINSHENG_SESSION_HOURS (SESSION_COOKIE_AGE) of not coming back.
MINSHENG_OFFICE_IDLE_MINUTES = int(os.environ.get("MINSHENG_OFFICE_IDLE_MINUTES", "30"))
MINSHENG_OFFICE_SESSION_HOURS = int(os.environ.get("MINSHENG_OFFICE_SESSION_HOURS", "12"))
MINSHENG_SESSION_HOURS = int(os.environ.get("MINSHENG_SESSION_HOURS", str(14 * 24)))
SESSION_COOKIE_AGE = MINSHENG_SESSION_HOURS * 3600

# Request size: a request body larger than this is refused unread (413) by every view, except the upload
# views, which declare their own larger cap (minsheng.common.limits.body_limit).
MINSHENG_MAX_REQUEST_BYTES = int(os.environ.get("MINSHENG_MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MINSHENG_MAX_REQUEST_BYTES

# The audit trail (docs/audit.md). Every write of a model listed here leaves a django-auditlog entry with
# the fields before and after, the person (the signed-in user, or a command's --by) and the write's
# correlation id, which links it to the service's AuditEvent. New models the office works with go here
# (registered by minsheng.accounts.tracking).
# Never list a model that ties a voter to a choice (voting.Candidate's counters, ballots, receipts,
# electors, ratings and their tallies): the trail of a write names its author.
MINSHENG_AUDIT_TRACKED_MODELS = (
    {"model": "accounts.user", "exclude_fields": ["password", "last_login"]},
    "plans.department",
    "plans.plan",
    # The document itself and its reading are kept by the version; the trail records the version's facts.
    {"model": "plans.planversion", "exclude_fields": ["content", "parsed", "changes"]},
    "plans.action",
    "plans.item",
    "plans.target",
    "plans.standard",
    "plans.itemdepartment",
    "delivery.deliverysettings",
    "delivery.assignment",
    "delivery.plannedvalue",
    "delivery.progressreport",
    "delivery.evidence",
    "delivery.supervisionnotice",
    "participation.window",
    "participation.sensitiveword",
    "participation.suggestion",
    "participation.response",
    {"model": "voting.voteround", "exclude_fields": ["ballots"]},
    "voting.ratinground",
)
# The id that ties a write's field changes to its AuditEvent (minsheng.accounts.trail).
AUDITLOG_CID_GETTER = "minsheng.accounts.trail.current_cid"
# Where a request came from is the address Django sees (REMOTE_ADDR), set by minsheng's middleware; the
# library's own reading of X-Forwarded-For would trust any client.
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# How long audit records are kept, in days; ``minsheng audit-purge --by USER`` deletes older ones.
MINSHENG_AUDIT_RETENTION_DAYS = int(os.environ.get("MINSHENG_AUDIT_RETENTION_DAYS", str(6 * 366)))

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
PAGE_CACHE_VARY_COOKIES: list[str] = ["minsheng_care"]  # the large-text mode (portal.views.CARE_COOKIE)
