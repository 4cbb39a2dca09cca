"""The forms a moderator or screener is offered are exactly the steps the service accepts: for every role,
every comment status and decision, every suggestion status and screening step
(minsheng/participation/workflows.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.participation import services
from minsheng.participation.models import CommentStatus, SuggestionStatus
from minsheng.participation.services import ParticipationError
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.participation.workflows import (
    MODERATION_FLOW,
    SCREENING_FLOW,
    moderation_decisions,
    screening_steps,
)
from minsheng.testing import accepted

ROLES = ("office", "public", "other", "deputy", "reporter", "head", "anonymous")


def _accepted(call) -> bool:
    return accepted(call, (ParticipationError, PermissionDenied))


def _user(world, anonymous, role):
    return anonymous if role == "anonymous" else getattr(world, role)


@pytest.mark.parametrize("status", list(CommentStatus))
def test_moderation_choices_are_the_decisions_the_service_accepts(world, anonymous, status):
    comment = CommentFactory(item=world.item, author=world.public, status=status)
    for role in ROLES:
        user = _user(world, anonymous, role)
        offered = moderation_decisions(comment=comment, user=user)
        for decision in MODERATION_FLOW.names:
            comment.refresh_from_db()
            accepted = _accepted(
                lambda d=decision, u=user: services.comment_moderate(comment=comment, by=u, decision=d)
            )
            assert (decision in offered) == accepted, (status, role, decision)


@pytest.mark.parametrize("status", list(SuggestionStatus))
def test_screening_forms_are_the_steps_the_service_accepts(world, anonymous, status):
    other = SuggestionFactory(plan=world.ideas, author=world.other)
    into = {
        SuggestionStatus.MERGED: {"merged_into": other},
        SuggestionStatus.DECLINED: {"outcome_reason": "重复"},
    }.get(status, {})
    suggestion = SuggestionFactory(plan=world.ideas, author=world.public, status=status, **into)
    calls = {
        "accept": lambda u: services.suggestion_accept(suggestion=suggestion, by=u),
        "merge": lambda u: services.suggestion_merge(suggestion=suggestion, into=other, by=u),
        "decline": lambda u: services.suggestion_decline(
            suggestion=suggestion, by=u, reason="不属于民生实事"
        ),
        "link": lambda u: services.suggestion_item_link(suggestion=suggestion, item=None, by=u),
    }
    assert set(calls) == set(SCREENING_FLOW.names)
    for role in ROLES:
        user = _user(world, anonymous, role)
        suggestion.refresh_from_db()
        offered = screening_steps(suggestion=suggestion, user=user)
        for step, call in calls.items():
            suggestion.refresh_from_db()
            assert (step in offered) == _accepted(lambda c=call, u=user: c(u)), (status, role, step)
