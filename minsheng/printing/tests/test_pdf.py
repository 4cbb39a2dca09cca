"""Rendering never reaches out: the fetcher serves data: URLs and our own static files, and refuses the
rest, so a page naming a remote image renders without one and without opening a connection."""

from __future__ import annotations

import socket

import pytest

from minsheng.printing.pdf import RefusedURL, fetcher, html_to_pdf
from minsheng.printing.tests.marks import needs_pdf
from minsheng.printing.tests.pdf_checks import pdf_text

pytestmark = needs_pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://203.0.113.7/logo.png",
        "https://cdn.example.com/x.css",
        "file:///etc/passwd",
        "ftp://203.0.113.7/x",
        "static:../../config/settings/base.py",
        "static:printing/not-there.css",
    ],
)
def test_the_fetcher_refuses_anything_but_data_and_our_static_files(url):
    with pytest.raises(RefusedURL):
        fetcher().fetch(url)


def test_the_fetcher_serves_our_stylesheet_and_data_urls():
    css = fetcher().fetch("static:printing/print.css")
    assert b"Noto Sans CJK SC" in css.read() and css.content_type == "text/css"
    assert fetcher().fetch("data:text/plain;base64,5rCR55Sf").read() == "民生".encode()


def test_a_page_naming_remote_resources_renders_without_opening_a_connection(monkeypatch):
    opened: list[object] = []

    def no_network(self, address, *args, **kwargs):
        opened.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: no_network(None, address))
    html = (
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<p>民生实事<img src="http://203.0.113.7/logo.png"></p>'
        '<p style="background: url(http://203.0.113.7/bg.png)">二维码</p>'
    )
    content = html_to_pdf(html)
    assert opened == []
    assert "民生实事" in pdf_text(content) and "二维码" in pdf_text(content)
