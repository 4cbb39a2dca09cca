"""Always-run fixtures, one per layout family the reader must generalise to (invented text, not copies).

Each family is written the way such documents come: cells one per line, progress tables, bare numbers,
quantity-first titles, bullets, quoted titles in prose, unusual numbering, vote news.
"""

from __future__ import annotations

from minsheng.documents import parse_text
from minsheng.documents.layouts import bullet_titles, quoted_titles, row_lines
from minsheng.documents.lines import Draft, announced_counts
from minsheng.documents.parser import _lines_and_tables
from minsheng.documents.readers import text_blocks
from minsheng.documents.readings import Reading, choose, confidence


def quantities(document):
    return {
        item.no: sorted((t.value, t.unit) for t in item.targets if t.kind == "quantity")
        for item in document.items
    }


def lines_of(text):
    return _lines_and_tables(text_blocks(text))[0]


CELL_TABLE = """关于下达2025年民生实事任务的通知
附件
2025年民生实事任务表
序号
项目名称
建设内容
责任单位
完成时限
1
城区道路改造
改造城区道路5公里。
县住建局
12月底前
2
社区食堂建设
新建社区食堂12个。
县民政局
县商务局
10月底前
开展老年助餐服务。
12月底前
3
学位扩容
新增公办学位3000个。
县教育局
9月底前
"""


def test_cell_per_line_table_rows_and_sub_rows():
    document = parse_text(CELL_TABLE)
    assert document.reading is not None and document.reading.segmenter == "rows"
    assert quantities(document) == {1: [(5, "公里")], 2: [(12, "个")], 3: [(3000, "个")]}
    second = document.items[1]
    assert "开展老年助餐服务" in second.text  # the unnumbered sub-row belongs to the row above
    assert second.departments == ["县民政局", "县商务局"]
    assert document.year == 2025


def test_cell_per_line_table_in_traditional_characters_with_a_money_column_in_wan_yuan():
    text = (
        "2024年民生實事項目表\n序號\n項目名稱\n建設內容\n計劃投資(萬元)\n責任單位\n"
        "1\n新建公園\n新建口袋公園6個。\n350\n縣住建局\n2\n改造戶廁\n改造農村戶廁800戶。\n120.5\n縣農業農村局\n"
        "3\n增加學位\n新增學位1200個。\n2000\n縣教育局\n"
    )
    document = parse_text(text)
    assert quantities(document) == {
        1: [(6, "個"), (3_500_000, "元")],
        2: [(800, "戶"), (1_205_000, "元")],
        3: [(1200, "個"), (20_000_000, "元")],
    }
    assert document.items[1].departments == ["縣農業農村局"]


def test_cell_per_line_table_in_traditional_characters_with_pinyin():
    text = "2024年民生實事進度表\n序號\n項目名稱\n建設內容\n1\n新建公園\n新建口袋公園(yuán)6個。\n2\n改造戶廁\n改造農村戶廁800戶。\n3\n增加學位\n新增學位1200個。\n"
    document = parse_text(text)
    assert quantities(document) == {1: [(6, "個")], 2: [(800, "戶")], 3: [(1200, "個")]}


PROGRESS_TABLE = """2023年1-9月民生实事推进情况表 |
序号 |
考核指标 |
单位 |
工作目标 |
已完成数 |
占比 |
备注 |
1 |
新增托育服务 |
个 |
300 |
210 |
70% |
已建成210个,余下年底前完成 |
2 |
困难群众救助 |
城市低保标准 |
元/月/人 |
720 |
|
100% |
已按每人每月720元发放 |
农村低保标准 |
元/年/人 |
5600 |
|
100% |
|
3 |
职业技能培训 |
培训(人次) |
5000 |
4100 |
82% |
|
"""


def test_progress_table_takes_targets_not_progress_or_remarks():
    document = parse_text(PROGRESS_TABLE)
    assert document.status == "final"
    assert quantities(document) == {1: [(300, "个")], 2: [], 3: [(5000, "人次")]}
    standards = [(s.amount, s.per, s.period) for s in document.items[1].standards]
    assert standards == [(720, "人", "月"), (5600, "人", "年")]


