"""The request-size cap: an oversized body is refused with a 413 page before a byte of it is read; the upload
views keep their own larger caps."""

from __future__ import annotations

import io

import pytest
from django.urls import resolve, reverse

from minsheng.common.limits import FORM_ALLOWANCE, request_cap

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A body of ``size`` bytes made on demand, counting what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        self.read_bytes += n
        return b"a" * n

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size if size and size > 0 else 64 * 1024)


def _post(client, url: str, size: int):
    stream = CountingStream(size)
    response = client.generic(
        "POST",
        url,
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": stream},
    )
    return response, stream


def test_a_50_mb_post_to_the_sign_in_page_is_refused_unread(client):
    response, stream = _post(client, reverse("accounts:login"), 50 * MB)
    assert response.status_code == 413
    assert stream.read_bytes == 0
    page = response.content.decode()
    assert "too large" in page and "50.0 MB" in page and "at most 2 MB" in page


def test_a_body_under_the_cap_reaches_the_view(client):
    response, stream = _post(client, reverse("accounts:login"), 1000)
    assert response.status_code == 200  # the sign-in form, with its errors
    assert stream.read_bytes == 1000


def test_a_length_that_is_not_a_number_is_a_bad_request(client):
    response = client.generic("POST", reverse("accounts:login"), CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_the_cap_is_a_setting(client, settings):
    settings.MINSHENG_MAX_REQUEST_BYTES = 500
    response, stream = _post(client, reverse("accounts:login"), 1000)
    assert response.status_code == 413 and stream.read_bytes == 0


@pytest.mark.parametrize(
    ("name", "args", "limit"),
    [
        ("delivery:report_evidence", [1], "MINSHENG_MAX_EVIDENCE_BYTES"),
        ("plans_import:upload", [], "MINSHENG_MAX_DOCUMENT_BYTES"),
        ("delivery:progress_upload", [1], 5 * MB),
        ("people:upload", [], 5 * MB),
    ],
)
def test_uploads_keep_their_own_larger_caps(settings, name, args, limit):
    view = resolve(reverse(name, args=args)).func
    expected = (getattr(settings, limit) if isinstance(limit, str) else limit) + FORM_ALLOWANCE
    assert request_cap(view) == expected > settings.MINSHENG_MAX_REQUEST_BYTES


def test_an_upload_above_its_own_cap_is_refused_unread(client):
    response, stream = _post(client, reverse("delivery:report_evidence", args=[1]), 50 * MB)
    assert response.status_code == 413 and stream.read_bytes == 0
    assert "at most 11 MB" in response.content.decode()


def test_every_other_view_has_the_default_cap():
    assert request_cap(resolve(reverse("accounts:login")).func) == 2 * MB
    assert request_cap(resolve(reverse("admin:index")).func) == 2 * MB
