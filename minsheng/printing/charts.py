"""Chart images for the bulletins, drawn on the server with matplotlib (Agg: no display, no network) in
the same Noto CJK font as the text around them. Each function returns PNG bytes; the same figures are in a
table next to every chart (the bulletin's tables), so a chart is never the only place a number is.

A :class:`Bar` is one labelled row: its completion and the share expected by the bulletin's date (shares
0..1; completion None where nothing is measured yet, drawn as an empty bar).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.printing.fonts import cjk_font_path

DPI = 200
# Greys and one dark blue: the charts must read on a black-and-white printer too; each light also has a
# hatch so that it does not depend on colour.
LIGHT_STYLE = {
    "done": ("#1f3b73", ""),
    "green": ("#4f7cc4", ""),
    "yellow": ("#c9a227", "//"),
    "red": ("#b2302a", "xx"),
    "not_started": ("#b9b9b9", ".."),
}


@dataclass(frozen=True)
class Bar:
    label: str
    completion: float | None
    expected: float


_FONT_NAME: list[str] = []


def _figure(width: float, height: float) -> Any:
    """A new figure (no pyplot: no global figure list, safe in a threaded server), in the CJK font."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    if not _FONT_NAME:
        path = cjk_font_path()
        font_manager.fontManager.addfont(path)
        _FONT_NAME.append(font_manager.FontProperties(fname=path).get_name())
    matplotlib.rcParams["font.family"] = [_FONT_NAME[0]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width, height))


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def completion_bars(bars: Sequence[Bar], *, completion: str, expected: str) -> bytes:
    """Horizontal bars, one per row: completion (filled) and the expected share (a tick), 0–100 %.
    ``completion`` and ``expected`` are the legend's words."""
    rows = list(bars) or [Bar("—", None, 0.0)]
    figure = _figure(7.2, max(1.6, 0.42 * len(rows) + 0.9))
    axes = figure.subplots()
    positions = list(range(len(rows)))[::-1]
    values = [100 * (row.completion or 0.0) for row in rows]
    axes.barh(positions, values, height=0.55, color="#4f7cc4", label=completion)
    axes.scatter(
        [100 * row.expected for row in rows],
        positions,
        marker="|",
        s=260,
        linewidths=2.4,
        color="#b2302a",
        label=expected,
        zorder=3,
    )
    for position, row, value in zip(positions, rows, values, strict=True):
        text = "—" if row.completion is None else f"{value:.0f}%"
        axes.text(min(value, 100) + 1.5, position, text, va="center", fontsize=8)
    axes.set_yticks(positions, [_short(row.label) for row in rows], fontsize=8.5)
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", fontsize=8, frameon=False, ncols=2, bbox_to_anchor=(1, 1))
    return _png(figure)


def light_counts(counts: Sequence[tuple[str, str, int]]) -> bytes:
    """One bar per light: (light value, its words, how many items), hatched so as to read in grey."""
    figure = _figure(7.2, 2.4)
    axes = figure.subplots()
    labels = [words for _light, words, _count in counts]
    numbers = [count for _light, _words, count in counts]
    styles = [LIGHT_STYLE.get(light, ("#777777", "")) for light, _words, _count in counts]
    bars = axes.bar(
        range(len(counts)),
        numbers,
        color=[c for c, _h in styles],
        hatch=[h for _c, h in styles],
        edgecolor="#222222",
        linewidth=0.6,
    )
    for bar, number in zip(bars, numbers, strict=True):
        axes.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            str(number),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    axes.set_xticks(range(len(counts)), labels, fontsize=9)
    axes.set_yticks([])
    axes.set_ylim(0, max([*numbers, 1]) * 1.25)
    axes.spines[["top", "right", "left"]].set_visible(False)
    return _png(figure)


def schedule_curve(
    points: Sequence[tuple[str, float | None, float]], *, completion: str, expected: str
) -> bytes:
    """The plan's completion against the expected schedule over time: (label, completion, expected)."""
    figure = _figure(7.2, 2.8)
    axes = figure.subplots()
    labels = [label for label, _c, _e in points]
    axes.plot(labels, [100 * e for _l, _c, e in points], linestyle="--", color="#b2302a", label=expected)
    done = [(label, 100 * c) for label, c, _e in points if c is not None]
    if done:
        axes.plot([d[0] for d in done], [d[1] for d in done], marker="o", color="#1f3b73", label=completion)
    axes.set_ylim(0, 105)
    axes.set_yticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return _png(figure)
