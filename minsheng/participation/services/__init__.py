"""Writes for participation (docs/participation.md). Every function runs in one transaction, checks permission
through rules, validates, records an audit event (minsheng.accounts.services.audit_record) and sends
notifications after the commit.

Errors, for the views to show:

- ``ParticipationError`` (a ValidationError subclass): bad input, a closed window, a rate limit, a step that
  is not allowed now. Its ``messages`` are for the user (``message_dict`` maps fields to messages where a
  field is to blame). Nothing was stored.
- ``PermissionDenied`` (django.core.exceptions): the user may not do this; ``str(error)`` says why.

``ip`` is the client's address as the view sees it (``request.META["REMOTE_ADDR"]``, or the first address
a trusted proxy reports); it feeds the per-address rate limits and is kept on the row for moderators.
Rate limits count stored rows (``created_at``), so they hold without a cache and across processes.

The writes, by family (each module states its part): :mod:`.windows` (the office's windows and sensitive
words), :mod:`.accounts` (public accounts and confirmed addresses), :mod:`.suggestions` (征集: submit and
screen), :mod:`.comments` (征求意见: comment, withdraw, flag, moderate, respond), :mod:`.following`
(support and follow), :mod:`.notifications` (who is told of a changed item, the address rule's check);
:mod:`._core` holds what they share. Every name is re-exported here.
"""

from __future__ import annotations

from minsheng.participation.services._core import (
    DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR,
    DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR,
    EMAIL_CONFIRMATION_HOURS,
    MAX_COST,
    MAX_FLAG_REASON_LENGTH,
    ParticipationError,
)
from minsheng.participation.services.accounts import (
    account_register,
    email_confirm,
    email_confirmation_send,
)
from minsheng.participation.services.comments import (
    comment_flag,
    comment_moderate,
    comment_respond,
    comment_submit,
    comment_withdraw,
)
from minsheng.participation.services.following import (
    item_follow,
    item_support,
    item_support_withdraw,
    item_unfollow,
)
from minsheng.participation.services.notifications import (
    address_confirmed,
    item_changes_notify,
)
from minsheng.participation.services.suggestions import (
    suggestion_accept,
    suggestion_decline,
    suggestion_item_link,
    suggestion_merge,
    suggestion_submit,
)
from minsheng.participation.services.windows import (
    sensitive_word_add,
    sensitive_word_remove,
    window_close_now,
    window_open_now,
    window_set,
)
from minsheng.participation.workflows import Decision

__all__ = [
    "DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR",
    "DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR",
    "EMAIL_CONFIRMATION_HOURS",
    "MAX_COST",
    "MAX_FLAG_REASON_LENGTH",
    "Decision",
    "ParticipationError",
    "account_register",
    "address_confirmed",
    "comment_flag",
    "comment_moderate",
    "comment_respond",
    "comment_submit",
    "comment_withdraw",
    "email_confirm",
    "email_confirmation_send",
    "item_changes_notify",
    "item_follow",
    "item_support",
    "item_support_withdraw",
    "item_unfollow",
    "sensitive_word_add",
    "sensitive_word_remove",
    "suggestion_accept",
    "suggestion_decline",
    "suggestion_item_link",
    "suggestion_merge",
    "suggestion_submit",
    "window_close_now",
    "window_open_now",
    "window_set",
]
