"""Self-check of the hold-out fixtures (does NOT use the reader).

Run: /work/main/.venv/bin/python check_fixtures.py

For every <name>.expected.json: the JSON parses, has the FIXTURE-FORMAT keys, the document exists, and every
`text_contains` and every non-empty `source` is a literal substring of that item's own text as written. The item
texts are cut out of each document by a small splitter written for that document's layout (below), independent of
the reader. Also checks that item numbers are unique, that the actions cover exactly the items, that items with no
quantity target carry exactly one milestone, and that the sums of the 其中 breakdowns written here add up.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def paragraphs(name: str) -> list[str]:
    return [p.strip() for p in (HERE / name).read_text(encoding="utf-8").split("\n") if p.strip()]


def by_prefix(lines: list[str], pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [line for line in lines if rx.match(line)]


def split_ningchuan() -> list[str]:
    return by_prefix(paragraphs("ningchuan-2025-gov-report.txt"), r"^（[一二三四五六七八九十]+）")


def split_tongxi() -> list[str]:
    return by_prefix(paragraphs("tongxi-2024-fangmian-restart.txt"), r"^\d+\.")


def split_heming() -> list[str]:
    return by_prefix(paragraphs("heming-2025-lei-running.txt"), r"^\d+、")


def split_zeyang() -> list[str]:
    text = (HERE / "zeyang-2024-label-blocks.txt").read_text(encoding="utf-8")
    return [
        b.strip() for b in text.split("\n\n") if re.match(r"^[一二三四五六七八九十]+、项目名称：", b.strip())
    ]


def split_yunhu() -> list[str]:
    lines = paragraphs("yunhu-2025-wechat-repost.txt")
    out = []
    for i, line in enumerate(lines):
        if re.match(r"^\d\d \| ", line):
            out.append(line + "\n" + lines[i + 1])
    return out


def split_hefeng() -> list[str]:
    return [line for line in paragraphs("hefeng-2024-tab-table.txt") if re.match(r"^\d+\t", line)]


def split_liyang() -> list[str]:
    from openpyxl import load_workbook

    ws = load_workbook(HERE / "liyang-2025-two-sheets.xlsx")["项目清单"]
    return [
        "\t".join("" if v is None else str(v) for v in row)
        for row in ws.iter_rows(min_row=3, values_only=True)
    ]


def split_yongcheng() -> list[str]:
    from docx import Document

    doc = Document(str(HERE / "yongcheng-2024-bold-groups.docx"))
    return [p.text for p in doc.paragraphs if re.match(r"^（\d+）", p.text)]


def split_fenglin() -> list[str]:
    text = (HERE / "fenglin-2025-govpage.html").read_text(encoding="utf-8")
    ps = [
        html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", text, re.S)
    ]
    return [p for p in ps if re.match(r"^\d+\.", p)]


def split_meiling() -> list[str]:
    para = next(p for p in paragraphs("meiling-2024-semicolon-news.txt") if "12件民生实事：" in p)
    body = para.split("12件民生实事：", 1)[1]
    return [s.strip("。") for s in body.split("；")]


def split_lancheng() -> list[str]:
    return by_prefix(paragraphs("lancheng-2024-traditional.txt"), r"^（[一二三四五六七八九十]+）")


def split_shannan() -> list[str]:
    return by_prefix(paragraphs("shannan-2024-number-stress.txt"), r"^\d+\.")


SPLITTERS = {
    "ningchuan-2025-gov-report.txt": split_ningchuan,
    "tongxi-2024-fangmian-restart.txt": split_tongxi,
    "heming-2025-lei-running.txt": split_heming,
    "zeyang-2024-label-blocks.txt": split_zeyang,
    "yunhu-2025-wechat-repost.txt": split_yunhu,
    "hefeng-2024-tab-table.txt": split_hefeng,
    "liyang-2025-two-sheets.xlsx": split_liyang,
    "yongcheng-2024-bold-groups.docx": split_yongcheng,
    "fenglin-2025-govpage.html": split_fenglin,
    "meiling-2024-semicolon-news.txt": split_meiling,
    "lancheng-2024-traditional.txt": split_lancheng,
    "shannan-2024-number-stress.txt": split_shannan,
}

# 其中 breakdowns written in these documents: (file, item no, total, parts)
BREAKDOWNS = [
    ("zeyang-2024-label-blocks.txt", 6, 800, [560, 240]),
    ("hefeng-2024-tab-table.txt", 7, 2500, [1800, 700]),
    ("yongcheng-2024-bold-groups.docx", 13, 300, [120, 180]),
]

TOP_KEYS = {
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
ITEM_KEYS = {"no", "title", "text_contains", "targets", "standards", "locations", "departments"}
TARGET_KEYS = {"kind", "subject", "op", "value", "value_max", "unit", "period", "source"}
STANDARD_KEYS = {"subject", "op", "amount", "amount_max", "per", "period", "previous", "source"}
OPS = {"=", ">=", "<=", "~", "range"}


def check(path: Path) -> list[str]:
    problems: list[str] = []
    exp = json.loads(path.read_text(encoding="utf-8"))
    name = exp["file"]
    if set(exp) != TOP_KEYS:
        problems.append(f"{path.name}: top-level keys {sorted(set(exp) ^ TOP_KEYS)}")
    if not (HERE / name).exists():
        problems.append(f"{path.name}: missing document {name}")
        return problems
    texts = SPLITTERS[name]()
    if len(texts) != len(exp["items"]):
        problems.append(f"{name}: {len(texts)} items in the document, {len(exp['items'])} expected")
    nos = [i["no"] for i in exp["items"]]
    if len(set(nos)) != len(nos):
        problems.append(f"{name}: repeated item numbers")
    if sorted(n for a in exp["actions"] for n in a["item_nos"]) != sorted(nos):
        problems.append(f"{name}: actions do not cover the items exactly")
    for item, text in zip(exp["items"], texts, strict=False):
        where = f"{name} item {item['no']}"
        if set(item) != ITEM_KEYS:
            problems.append(f"{where}: keys {sorted(set(item) ^ ITEM_KEYS)}")
        if item["text_contains"] not in text:
            problems.append(f"{where}: text_contains {item['text_contains']!r} not in {text!r}")
        if not 10 <= len(item["text_contains"]) <= 20 or re.search(
            r"[，、；：“”（）,;:()「」。]", item["text_contains"]
        ):
            problems.append(
                f"{where}: text_contains {item['text_contains']!r} is not 10-20 chars without punctuation"
            )
        quantities = [t for t in item["targets"] if t["kind"] == "quantity"]
        milestones = [t for t in item["targets"] if t["kind"] == "milestone"]
        if (quantities and milestones) or (not quantities and len(milestones) != 1):
            problems.append(f"{where}: milestone rule broken")
        for t in item["targets"]:
            if set(t) != TARGET_KEYS or t["op"] not in OPS:
                problems.append(f"{where}: bad target {t}")
            if t["kind"] == "quantity" and t["source"] not in text:
                problems.append(f"{where}: source {t['source']!r} not in item text")
            if (t["op"] == "range") != (t["value_max"] is not None):
                problems.append(f"{where}: range/value_max mismatch {t}")
        for s in item["standards"]:
            if set(s) != STANDARD_KEYS or s["op"] not in OPS:
                problems.append(f"{where}: bad standard {s}")
            if s["source"] not in text:
                problems.append(f"{where}: standard source {s['source']!r} not in item text")
        for key in ("locations", "departments"):
            for v in item[key]:
                if v not in text:
                    problems.append(f"{where}: {key} {v!r} not in item text")
    for file, no, total, parts in BREAKDOWNS:
        if file == name:
            item = next(i for i in exp["items"] if i["no"] == no)
            values = [t["value"] for t in item["targets"] if t["kind"] == "quantity"]
            if total not in values or any(p not in values for p in parts) or sum(parts) != total:
                problems.append(f"{name} item {no}: 其中 breakdown mismatch")
    return problems


def main() -> int:
    paths = sorted(HERE.glob("*.expected.json"))
    problems = [p for path in paths for p in check(path)]
    for path in paths:
        exp = json.loads(path.read_text(encoding="utf-8"))
        n_t = sum(1 for i in exp["items"] for t in i["targets"] if t["kind"] == "quantity")
        n_m = sum(1 for i in exp["items"] for t in i["targets"] if t["kind"] == "milestone")
        n_s = sum(len(i["standards"]) for i in exp["items"])
        print(
            f"{exp['file']:40} items {len(exp['items']):2}  quantity targets {n_t:2}  milestones {n_m}  "
            f"standards {n_s}  warnings {exp['warnings']}"
        )
    print("\n".join(problems) if problems else f"OK: {len(paths)} fixtures")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
