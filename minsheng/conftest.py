"""Fixtures shared by every app's tests. Users of every role come from
:mod:`minsheng.accounts.tests.factories`; an app whose tests build a world of its own may override
``office_client`` to sign in as that world's office user."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

import minsheng
from minsheng.testing import sign_in

DEMO_DATA = Path(minsheng.__file__).resolve().parent / "demo_data"


@pytest.fixture
def seed_docx() -> Path:
    return DEMO_DATA / "tiemenguan-2025-draft.docx"


@pytest.fixture
def seed_txt() -> Path:
    return DEMO_DATA / "tiemenguan-2025-draft.txt"


@pytest.fixture
def zh():
    """Run the test in Chinese, the site's default language."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.fixture
def anonymous() -> AnonymousUser:
    """A visitor who has not signed in."""
    return AnonymousUser()


@pytest.fixture
def office_client(client, db):
    """The test client signed in as a fresh office user (staff, so the admin is open to it), with the second
    factor given: :func:`minsheng.testing.sign_in` (use it for any user; ``client.force_login`` alone is a
    password-only session, which reaches no office page)."""
    from minsheng.accounts.tests.factories import OfficeUserFactory

    sign_in(client, OfficeUserFactory())
    return client


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory) -> Path:
    """A SQLite file holding the demo (``minsheng demo --no-serve`` in a child process, once per session),
    for the fault tests that run commands in child processes and kill them. Copy it before changing it."""
    import subprocess
    import sys

    from minsheng.testing import child_env

    var_dir = tmp_path_factory.mktemp("demo-var")
    database = var_dir / "demo.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "minsheng.cli", "demo", "--no-serve"],
        env=child_env(database, var_dir),
        capture_output=True,
        timeout=600,
    )
    assert done.returncode == 0 and database.exists(), done.stderr.decode()[-2000:]
    return database
