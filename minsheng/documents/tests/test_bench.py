"""Benchmarks of the reader (``make bench``). They print figures; they do not assert speed."""

from __future__ import annotations

import json
import statistics
import time

import pytest

from minsheng.documents import parse_bytes, parse_file
from minsheng.documents.tests.conftest import DEMO, HERE

pytestmark = pytest.mark.bench


def _median_ms(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


@pytest.mark.parametrize("suffix", ["txt", "docx"])
def test_bench_seed_parse(suffix):
    data = (DEMO / f"tiemenguan-2025-draft.{suffix}").read_bytes()
    for _ in range(20):  # warm caches (OpenCC, regex, cn2an)
        parse_bytes(data, f"seed.{suffix}")
    median, p95 = _median_ms(lambda: parse_bytes(data, f"seed.{suffix}"), 300)
    print(f"\nBENCH seed .{suffix}: median {median:.2f} ms, p95 {p95:.2f} ms (goal: median <= 5 ms)")


def test_bench_corpus_documents_per_second():
    files = [
        HERE / "corpus" / json.loads(p.read_text(encoding="utf-8"))["file"]
        for p in sorted((HERE / "corpus").glob("*.expected.json"))
    ]
    blobs = [(f.read_bytes(), f.name) for f in files]
    for data, name in blobs:
        parse_bytes(data, name)
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for data, name in blobs:
            parse_bytes(data, name)
    elapsed = time.perf_counter() - start
    print(
        f"\nBENCH corpus: {len(blobs) * rounds / elapsed:.0f} documents/s over {len(blobs)} documents "
        f"({elapsed / rounds * 1000:.1f} ms per pass, formats: {sorted({n.rsplit('.', 1)[1] for _, n in blobs})})"
    )


def test_bench_seed_from_disk():
    median, _ = _median_ms(lambda: parse_file(DEMO / "tiemenguan-2025-draft.docx"), 100)
    print(f"\nBENCH seed .docx from disk (open + read + parse): median {median:.2f} ms")
