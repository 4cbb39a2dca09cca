"""Tables: a plan table read row by row, and a table whose cells ran together on extraction.

:func:`read_table` finds the header (序号 / 项目名称 / 建设内容 / 牵头单位 / 投资(万元) …), reads each row into a
draft (a merged row across the table starts an action; an unnumbered row continues the item above) and
returns a title row. :func:`flattened_table` splits cells run together on the chain of item numbers.
"""

from __future__ import annotations

import re

from minsheng.documents.blocks import Table
from minsheng.documents.lines import CN, GROUP_DECL, Draft, Line, marker_number
from minsheng.documents.model import Target
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.numbers import clean_number
from minsheng.documents.quantities import UNITS, has_quantity, split_departments

_COLUMN_ROLES = (
    ("no", re.compile(r"^序号|^编号|^序$")),
    ("category", re.compile(r"^(?:类别|类型|领域|方面|板块|分类|项目类别)$")),
    ("lead", re.compile(r"牵头(?:单位|部门)|主办单位|责任单位|责任部门")),
    ("support", re.compile(r"配合(?:单位|部门)|协办|参与单位|协同")),
    ("invest", re.compile(r"投资|资金|金额|预算")),
    ("content", re.compile(r"建设内容|主要内容|目标任务|内容|任务|目标|规模|实事")),
    ("name", re.compile(r"项目名称|名称|项目|事项")),
)
ORG = re.compile(r"(?:局|委|办|院|中心|厅|部|会|公司|政府|管委会|所|站|队|社|署|处|街道|镇|乡|园|集团)$")
_MONEY_UNIT = re.compile(r"(亿元|万元|元)")
_CJK_CELL = re.compile(r"[\u4e00-\u9fff]")
_PROGRESS_CELL = re.compile(r"^(?:持续推进中?|已完成|完成|推进中|正在推进|未启动|已启动|—|-)$")


def _table_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        cell_norm = analysis_copy(cell).replace(" ", "")
        for role, pattern in _COLUMN_ROLES:
            if pattern.search(cell_norm):
                if role == "lead" and "lead" in roles and "support" not in roles:
                    roles["support"] = index
                elif role not in roles:
                    roles[role] = index
                break
    return roles


