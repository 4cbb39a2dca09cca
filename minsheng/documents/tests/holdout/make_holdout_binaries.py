"""Build the binary hold-out documents (run: /work/main/.venv/bin/python make_holdout_binaries.py).

Writes, beside this script:
- liyang-2025-two-sheets.xlsx  cover sheet with a note, then the list sheet with a vertically merged 类别 column
- yongcheng-2024-bold-groups.docx  bold group headings 一、…（N项）, running （1） paragraphs, one wrong declared count

Edit the texts here, not the binaries. Every place, number and sentence is invented.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).parent

# ---------------------------------------------------------------- xlsx

LIYANG_ROWS = [
    # 序号, 类别, 项目名称, 年度目标任务, 牵头单位, 配合单位
    (
        1,
        "教育类",
        "城区小学扩容",
        "建成投用黎阳县第六小学，新增学位1800个",
        "县教育局",
        "县住建局、县自然资源局",
    ),
    (
        2,
        "教育类",
        "学生营养改善",
        "为农村义务教育学生提供营养膳食补助，按每人每年1000元标准，惠及学生2.6万名",
        "县教育局",
        "县财政局",
    ),
    (
        3,
        "教育类",
        "校园安全提升",
        "为全县中小学校安装一键报警装置320套，配备专职保安260名",
        "县教育局",
        "县公安局",
    ),
    (
        4,
        "医疗健康类",
        "县医院急诊急救能力提升",
        "新建急诊急救综合楼1栋，新增负压救护车6辆",
        "县卫健局",
        "县发改委",
    ),
    (
        5,
        "医疗健康类",
        "两癌免费筛查",
        "完成35—64岁适龄妇女宫颈癌、乳腺癌免费筛查1.6万人",
        "县卫健局",
        "县妇联",
    ),
    (6, "医疗健康类", "家庭医生签约服务", "重点人群家庭医生签约率达到75%以上", "县卫健局", "各乡镇人民政府"),
    (7, "社会保障类", "农村低保提标", "农村低保标准由每人每年5400元提高至5760元", "县民政局", "县财政局"),
    (
        8,
        "社会保障类",
        "困难职工帮扶",
        "走访慰问困难职工不少于1000户，发放帮扶资金200万元",
        "县总工会",
        "县财政局",
    ),
    (
        9,
        "城乡建设类",
        "城镇老旧小区改造",
        "改造城镇老旧小区18个，惠及居民3260户",
        "县住建局",
        "城关镇人民政府",
    ),
    (
        10,
        "城乡建设类",
        "城区道路改造",
        "改造人民路、建设路等城区道路7条，总长约6.4公里",
        "县住建局",
        "县公安局交警大队",
    ),
    (11, "城乡建设类", "农村供水保障", "新建村级供水站12处，更换入户管网150公里", "县水利局", "县财政局"),
    (
        12,
        "城乡建设类",
        "燃气管网更新",
        "更新改造老化燃气管道28公里、用户端燃气设施1.5万户",
        "县住建局",
        "县城管局",
    ),
]


def build_xlsx(path: Path) -> None:
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover["A1"] = "黎阳县2025年民生实事项目清单"
    cover["A1"].font = Font(size=16, bold=True)
    cover["A3"] = "说明："
    cover["A4"] = "1. 本清单经黎阳县第十八届人民代表大会第五次会议票决通过，共12项，详见“项目清单”工作表。"
    cover["A5"] = "2. 各牵头单位每月25日前通过民生实事管理平台报送进度，配合单位按职责做好协同。"
    cover["A6"] = "3. 联系人：县政府督查室 张敏，电话：0391-5126617。"
    cover["A8"] = "黎阳县人民政府办公室"
    cover["A9"] = "2025年1月24日"
    cover.column_dimensions["A"].width = 90

    ws = wb.create_sheet("项目清单")
    ws.merge_cells("A1:F1")
    ws["A1"] = "黎阳县2025年民生实事项目清单"
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    header = ["序号", "类别", "项目名称", "年度目标任务", "牵头单位", "配合单位"]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, text in enumerate(header, start=1):
        cell = ws.cell(row=2, column=col, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
    first_row = 3
    for offset, row in enumerate(LIYANG_ROWS):
        r = first_row + offset
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = border
    # merge the 类别 column over each run of equal categories (only the top cell keeps the value)
    start = first_row
    for offset in range(1, len(LIYANG_ROWS) + 1):
        r = first_row + offset
        if offset == len(LIYANG_ROWS) or LIYANG_ROWS[offset][1] != LIYANG_ROWS[offset - 1][1]:
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=2, end_row=r - 1, end_column=2)
            start = r
    for letter, width in zip("ABCDEF", (6, 12, 22, 60, 12, 24), strict=False):
        ws.column_dimensions[letter].width = width
    wb.save(path)


# ---------------------------------------------------------------- docx

YONGCHENG_GROUPS = [
    (
        "一、教育文化（3项）",
        [
            "（1）新建永澄县第三初级中学，设置48个教学班，新增学位2400个。（牵头单位：县教育局）",
            "（2）实施中小学教室照明改造，改造教室620间。（牵头单位：县教育局）",
            "（3）建设乡镇综合文化站5个，农家书屋提档升级80个。（牵头单位：县文广旅体局）",
        ],
    ),
    # declared 4, but only 3 items follow: the wrong count is deliberate
    (
        "二、医疗卫生（4项）",
        [
            "（4）建设县域医共体远程影像诊断中心，接入乡镇卫生院17家。（牵头单位：县卫健局）",
            "（5）为全县孕产妇免费开展产前筛查，筛查率达到90%以上。（牵头单位：县卫健局）",
            "（6）开展65岁及以上老年人免费白内障筛查，为符合条件的患者免费实施复明手术200例。（牵头单位：县卫健局、县残联）",
        ],
    ),
    (
        "三、社会保障（3项）",
        [
            "（7）为城乡特困人员购买意外伤害保险，保费标准每人每年60元。（牵头单位：县民政局）",
            "（8）新建农村互助养老服务点25处，每处给予一次性建设补助5万元。（牵头单位：县民政局）",
            "（9）开展困难职工“送温暖”活动，慰问困难职工家庭800户。（牵头单位：县总工会）",
        ],
    ),
    (
        "四、城乡建设（4项）",
        [
            "（10）改造提升城区背街小巷22条，总长度约9.5公里。（牵头单位：县住建局）",
            "（11）新建城区公共厕所15座，改造提升公共厕所8座。（牵头单位：县城管局）",
            "（12）实施农村客运候车亭改造，新建改造候车亭60个。（牵头单位：县交通运输局）",
            "（13）新建公共充电桩300个，其中快充桩120个、慢充桩180个。（牵头单位：县发改委）",
        ],
    ),
    (
        "五、生态环境（2项）",
        [
            "（14）完成城区黑臭水体整治2条，新建污水管网12.5公里。（牵头单位：县生态环境分局）",
            "（15）植树造林1.2万亩，新建村庄绿化示范点30个。（牵头单位：县林业局）",
        ],
    ),
]


def _font(run, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "仿宋_GB2312"


def build_docx(path: Path) -> None:
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("永澄县2024年民生实事项目"), 22, bold=True)
    intro = doc.add_paragraph()
    _font(
        intro.add_run(
            "为持续增进民生福祉，经县政府常务会议研究、县人大常委会审议，确定2024年全县重点实施以下民生实事项目，"
            "具体如下："
        ),
        16,
    )
    for heading, items in YONGCHENG_GROUPS:
        p = doc.add_paragraph()
        _font(p.add_run(heading), 16, bold=True)
        for text in items:
            q = doc.add_paragraph()
            q.paragraph_format.first_line_indent = Pt(32)
            _font(q.add_run(text), 16)
    closing = doc.add_paragraph()
    _font(
        closing.add_run(
            "各牵头单位要切实履行主体责任，制定具体实施方案，于每季度末将项目进展情况报送县政府督查室。"
            "县政府将对民生实事项目推进情况进行专项督查，并将督查结果纳入年度目标考核。"
        ),
        16,
    )
    for line in ("永澄县人民政府办公室", "2024年2月28日"):
        s = doc.add_paragraph()
        s.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(s.add_run(line), 16)
    doc.save(str(path))


if __name__ == "__main__":
    build_xlsx(HERE / "liyang-2025-two-sheets.xlsx")
    build_docx(HERE / "yongcheng-2024-bold-groups.docx")
    print("wrote liyang-2025-two-sheets.xlsx and yongcheng-2024-bold-groups.docx")
