"""Fixtures shared by every app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

import minsheng

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
