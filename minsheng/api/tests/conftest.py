"""A small world for the API's tests: delivery's world (a 2025 plan, one item led by department A and
supported by B, C another department, a user of every role), its item assigned with monthly reports, and a
token per kind: A's reporter (read and report; report only; read only), A's head (read), C's reporter
(report). Tests run on 2025-08-15 in the site's time zone's eyes (``today``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from minsheng.api import services
from minsheng.api.models import ApiToken
from minsheng.delivery.tests.conftest import World, build_world

TODAY = dt.date(2025, 8, 15)


@dataclass
class Tokens:
    full: str  # A's reporter: read and report
    report_only: str  # A's reporter: report
    read_only: str  # A's reporter: read
    head: str  # A's head: read
    other: str  # C's reporter: read and report
    support: str  # B's reporter: read and report

    def client(self, secret: str | None, **headers: str) -> Client:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        extra.update({f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()})
        return Client(**extra)


def make_token(world: World, user, scopes, *, name: str = "系统") -> tuple[ApiToken, str]:
    new = services.token_create(
        by=world.office,
        department=user.department,
        user=user,
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return new.token, new.secret


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(monkeypatch):
    """Pin the date the API and the services see."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def api_world(db, today) -> World:
    return build_world()


@pytest.fixture
def tokens(api_world) -> Tokens:
    w = api_world
    return Tokens(
        full=make_token(w, w.reporter, ["read", "report"])[1],
        report_only=make_token(w, w.reporter, ["report"])[1],
        read_only=make_token(w, w.reporter, ["read"])[1],
        head=make_token(w, w.head, ["read"])[1],
        other=make_token(w, w.other_reporter, ["read", "report"])[1],
        support=make_token(w, w.support_reporter, ["read", "report"])[1],
    )
