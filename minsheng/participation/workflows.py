"""The participation workflows, declared once.

A comment's moderation: a moderator publishes a held (pending) or hidden comment, hides a published one,
or rejects any of them. Each decision is a step with the rule that allows it and the states it is allowed
from; ``services.comment_moderate`` refuses a decision from any other state and the pages offer exactly
:func:`moderation_decisions` (``tests/test_workflows.py`` checks every role and state).

A suggestion's screening: the office accepts, merges or declines a submitted suggestion, once, and links an
accepted one to the item of the draft it became.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from minsheng.common.workflow import Step, Workflow
from minsheng.participation.models import CommentStatus, SuggestionStatus


class Decision(models.TextChoices):
    """What a moderator does with a comment. (Lazy labels: a class body runs once, at import, in whatever
    language is active then; the buttons must follow each request's language.)"""

    PUBLISH = "publish", gettext_lazy("Publish")
    REJECT = "reject", gettext_lazy("Reject")
    HIDE = "hide", gettext_lazy("Hide")


MODERATION_FLOW = Workflow(
    Step(Decision.PUBLISH, "participation.moderate_comment", {CommentStatus.PENDING, CommentStatus.HIDDEN}),
    Step(
        Decision.REJECT,
        "participation.moderate_comment",
        {CommentStatus.PENDING, CommentStatus.HIDDEN, CommentStatus.PUBLISHED},
    ),
    Step(Decision.HIDE, "participation.moderate_comment", {CommentStatus.PUBLISHED}),
)

SCREENING_FLOW = Workflow(
    Step("accept", "participation.screen_suggestion", {SuggestionStatus.SUBMITTED}),
    Step("merge", "participation.screen_suggestion", {SuggestionStatus.SUBMITTED}),
    Step("decline", "participation.screen_suggestion", {SuggestionStatus.SUBMITTED}),
    Step("link", "participation.screen_suggestion", {SuggestionStatus.ACCEPTED}),
)


def screening_steps(*, suggestion: Any, user: Any) -> frozenset[str]:
    """The screening steps this user may take on this suggestion now: the forms its page shows."""
    return SCREENING_FLOW.available(user, suggestion)


def moderation_decisions(*, comment: Any, user: Any) -> frozenset[str]:
    """The decisions this user may take on this comment now: the choices of its moderation form."""
    return MODERATION_FLOW.available(user, comment)
