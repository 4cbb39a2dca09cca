"""Who may manage API tokens: the supervision office, and no one else (docs/api.md).

What a token may do once made is not a rule here: a token acts as one person of its department, so the
API asks delivery's own rules for that person (``delivery.add_report``, ``delivery.view_report``…), after
checking the token's scopes."""

import rules

from minsheng.accounts.rules import is_office_staff

rules.add_perm("api.manage_tokens", is_office_staff)