def test_progress_table_group_label_printed_on_its_first_row_only():
    text = "进度表\n工程名称\n序号\n目标任务\n进度\n完成目标\n(%)\n就业提升工程\n1\n新增就业(人)\n5000\n5200\n104\n2\n技能培训(人)\n800\n900\n112\n安居保障工程\n3\n棚户区改造(户)\n600\n300\n50\n"
    document = parse_text(text)
    assert [(a.title, len(a.items)) for a in document.actions] == [("就业提升工程", 2), ("安居保障工程", 1)]
    assert quantities(document) == {1: [(5000, "人")], 2: [(800, "人")], 3: [(600, "户")]}


def test_bare_numbers_on_their_own_line_with_the_text_below():
    text = "2022年实事项目完成情况\n1\n新增 120张 养老床位,为计划的100%。\n2\n300家 餐饮单位完成明厨亮灶改造。\n3\n完成 12.5万 平方米 屋顶绿化。\n"
    document = parse_text(text)
    assert [item.no for item in document.items] == [1, 2, 3]
    assert (120, "张") in quantities(document)[1]
    assert quantities(document)[2] == [(300, "家")]
    assert quantities(document)[3] == [(125000, "平方米")]


def test_title_lines_that_begin_with_the_quantity():
    text = (
        "2023年重点民生实事上半年进展\n"
        "20万学生免费午餐。上半年已惠及学生15万人。\n"
        "10个城市口袋公园。上半年已完成6个。\n"
        "3000套保障性住房。上半年已开工1200套。\n"
    )
    document = parse_text(text)
    # the pledge's figure is the target; what 已 was done by mid-year is progress
    assert {no: [value for value, _ in q] for no, q in quantities(document).items()} == {
        1: [200000],
        2: [10],
        3: [3000],
    }


def test_title_lines_followed_by_bullets():
    text = (
        "今年将办好10件民生实事\n"
        "扩大就业\n●全年新增城镇就业5万人\n●培训农民工2000人次\n"
        "改善住房\n●改造老旧小区120个\n"
    )
    groups = bullet_titles(lines_of(text))
    assert groups is not None and [d.title for d in groups[0][1]] == ["扩大就业", "改善住房"]
    document = parse_text(text)
    assert quantities(document) == {1: [(2000, "人次"), (50000, "人")], 2: [(120, "个")]}


def test_quoted_titles_inside_running_prose():
    text = (
        "本报讯 截至6月底,全市民生工程顺利推进。\n"
        "3项已完成。“社区助餐点建设”计划建设助餐点40个,已建成45个;“智慧停车项目”完成招标。"
        "“口袋公园建设”计划新建公园8个,实际完成3个。\n"
    )
    groups = quoted_titles(lines_of(text))
    assert groups is not None
    assert [d.title for d in groups[0][1]] == ["社区助餐点建设", "智慧停车项目", "口袋公园建设"]
    document = parse_text(text)
    assert quantities(document) == {1: [(40, "个")], 2: [], 3: [(8, "个")]}


def test_numbers_followed_by_a_space_or_nothing_and_restarting_per_heading():
    text = "注:共两方面5项\n一,教育提升\n1新建学校2所\n2 改造操场3个\n二,医疗保障\n1开展义诊100场\n2 新增床位50张\n3支持社区医院建设\n"
    document = parse_text(text)
    assert [a.title for a in document.actions] == ["教育提升", "医疗保障"]
    assert [item.no for item in document.items] == [1, 2, 3, 4, 5]
    assert quantities(document)[3] == [(100, "场")]


def test_pipe_table_rows_without_a_number_continue_the_item_above():
    text = "序号|项目名称|建设内容|牵头单位\n1|道路|新建道路3公里|县交通局\n||配套路灯200盏|\n2|供水|新建水厂1座|县水务局\n3|公园|新建公园2个|县住建局\n"
    document = parse_text(text)
    assert quantities(document) == {1: [(3, "公里"), (200, "盏")], 2: [(1, "座")], 3: [(2, "个")]}


