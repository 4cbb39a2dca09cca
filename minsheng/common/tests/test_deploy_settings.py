"""The production settings, loaded as a server loads them (a fresh process with the environment that
config/settings/production.py documents): ``minsheng check --deploy`` reports nothing, HSTS lasts a year,
the proxy header is trusted only when configured."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'preload': s.SECURE_HSTS_PRELOAD, 'proxy': s.SECURE_PROXY_SSL_HEADER, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
    "'lockout': s.AXES_LOCKOUT_PARAMETERS, 'idle': s.MINSHENG_OFFICE_IDLE_MINUTES, "
    "'lifetime': s.MINSHENG_OFFICE_SESSION_HOURS, 'cap': s.DATA_UPLOAD_MAX_MEMORY_SIZE}))"
)


def _env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "MINSHENG_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="minsheng.example.gov.cn",
        DATABASE_URL="sqlite:///:memory:",
    )
    env.update(extra)
    return env


def _run(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=_env(**extra), capture_output=True, text=True, timeout=120, check=False
    )


def _settings(**extra: str) -> dict:
    done = _run(["-c", SHOW], **extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_nothing():
    done = _run(["-m", "minsheng.cli", "check", "--deploy", "--fail-level", "DEBUG"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stderr


def test_hsts_lasts_a_year_and_no_proxy_header_is_trusted_by_default():
    found = _settings()
    assert found["hsts"] == 365 * 24 * 3600 and found["subdomains"] and found["preload"]
    assert found["proxy"] is None
    assert found["redirect"] and found["session_secure"] and found["csrf_secure"]


def test_hsts_and_the_proxy_header_are_configured_from_the_environment():
    found = _settings(SECURE_HSTS_SECONDS="600", MINSHENG_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert found["hsts"] == 600
    assert found["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_session_limits_are_configured_from_the_environment():
    found = _settings(MINSHENG_OFFICE_IDLE_MINUTES="15", MINSHENG_OFFICE_SESSION_HOURS="8")
    assert (found["idle"], found["lifetime"]) == (15, 8)
    assert found["lockout"] == [["username", "ip_address"], "username"]


@pytest.mark.parametrize(
    ("missing", "message"), [("SECRET_KEY", "SECRET_KEY"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS")]
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    done = _run(["-c", SHOW], **{missing: ""})
    assert done.returncode != 0 and message in done.stderr
