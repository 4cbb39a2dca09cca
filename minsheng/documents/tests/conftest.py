from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
DEMO = HERE.parent.parent / "demo_data"
SHARED_PLANS = HERE.parents[3] / "shared" / "data" / "plans"


@pytest.fixture
def seed_txt() -> Path:
    return DEMO / "tiemenguan-2025-draft.txt"


@pytest.fixture
def seed_docx() -> Path:
    return DEMO / "tiemenguan-2025-draft.docx"