def test_vote_news_with_circled_numbers_year_from_the_session():
    text = "3月2日,某县第十九届人民代表大会第三次会议票决产生2024年十大民生实事项目,分别是:\n" + "".join(
        f"{'①②③④⑤⑥⑦⑧⑨⑩'[i]}某县第{i + 1}项民生工程;\n" for i in range(10)
    )
    document = parse_text(text)
    assert len(document.items) == 10
    assert document.status == "final" and document.year == 2024


def test_the_scorer_prefers_the_reading_that_matches_the_announced_count():
    assert announced_counts("今年将办好三件实事:") == {3}
    assert announced_counts("注:共八方面20项") == {20}
    drafts = [Draft(None, None, text, text) for text in ("新建公园2个。", "新建学校1所。", "新建道路5公里。")]
    three = Reading("paragraphs", [(None, None, drafts)])
    two = Reading("paragraphs", [(None, None, drafts[:2])])
    best, _second = choose([two, three], 30, {3})
    assert best is three and three.features["count"] == 2.0 and two.features["count"] == 0.0
    best, _ = choose([two, three], 30, {2})
    assert best is two


def test_choose_keeps_the_runner_up_and_confidence_falls_with_the_margin():
    lines = lines_of(CELL_TABLE)
    rows = row_lines(lines)
    assert rows is not None
    a = Reading("rows", [(None, None, rows[0][1])])
    b = Reading("paragraphs", [(None, None, rows[0][1][:1])])
    best, second = choose([b, a], sum(len(x.norm) for x in lines), {3})
    assert best is a and second is b
    assert confidence(best, second) > confidence(best, Reading("x", [], score=best.score - 0.1))
    assert confidence(best, None) == 1.0


def test_a_list_of_1500_items_is_read_whole():
    text = "2025年民生实事清单\n" + "".join(f"{n}. 新建第{n}号公园1个。\n" for n in range(1, 1501))
    document = parse_text(text)
    assert len(document.items) == 1500
    assert document.items[-1].no == 1500
    assert document.warnings == []


def test_warnings_are_coded_and_render_in_the_callers_language():
    document = parse_text("一、安全行动(4项)\n1.新建道路2公里。\n2.新建公园3个。\n4.新建学校1所。\n")
    codes = [n.code for n in document.notices]
    assert codes == ["numbering-gap", "declared-count"]
    assert document.warnings[0] == "The numbering skips from 2 to 4 (missing 3)."
    chinese = {
        "The numbering skips from %(previous)s to %(next)s (missing %(missing)s).": "编号从%(previous)s跳到%(next)s（缺少%(missing)s）。"
    }
    assert document.notices[0].render(lambda m: chinese.get(m, m)) == "编号从2跳到4（缺少3）。"
    data = document.to_dict()
    assert data["notices"][0]["code"] == "numbering-gap" and data["reading"]["segmenter"] == "numbered"


def test_paren_items_under_actions_numbering_runs_on_and_an_action_with_one_unnumbered_line():
    text = (
        "一、教育行动\n(一)新建学校2所。\n(二)改造操场3个。\n二、医疗行动\n(三)新增床位50张。\n"
        "三、养老行动\n为老年人免费体检5000人。\n四、就业行动\n(四)培训1000人次。\n"
    )
    document = parse_text(text)
    assert [(a.title, len(a.items)) for a in document.actions] == [
        ("教育行动", 2),
        ("医疗行动", 1),
        ("养老行动", 1),  # not dropped: the action's only line is its item
        ("就业行动", 1),
    ]
    assert list(quantities(document).values()) == [
        [(2, "所")],
        [(3, "个")],
        [(50, "张")],
        [(5000, "人")],
        [(1000, "人次")],
    ]


