"""Build the binary hold-out documents of this folder (run: /work/main/.venv/bin/python make_holdout2_binaries.py).

wenfeng-2025-table.docx: a Word table 序号 / 类别 / 项目名称 / 建设内容及目标 / 总投资（亿元） / 牵头单位 / 完成时限,
类别 merged vertically over each group, the header row typed again where page 2 begins (so it appears twice, in the
middle of the 医疗卫生 group, whose 类别 cell is then repeated), and a 合计 row at the end.
Edit the text here, not the .docx.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

HEADER = ["序号", "类别", "项目名称", "建设内容及目标", "总投资（亿元）", "牵头单位", "完成时限"]

# (类别, 项目名称, 建设内容及目标, 总投资（亿元）, 牵头单位, 完成时限); None in 类别 = merged with the row above
ROWS_PAGE1 = [
    (
        "教育",
        "县第一中学扩建工程",
        "新建教学楼2栋、学生宿舍1栋，新增学位1500个，秋季学期投入使用。",
        "1.2",
        "县教育局",
        "2025年12月",
    ),
    (None, "城区公办幼儿园建设", "新建公办幼儿园2所，新增学位720个。", "0.45", "县教育局", "2025年9月"),
    (
        None,
        "校园安全提升工程",
        "为58所中小学校安装视频监控和一键报警装置，配备专职保安120名。",
        "0.06",
        "县教育局",
        "2025年8月",
    ),
    (
        "医疗卫生",
        "县人民医院感染楼建设",
        "新建感染性疾病综合楼1.1万平方米，设置负压病房20间。",
        "0.8",
        "县卫健局",
        "2025年12月",
    ),
    (
        None,
        "村卫生室标准化建设",
        "新建、改造标准化村卫生室35个，实现行政村卫生室全覆盖。",
        "0.07",
        "县卫健局",
        "2025年10月",
    ),
]
ROWS_PAGE2 = [
    (
        "医疗卫生",
        "适龄儿童免费窝沟封闭",
        "为6000名适龄儿童免费实施窝沟封闭，按每颗牙齿40元的标准予以补助。",
        "—",
        "县卫健局",
        "2025年11月",
    ),
    (
        "城乡建设",
        "老旧小区改造",
        "改造老旧小区20个，惠及居民3100户，同步完善停车、充电等配套设施。",
        "0.95",
        "县住建局",
        "2025年11月",
    ),
    (None, "城区道路改造", "改造城区主次干道6条，总长8.4公里。", "0.6", "县住建局", "2025年10月"),
    (None, "农村供水保障", "新建农村供水工程13处，改造供水管网45公里。", "0.38", "县水利局", "2025年12月"),
    (None, "公共停车场建设", "新建公共停车场4处，新增停车位1100个。", "0.25", "县城管局", "2025年9月"),
    (
        "社会保障",
        "养老服务设施建设",
        "新建区域性养老服务中心3个，新增养老床位240张。",
        "0.18",
        "县民政局",
        "2025年12月",
    ),
    (
        None,
        "困难群众临时救助",
        "对遭遇急难的困难群众及时实施临时救助，全年救助不少于1500人次。",
        "0.03",
        "县民政局",
        "2025年12月",
    ),
]
TOTAL = "4.97"


def _font(run, size=10.5, bold=False):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "仿宋_GB2312"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")


def _set(cell, text, bold=False):
    cell.text = ""
    par = cell.paragraphs[0]
    _font(par.add_run(text), bold=bold)


def _repeat_header(row):
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def wenfeng() -> None:
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("汶丰县2025年重点民生实事项目表"), size=18, bold=True)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(sub.add_run("（经县政府第36次常务会议研究确定）"), size=12)
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(unit.add_run("填报单位：县发展和改革局　　　　　　2025年2月"), size=10.5)

    n_rows = 1 + len(ROWS_PAGE1) + 1 + len(ROWS_PAGE2) + 1
    table = doc.add_table(rows=n_rows, cols=len(HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    r = 0
    for j, h in enumerate(HEADER):
        _set(table.cell(r, j), h, bold=True)
    _repeat_header(table.rows[0])
    r += 1
    no = 1

    def fill(rows, r, no):
        group_top = None
        for cat, name, content, money, dept, due in rows:
            _set(table.cell(r, 0), str(no))
            if cat is not None:
                _set(table.cell(r, 1), cat)
                group_top = r
            else:
                table.cell(group_top, 1).merge(table.cell(r, 1))
            _set(table.cell(r, 2), name)
            _set(table.cell(r, 3), content)
            _set(table.cell(r, 4), money)
            _set(table.cell(r, 5), dept)
            _set(table.cell(r, 6), due)
            r += 1
            no += 1
        return r, no

    r, no = fill(ROWS_PAGE1, r, no)
    for j, h in enumerate(HEADER):  # header typed again at the top of page 2
        _set(table.cell(r, j), h, bold=True)
    r += 1
    r, no = fill(ROWS_PAGE2, r, no)
    merged = table.cell(r, 0).merge(table.cell(r, 3))
    _set(merged, "合计", bold=True)
    _set(table.cell(r, 4), TOTAL, bold=True)

    note = doc.add_paragraph()
    _font(
        note.add_run(
            "注：总投资含中央、省、市补助资金和县级配套资金；“—”表示该项目所需资金列入部门年度预算，不单独列示。"
        ),
        size=10.5,
    )
    doc.save(str(HERE / "wenfeng-2025-table.docx"))


if __name__ == "__main__":
    wenfeng()
