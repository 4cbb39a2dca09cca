"""Who may do what in participation. Services, views and the admin ask these rules (docs/participation.md).

Rules say *who* may act on *which* object; whether the moment allows it (an open window, a published
comment, a first support) is the service's business, which refuses with a clear message.

- Anyone, signed in or not, reads plans, published comments, responses, screened suggestions and the
  consultation report.
- Any active signed-in account (public, deputy, department staff, office) may suggest, comment, support,
  follow and flag; people working in government are residents too, and their comments carry their name.
- Only a comment's author withdraws it; nobody flags their own comment.
- The supervision office (an active staff user with role ``office``) screens suggestions, moderates and
  responds to comments, sets windows and the sensitive-word list, and uses the admin.
"""

from __future__ import annotations

from typing import Any

import rules

from minsheng.accounts.rules import is_office_staff
from minsheng.participation.models import SCREENED, CommentStatus

signed_in = rules.is_authenticated & rules.is_active
office = is_office_staff


@rules.predicate
def is_comment_author(user: Any, comment: Any) -> bool:
    return bool(comment is not None and user.is_authenticated and comment.author_id == user.pk)


@rules.predicate
def is_suggestion_author(user: Any, suggestion: Any) -> bool:
    return bool(suggestion is not None and user.is_authenticated and suggestion.author_id == user.pk)


@rules.predicate
def is_published_comment(_user: Any, comment: Any) -> bool:
    return bool(comment is not None and comment.status == CommentStatus.PUBLISHED)


@rules.predicate
def is_public_suggestion(_user: Any, suggestion: Any) -> bool:
    return bool(suggestion is not None and suggestion.status in SCREENED and not suggestion.withheld)


# The admin's participation section and its pages.
rules.add_perm("participation", office)
for model in (
    "window",
    "sensitiveword",
    "participant",
    "emailconfirmation",
    "suggestion",
    "comment",
    "flag",
    "support",
    "response",
    "moderationaction",
    "follow",
):
    rules.add_perm(f"participation.view_{model}", office)
rules.add_perm("participation.add_window", office)
rules.add_perm("participation.change_window", office)  # obj: plan or window
rules.add_perm("participation.add_sensitiveword", office)
rules.add_perm("participation.change_sensitiveword", office)  # obj: plan or None (global)
rules.add_perm("participation.delete_sensitiveword", office)
rules.add_perm("participation.change_suggestion", office)  # the screening form in the admin
rules.add_perm("participation.change_comment", office)  # the moderation form in the admin

# Accounts.
rules.add_perm("participation.register", ~rules.is_authenticated)
rules.add_perm("participation.confirm_email", signed_in)
# One's own page ("mine"); the inbox itself asks notifications.view_notifications.
rules.add_perm("participation.view_notifications", signed_in)

# Suggestions (obj: plan for add, else the suggestion).
rules.add_perm("participation.add_suggestion", signed_in)
rules.add_perm("participation.see_suggestion", office | is_suggestion_author | is_public_suggestion)
rules.add_perm("participation.screen_suggestion", office)

# Comments (obj: item for add, else the comment).
rules.add_perm("participation.add_comment", signed_in)
rules.add_perm("participation.see_comment", office | is_comment_author | is_published_comment)
rules.add_perm("participation.withdraw_comment", signed_in & is_comment_author)
rules.add_perm("participation.flag_comment", signed_in & ~is_comment_author)
rules.add_perm("participation.moderate_comment", office)
rules.add_perm("participation.respond_comment", office)
rules.add_perm("participation.view_moderation_queue", office)

# Items (obj: item).
rules.add_perm("participation.support_item", signed_in)
rules.add_perm("participation.follow_item", signed_in)

# The consultation report and the public list of suggestions (obj: plan).
rules.add_perm("participation.view_report", rules.always_allow)
rules.add_perm("participation.view_suggestions", rules.always_allow)
