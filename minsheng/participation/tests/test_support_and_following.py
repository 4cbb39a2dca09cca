"""Support (one per person), following, and notifications to followers when a revised draft is imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification
from minsheng.participation import selectors, services
from minsheng.participation.models import Follow, Phase, Support, Window
from minsheng.participation.services import ParticipationError
from minsheng.participation.tests.conftest import IP
from minsheng.participation.tests.test_comments import refused
from minsheng.plans.models import Item, ItemRevision, Plan
from minsheng.plans.services import plan_import, plan_status_set

pytestmark = pytest.mark.usefixtures("en")


# --- support ---------------------------------------------------------------------------------------------


def test_support_is_counted_once_per_person(world):
    support = services.item_support(item=world.item, by=world.public)
    assert support.user == world.public
    services.item_support(item=world.item, by=world.other)
    assert Support.objects.filter(item=world.item).count() == 2
    assert AuditEvent.objects.filter(verb="item_support").count() == 2


def test_a_second_support_is_refused(world, nothing_stored):
    services.item_support(item=world.item, by=world.public)
    refused(
        nothing_stored,
        lambda: services.item_support(item=world.item, by=world.public),
        "You already support this item.",
    )


def test_support_outside_the_window_is_refused(world, nothing_stored):
    world.window.closes_at = timezone.now() - dt.timedelta(minutes=1)
    world.window.opens_at = timezone.now() - dt.timedelta(days=3)
    world.window.save()
    refused(nothing_stored, lambda: services.item_support(item=world.item, by=world.public), "This closed on")


def test_anonymous_support_is_refused(world, anonymous, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.item_support(item=world.item, by=anonymous),
        "Sign in first.",
        error=PermissionDenied,
    )


def test_support_is_withdrawn(world, nothing_stored):
    services.item_support(item=world.item, by=world.public)
    services.item_support_withdraw(item=world.item, by=world.public)
    assert not Support.objects.exists()
    assert AuditEvent.objects.filter(verb="item_support_withdraw").exists()
    refused(
        nothing_stored,
        lambda: services.item_support_withdraw(item=world.item, by=world.public),
        "You do not support this item.",
    )


# --- following ----------------------------------------------------------------------------------------


def test_following_twice_is_following_once(world):
    first = services.item_follow(item=world.item, by=world.public)
    again = services.item_follow(item=world.item, by=world.public)
    assert first == again
    assert Follow.objects.count() == 1
    assert AuditEvent.objects.filter(verb="item_follow").count() == 1
    services.item_unfollow(item=world.item, by=world.public)
    services.item_unfollow(item=world.item, by=world.public)
    assert not Follow.objects.exists()
    assert AuditEvent.objects.filter(verb="item_unfollow").count() == 1


def test_following_works_in_any_stage_of_the_plan(world):
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.ADOPTED)
    assert services.item_follow(item=world.item, by=world.public)
    assert list(selectors.followed_items(user=world.public)) == [world.item]


def test_anonymous_following_is_refused(world, anonymous, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.item_follow(item=world.item, by=anonymous),
        "Sign in first.",
        error=PermissionDenied,
    )


# --- a revised draft: followers hear of the changes ---------------------------------------------------------


def _import(path: Path):
    return plan_import(content=path.read_bytes(), filename=path.name)


def _revised(seed_txt: Path, tmp_path: Path) -> Path:
    """The seed with item 1 changed (9 km → 12 km of gas mains) and item 4 (the G0711 road) removed."""
    text = seed_txt.read_text(encoding="utf-8").replace("燃气主管道9千米", "燃气主管道12千米")
    lines = [line for line in text.splitlines() if not line.startswith("4.建成G0711")]
    revised = tmp_path / "tiemenguan-2025-revised.txt"
    revised.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return revised


@pytest.fixture
def consultation(db, seed_txt):
    """The seed imported and opened for comment."""
    from minsheng.accounts.tests.factories import OfficeUserFactory

    office = OfficeUserFactory(email="office@example.org")
    plan = _import(seed_txt).plan
    plan_status_set(plan=plan, status=Plan.Status.CONSULTATION, by=office)
    now = timezone.now()
    services.window_set(
        plan=plan,
        phase=Phase.CONSULTATION,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=14),
        by=office,
    )
    items = {item.no: item for item in Item.objects.filter(plan=plan)}
    return plan, items, office


def test_followers_hear_when_a_revised_draft_changes_or_removes_their_item(
    consultation, seed_txt, tmp_path, django_capture_on_commit_callbacks, mailoutbox
):
    _plan, items, office = consultation
    gas, road, health = items[1], items[4], items[26]
    alice, bob, carol = PublicUserFactory.create_batch(3)
    comment = services.comment_submit(item=gas, by=alice, text="建议把主管道延长到12千米。", ip=IP)
    services.item_follow(item=road, by=bob)
    services.item_follow(item=health, by=carol)  # unchanged: hears nothing

    result = _import(_revised(seed_txt, tmp_path))
    assert 1 in result.changed and 4 in result.removed
    with django_capture_on_commit_callbacks(execute=True):
        count = services.item_changes_notify(version=result.version, by=office)
    assert count == 2

    to_alice = Notification.objects.get(user=alice)
    assert to_alice.kind == "item_changed"
    assert to_alice.item == gas
    assert "在清单第 2 版中有修改" in to_alice.message  # the site language, zh-hans
    assert to_alice.url.endswith("#changes")
    to_bob = Notification.objects.get(user=bob)
    assert "已在清单第 2 版中删除" in to_bob.message  # the site language, zh-hans
    assert not Notification.objects.filter(user=carol).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])
    event = AuditEvent.objects.get(verb="item_changes_notify")
    assert event.details == {"items": sorted([gas.pk, road.pk]), "notified": 2}

    # Calling it again (the import retried) tells no one twice.
    assert services.item_changes_notify(version=result.version) == 0
    assert Notification.objects.count() == 2

    # The office's response points at the change the comment caused, and the public sees the change.
    change = ItemRevision.objects.get(item=gas, version=result.version)
    response = services.comment_respond(
        comment=comment, by=office, kind="adopted", text="已将主管道调整为12千米。", revision=change
    )
    assert response.revision.kind == "changed"
    page = selectors.item_consultation_get(item_id=gas.pk)
    assert [c.revision for c in page.changes] == [change]
    pieces = page.changes[0].pieces
    assert ("9", "delete") in [(p.text, p.op) for p in pieces]
    assert ("12", "insert") in [(p.text, p.op) for p in pieces]
    assert page.comments[0].response.revision == change


def test_a_user_who_stopped_following_or_was_deactivated_hears_nothing(consultation, seed_txt, tmp_path):
    _plan, items, _office = consultation
    gone, inactive = PublicUserFactory.create_batch(2)
    services.item_follow(item=items[1], by=gone)
    services.item_unfollow(item=items[1], by=gone)
    services.item_follow(item=items[1], by=inactive)
    inactive.is_active = False
    inactive.save()
    result = _import(_revised(seed_txt, tmp_path))
    assert services.item_changes_notify(version=result.version) == 0


def test_the_first_version_notifies_no_one(consultation):
    plan, items, _office = consultation
    services.item_follow(item=items[1], by=PublicUserFactory())
    first = plan.versions.get(number=1)
    assert services.item_changes_notify(version=first) == 0


def test_a_window_needs_its_close_after_its_opening(world, nothing_stored):
    now = timezone.now()
    refused(
        nothing_stored,
        lambda: services.window_set(
            plan=world.plan, phase=Phase.CONSULTATION, opens_at=now, closes_at=now, by=world.office
        ),
        "The window must close after it opens.",
    )
    refused(
        nothing_stored,
        lambda: services.window_set(
            plan=world.plan,
            phase=Phase.CONSULTATION,
            opens_at=dt.datetime(2025, 1, 1),
            closes_at=dt.datetime(2025, 2, 1),
            by=world.office,
        ),
        "Give a time with its time zone.",
    )
    refused(
        nothing_stored,
        lambda: services.window_set(
            plan=world.plan,
            phase=Phase.CONSULTATION,
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            max_length=9000,
            by=world.office,
        ),
        "Ensure this value is less than or equal to 5000.",
    )
    refused(
        nothing_stored,
        lambda: services.window_set(
            plan=world.plan,
            phase=Phase.CONSULTATION,
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            by=world.public,
        ),
        "You may not do this.",
        error=PermissionDenied,
    )


def test_the_office_changes_a_window(world):
    now = timezone.now()
    window = services.window_set(
        plan=world.plan,
        phase=Phase.CONSULTATION,
        opens_at=now,
        closes_at=now + dt.timedelta(days=30),
        moderation="pre",
        flag_threshold=5,
        by=world.office,
    )
    assert window.pk == world.window.pk
    assert (window.moderation, window.flag_threshold) == ("pre", 5)
    assert Window.objects.count() == 2
    assert AuditEvent.objects.filter(verb="window_set", actor=world.office).exists()


def test_sensitive_words_are_kept_by_the_office(world, nothing_stored):
    entry = services.sensitive_word_add(word="敏感词", by=world.office)
    services.sensitive_word_add(word="敏感词", plan=world.plan, by=world.office)
    refused(
        nothing_stored,
        lambda: services.sensitive_word_add(word="敏感词", by=world.office),
        "“敏感词” is already on the list.",
    )
    refused(
        nothing_stored,
        lambda: services.sensitive_word_add(word="  ", by=world.office),
        "Give the word or phrase.",
    )
    refused(
        nothing_stored,
        lambda: services.sensitive_word_add(word="词", by=world.public),
        "You may not do this.",
        error=PermissionDenied,
    )
    services.sensitive_word_remove(sensitive_word=entry, by=world.office)
    assert AuditEvent.objects.filter(verb__startswith="sensitive_word_").count() == 3
    with pytest.raises(ParticipationError):
        services.sensitive_word_add(word="x" * 51, by=world.office)


def test_a_revised_import_itself_tells_the_followers(
    consultation, seed_txt, tmp_path, django_capture_on_commit_callbacks
):
    """No one has to remember to call item_changes_notify: plan_import does it once the version is stored."""
    _plan, items, office = consultation
    alice = PublicUserFactory()
    services.item_follow(item=items[1], by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(_revised(seed_txt, tmp_path))
    assert 1 in result.changed
    assert Notification.objects.filter(user=alice, kind="item_changed", item=items[1]).count() == 1
    # telling again notifies no one twice
    assert services.item_changes_notify(version=result.version, by=office) == 0
