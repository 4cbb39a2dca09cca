"""Skips with a reason where the machine lacks what printing needs (CI installs it: .ci/run)."""

from __future__ import annotations

import pytest

from minsheng.printing.fonts import cjk_font_available
from minsheng.printing.tests.pdf_checks import missing_tools


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


needs_pdf = [
    pytest.mark.skipif(
        not cjk_font_available(), reason="no Noto Sans CJK font (apt-get install fonts-noto-cjk)"
    ),
    pytest.mark.skipif(
        not _weasyprint_loads(),
        reason="WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)",
    ),
]
needs_tools = pytest.mark.skipif(
    bool(missing_tools()),
    reason=f"missing {', '.join(missing_tools())} (apt-get install poppler-utils zbar-tools)",
)
