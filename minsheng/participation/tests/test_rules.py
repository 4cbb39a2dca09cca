"""Every participation permission for every role, both ways.

``public`` wrote the comments and the suggestions; ``other`` is another member of the public."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
    UserFactory,
)
from minsheng.participation.models import CommentStatus, SuggestionStatus
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.plans.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "office",
    "office_not_staff",
    "office_inactive",
    "superuser",
    "public",
    "other",
    "public_inactive",
    "deputy",
    "reporter",
    "dept_head",
    "anonymous",
]
EVERYONE = set(ROLES)
OFFICE = {"office", "superuser"}
SIGNED_IN = EVERYONE - {"office_inactive", "public_inactive", "anonymous"}

# permission -> (object, roles allowed). The superuser is allowed everything (Django's rule).
MATRIX: dict[str, tuple[str | None, set[str]]] = {
    # the admin
    "participation": (None, OFFICE),
    "participation.view_comment": (None, OFFICE),
    "participation.change_comment": (None, OFFICE),
    "participation.view_suggestion": (None, OFFICE),
    "participation.change_suggestion": (None, OFFICE),
    "participation.view_moderationaction": (None, OFFICE),
    "participation.add_window": (None, OFFICE),
    "participation.change_window": ("plan", OFFICE),
    "participation.add_sensitiveword": (None, OFFICE),
    "participation.change_sensitiveword": (None, OFFICE),
    "participation.delete_sensitiveword": (None, OFFICE),
    # accounts
    "participation.register": (None, {"anonymous", "superuser"}),  # the service also refuses anyone signed in
    "participation.confirm_email": (None, SIGNED_IN),
    "participation.view_notifications": (None, SIGNED_IN),
    # suggestions
    "participation.add_suggestion": ("plan", SIGNED_IN),
    "participation.see_suggestion": ("suggestion", EVERYONE),
    "participation.see_suggestion@submitted": ("suggestion_submitted", OFFICE | {"public"}),
    "participation.see_suggestion@withheld": ("suggestion_withheld", OFFICE | {"public"}),
    "participation.screen_suggestion": ("suggestion_submitted", OFFICE),
    "participation.view_suggestions": ("plan", EVERYONE),
    # comments
    "participation.add_comment": ("item", SIGNED_IN),
    "participation.see_comment": ("comment", EVERYONE),
    "participation.see_comment@pending": ("comment_pending", OFFICE | {"public"}),
    "participation.see_comment@hidden": ("comment_hidden", OFFICE | {"public"}),
    "participation.withdraw_comment": ("comment", {"public", "superuser"}),
    "participation.flag_comment": ("comment", SIGNED_IN - {"public"}),
    "participation.moderate_comment": ("comment", OFFICE),
    "participation.respond_comment": ("comment", OFFICE),
    "participation.view_moderation_queue": (None, OFFICE),
    # items
    "participation.support_item": ("item", SIGNED_IN),
    "participation.follow_item": ("item", SIGNED_IN),
    "participation.view_report": ("plan", EVERYONE),
}


@pytest.fixture
def people(db):
    made = {
        "office": OfficeUserFactory(),
        "office_not_staff": OfficeUserFactory(is_staff=False),
        "office_inactive": OfficeUserFactory(is_active=False),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "public": PublicUserFactory(),
        "other": PublicUserFactory(),
        "public_inactive": PublicUserFactory(is_active=False),
        "deputy": DeputyFactory(),
        "reporter": ReporterFactory(),
        "dept_head": DeptHeadFactory(),
        "anonymous": AnonymousUser(),
    }
    item = ItemFactory()
    public = made["public"]
    objects = {
        None: None,
        "plan": item.plan,
        "item": item,
        "comment": CommentFactory(item=item, author=public),
        "comment_pending": CommentFactory(item=item, author=public, status=CommentStatus.PENDING),
        "comment_hidden": CommentFactory(
            item=item, author=public, status=CommentStatus.HIDDEN, held_reason="flags"
        ),
        "suggestion": SuggestionFactory(author=public, status=SuggestionStatus.ACCEPTED),
        "suggestion_submitted": SuggestionFactory(author=public),
        "suggestion_withheld": SuggestionFactory(
            author=public, status=SuggestionStatus.DECLINED, outcome_reason="含个人信息", withheld=True
        ),
    }
    return made, objects


@pytest.mark.parametrize("perm", list(MATRIX))
def test_permission_for_every_role(people, perm):
    """Each role is allowed exactly when the matrix says so (both ways)."""
    users, objects = people
    obj_name, allowed = MATRIX[perm]
    name = perm.split("@")[0]
    got = {role for role in ROLES if users[role].has_perm(name, objects[obj_name])}
    assert got == allowed, {
        "allowed but should not be": got - allowed,
        "refused but should not be": allowed - got,
    }


def test_the_matrix_covers_every_participation_rule():
    import rules

    from minsheng.participation import rules as _participation_rules  # noqa: F401 - registers the rules

    declared = {name for name in rules.permissions.permissions if name.split(".")[0] == "participation"}
    tested = {perm.split("@")[0] for perm in MATRIX}
    view_models = {
        f"participation.view_{m}"
        for m in (
            "window",
            "sensitiveword",
            "participant",
            "emailconfirmation",
            "flag",
            "support",
            "response",
            "follow",
        )
    }
    assert declared - tested <= view_models  # the admin's read-only pages share one rule (office)
    assert tested <= declared