def test_tab_table_with_a_continuation_row_and_money_in_wan_yuan():
    text = (
        "序号\t项目名称\t建设内容\t投资(万元)\n1\t道路\t新建道路3公里\t1200\n\t\t配套路灯200盏\t\n"
        "2\t供水\t新建水厂1座\t800\n3\t公园\t新建公园2个\t300\n"
    )
    document = parse_text(text)
    assert quantities(document) == {
        1: [(3, "公里"), (200, "盏"), (12_000_000, "元")],
        2: [(1, "座"), (8_000_000, "元")],
        3: [(2, "个"), (3_000_000, "元")],
    }


def test_the_year_from_the_publication_date_when_no_year_is_printed():
    document = parse_text(
        "民生实事清单发布\n来源:本地日报 2023-01-09 10:26\n1.新建学校2所。\n2.改造操场3个。\n"
    )
    assert document.year == 2023


def test_progress_table_with_pipe_rows_reads_targets_from_the_goal_column():
    text = (
        "2023年1-9月民生实事推进情况表\n序号 | 考核指标 | 单位 | 工作目标 | 已完成数 | 占比 | 备注 |\n"
        "1 | 新增托育服务 | 个 | 300 | 210 | 70% | 已建成210个 |\n"
        "2 | 城市低保标准 | 元/月/人 | 720 |  | 100% | 已按每人每月720元发放 |\n"
        " | 农村低保标准 | 元/年/人 | 5600 |  | 100% |  |\n"
        "3 | 职业技能培训 | 人次 | 5000 | 4100 | 82% |  |\n"
    )
    document = parse_text(text)
    assert document.reading is not None and document.reading.segmenter == "table-rows"
    assert quantities(document) == {1: [(300, "个")], 2: [], 3: [(5000, "人次")]}
    assert [(s.amount, s.period) for s in document.items[1].standards] == [(720, "月"), (5600, "年")]


def test_quantity_titles_inside_a_news_story_leave_out_its_opening_and_closing():
    text = (
        "新华社讯 今年上半年,全市25件民生实事完成投资156亿元,占全年计划的56%,进展顺利。\n"
        "2606个撤并村通公路。上半年已完成1075个。\n"
        "解决500万人饮水安全。上半年已解决59.6万人。\n"
        "50万人高山生态扶贫搬迁。上半年已搬迁6.4万人。\n"
        "3000公里农村公路安装安全设施。上半年已完成610公里。\n"
        "记者从市政府了解到,下半年将加快推进,确保全年完成投资277亿元。\n"
    )
    document = parse_text(text)
    assert quantities(document) == {
        1: [(2606, "个")],
        2: [(5_000_000, "人")],
        3: [(500_000, "人")],
        4: [(3000, "公里")],
    }


def test_two_segmenters_finding_the_same_items_are_not_a_doubt():
    text = "序号|项目名称|建设内容|牵头单位\n1|道路|新建道路3公里|县交通局\n2|供水|新建水厂1座|县水务局\n3|公园|新建公园2个|县住建局\n"
    document = parse_text(text)
    # the table by its columns and by its cells find the same three items: no runner-up to doubt it
    assert document.reading is not None and document.reading.segmenter == "table"
    assert document.reading.runner_up != "table-rows"


def test_a_category_column_before_the_number_labels_each_group_once():
    text = (
        "2023年民生实事进度表\n类别\n序号\n项目内容\n目标任务\n进度\n完成目标(%)\n备注\n"
        "教育\n1\n新增学位(个)\n3000\n3100\n103\n超额完成\n2\n改造校舍(所)\n12\n12\n100\n已完成\n"
        "医疗卫生\n3\n新建卫生室(个)\n20\n18\n90\n推进中\n4\n义诊(场次)\n100\n120\n120\n超额完成\n"
    )
    document = parse_text(text)
    assert [(a.title, [i.no for i in a.items]) for a in document.actions] == [
        ("教育", [1, 2]),
        ("医疗卫生", [3, 4]),
    ]
    assert quantities(document) == {1: [(3000, "个")], 2: [(12, "所")], 3: [(20, "个")], 4: [(100, "场次")]}