def read_table(table: Table, actions: list[tuple[str | None, int | None, list[Draft]]]) -> str | None:
    """Rows of a plan table become items; a merged category row starts an action. Returns a title row."""
    rows = table.rows
    header_at = None
    for index, row in enumerate(rows[:8]):
        roles = _table_roles(row)
        if ("content" in roles or "name" in roles) and len(roles) >= 2:
            header_at = index
            break
    if header_at is None:
        return None
    header = rows[header_at]
    roles = _table_roles(header)
    title = None
    for row in rows[:header_at]:
        values = [c for c in row if c]
        if values and len(set(values)) == 1:
            title = values[0]
    invest_mult = 1.0
    if "invest" in roles:
        unit = _MONEY_UNIT.search(analysis_copy(header[roles["invest"]]))
        invest_mult = {"亿元": 1e8, "万元": 1e4}.get(unit.group(1), 1.0) if unit else 1e4
    if not actions:
        actions.append((None, None, []))
    previous_no = None
    current_category = None
    for row in rows[header_at + 1 :]:
        values = [c for c in row if c]
        if not values:
            continue
        if row == header:
            continue  # a header repeated on every page
        distinct = set(values)
        no_cell = row[roles["no"]] if "no" in roles and roles["no"] < len(row) else ""
        no_value = marker_number(analysis_copy(no_cell).strip(" .、")) if no_cell else None
        if len(distinct) == 1 and (
            (len(row) > 2 and len(values) > 1) or (no_value is None and len(values) == 1)
        ):
            heading = values[0]
            heading_norm = analysis_copy(heading)
            if re.match(
                r"^(?:说明|注|备注|附注|附件|数据来源|填报|制表)", heading_norm
            ) or heading_norm.endswith("。"):
                continue
            if len(heading_norm) <= 40 and not has_quantity(heading_norm):
                m = GROUP_DECL.match(heading_norm)
                count = None
                name = re.sub(rf"^[{CN}]+\s*[、.]\s*", "", heading).strip()
                if m:
                    count_text = m.group("cnt") or m.group("cnt2")
                    count = marker_number(count_text) if count_text else None
                    name = heading[m.start("title") : m.end("title")]
                if actions and not actions[-1][2] and actions[-1][0] is None:
                    actions[-1] = (name, count, [])
                else:
                    actions.append((name, count, []))
                continue

        def cell(role: str, row: list[str] = row) -> str:
            index = roles.get(role)
            return row[index] if index is not None and index < len(row) else ""

        category = cell("category")
        if category and category != current_category and no_value is not None:
            current_category = category
            if actions and not actions[-1][2] and actions[-1][0] is None:
                actions[-1] = (category, None, [])
            else:
                actions.append((category, None, []))

        content = cell("content")
        lead = cell("lead")
        if lead and not ORG.search(analysis_copy(lead).strip()) and re.search(r"\d", lead):
            # the row has more cells than the header (a sub-column): the lead department moved right
            content = f"{content}；{lead}" if content else lead
            lead_at = roles["lead"]
            lead = next((c for c in row[lead_at + 1 :] if c and ORG.search(analysis_copy(c).strip())), "")
        drafts = actions[-1][2]
        continuation = (no_value is None and not no_cell) or (
            no_value is not None and no_value == previous_no
        )
        if continuation and not drafts:
            continuation = False
        if no_value is None and no_cell and drafts and "no" in roles:
            # a short row whose cells shifted left (merged cells lost): its text cells continue the item
            continuation = True
            texts = [c for c in row if c and _CJK_CELL.search(c)]
            orgs = [c for c in texts if ORG.search(analysis_copy(c).strip()) and len(c) <= 12]
            content = "；".join(c for c in texts if c not in orgs and not _PROGRESS_CELL.match(c))
            lead = "、".join(orgs)
        if continuation:
            draft = drafts[-1]
            if content and content not in draft.orig:
                draft.orig = f"{draft.orig}；{content}" if draft.orig else content
                draft.norm = analysis_copy(draft.orig)
            for name in split_departments(lead) + split_departments(cell("support")):
                if name not in draft.departments:
                    draft.departments.append(name)
            continue
        name_cell = cell("name")
        text = content or name_cell
        if not text:
            continue
        draft = Draft(no_value, name_cell if content and name_cell else None, text, analysis_copy(text))
        draft.departments = [n for n in split_departments(lead) + split_departments(cell("support")) if n]
        invest = cell("invest")
        if invest:
            m = re.search(r"\d+(?:\.\d+)?", analysis_copy(invest))
            if m:
                value = float(m.group(0)) * invest_mult
                unit_in_cell = _MONEY_UNIT.search(analysis_copy(invest))
                if unit_in_cell:
                    value = float(m.group(0)) * {"亿元": 1e8, "万元": 1e4, "元": 1}[unit_in_cell.group(1)]
                draft.extra_targets.append(
                    Target(
                        kind="quantity",
                        subject="投资",
                        op="=",
                        value=clean_number(value),
                        unit="元",
                        source=invest,
                    )
                )
        drafts.append(draft)
        previous_no = no_value
    return title


