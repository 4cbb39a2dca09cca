"""Delivery writes: supervision notices (issue, reply, close, escalate) and who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.accounts.models import AuditEvent
from minsheng.delivery import services
from minsheng.delivery.models import (
    SupervisionNotice,
)
from minsheng.delivery.services import ConflictError, DeliveryError
from minsheng.notifications.models import Notification
from minsheng.plans.tests.factories import ItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- supervision notices ---------------------------------------------------------------------------------


def _notice(world, **kwargs) -> SupervisionNotice:
    values = {
        "reason": "进度滞后于序时进度",
        "demand": "三日内说明原因",
        "reply_deadline": dt.date(2099, 1, 31),
        **kwargs,
    }
    return services.notice_issue(item=world.item, by=world.office, **values)


def test_the_office_issues_a_notice_to_the_lead_department(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _notice(world)
    assert (notice.department, notice.status, notice.issued_by, notice.version) == (
        world.lead,
        "open",
        world.office,
        1,
    )
    assert set(Notification.objects.values_list("user", "kind")) == {
        (world.reporter.pk, "notice_issued"),
        (world.head.pk, "notice_issued"),
    }
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(verb="notice_issue").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  "}, "reason"),
        ({"demand": ""}, "must do"),
        ({"reply_deadline": dt.date(2020, 1, 1)}, "in the past"),
    ],
)
def test_a_notice_needs_a_reason_a_demand_and_a_future_deadline(world, kwargs, message):
    with pytest.raises(DeliveryError, match=message):
        _notice(world, **kwargs)
    assert not SupervisionNotice.objects.exists()


def test_a_notice_needs_a_lead_department(world):
    item = ItemFactory(action=world.item.action)
    with pytest.raises(DeliveryError, match="no lead department"):
        services.notice_issue(
            item=item, by=world.office, reason="r", demand="d", reply_deadline=dt.date(2099, 1, 1)
        )


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_only_the_office_issues_notices(world, who):
    with pytest.raises(PermissionDenied):
        services.notice_issue(
            item=world.item,
            by=getattr(world, who),
            reason="r",
            demand="d",
            reply_deadline=dt.date(2099, 1, 1),
        )


@pytest.mark.parametrize("who", ["reporter", "head"])
def test_the_department_replies_and_the_office_hears_of_it(world, who, django_capture_on_commit_callbacks):
    notice = _notice(world)
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_reply(
            notice=notice,
            by=getattr(world, who),
            explanation="材料延迟",
            catch_up_plan="七月底前完成",
            expected_version=1,
        )
    assert (notice.status, notice.replied_by, notice.version) == ("answered", getattr(world, who), 2)
    assert notice.replied_at is not None
    assert list(Notification.objects.values_list("user", "kind")) == [(world.office.pk, "notice_replied")]


@pytest.mark.parametrize("who", ["support_reporter", "other_head", "office", "deputy", "public"])
def test_other_people_cannot_reply(world, who):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.notice_reply(
            notice=notice, by=getattr(world, who), explanation="e", catch_up_plan="p", expected_version=1
        )
    notice.refresh_from_db()
    assert (notice.status, notice.version) == ("open", 1)


def test_a_reply_needs_an_explanation_and_a_plan(world):
    notice = _notice(world)
    with pytest.raises(DeliveryError) as error:
        services.notice_reply(
            notice=notice, by=world.reporter, explanation=" ", catch_up_plan="", expected_version=1
        )
    assert set(error.value.message_dict) == {"explanation", "catch_up_plan"}
    notice.refresh_from_db()
    assert notice.status == "open"


def test_close_escalate_and_reply_again(world, django_capture_on_commit_callbacks):
    notice = _notice(world)
    notice = services.notice_reply(
        notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_escalate(notice=notice, by=world.office, note="整改不力", expected_version=2)
    assert (notice.status, notice.resolution) == ("escalated", "整改不力")
    assert set(Notification.objects.values_list("user", flat=True)) == {world.reporter.pk, world.head.pk}
    notice = services.notice_reply(
        notice=notice, by=world.head, explanation="e2", catch_up_plan="p2", expected_version=3
    )
    notice = services.notice_close(notice=notice, by=world.office, note="已整改", expected_version=4)
    assert (notice.status, notice.version) == ("closed", 5)
    verbs = list(
        AuditEvent.objects.filter(object_type="delivery.supervisionnotice").values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        ["notice_issue", "notice_reply", "notice_escalate", "notice_reply", "notice_close"]
    )


@pytest.mark.parametrize(
    ("state", "step", "allowed"),
    [
        ("open", "reply", True),
        ("answered", "reply", False),
        ("closed", "reply", False),
        ("escalated", "reply", True),
        ("open", "close", True),
        ("answered", "close", True),
        ("escalated", "close", True),
        ("closed", "close", False),
        ("open", "escalate", True),
        ("answered", "escalate", True),
        ("escalated", "escalate", False),
        ("closed", "escalate", False),
    ],
)
def test_notice_steps_from_every_state(world, state, step, allowed):
    notice = _notice(world)
    SupervisionNotice.objects.filter(pk=notice.pk).update(status=state)
    notice.refresh_from_db()
    call = {
        "reply": lambda: services.notice_reply(
            notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
        ),
        "close": lambda: services.notice_close(notice=notice, by=world.office, expected_version=1),
        "escalate": lambda: services.notice_escalate(
            notice=notice, by=world.office, note="n", expected_version=1
        ),
    }[step]
    if allowed:
        assert call().version == 2
    else:
        with pytest.raises(DeliveryError):
            call()
        notice.refresh_from_db()
        assert (notice.status, notice.version) == (state, 1)


def test_notice_escalation_needs_a_note(world):
    notice = _notice(world)
    with pytest.raises(DeliveryError):
        services.notice_escalate(notice=notice, by=world.office, note="", expected_version=1)


@pytest.mark.parametrize("who", ["reporter", "head", "deputy"])
def test_only_the_office_closes_or_escalates(world, who):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.notice_close(notice=notice, by=getattr(world, who), expected_version=1)
    with pytest.raises(PermissionDenied):
        services.notice_escalate(notice=notice, by=getattr(world, who), note="n", expected_version=1)


def test_notice_stale_version_is_a_conflict(world):
    notice = _notice(world)
    services.notice_reply(
        notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
    )
    with pytest.raises(ConflictError, match="supervision notice"):
        services.notice_close(notice=notice, by=world.office, expected_version=1)
    with pytest.raises(ConflictError):
        services.notice_reply(
            notice=notice, by=world.head, explanation="x", catch_up_plan="y", expected_version=1
        )
    notice.refresh_from_db()
    assert (notice.status, notice.explanation, notice.version) == ("answered", "e", 2)