def test_policy_titles_in_book_quotes_inside_prose():
    text = (
        "市政府办公室有关负责人解读2024年民生实事。\n"
        "今年的民生实事围绕群众关切展开。《城市社区嵌入式服务设施建设》明确新建社区服务设施30处;"
        "《老年助餐服务提升》提出新增助餐点120个。《口袋公园建设》计划建成口袋公园15个。\n"
        "下一步,各部门将抓好落实。\n"
    )
    document = parse_text(text)
    assert [item.title for item in document.items] == [
        "城市社区嵌入式服务设施建设",
        "老年助餐服务提升",
        "口袋公园建设",
    ]
    assert quantities(document) == {1: [(30, "处")], 2: [(120, "个")], 3: [(15, "个")]}


def test_a_line_opening_with_a_count_continues_the_item_when_the_next_number_repeats_it():
    document = parse_text(
        "2025年民生实事\n1. 建设学校\n2所小学、3所中学开工建设。\n2. 新建公园5个。\n3. 改造道路10公里。\n"
    )
    assert quantities(document) == {1: [(2, "所"), (3, "所")], 2: [(5, "个")], 3: [(10, "公里")]}
    assert document.warnings == []


def test_progress_table_with_progress_sentences_and_shares_of_the_plan():
    text = (
        "2024年民生实事项目推进情况表\n序号\n子项目\n具体内容\n截至9月底进展\n完成情况\n占全年计划\n"
        "1\n口袋公园\n新建口袋公园10个\n已建成8个,其余2个主体完工\n推进中\n80%\n"
        "2\n老年食堂\n新建老年食堂25个\n已建成25个\n已完成\n100%\n"
        "3\n公办学位\n新增公办学位2000个\n已新增1500个\n推进中\n75%\n"
    )
    document = parse_text(text)
    # the planned figure is the target; what is done so far and the share of the plan are progress
    assert quantities(document) == {1: [(10, "个")], 2: [(25, "个")], 3: [(2000, "个")]}


def test_cells_closed_by_a_pipe_read_as_cells_one_per_line():
    plain = CELL_TABLE
    piped = "".join(f"{line} |\n" for line in CELL_TABLE.splitlines())
    assert quantities(parse_text(piped)) == quantities(parse_text(plain))
    assert parse_text(piped).reading.segmenter == "rows"


def test_title_lines_followed_by_plain_paragraphs():
    text = (
        "2月10日,省政府新闻办召开发布会,公布今年要办的民生实事。\n"
        "扩大就业创业\n全年新增城镇就业5万人,培训农民工2000人次。\n"
        "改善居住条件\n改造老旧小区120个。\n同步加装电梯30部。\n"
        "提升出行便利\n新开公交线路8条。\n"
    )
    document = parse_text(text)
    assert document.reading is not None and document.reading.segmenter == "titles"
    assert [item.title for item in document.items] == ["扩大就业创业", "改善居住条件", "提升出行便利"]
    assert quantities(document)[2] == [(30, "部"), (120, "个")]


def test_a_list_announced_in_the_first_pledges_paragraph_loses_the_announcement():
    text = (
        "2月11日,记者从县人代会上了解到,今年将集中力量办好五件民生实事。\n"
        "这五件民生实事分别是:完成城区道路拓宽改造3.4公里\n改造棚户区500套\n解决4万人饮水安全问题\n"
        "建设农村公路500公里\n为4000名小学生免费筛查配镜\n"
    )
    document = parse_text(text)
    assert list(quantities(document).values()) == [
        [(3.4, "公里")],
        [(500, "套")],
        [(40000, "人")],
        [(500, "公里")],
        [(4000, "名")],
    ]


def test_short_pledges_one_per_line_are_not_titles_and_none_is_dropped():
    document = parse_text("2025年民生实事\n新建城市公园\n改造老旧小区120个。\n建设停车场\n新增学位3000个。\n")
    assert document.reading is not None and document.reading.segmenter == "paragraphs"
    assert [item.text for item in document.items] == [
        "新建城市公园",
        "改造老旧小区120个。",
        "建设停车场",
        "新增学位3000个。",
    ]
