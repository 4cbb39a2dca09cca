"""Accuracy on real plan documents from other places and years (../shared/data/plans, not in the repo).

Skipped where ../shared is absent (a user's machine). The expectations were annotated by hand from the
documents; the documents themselves are not copied into the project.
"""

from __future__ import annotations

import pytest

from minsheng.documents import parse_text
from minsheng.documents.tests.compare import Score, compare, load_expected
from minsheng.documents.tests.conftest import HERE, SHARED_PLANS

EXPECTED = sorted((HERE / "devset").glob("*.expected.json"))
pytestmark = pytest.mark.skipif(
    not SHARED_PLANS.is_dir(), reason="../shared/data/plans is not beside the checkout"
)


def _document_text(name: str) -> str:
    # the first two lines (source:, title:) and the blank line after them are not part of the document
    return (SHARED_PLANS / name).read_text(encoding="utf-8").split("\n", 3)[3]


def score_devset() -> tuple[Score, dict[str, Score]]:
    total = Score()
    per_file = {}
    for path in EXPECTED:
        expected = load_expected(path)
        score = compare(expected, parse_text(_document_text(expected["file"])), strict_structure=False)
        per_file[expected["file"]] = score
        total.add(score)
    return total, per_file


def test_devset_quantity_f1_and_items_found():
    total, per_file = score_devset()
    assert total.f1 >= 0.95, total.problems
    assert total.items_found == total.items_expected, {
        k: v.problems for k, v in per_file.items() if v.problems
    }
