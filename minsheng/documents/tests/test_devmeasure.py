"""The development measurement on ../shared/data/plans/gold (skipped where ../shared is absent).

``make bench`` prints it (the bench-marked test); the plain test holds the reader to it.
"""

from __future__ import annotations

import time

import pytest

from minsheng.documents import parse_bytes
from minsheng.documents.tests.conftest import SHARED_PLANS
from minsheng.documents.tests.devmeasure import GOLD, SCORER, measure, report

pytestmark = pytest.mark.skipif(
    not (GOLD.is_dir() and SCORER.is_file()), reason="../shared/data/plans/gold is not beside the checkout"
)


def test_pooled_quantity_f1_and_every_document():
    pooled, scores = measure()
    assert pooled[2] >= 0.97, report(pooled, scores)
    low = [s.name for s in scores if s.quantities and s.f1 < 0.85]
    assert not low, report(pooled, scores)
    # the structure check: every document's items found, numbered as the answer numbers them
    missing = [(s.name, p) for s in scores for p in s.problems if p.startswith(("items", "actions"))]
    assert not missing, report(pooled, scores)


@pytest.mark.bench
def test_bench_development_measurement():
    start = time.perf_counter()
    pooled, scores = measure()
    elapsed = time.perf_counter() - start
    print(f"\nBENCH development measurement ({len(scores)} answer files, {elapsed * 1000:.0f} ms):")
    print(report(pooled, scores))
    documents = [path.read_bytes() for path in sorted(SHARED_PLANS.glob("*.txt"))]
    start = time.perf_counter()
    for data in documents:
        parse_bytes(data, "plan.txt")
    elapsed = time.perf_counter() - start
    print(f"BENCH whole development set: {len(documents)} documents in {elapsed * 1000:.0f} ms (goal: < 1 s)")
