"""The rules for quantities, one by one (docs/domain.md, "Quantities, as written in these documents")."""

from __future__ import annotations

import pytest

from minsheng.documents.quantities import extract


def targets(text):
    return [(t.op, t.value, t.value_max, t.unit, t.period) for t in extract(text)[0] if t.kind == "quantity"]


def standards(text):
    return [(s.op, s.amount, s.amount_max, s.per, s.period, s.previous) for s in extract(text)[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("为1.7万名老年人提供体检", [("=", 17000, None, "名", None)]),
        ("力争投放7亿元", [("=", 700000000, None, "元", None)]),
        ("计划安排资金1089万元", [("=", 10890000, None, "元", None)]),
        ("新建两座人行天桥", [("=", 2, None, "座", None)]),
        ("开展满减活动十余场次", [(">=", 10, None, "场次", None)]),
        ("开展活动10余场次", [(">=", 10, None, "场次", None)]),
        ("惠及学生4000余人次", [(">=", 4000, None, "人次", None)]),
        ("签约率达到百分之九十五", [("=", 95, None, "%", None)]),
        ("为一万七千名儿童接种", [("=", 17000, None, "名", None)]),
        ("改造管网2.47千米", [("=", 2.47, None, "千米", None)]),
        ("新建停车位3至5个", [("range", 3, 5, "个", None)]),
        ("遴选4-8个村居", [("range", 4, 8, "个", None)]),
        ("完成抽检不少于500批次", [(">=", 500, None, "批次", None)]),
        ("不低于600批次", [(">=", 600, None, "批次", None)]),
        ("至少有一家医院", [(">=", 1, None, "家", None)]),
        ("服务超过8000人次", [(">=", 8000, None, "人次", None)]),
        ("开放200天以上", [(">=", 200, None, "天", None)]),
        ("为约150名受援人提供服务", [("~", 150, None, "名", None)]),
        ("培训300人左右", [("~", 300, None, "人", None)]),
        ("失业率控制在3%以内", [("<=", 3, None, "%", None)]),
        ("月均保障低保对象1750人", [("=", 1750, None, "人", "月")]),
        ("补贴机具750台（架）以上", [(">=", 750, None, "台", None)]),
        (
            "培训2840人次，其中岗前培训560人次、回炉培训2280人次",
            [
                ("=", 2840, None, "人次", None),
                ("=", 560, None, "人次", None),
                ("=", 2280, None, "人次", None),
            ],
        ),
    ],
)
def test_targets(text, expected):
    assert targets(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按照每人209元的标准，为老人体检", [("=", 209, None, "人", None, None)]),
        ("按照月人均补助不低于690元的标准", [(">=", 690, None, "人", "月", None)]),
        ("按照每颗牙齿39.5元的标准", [("=", 39.5, None, "颗", None, None)]),
        ("将资助标准由2000元提高至2300元", [("=", 2300, None, None, None, 2000)]),
        ("按照1000-1500元的办案补贴标准", [("range", 1000, 1500, None, None, None)]),
        ("按每人每月50元—336元的标准发放", [("range", 50, 336, "人", "月", None)]),
        ("按1500元/人标准发放补贴", [("=", 1500, None, "人", None, None)]),
        ("按照1500/人的标准发放", [("=", 1500, None, "人", None, None)]),
        ("农村标准(760元/月)", [("=", 760, None, None, "月", None)]),
        ("补助标准提高到每人每年640元", [("=", 640, None, "人", "年", None)]),
        ("救助标准提高至3万元", [("=", 30000, None, None, None, None)]),
        (
            "按照每人每月不低于70元、150元、240元的分级标准",
            [
                (">=", 70, None, "人", "月", None),
                (">=", 150, None, "人", "月", None),
                (">=", 240, None, "人", "月", None),
            ],
        ),
    ],
)
def test_standards(text, expected):
    assert standards(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025年建成",
        "3月15日前完成",
        "开展第十一批电信普遍服务试点",
        "建成G0711高速互通-21团-26团公路项目",
        "开通地铁8号线和S3线",
        "为65岁及以上老年人体检",
        "为3-6岁儿童服务",
        "按照松政发〔2023〕22号文件执行",
        "落实“一对一”帮扶和“两癌”筛查",
        "按照“一户一策”原则",
        "开展“我们的中国梦-文化进万家”活动",
        "推进千兆宽带接入",
        "推动三级甲等综合医院设置门诊",
        "咨询电话0559-6521077",
        "企业职工退休一件事一次办理",
    ],
)
def test_not_quantities(text):
    assert targets(text) == []
    assert standards(text) == []


def test_a_service_frequency_is_not_a_target():
    found = targets("按照每个连队每月至少放映一场电影的标准开展放映活动，放映数字电影2040场以上")
    assert found == [(">=", 2040, None, "场", None)]
    assert targets("为500名儿童提供免费局部用氟防龋(每年2次)") == [("=", 500, None, "名", None)]


def test_every_source_is_an_exact_span_of_the_text():
    text = "按照每人两剂160元的标准，为900名14岁女孩接种疫苗；新建（改扩建）公办幼儿园11所，新增学位2550个。"
    found_targets, found_standards, _, _ = extract(text)
    for thing in [*found_targets, *found_standards]:
        assert thing.source and thing.source in text
    assert [t.value for t in found_targets] == [900, 11, 2550]


def test_traditional_characters_keep_what_was_printed():
    text = "新建社區養老服務中心12個，惠及約3200戶。"
    found = extract(text)[0]
    assert [(t.value, t.unit, t.op) for t in found] == [(12, "個", "="), (3200, "戶", "~")]
    assert found[1].source == "約3200戶"


def test_departments_and_places():
    _, _, places, departments = extract("改造31团城镇及恰拉社区燃气管道9千米。(牵头单位:市住建局、市城管局)")
    assert places == ["31团", "恰拉社区"]
    assert departments == ["市住建局", "市城管局"]
    assert extract("新建实训基地2个，县教育局、县人社局共同牵头。")[3] == ["县教育局", "县人社局"]
