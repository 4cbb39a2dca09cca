"""The one font of everything printed: Noto Sans CJK (Debian's ``fonts-noto-cjk``), for the PDF pages
(WeasyPrint finds it through fontconfig by its family name) and for the chart images (matplotlib, through
its ``font_manager``), so that a chart's labels and the text around it are the same letters.

Nothing is downloaded: where the font is not installed, :func:`cjk_font_path` raises
:class:`PrintingUnavailable` saying which package to install.
"""

from __future__ import annotations

import functools

from django.utils.translation import gettext as _

# The family names fontconfig and matplotlib know the Simplified Chinese faces by.
FAMILY = "Noto Sans CJK SC"
SERIF_FAMILY = "Noto Serif CJK SC"


class PrintingUnavailable(RuntimeError):
    """Something printing needs is not installed on this machine (a font, a system library)."""


@functools.cache
def _font_path(family: str) -> str | None:
    from matplotlib import font_manager

    try:
        return str(
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        )
    except ValueError:
        return None


def cjk_font_path() -> str:
    """The file of the Noto Sans CJK regular face, or :class:`PrintingUnavailable`."""
    path = _font_path(FAMILY)
    if path is None:
        raise PrintingUnavailable(
            _("The Chinese font %(family)s is not installed (Debian: apt-get install fonts-noto-cjk).")
            % {"family": FAMILY}
        )
    return path


def cjk_font_available() -> bool:
    return _font_path(FAMILY) is not None
