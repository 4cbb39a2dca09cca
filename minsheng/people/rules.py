"""Who may manage people and departments: the supervision office, and no one else."""

import rules

from minsheng.accounts.rules import is_office_staff

rules.add_perm("people.manage", is_office_staff)
