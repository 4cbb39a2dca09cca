"""Completion, expected share and lights: each comparator, percentages, ranges, milestones, custom
schedules, reports after the deadline, empty data."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.delivery.schedule import (
    Light,
    Progress,
    Schedule,
    TargetSpec,
    Thresholds,
    expected_share,
    item_progress,
    light_for,
    roll_up,
    target_completion,
    weighted_mean,
)

YEAR = Schedule(start=date(2025, 1, 1), deadline=date(2025, 12, 31))


def q(op=">=", value=100.0, unit="个", value_max=None, weight=1.0):
    return TargetSpec("quantity", op, value, value_max, unit, weight)


MILESTONE = TargetSpec("milestone", "=", None)


@pytest.mark.parametrize(
    ("spec", "actual", "expected"),
    [
        (q(">="), 50, 0.5),
        (q(">="), 100, 1.0),
        (q(">="), 250, 1.0),  # capped
        (q("="), 30, 0.3),
        (q("~"), 99, 0.99),
        (q("range", 1000, value_max=1500), 500, 0.5),
        (q("range", 1000, value_max=1500), 1200, 1.0),
        (q("<=", 3.0, "%"), 2.5, 1.0),  # 失业率控制在3%以内, held
        (q("<=", 3.0, "%"), 4.0, 0.75),  # above the ceiling
        (q("<=", 12.0, "分钟"), 0, 1.0),
        (q("=", 100.0, "%"), 98, 0.98),  # 水质达标率保持在100%
        (q(">=", 0.0), 0, 1.0),
        (q(">="), None, None),  # nothing reported
    ],
)
def test_target_completion_by_comparator(spec, actual, expected):
    completion = target_completion(spec, actual)
    if expected is None:
        assert completion is None
    else:
        assert completion == pytest.approx(expected)


def test_negative_actual_is_refused():
    with pytest.raises(ValueError):
        target_completion(q(), -1)


@pytest.mark.parametrize(
    ("stage", "share"),
    [
        (None, None),
        ("approved", 0.1),
        ("tendered", 0.2),
        ("started", 0.4),
        ("completed", 0.9),
        ("accepted", 1.0),
    ],
)
def test_milestone_completion_by_stage(stage, share):
    assert target_completion(MILESTONE, stage=stage) == share


def test_milestone_stages_are_editable():
    stages = (("approved", 0.05), ("started", 0.5), ("accepted", 1.0))
    assert target_completion(MILESTONE, stage="started", stages=stages) == 0.5
    with pytest.raises(ValueError):
        target_completion(MILESTONE, stage="tendered", stages=stages)


def test_linear_schedule():
    assert expected_share(q(), YEAR, date(2024, 12, 31)) == 0
    assert expected_share(q(), YEAR, date(2025, 1, 1)) == 0
    assert expected_share(q(), YEAR, date(2025, 7, 2)) == pytest.approx(182 / 364)
    assert expected_share(q(), YEAR, date(2025, 12, 31)) == 1
    assert expected_share(q(), YEAR, date(2026, 3, 1)) == 1  # reports after the deadline


def test_percentages_and_ceilings_are_expected_in_full_from_the_start():
    assert expected_share(q("=", 100.0, "%"), YEAR, date(2025, 2, 1)) == 1
    assert expected_share(q("<=", 3.0, "%"), YEAR, date(2025, 2, 1)) == 1
    assert expected_share(q("=", 100.0, "%"), YEAR, date(2024, 2, 1)) == 0


def test_custom_monthly_schedule_for_winter_stops():
    # 9 km of gas mains: nothing in Jan-Mar (frozen ground), 3 km by June, 9 km by October
    planned = {(2025, 3): 0.0, (2025, 6): 3.0, (2025, 10): 9.0}
    schedule = Schedule(date(2025, 1, 1), date(2025, 12, 31), planned)
    spec = q(">=", 9.0, "千米")
    assert expected_share(spec, schedule, date(2025, 2, 15)) == 0
    assert expected_share(spec, schedule, date(2025, 6, 30)) == pytest.approx(3 / 9)
    assert expected_share(spec, schedule, date(2025, 10, 31)) == 1
    mid = expected_share(spec, schedule, date(2025, 8, 15))
    assert 3 / 9 < mid < 1


def test_weighted_mean_ignores_unmeasured():
    assert weighted_mean([]) is None
    assert weighted_mean([(None, 1.0)]) is None
    assert weighted_mean([(1.0, 1.0), (0.0, 3.0), (None, 5.0)]) == 0.25


@pytest.mark.parametrize(
    ("completion", "expected", "overdue", "light"),
    [
        (None, 0.0, False, Light.NOT_STARTED),
        (None, 0.05, False, Light.NOT_STARTED),
        (None, 0.5, False, Light.RED),
        (0.5, 0.5, False, Light.GREEN),
        (0.6, 0.5, False, Light.GREEN),  # ahead
        (0.38, 0.5, False, Light.YELLOW),  # 12 points behind
        (0.2, 0.5, False, Light.RED),  # 30 points behind
        (0.5, 0.5, True, Light.RED),  # an overdue report
        (1.0, 0.5, True, Light.DONE),
    ],
)
def test_lights(completion, expected, overdue, light):
    assert light_for(completion, expected, overdue=overdue) is light


def test_thresholds_are_configurable_and_validated():
    assert light_for(0.45, 0.5, thresholds=Thresholds(0.02, 0.04)) is Light.RED
    with pytest.raises(ValueError):
        Thresholds(0.5, 0.1)


def test_item_progress_weights_targets():
    progress = item_progress([(q(weight=3.0), 1.0, 0.5), (q(weight=1.0), 0.0, 0.5), (q(), None, 0.5)])
    assert progress.completion == 0.6  # the target without a figure counts as 0
    assert progress.expected == 0.5
    assert progress.light is Light.GREEN


def test_roll_up_empty_and_mixed():
    assert roll_up([]).light is Light.NOT_STARTED
    up = roll_up([Progress(1.0, 0.5, Light.DONE), Progress(None, 0.5, Light.RED)])
    assert up.completion == 0.5 and up.expected == 0.5


def test_an_item_is_done_only_when_every_target_is_measured_and_met():
    # Demo item 2: one target met, the other with no data: half done, never "done".
    half = item_progress([(q(), 1.0, 1.0), (q(), None, 1.0)])
    assert half.completion == 0.5
    assert half.light is not Light.DONE
    # Weighted so that the mean would round to 100%: still not done, and shown below 100%.
    nearly = item_progress([(q(weight=999.0), 1.0, 0.5), (q(weight=1.0), 0.5, 0.5)])
    assert nearly.completion is not None and nearly.completion <= 0.99
    assert nearly.light is not Light.DONE
    done = item_progress([(q(), 1.0, 1.0), (q(), 1.0, 1.0)])
    assert done.completion == 1.0 and done.light is Light.DONE
    # A target that does not count (weight 0) does not hold the item back.
    assert item_progress([(q(), 1.0, 1.0), (q(weight=0.0), None, 1.0)]).light is Light.DONE
    nothing = item_progress([(q(), None, 0.0), (q(), None, 0.0)])
    assert nothing.completion is None
