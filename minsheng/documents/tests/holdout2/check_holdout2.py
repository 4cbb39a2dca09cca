"""Check the holdout2 fixtures themselves (does not use the reader).

For every <name>.expected.json: the JSON parses and has the keys of ../FIXTURE-FORMAT.md; item numbers are unique
and the actions cover exactly the items; every item without a quantity target has exactly one milestone (and
items with quantities have none); every `text_contains` and non-empty `source` is a literal substring of that
item's own text (cut out by a small splitter per document) AND lies inside one physical line / paragraph / table
cell of the file (so no span crosses a hard line break, a <br> or a page-number line).

Run: /work/main/.venv/bin/python check_holdout2.py
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = {
    "file",
    "description",
    "title",
    "region",
    "year",
    "status",
    "complete",
    "actions",
    "items",
    "warnings",
}
TKEYS = {"kind", "subject", "op", "value", "value_max", "unit", "period", "source"}
SKEYS = {"subject", "op", "amount", "amount_max", "per", "period", "previous", "source"}


def docx_units(path: Path) -> tuple[list[str], list[list[str]]]:
    import docx

    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    rows = []
    for t in d.tables:
        for r in t.rows:
            rows.append([c.text for c in r.cells])
    return paras, rows


def html_lines(raw: str) -> list[str]:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", raw)
    body = re.sub(r"(?i)<br\s*/?>", "\n", body)
    body = re.sub(r"(?i)</(p|div|li|h\d|tr|td|ul)>", "\n", body)
    body = re.sub(r"<[^>]+>", "", body)
    body = html.unescape(body).replace("\xa0", " ")
    return [ln.strip() for ln in body.split("\n") if ln.strip()]


PAGE_JUNK = re.compile(r"^(柘川县人民政府公报.*|— \d+ —|\s*)$")


def split_items(name: str, path: Path) -> tuple[dict[int, str], list[str]]:
    """Return {item no: item text} and the list of physical units (lines / paragraphs / cells)."""
    if path.suffix == ".docx":
        paras, rows = docx_units(path)
        units = paras + [c for r in rows for c in r]
        items = {}
        for r in rows:
            if r[0].strip().isdigit():
                items[int(r[0])] = " ".join(r[1:])
        return items, units
    raw = path.read_text(encoding="utf-8-sig")
    lines = html_lines(raw) if path.suffix == ".html" else raw.split("\n")
    units = lines
    cfg = CONFIG[name]
    text = "".join(ln for ln in lines if not PAGE_JUNK.match(ln)) if cfg.get("pdf") else "\n".join(lines)
    a = text.index(cfg["start"]) + len(cfg["start"])
    b = text.index(cfg["end"], a)
    region = text[a:b]
    bounds = list(re.finditer(cfg["bound"], region, re.M))
    items = {}
    n = 0
    for k, m in enumerate(bounds):
        if not re.match(cfg["item"], m.group(0)):
            continue
        n += 1
        end = bounds[k + 1].start() if k + 1 < len(bounds) else len(region)
        items[n] = region[m.start() : end]
    return items, units


CN = "一二三四五六七八九十"
CONFIG: dict[str, dict[str, Any]] = {
    "zhechuan-2025-pdf-copy": {
        "pdf": True,
        "start": "具体如下：",
        "end": "　　各责任单位要",
        "bound": r"　　\d+\.",
        "item": r"　　\d+\.",
    },
    "quyang-2025-long-paragraphs": {
        "start": "明确如下：",
        "end": "　　各责任单位要",
        "bound": r"^　　（[一二三四五六七八九十]+）",
        "item": r"　　（",
    },
    "wuqiao-2024-diyixiang": {
        "start": "民生实事项目。",
        "end": "　　以上项目由",
        "bound": r"^第[一二三四五六七八九十]+项",
        "item": r"第",
    },
    "anlan-2025-npc-resolution": {
        "start": "以下民生实事项目：",
        "end": "　　会议要求",
        "bound": r"^　　[一二三四五六七八九十]+、",
        "item": r"　　",
    },
    "qingya-2024-wrapped-items": {
        "start": "青崖县2024年民生实事项目\n\n一、",
        "end": "\n\n抄送",
        "bound": r"^(\d+、|[一二三四]、)",
        "item": r"\d",
    },
    "lingjiang-2024-news-portal": {
        "start": "这十二件民生实事是：",
        "end": "据了解",
        "bound": r"^\d+\.",
        "item": r"\d",
    },
    "bailu-2024-chinese-numerals": {
        "start": "现公布如下：",
        "end": "　　以上十二项",
        "bound": r"^　　[一二三四五六七八九十]+、",
        "item": r"　　",
    },
    "qingze-2025-gov-work-report": {
        "start": "可感可及的十件实事：",
        "end": "　　十件民生实事，件件",
        "bound": r"^　　（[一二三四五六七八九十]+）",
        "item": r"　　",
    },
    "ningxi-2024-fullwidth": {
        "start": "（邮编３５５４００）",
        "end": "　　以上项目最终",
        "bound": r"^[０-９]+．",
        "item": r"[０-９]",
    },
    "yunfeng-2024-traditional": {
        "start": "具體內容如下：",
        "end": "　　據悉",
        "bound": r"^　　[一二三四五六七八九十]+、",
        "item": r"　　",
    },
    "tangxi-2024-paren-groups": {
        "start": "如下：",
        "end": "　　各牵头单位",
        "bound": r"^(\d+）|（[一二三四]）)",
        "item": r"\d+）",
    },
}


def main() -> int:
    bad = 0
    for jp in sorted(HERE.glob("*.expected.json")):
        name = jp.name.removesuffix(".expected.json")
        try:
            exp = json.loads(jp.read_text(encoding="utf-8"))
        except Exception as e:  # noqa: BLE001
            print(f"{name}: JSON does not parse: {e}")
            bad += 1
            continue
        probs = []
        if set(exp) != KEYS:
            probs.append(f"keys {sorted(set(exp) ^ KEYS)}")
        nos = [i["no"] for i in exp["items"]]
        if len(nos) != len(set(nos)):
            probs.append("duplicate item numbers")
        covered = [n for a in exp["actions"] for n in a["item_nos"]]
        if sorted(covered) != sorted(nos):
            probs.append("actions do not cover exactly the items")
        doc = HERE / exp["file"]
        items, units = split_items(name, doc)
        if sorted(items) != sorted(nos):
            probs.append(f"splitter found items {sorted(items)}")
        for it in exp["items"]:
            for t in it["targets"]:
                if set(t) != TKEYS:
                    probs.append(f"item {it['no']} target keys")
            for s in it["standards"]:
                if set(s) != SKEYS:
                    probs.append(f"item {it['no']} standard keys")
            qs = [t for t in it["targets"] if t["kind"] == "quantity"]
            ms = [t for t in it["targets"] if t["kind"] == "milestone"]
            if (not qs and len(ms) != 1) or (qs and ms):
                probs.append(f"item {it['no']}: milestone rule")
            text = items.get(it["no"], "")
            spans = [it["text_contains"]] + [
                x["source"] for x in it["targets"] + it["standards"] if x["source"]
            ]
            for s in spans:
                if s not in text:
                    probs.append(f"item {it['no']}: {s!r} not in the item's text")
                if not any(s in u for u in units):
                    probs.append(f"item {it['no']}: {s!r} crosses a line / paragraph / cell")
        for p in probs:
            print(f"{name}: {p}")
        bad += len(probs)
        nt = sum(1 for i in exp["items"] for t in i["targets"] if t["kind"] == "quantity")
        nm = sum(1 for i in exp["items"] for t in i["targets"] if t["kind"] == "milestone")
        ns = sum(len(i["standards"]) for i in exp["items"])
        print(
            f"{'ok ' if not probs else 'BAD'} {name}: items {len(nos)}, quantity targets {nt}, milestones {nm}, standards {ns}, warnings {exp['warnings']}"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
