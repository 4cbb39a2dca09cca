"""Cached pages (minsheng.common.pages): served from the cache until a write, never stale after one, a
viewer's own CSRF token in every page, one viewer's page never shown to another.

Here, on the top floor, because it needs the pages of portal, delivery and participation together."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from minsheng.common.models import ContentVersion
from minsheng.common.pages import content_version, content_version_bump
from minsheng.delivery.models import ReportStatus
from minsheng.delivery.services import report_publish_set
from minsheng.delivery.tests.conftest import build_world
from minsheng.participation.tests.factories import CommentFactory
from minsheng.plans.services import plan_import, plan_status_set
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


def _client(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _same_page(a: bytes, b: bytes) -> bool:
    return _TOKEN.sub(b"T", a) == _TOKEN.sub(b"T", b)


def _fresh(client: Client, url: str, settings) -> bytes:
    settings.PAGE_CACHE_ENABLED = False
    try:
        return _get(client, url).content
    finally:
        settings.PAGE_CACHE_ENABLED = True


def _publish(world) -> None:
    report = world.report(ReportStatus.ACCEPTED)
    report_publish_set(report=report, by=world.office, published=True, expected_version=report.version)


def _submit(world) -> None:
    world.report(ReportStatus.SUBMITTED)


def _stage(world) -> None:
    plan_status_set(
        plan=world.plan, status="closed" if world.plan.status != "closed" else "adopted", by=world.office
    )


def _comment(world) -> None:
    CommentFactory(plan=world.plan, item=world.item, status="published", text="早日完工")


def _new_plan(world, seed_docx) -> None:
    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name, year=2030)


CASES = [
    ("portal:home", None, "public", _new_plan),
    ("portal:plan", "plan", "public", _stage),
    ("portal:item", "item", "public", _publish),
    ("delivery:dashboard", "plan", "office", _publish),
    ("delivery:workspace", None, "reporter", _submit),
    ("participation:report", "plan", "office", _comment),
]


@pytest.mark.parametrize(("name", "arg", "who", "write"), CASES, ids=[case[0] for case in CASES])
def test_a_cached_page_changes_right_after_a_write_that_changes_it(
    name, arg, who, write, settings, seed_docx, django_capture_on_commit_callbacks
):
    world = build_world()
    url = reverse(name, args=[getattr(world, arg).pk] if arg else [])
    client = _client(None if who == "public" else getattr(world, who))
    before = _get(client, url)
    again = _get(client, url)
    assert (before["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert _same_page(before.content, again.content)

    with django_capture_on_commit_callbacks(execute=True):
        if write is _new_plan:
            write(world, seed_docx)
        else:
            write(world)
    after = _get(client, url)
    assert after["X-Page-Cache"] == "miss"
    assert not _same_page(after.content, before.content), "the write should change this page"
    assert _same_page(after.content, _fresh(client, url, settings)), "the page after the write is not stale"


def test_a_write_moves_the_version_once_per_transaction_and_not_at_all_if_rolled_back(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    start = content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.report(ReportStatus.SUBMITTED)
    assert content_version() > start
    assert len([c for c in callbacks if c is content_version_bump]) >= 1
    moved = content_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        CommentFactory(plan=world.plan, item=world.item)
        CommentFactory(plan=world.plan, item=world.item)
    assert content_version() == moved + 1
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                CommentFactory(plan=world.plan, item=world.item)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert content_version() == moved + 1
    assert ContentVersion.objects.count() == 1


def test_each_viewer_gets_their_own_working_csrf_token_from_a_cached_page():
    world = build_world()
    url = reverse("portal:plan", args=[world.plan.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _get(first, url)
    page = _get(second, url)
    assert page["X-Page-Cache"] == "hit"
    tokens = set(re.findall(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page.content))
    assert tokens, "the plan page has a form with a CSRF token (the language switch)"
    response = second.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": tokens.pop().decode()}
    )
    assert response.status_code == 302  # accepted: a 403 would mean the token was someone else's


def test_one_viewers_page_is_never_shown_to_another():
    world = build_world()
    url = reverse("delivery:workspace")
    mine = _get(_client(world.reporter), url)
    theirs = _get(_client(world.other_reporter), url)
    assert theirs["X-Page-Cache"] == "miss"
    assert not _same_page(mine.content, theirs.content)


def test_a_page_with_a_message_waiting_is_not_served_from_the_cache():
    world = build_world()
    client = _client(world.office)
    url = reverse("delivery:dashboard", args=[world.plan.pk])
    _get(client, url)
    session = client.session
    storage = SessionStorage(SimpleNamespace(session=session))
    storage.add(constants.SUCCESS, "已保存示例消息")
    storage.update(HttpResponse())
    session.save()
    assert _get(client, url).get("X-Page-Cache") is None  # rendered for this request, neither hit nor stored


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_several_servers_share_pages_through_redis(settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    # (Django's test signals rebuild the cache handlers when CACHES changes.)
    try:
        caches["default"].clear()
        world = build_world()
        url = reverse("portal:item", args=[world.item.pk])
        assert _get(Client(), url)["X-Page-Cache"] == "miss"  # one server renders
        assert _get(Client(), url)["X-Page-Cache"] == "hit"  # another (any client) is served the stored page
        assert caches["default"].__class__.__name__ == "RedisCache"
    finally:
        caches["default"].clear()


def test_signing_in_and_out_leaves_the_cached_pages_in_place(django_capture_on_commit_callbacks):
    world = build_world()
    world.reporter.set_password("a-long-enough-password-7")
    world.reporter.save()
    start = content_version()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.login(username=world.reporter.username, password="a-long-enough-password-7")
        client.logout()
    assert content_version() == start
    with django_capture_on_commit_callbacks(execute=True):
        world.report(ReportStatus.SUBMITTED)  # a write still moves it
    assert content_version() > start


@pytest.mark.parametrize(
    ("name", "who", "query"), [("portal:plan", None, "?q=燃气"), ("delivery:dashboard", "office", "?page=2")]
)
def test_the_overview_is_computed_once_for_every_variant_of_a_page_until_a_write(
    name, who, query, monkeypatch, django_capture_on_commit_callbacks
):
    from minsheng.delivery.selectors import pages as delivery_pages
    from minsheng.portal import overview as portal_overview

    world = build_world()
    module = portal_overview if name == "portal:plan" else delivery_pages
    computed = []
    real = module.plan_overview

    def counting(**kwargs):
        computed.append(kwargs["plan"].pk)
        return real(**kwargs)

    monkeypatch.setattr(module, "plan_overview", counting)
    client = _client(None if who is None else getattr(world, who))
    url = reverse(name, args=[world.plan.pk])
    first = _get(client, url)
    variant = _get(client, url + query)  # another page of the cache, the same overview
    assert (first["X-Page-Cache"], variant["X-Page-Cache"]) == ("miss", "miss")
    assert computed == [world.plan.pk]
    with django_capture_on_commit_callbacks(execute=True):
        _publish(world)
    _get(client, url + query)
    assert computed == [world.plan.pk, world.plan.pk]  # a write: computed afresh
