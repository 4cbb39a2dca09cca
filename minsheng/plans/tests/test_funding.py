"""The funding estimate, on the seed's items and on hand-made cases."""

from decimal import Decimal

import pytest

from minsheng.documents.model import Standard as DocStandard
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.funding import Reason, compatible, format_number, item_estimate
from minsheng.plans.selectors import item_page_get, plan_summary_get
from minsheng.plans.services import plan_import


@pytest.fixture
def seed_plan(db, seed_docx):
    return plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan


@pytest.fixture
def seed_page(seed_plan):
    """The plan page's summary: the funding estimate over the plan's items."""
    return plan_summary_get(plan_id=seed_plan.pk)


@pytest.fixture
def seed_estimates(seed_plan):
    """Each item's estimate as its own page shows it, by item number."""
    return {
        item.no: item_page_get(item_id=item.pk).estimate
        for item in seed_plan.items.filter(removed_in__isnull=True)
    }


def test_item_26_is_209_yuan_times_17000(seed_estimates, zh):
    estimate = seed_estimates[26]
    assert estimate.total == Decimal(3_553_000)
    assert estimate.formula == "209 元 × 17,000 = 3,553,000 元"
    assert not estimate.minimum


def test_item_26_in_english(seed_estimates, en):
    assert seed_estimates[26].formula == "209 yuan × 17,000 = 3,553,000 yuan"


def test_item_13_pairs_each_monthly_standard_with_the_count_after_it(seed_estimates, zh):
    estimate = seed_estimates[13]
    assert estimate.total == Decimal(690 * 1750 * 12 + 1035 * 225 * 12)
    assert estimate.formula == "690 元 × 1,750 × 12 + 1,035 元 × 225 × 12 = 17,284,500 元"
    assert estimate.minimum  # 不低于
    assert estimate.unpaired == 2  # the orphans' allowances name no count


def test_item_27_pairs_people_and_teeth(seed_estimates, zh):
    estimate = seed_estimates[27]
    assert estimate.total == Decimal(30 * 500) + Decimal("39.5") * 1800
    assert estimate.formula == "30 元 × 500 + 39.5 元 × 1,800 = 86,100 元"


def test_item_14_graded_standards_are_estimated_at_the_lowest(seed_estimates, zh):
    estimate = seed_estimates[14]
    assert estimate.total == Decimal(70 * 11800 * 12)
    assert estimate.terms[0].graded == (Decimal(70), Decimal(150), Decimal(240))
    assert any("最低" in note for note in estimate.notes)


@pytest.mark.parametrize(
    ("no", "reason"),
    [(1, Reason.NO_STANDARD), (12, Reason.NO_PER), (15, Reason.NO_COUNT), (19, Reason.NO_PER)],
)
def test_items_without_an_estimate_say_why(seed_estimates, no, reason):
    estimate = seed_estimates[no]
    assert not estimate.possible
    assert estimate.total is None
    assert estimate.reason == reason
    assert estimate.reason_text


def test_the_plan_total_sums_the_items_and_says_how_many_are_covered(seed_page, seed_estimates, en):
    covered = [e for e in seed_estimates.values() if e.possible]
    assert seed_page.estimate.covered == len(covered)
    assert seed_page.estimate.items == 40
    assert seed_page.estimate.total == sum(e.total for e in covered)
    assert {26, 13, 27, 14} <= {no for no, e in seed_estimates.items() if e.possible}
    assert seed_page.estimate.coverage_text == f"Estimated for {len(covered)} of 40 items."


def _t(value, unit, source, period=None, op="="):
    return DocTarget(kind="quantity", subject="", op=op, value=value, unit=unit, source=source, period=period)


def _s(amount, per, source, period=None, op="=", amount_max=None):
    return DocStandard(
        subject="", op=op, amount=amount, per=per, source=source, period=period, amount_max=amount_max
    )


def test_a_range_standard_is_estimated_at_its_minimum():
    text = "按照每人1000-1500元的标准，为150名群众服务。"
    estimate = item_estimate(
        text=text,
        targets=[_t(150, "名", "150名")],
        standards=[_s(1000, "人", "1000-1500元", op="range", amount_max=1500)],
    )
    assert estimate.total == 150_000
    assert estimate.minimum


def test_a_count_before_the_standard_does_not_pair():
    text = "为150名群众服务，按照每人100元的标准。"
    estimate = item_estimate(
        text=text, targets=[_t(150, "名", "150名")], standards=[_s(100, "人", "每人100元")]
    )
    assert estimate.reason == Reason.NO_COUNT


def test_units_must_fit_the_standard():
    text = "按照每户500元的标准，为30名群众、20户家庭服务。"
    estimate = item_estimate(
        text=text,
        targets=[_t(30, "名", "30名"), _t(20, "户", "20户")],
        standards=[_s(500, "户", "每户500元")],
    )
    assert estimate.total == 10_000


def test_a_quarterly_standard_counts_four_times_and_an_unknown_period_is_left_out():
    text = "按照每人每季度100元的标准为10名群众发放；按照每人每周5元的标准为10人发放。"
    estimate = item_estimate(
        text=text,
        targets=[_t(10, "名", "10名"), _t(10, "人", "10人")],
        standards=[_s(100, "人", "每人每季度100元", period="季度"), _s(5, "人", "每人每周5元", period="周")],
    )
    assert estimate.total == 4_000
    assert estimate.unpaired == 1


def test_compatible_units():
    assert compatible("人", "名") and compatible("人", "人次") and compatible("颗", "颗")
    assert not compatible("人", "户") and not compatible(None, "人") and not compatible("人", None)
    assert compatible("台", "台") and not compatible("台", "架")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("3553000.0000"), "3,553,000"),
        (Decimal("39.5000"), "39.5"),
        (12, "12"),
        (Decimal("0.25"), "0.25"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text
