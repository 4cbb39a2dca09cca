"""HTML to PDF with WeasyPrint, and nothing fetched from the network.

:func:`html_to_pdf` renders a page made from one of our templates. Its fetcher (:func:`fetcher`) serves only
``data:`` URLs (the chart images and QR codes, made in memory) and our own static files named
``static:printing/print.css`` (found by Django's static file finders, or in ``STATIC_ROOT`` after
``collectstatic``); every other URL (``http:``, ``https:``, ``file:``…) is refused, so that a title or a
link that slipped into a page cannot make the server reach out (government intranets; docs/bulletins-and-
posters.md). WeasyPrint is imported on first use: without its system libraries (Pango) the rest of the
site still runs, and :class:`~minsheng.printing.fonts.PrintingUnavailable` says what to install.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

from minsheng.printing.fonts import PrintingUnavailable, cjk_font_path

STATIC_SCHEME = "static:"
logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A page asked for something that is neither in memory nor one of our static files."""


def _static_file(name: str) -> Path:
    name = name.lstrip("/")
    if ".." in Path(name).parts:
        raise RefusedURL(name)
    found = finders.find(name)
    if isinstance(found, list):  # find(all=True) is not asked for; keep mypy and a future change honest
        found = found[0] if found else None
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    if settings.STATIC_ROOT and collected.is_file():
        return collected
    raise RefusedURL(name)


def fetcher() -> Any:
    """WeasyPrint's fetcher, restricted: ``data:`` and ``static:<path>`` only; anything else is refused
    (WeasyPrint then leaves the resource out and logs a warning)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesOnly(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=["data"], allow_redirects=False, timeout=1)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(STATIC_SCHEME):
                path = _static_file(url[len(STATIC_SCHEME) :])
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            if url.startswith("data:"):
                return super().fetch(url, headers)
            logger.warning("printing: refused to fetch %s", url)
            raise RefusedURL(url)

    return OwnFilesOnly()


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # Pango or its friends are missing
        raise PrintingUnavailable(
            _(
                "PDF rendering needs Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0): %(error)s"
            )
            % {"error": exc}
        ) from exc
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (one of our templates, rendered), with the Noto CJK font embedded."""
    cjk_font_path()  # say clearly that the font is missing rather than print boxes
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher())
    pdf: bytes = document.write_pdf()
    return pdf
