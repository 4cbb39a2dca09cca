"""Small reads the participation pages need around the backend's selectors (minsheng.participation.selectors):
one plan, one item, one comment, the choices of the pages' forms. Each is one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from minsheng.participation.models import Comment, Participant, Suggestion, SuggestionStatus
from minsheng.plans.models import Action, Item, Plan


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region").filter(pk=plan_id).first()


def item_get(*, item_id: int) -> Item | None:
    return Item.objects.select_related("plan").filter(pk=item_id).first()


def comment_get(*, comment_id: int) -> Comment | None:
    """A comment with its item, plan, author and response (for the rules and the office's page)."""
    return (
        Comment.objects.select_related(
            "item", "item__plan", "item__action", "plan", "author", "response", "response__revision__version"
        )
        .filter(pk=comment_id)
        .first()
    )


def plan_actions(*, plan: Plan) -> QuerySet[Action]:
    """The plan's current actions: the choices of "which action it fits" on the suggestion form."""
    return Action.objects.filter(plan_id=plan.pk, removed_in__isnull=True).order_by("no", "id")


def plan_current_items(*, plan_id: int) -> QuerySet[Item]:
    """The plan's current items: the choices when the office links an accepted suggestion to its item."""
    return Item.objects.filter(plan_id=plan_id, removed_in__isnull=True).order_by("no", "id")


def merge_candidates(*, suggestion: Suggestion) -> QuerySet[Suggestion]:
    """Suggestions of the same plan that ``suggestion`` may be merged into: any other one not itself merged."""
    return (
        Suggestion.objects.filter(plan_id=suggestion.plan_id)
        .exclude(pk=suggestion.pk)
        .exclude(status=SuggestionStatus.MERGED)
        .order_by("-created_at", "-id")
    )


def email_state(*, user: Any) -> str:
    """Where the signed-in person's email stands: ``none`` (no address), ``unconfirmed``, ``confirmed``, or
    ``trusted`` (an account the office created: its address needs no confirmation)."""
    if not user.is_authenticated or not user.email:
        return "none"
    participant = Participant.objects.filter(user_id=user.pk).first()
    if participant is None:
        return "trusted"
    return "confirmed" if participant.email_confirmed == user.email else "unconfirmed"
