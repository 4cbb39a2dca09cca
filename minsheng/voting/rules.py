"""Who may do what in the vote and the rating (docs/voting.md). Services and views ask these rules; whether
the moment allows it (an open round, a first ballot) is the service's business.

- The supervision office (an active staff user with role ``office``) sets up, opens and closes the vote and
  the rating, decides a tie, reads the rating comments and opens supervision notices from flags.
- Only an active deputy casts a ballot.
- Active deputies and active members of the public rate items; the people who deliver the items (department
  staff) and the office do not rate their own work.
- Everyone, signed in or not, reads a vote's or a rating's published results.
"""

from __future__ import annotations

from typing import Any

import rules

from minsheng.accounts.models import User
from minsheng.accounts.rules import is_office_staff

active = rules.is_authenticated & rules.is_active


@rules.predicate
def is_deputy(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.DEPUTY)


@rules.predicate
def is_public(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.PUBLIC)


office = is_office_staff

rules.add_perm("voting.manage_vote", office)  # obj: plan
rules.add_perm("voting.cast_ballot", active & is_deputy)  # obj: vote round
rules.add_perm("voting.see_vote", rules.always_allow)  # obj: plan
rules.add_perm("voting.view_receipts", office)  # who has voted (never what): for turnout follow-up

rules.add_perm("voting.manage_rating", office)  # obj: plan
rules.add_perm("voting.rate_item", active & (is_deputy | is_public))  # obj: rating round
rules.add_perm("voting.see_rating", rules.always_allow)  # obj: plan
rules.add_perm("voting.view_rating_comments", office)  # obj: rating round
rules.add_perm("voting.notice_from_flag", office)  # obj: flag

# The admin's pages for the vote and the rating: the office reads them; nothing is edited there.
rules.add_perm("voting", office)
for model in ("voteround", "candidate", "ballotreceipt", "ratinground", "rating", "ratingflag"):
    rules.add_perm(f"voting.view_{model}", office)
