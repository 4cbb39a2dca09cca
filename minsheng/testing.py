"""Helpers the test suites share: signing in as a real session would, phones in the system Chromium for the
browser flows, and calls raced in threads for the concurrency tests. (Not a test module: nothing here is
collected.)

Signing in (see docs/security.md): the office and admins must give a second factor (TOTP), and the
``TwoFactorMiddleware`` stays on in the tests. So:

- :func:`sign_in` ``(client, user)``: the test client signed in as ``user`` with the password step
  (``force_login``) and, where the user must give a second factor (or has an authenticator), a confirmed TOTP
  device whose use is recorded in the session exactly as ``django_otp.login`` records it. Use it for every
  user in view tests (``client.force_login`` alone is a password-only session: an office user gets no page).
- :func:`two_factor_device` ``(user)``: give a user a confirmed authenticator (its key is remembered, so that
  the browser's :func:`phones` types a real code after the password); :func:`totp_code` computes a code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-test-password-1"  # noqa: S105 - the test accounts' password
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The marks of a browser test module: the marker, a clear skip without Chromium, a database the live server
# shares.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no system Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]

# The authenticator keys of this test run, by user name (hex, as django-otp stores them) and the last time
# step whose code was typed (a code works once).
_TOTP_KEYS: dict[str, str] = {}
_TOTP_USED: dict[str, int] = {}
TOTP_STEP = 30


def two_factor_device(user: Any) -> Any:
    """``user``'s confirmed TOTP device (made, as enrolment leaves it, when they have none); its key is
    remembered for :func:`phones`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    _TOTP_KEYS[user.get_username()] = device.key
    return device


def totp_code(key: str, *, step: int | None = None) -> str:
    """The 6-digit code an authenticator with ``key`` (hex) shows now (or at time step ``step``)."""
    from django_otp.oath import hotp

    counter = int(time.time()) // TOTP_STEP if step is None else step
    return f"{hotp(bytes.fromhex(key), counter):06d}"


def _fresh_code(username: str) -> str:
    """A code for ``username`` that has not been typed yet (waits for the next step if both the current and
    the next one were used)."""
    key = _TOTP_KEYS.get(username)
    assert key, f"{username} has no authenticator: call minsheng.testing.two_factor_device(user) first"
    now = int(time.time()) // TOTP_STEP
    step = max(now, _TOTP_USED.get(username, -1) + 1)
    if step > now + 1:  # the server accepts one step ahead at most
        time.sleep((step - 1) * TOTP_STEP - time.time() + 0.1)
    _TOTP_USED[username] = step
    return totp_code(key, step=step)


def sign_in(client: Any, user: Any) -> Any:
    """``client`` signed in as ``user`` as a real session would be: the password step (``force_login``) and,
    for the office, admins and anyone with an authenticator, the second factor recorded in the session the
    way ``django_otp.login`` records it (the device is made when the user has none). Returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minsheng.accounts.rules import two_factor_required

    client.force_login(user)
    if two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        device = two_factor_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@contextmanager
def phones(
    base_url: str, *, width: int = 390, height: int = 844, errors: list[str] | None = None
) -> Iterator[Callable[..., Any]]:
    """``person(username=None, password=PASSWORD)``: a phone-sized browser of its own, signed in through the
    sign-in page (or nobody), typing a code from the authenticator when the site asks for one (give the user
    one first with :func:`two_factor_device`). Console errors and page errors (content-security-policy refusals included)
    are appended to ``errors`` when a list is given. Run the database work before entering: Playwright's
    sync API runs an event loop, and Django would take what follows for async code."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)

        def person(username: str | None = None, password: str = PASSWORD):
            context = chromium.new_context(
                viewport={"width": width, "height": height},
                locale="zh-CN",
                base_url=base_url,
                accept_downloads=True,
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            if errors is not None:
                page.on(
                    "console",
                    lambda message: errors.append(message.text) if message.type == "error" else None,
                )
                page.on("pageerror", lambda error: errors.append(str(error)))
            if username:
                page.goto(reverse("accounts:login"))
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", password)
                click(page, "form.sign-in button[type=submit]")
                assert "/accounts/login/" not in page.url, f"{username} could not sign in"
                if reverse("accounts:two_factor") in page.url:
                    page.fill("input[name=code]", _fresh_code(username))
                    click(page, "form.two-factor button[type=submit]")
                    assert reverse("accounts:two_factor") not in page.url, f"{username}'s code was refused"
            return page

        try:
            yield person
        finally:
            chromium.close()


def click(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def no_sideways_scroll(page: Any) -> None:
    """At double text size nothing on the page scrolls sideways (and if it does, say what sticks out)."""
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 3).map(e => e.tagName + '.' + e.className).join(', ')"
    )
    page.evaluate("document.documentElement.style.fontSize = ''")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at 200% text ({wide})"


