"""The head of a document: its title, status (draft / final), issuing region and plan year.

:func:`read_header` looks at the lines before the list: the title (a short unmarked line), a status line
(征求意见稿 → draft; 票决, 印发, a progress report's 进度 / 上半年 … → final), the region (the longest run
ending in 市/县/区… at the head of the title), the year (20XX年 in the head, else a publication date).
"""

from __future__ import annotations

import re

from minsheng.documents.lines import Line
from minsheng.documents.normalize import analysis_copy

STATUS_LINE = re.compile(r"^[(\[]?\s*(征求意见稿|送审稿|讨论稿|草案|征求意见稿\s*\)|试行)\s*[)\]]?$")
YEAR = re.compile(r"(20\d{2}|二[〇零]二[〇零一二三四五六七八九])\s*年")


def read_header(lines: list[Line]) -> tuple[str, str | None, int | None, str | None, int]:
    """Title, region, year, status, and how many leading lines are the document head."""
    title = ""
    status = None
    used = 0
    for index, line in enumerate(lines[:4]):
        if STATUS_LINE.match(line.norm):
            status = (
                "draft" if "征求意见" in line.norm or "草案" in line.norm or "讨论" in line.norm else None
            )
            used = index + 1
            continue
        if (
            not title
            and line.style in (None, "bare")
            and len(line.norm) <= 80
            and not line.norm.endswith("。")
        ):
            title = line.orig
            used = index + 1
            if "征求意见稿" in line.norm:
                status = "draft"
            continue
        break
    head_text = analysis_copy(title)
    year_match = YEAR.search(head_text)
    year = year_number(year_match.group(1)) if year_match else None
    first_marked = next((i for i, ln in enumerate(lines) if ln.style), min(len(lines), 12))
    head_lines = lines[: max(first_marked, used)]
    if year is None:
        for line in head_lines:
            m = YEAR.search(line.norm)
            if m:
                year = year_number(m.group(1))
                break
    if year is None:  # only a publication date (2023-01-09): a list is published in its own year
        for line in lines[: max(first_marked, used) + 3]:
            m = _DATE.search(line.norm)
            if m:
                year = int(m.group(1))
                break
    region = region_in(title, head_text)
    if region is None:
        for line in head_lines:
            m = _REGION_IN_TEXT.search(line.norm)
            if m:
                region = line.orig[m.start(1) : m.end(1)]
                break
    if region is None:
        for line in head_lines:
            for m in re.finditer(r"《([^》]+)》", line.norm):
                region = region or region_in(line.orig[m.start(1) : m.end(1)], m.group(1))
            region = region or region_in(line.orig, line.norm)
            if region:
                break
    framing = " ".join(line.norm for line in lines[: max(len(head_lines), used) + 6])
    if status is None:
        if DRAFT_WORDS.search(framing):
            status = "draft"
        elif FINAL_WORDS.search(framing):
            status = "final"
    return title, region, year, status, used


_REGION_SUFFIX = "省市州盟县旗区师"
_REGION_IN_TEXT = re.compile(
    r"((?:(?![在于日的和与及向对为是由经据从])[\u4e00-\u9fff]){2,6}?(?:省|市|州|县|区|旗))(?:人民政府|政府|人大|第[一二三四五六七八九十\d]+届)"
)
_REGION_STOP = re.compile(
    r"政府|办公|关于|印发|人民|委员|领导|小组|网站|发布|今年|明年|民生|实事|我|将|的|在"
)
DRAFT_WORDS = re.compile(r"征求意见稿|草案|讨论稿|公开征求意见|征求意见")
_DATE = re.compile(r"(?<!\d)(20\d{2})[-/.](?:0?[1-9]|1[0-2])[-/.](?:[012]?\d|3[01])(?!\d)")
# a progress or completion report on a list already adopted
PROGRESS_WORDS = re.compile(r"进度|进展情况|完成情况|推进情况|上半年|截至\d{1,2}月")
FINAL_WORDS = re.compile(
    r"进度|进展情况|完成情况|推进情况|上半年|截至\d{1,2}月|票决|表决|审议通过|会议通过|通过了|审定|印发|公布|确定|出炉|发布|实施方案|正式"
)


def year_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int(
        "".join(str("〇一二三四五六七八九".index(ch)) if ch in "〇一二三四五六七八九" else "0" for ch in text)
    )


def region_in(orig: str, norm: str) -> str | None:
    """The issuing government at the head of a line: the longest run of characters ending in 市/县/区…"""
    lead = re.match(r"^(?:[\u4e00-\u9fff]{1,4}[!|]|[\d\s]*(?:[件项个]\s*)?)[!,:.、]?\s*(?:\d{4}\s*年)?", norm)
    start = lead.end() if lead else 0
    run = re.match(r"[\u4e00-\u9fff]+", norm[start:])
    if not run:
        return None
    best = None
    text = run.group(0)
    for end in range(2, min(len(text), 16) + 1):
        candidate = text[:end]
        if candidate[-1] in _REGION_SUFFIX and not _REGION_STOP.search(candidate):
            if text[end : end + 1] in ("长", "委") and end > 2 and text[end - 2] in _REGION_SUFFIX:
                continue  # 清泽市市长: the 市 of 市长
            best = end
    if best is None or best < 2:
        return None
    return orig[start : start + best]