_FLAT_HEADER = re.compile(
    r"序号\s*(?:项目名称|项目|事项名称|实事名称|名称)(?:\s*(?:主要内容|建设内容|目标任务|实施内容|内容|"
    r"[\u4e00-\u9fff]{0,4}分管领导|责任领导|牵头单位|牵头部门|配合单位|责任单位|完成时限|备注|投资[^\u4e00-\u9fff]{0,6}))+"
)
_FLAT_NOT_AFTER = re.compile(
    r"(?:"
    + "|".join(
        sorted(
            [*UNITS, "年", "月", "日", "号", "岁", "倍", "万", "亿", "千", "百", "余", "多", "届"],
            key=len,
            reverse=True,
        )
    )
    + r")"
)
_FLAT_ORG = re.compile(r"[\u4e00-\u9fff]{2}(?:局|委|办)(?![\u4e00-\u9fff]{0,1}[长])")
_FLAT_TITLE_END = re.compile(
    r"(?:实施|完成|落实|推进|新建|开展|提升|为全|全区|全市|全县|对|建设|组织|深化|打造)"
)


def flattened_table(lines: list[Line]) -> list[Draft] | None:
    """A table whose cells ran together on extraction (序号项目名称主要内容…1增加教育资源供给实施…2…).

    Page-break markers (1、 2、 at line starts) and repeated headers are dropped; the items are found as
    the chain 1, 2, 3 … of bare numbers followed by a character that is not a unit."""
    start = next((i for i, ln in enumerate(lines) if _FLAT_HEADER.search(ln.norm)), None)
    if start is None:
        return None
    orig_parts, norm_parts = [], []
    for index, line in enumerate(lines[start:]):
        cut = 0
        marker = re.match(r"^\d{1,3}、", line.norm)
        if (marker and index > 0) or (marker and _FLAT_HEADER.search(line.norm[marker.end() :])):
            cut = marker.end()
        orig_parts.append(line.orig[cut:])
        norm_parts.append(line.norm[cut:])
    orig, norm = "".join(orig_parts), "".join(norm_parts)
    # blank out the header wherever it repeats, keeping offsets
    keep = list(range(len(norm)))
    for m in _FLAT_HEADER.finditer(norm):
        for i in range(m.start(), m.end()):
            keep[i] = -1
    body_at = _FLAT_HEADER.search(norm).end()  # type: ignore[union-attr]
    positions: list[int] = []
    pos = body_at
    k = 1
    while True:
        pattern = re.compile(rf"(?<![\d.]){k}(?![\d.%])(?=[\u4e00-\u9fff])")
        found = None
        for m in pattern.finditer(norm, pos):
            if keep[m.start()] == -1 or _FLAT_NOT_AFTER.match(norm, m.end()):
                continue
            found = m
            break
        if found is None:
            break
        positions.append(found.start())
        pos = found.end() + 4
        k += 1
    if len(positions) < 2:
        return None
    drafts = []
    bounds = [*positions[1:], len(norm)]
    for number, (begin, end) in enumerate(zip(positions, bounds, strict=False), start=1):
        text_start = begin + len(str(number))
        keep_idx = [i for i in range(text_start, end) if keep[i] != -1]
        seg_orig = "".join(orig[i] for i in keep_idx)
        seg_norm = "".join(norm[i] for i in keep_idx)
        title_end = _FLAT_TITLE_END.search(seg_norm, 3)
        title = seg_orig[: title_end.start()] if title_end and title_end.start() <= 16 else None
        draft = Draft(number, title, seg_orig, seg_norm)
        tail_at = seg_norm.rfind("。")
        tail = seg_norm[tail_at + 1 :] if tail_at >= 0 else ""
        for org in _FLAT_ORG.finditer(tail):
            name = seg_orig[tail_at + 1 + org.start() : tail_at + 1 + org.end()]
            if name not in draft.departments:
                draft.departments.append(name)
        for sentence in re.finditer(r"[^。]+。", seg_norm):
            # a sub-row: the lead department of the next part sits right after a full stop
            lead = _FLAT_ORG.search(seg_norm, sentence.end(), sentence.end() + 8)
            if lead:
                name = seg_orig[lead.start() : lead.end()]
                if name not in draft.departments:
                    draft.departments.append(name)
        drafts.append(draft)
    return drafts