AXE = Path(__file__).resolve().parent.parent / "test-support" / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (
    "axe-core is not installed (make test runs npm ci --prefix test-support; npm was missing or failed)"
)


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """The page's accessibility violations of the given impacts, found by axe-core (from the npm registry,
    installed in test-support/ for the tests only), one line each: rule, impact, the first elements hit.
    Evaluated through the browser's debugging protocol, so the page's content security policy stays on."""
    if not AXE.exists():
        pytest.skip(AXE_MISSING)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({"
        "id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}) at {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in impacts
    ]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment in threads (each with its own database connection, closed after);
    what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a raced call did not finish within 60 s"
    for outcome in outcomes:
        if isinstance(outcome, threading.BrokenBarrierError):
            raise outcome  # the calls never started together: the test proves nothing
    return outcomes


class _Undo(Exception):
    """Rolls back a step that was accepted, so that the next one starts from the same record."""


def accepted(call: Callable[[], object], refusals: tuple[type[Exception], ...]) -> bool:
    """Whether a service takes the step ``call`` (True) or refuses it with one of ``refusals`` (False);
    whatever it writes is rolled back. The workflow tests compare this with the buttons a page shows."""
    from django.db import transaction

    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except refusals:
        return False


# --- fault tests: a command in a child process, killed with SIGKILL half-way ------------------------------

# The child's driver: set Django up, wrap one function so that after its N-th call the child writes the
# marker file and waits to be killed, then run the command. The wrap is in the child only.
_DRIVER = """
import os, sys, time, importlib, pathlib
import django
django.setup()
module = importlib.import_module(os.environ["FAULT_MODULE"])
name = os.environ["FAULT_FUNCTION"]
original = getattr(module, name)
calls = [0]
def paused(*args, **kwargs):
    result = original(*args, **kwargs)
    calls[0] += 1
    if calls[0] == int(os.environ["FAULT_AFTER"]):
        from django.apps import apps
        # How many rows of the watched model the command's own transaction holds now.
        count = apps.get_model(os.environ["FAULT_COUNT"])._base_manager.count()
        pathlib.Path(os.environ["FAULT_MARKER"]).write_text(str(count))
        time.sleep(300)
    return result
setattr(module, name, paused)
from django.core.management import call_command
call_command(*sys.argv[1:])
"""


def child_env(database: Path, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``minsheng`` child on a SQLite file (development settings, no secrets)."""
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL="sqlite:///" + str(database),
        MINSHENG_VAR_DIR=str(var_dir),
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def kill_midway(
    command: list[str],
    *,
    env: dict[str, str],
    module: str,
    function: str,
    after: int,
    marker: Path,
    count: str,
) -> int:
    """Run the management command ``command`` in a child process; once ``module.function`` has returned
    ``after`` times (inside the command's transaction), kill the child with SIGKILL. Returns how many rows of
    the model ``count`` ("app_label.Model") the child's transaction held at that moment. Fails if the child
    ends before reaching that point."""
    import signal
    import subprocess
    import sys
    import time

    marker.unlink(missing_ok=True)
    child_environment = {
        **env,
        "FAULT_MODULE": module,
        "FAULT_FUNCTION": function,
        "FAULT_AFTER": str(after),
        "FAULT_MARKER": str(marker),
        "FAULT_COUNT": count,
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and driver
        [sys.executable, "-c", _DRIVER, *command],
        env=child_environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while not marker.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                raise AssertionError(f"the command ended before the kill: {child.returncode} {out!r} {err!r}")
            assert time.monotonic() < deadline, "the command never reached the point of the kill"
            time.sleep(0.05)
        time.sleep(0.1)  # the marker's text is written
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        return int(marker.read_text())
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.communicate()


def sqlite_counts(database: Path) -> dict[str, int]:
    """The rows of every table of a SQLite file, read with the standard library (opening the file rolls back
    the journal a killed writer left behind)."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {}
        for table in tables:  # the names come from sqlite_master itself
            query = f'SELECT COUNT(*) FROM "{table}"'  # noqa: S608
            counts[table] = connection.execute(query).fetchone()[0]
        return counts
