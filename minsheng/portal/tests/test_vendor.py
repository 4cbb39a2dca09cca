"""The vendored front-end files are the unmodified npm builds recorded in static/vendor/README.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
RECORDED = dict(
    re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", (VENDOR / "README.md").read_text(), re.M)
)


def test_every_vendored_script_is_recorded():
    scripts = {str(path.relative_to(VENDOR)) for path in VENDOR.rglob("*.js")}
    assert scripts == set(RECORDED)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_vendored_file_matches_its_recorded_hash(name):
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == RECORDED[name]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_vendored_file_has_its_licence(name):
    assert (VENDOR / name).parent.joinpath("LICENSE").is_file()
