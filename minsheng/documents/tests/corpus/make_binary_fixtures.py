"""Write the binary (.docx / .xlsx) documents of the reader's test corpus.

Run from anywhere:  /work/main/.venv/bin/python make_binary_fixtures.py
It (re)writes, beside this script:

- xiping-2024-titled-items.docx   plain paragraphs: "一、标题" line, then a description paragraph
- anning-2025-table.docx          a table with merged category rows and a vertically merged 牵头单位
- fengyuan-2024-inline-lead.docx  "一、…" items in prose, "县教育局牵头" inline, 计划安排资金X亿元
- yunxi-2024-table.xlsx           title row, header row, 投资(万元) column, a 合计 row and a note row

The texts here are the documents: the matching *.expected.json files quote them literally.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2024, 1, 1, 9, 0, 0)


def _new_document(title: str):
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "corpus"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.last_modified_by = "corpus"
    return document


def _centered(document, text: str, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold


# --------------------------------------------------------------------------------------------------
# xiping-2024-titled-items.docx
# --------------------------------------------------------------------------------------------------

XIPING_ITEMS = [
    (
        "一、城区管网改造工程",
        "改造老旧雨污水管网7.2公里，整治易涝点位9处，新建雨水提升泵站两座，有效提升城区排涝能力。",
    ),
    ("二、背街小巷整治工程", "整治提升背街小巷34条，同步完善路灯、绿化等配套设施，改善居民出行环境。"),
    ("三、就业服务提升工程", "举办线上线下招聘活动40场，开发就业岗位1.2万个，城镇新增就业8000人。"),
    ("四、学前教育扩容工程", "新开办公办幼儿园2所，增加公办学位540个。"),
    (
        "五、社区养老服务工程",
        "建成社区助餐点15处，为1500名经济困难老年人提供助餐补贴，补贴标准为每人每月150元。",
    ),
    ("六、基层医疗提升工程", "为8家社区卫生服务中心更新医疗设备，新建发热诊室3个，基层首诊率达到60%。"),
    ("七、食品安全守护工程", "完成食品安全抽检3200批次、快检6000批次以上，守护群众“舌尖上的安全”。"),
    ("八、应急避难场所建设工程", "建设区级应急指挥平台，提升应急避难场所建设水平，增强基层防灾减灾能力。"),
]


def make_xiping() -> None:
    document = _new_document("西坪区2024年八项重点民生实事")
    _centered(document, "西坪区2024年八项重点民生实事", bold=True)
    _centered(document, "（2024年1月10日西坪区第三届人民代表大会第四次会议通过）")
    document.add_paragraph(
        "西坪区人大常委会日前审议确定了2024年八项重点民生实事，内容涉及城市更新、就业、教育、"
        "养老、医疗和食品安全。具体如下："
    )
    for title, body in XIPING_ITEMS:
        heading = document.add_paragraph()
        heading.add_run(title).bold = True
        document.add_paragraph(body)
    document.add_paragraph("区政府将建立民生实事项目推进台账，实行月调度、季通报，确保各项实事年内落地见效。")
    document.save(HERE / "xiping-2024-titled-items.docx")


# --------------------------------------------------------------------------------------------------
# anning-2025-table.docx
# --------------------------------------------------------------------------------------------------

ANNING_HEADER = ["序号", "项目名称", "建设内容", "牵头单位", "责任单位", "投资(万元)"]

# A str row is a category row merged across all columns; a tuple row is an item.
# None in the 牵头单位 column means "merged with the cell above".
ANNING_ROWS: list[str | tuple] = [
    "一、教育医疗类",
    (
        "1",
        "城北小学新建工程",
        "新建教学楼及综合楼，建筑面积1.26万平方米，设置36个教学班",
        "县教育局",
        "县住建局、县自然资源局",
        "8500",
    ),
    ("2", "县中医院康复楼建设", "建设康复楼1栋，新增康复床位200张", "县卫健局", "县中医院", "4200"),
    ("3", "乡镇卫生院能力提升", "为12个乡镇卫生院配备DR、彩超等设备", None, "各乡镇人民政府", "960"),
    "二、城乡建设类",
    (
        "4",
        "老旧小区改造",
        "改造老旧小区14个，惠及居民2860户，加装电梯20部",
        "县住建局",
        "城关镇人民政府、东关街道办事处",
        "5600",
    ),
    ("5", "农村公路提质改造", "新改建农村公路62公里，改造危桥8座", "县交通运输局", "各乡镇人民政府", "7400"),
    (
        "6",
        "城区供水管网改造",
        "更换老旧供水管网18.5公里，新建二次供水泵房4座",
        "县住建局",
        "县自来水公司",
        "3150.5",
    ),
    "三、社会保障类",
    (
        "7",
        "城市低保提标",
        "城市低保标准由每人每月760元提高至790元，月均保障城市低保对象1800人",
        "县民政局",
        "县财政局",
        "2600",
    ),
    (
        "8",
        "残疾儿童康复救助",
        "为320名残疾儿童提供康复训练，按照每人每年1.8万元的标准给予补助",
        "县残联",
        "县卫健局、县教育局",
        "576",
    ),
    (
        "9",
        "公益性岗位开发",
        "开发城乡公益性岗位600个，岗位补贴标准为1800元/月",
        "县人社局",
        "各乡镇人民政府",
        "1296",
    ),
]


def make_anning() -> None:
    document = _new_document("安宁县2025年民生实事项目计划表")
    _centered(document, "安宁县2025年民生实事项目计划表", bold=True)
    _centered(document, "（经县人民政府第四十五次常务会议审定）")

    table = document.add_table(rows=1 + len(ANNING_ROWS), cols=len(ANNING_HEADER))
    table.style = "Table Grid"
    for col, text in enumerate(ANNING_HEADER):
        table.cell(0, col).text = text
        table.cell(0, col).paragraphs[0].runs[0].bold = True

    for offset, row in enumerate(ANNING_ROWS, start=1):
        if isinstance(row, str):
            merged = table.cell(offset, 0).merge(table.cell(offset, len(ANNING_HEADER) - 1))
            merged.text = row
            merged.paragraphs[0].runs[0].bold = True
            continue
        for col, text in enumerate(row):
            if text is None:
                merged = table.cell(offset - 1, col).merge(table.cell(offset, col))
                merged.text = ANNING_ROWS[offset - 2][col]  # the text of the row above
            else:
                table.cell(offset, col).text = text

    document.add_paragraph(
        "注：1.投资为估算数，具体以批复概算为准；2.责任单位按职责分工配合牵头单位推进实施。"
    )
    document.save(HERE / "anning-2025-table.docx")


# --------------------------------------------------------------------------------------------------
# fengyuan-2024-inline-lead.docx
# --------------------------------------------------------------------------------------------------

FENGYUAN_ITEMS = [
    "一、新建丰源县第二人民医院门诊综合楼，新增床位300张，由县卫健局牵头实施。计划安排资金1.2亿元。",
    "二、实施城区供水管网改造，更换老旧管网21公里，县住建局牵头，县水务公司配合。计划安排资金0.48亿元。",
    "三、新建、改扩建公办幼儿园6所，新增学位1080个，县教育局牵头。建设资金由县级统筹地方政府专项债券解决。",
    "四、为全县80岁以上老年人发放高龄津贴，每人每月100元，县民政局牵头。计划安排资金0.26亿元。",
    "五、改造农村公路危桥14座，新建农村公路50公里，县交通运输局牵头。计划安排资金0.95亿元。",
    "六、支持县职业教育中心建设实训基地2个，县教育局、县人社局共同牵头。计划安排资金0.3亿元。",
    "七、为全县在校中小学生购买学生平安保险，每人每年50元，覆盖学生约5.8万人，县教育局牵头。"
    "计划安排资金0.029亿元。",
    "八、开展农村集中式饮用水水源地规范化建设，完成水源地保护区划定和标识设置，县生态环境分局牵头。"
    "计划安排资金0.141亿元。",
]


def make_fengyuan() -> None:
    document = _new_document("丰源县2024年8件民生实事实施方案")
    _centered(document, "丰源县2024年8件民生实事实施方案", bold=True)
    document.add_paragraph(
        "为切实解决群众急难愁盼问题，县委、县政府研究确定2024年实施8件民生实事，"
        "计划安排资金3.36亿元。各项目内容和资金来源如下。"
    )
    for text in FENGYUAN_ITEMS:
        document.add_paragraph(text)
    document.add_paragraph(
        "各牵头单位要于每季度结束后10日内向县民生办报送实施进展，县政府督查室将适时开展督查。"
    )
    document.save(HERE / "fengyuan-2024-inline-lead.docx")


# --------------------------------------------------------------------------------------------------
# yunxi-2024-table.xlsx
# --------------------------------------------------------------------------------------------------

YUNXI_HEADER = ["序号", "项目名称", "建设内容", "牵头单位", "责任单位", "投资（万元）", "完成时限"]

YUNXI_ROWS = [
    (1, "城区学校扩容", "新建云溪县第二实验小学，新增学位1800个", "县教育局", "县住建局", 9800, "2024年12月"),
    (2, "公办托育服务", "建设公办托育中心1个，提供托位150个", "县卫健局", "县妇联", 650, "2024年10月"),
    (3, "城市排水防涝", "改造雨污管网9.8公里，整治内涝点7处", "县住建局", "县水利局", 4300, "2024年11月"),
    (
        4,
        "农村供水保障",
        "新建规模化供水工程2处，惠及群众约3.5万人",
        "县水利局",
        "各乡镇人民政府",
        5200,
        "2024年12月",
    ),
    (
        5,
        "养老服务提升",
        "建成乡镇区域养老服务中心4个，改造特困供养床位200张",
        "县民政局",
        "县财政局",
        1600,
        "2024年12月",
    ),
    (
        6,
        "老年人健康体检",
        "按照每人160元的标准为2.2万名65岁以上老年人免费体检",
        "县卫健局",
        "各乡镇卫生院",
        352,
        "2024年11月",
    ),
    (7, "就业技能培训", "开展职业技能培训3000人次以上", "县人社局", "县总工会", 450, "2024年12月"),
    (8, "农贸市场改造", "改造提升城区农贸市场3个", "县市场监管局", "城关镇人民政府", 1200, "2024年9月"),
    (
        9,
        "全民健身设施",
        "新建社区多功能运动场8个、健身步道12公里",
        "县文旅体局",
        "各乡镇人民政府",
        980,
        "2024年12月",
    ),
    (
        10,
        "法律援助服务",
        "为约600名困难群众提供法律援助，按每件1000-1500元标准发放办案补贴",
        "县司法局",
        "县财政局",
        75,
        "2024年12月",
    ),
]


def make_yunxi() -> None:
    workbook = Workbook()
    workbook.properties.creator = "corpus"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    sheet.title = "民生实事"
    width = len(YUNXI_HEADER)

    sheet.append(["云溪县2024年民生实事项目清单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")

    sheet.append(YUNXI_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in YUNXI_ROWS:
        sheet.append(list(row))

    total = sum(row[5] for row in YUNXI_ROWS)
    sheet.append(["合计", None, None, None, None, total, None])
    total_row = sheet.max_row
    sheet.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=5)

    sheet.append(["说明：投资含上级补助资金和县级配套资金，完成时限为最迟完成时间。"])
    note_row = sheet.max_row
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)

    for column, column_width in zip("ABCDEFG", (6, 16, 48, 14, 18, 12, 12), strict=True):
        sheet.column_dimensions[column].width = column_width
    workbook.save(HERE / "yunxi-2024-table.xlsx")


def main() -> None:
    make_xiping()
    make_anning()
    make_fengyuan()
    make_yunxi()
    for name in (
        "xiping-2024-titled-items.docx",
        "anning-2025-table.docx",
        "fengyuan-2024-inline-lead.docx",
        "yunxi-2024-table.xlsx",
    ):
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
