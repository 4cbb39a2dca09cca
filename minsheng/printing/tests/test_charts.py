"""The bulletin's charts: PNG images drawn in the Noto CJK font, so that no Chinese label is a box
(matplotlib warns “Glyph … missing from font” when one would be)."""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from minsheng.printing import charts
from minsheng.printing.fonts import cjk_font_available

pytestmark = pytest.mark.skipif(
    not cjk_font_available(), reason="no Noto Sans CJK font (apt-get install fonts-noto-cjk)"
)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_charts_draw_chinese_labels_with_a_real_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning: make it fail the test
        bars = charts.completion_bars(
            [charts.Bar("民生安全保障行动", 0.45, 0.6), charts.Bar("教育医疗提质行动", None, 0.5)],
            completion="完成进度",
            expected="序时进度",
        )
        lights = charts.light_counts([("red", "严重滞后", 2), ("yellow", "滞后", 1), ("done", "已完成", 1)])
        curve = charts.schedule_curve(
            [("01-31", 0.05, 0.08), ("02-28", None, 0.16)], completion="完成", expected="序时"
        )
    for png in (bars, lights, curve):
        width, height = _image(png).size
        assert width > 1000 and height > 300  # 200 dpi, legible when printed


def test_the_check_would_catch_a_label_the_font_cannot_draw():
    with pytest.warns(UserWarning, match="missing from font"):
        charts.light_counts([("red", "\U000f0001", 1)])


def test_an_empty_plan_still_gets_a_chart():
    assert _image(charts.completion_bars([], completion="完成", expected="序时")).size[0] > 0
