"""Who may print what (docs/bulletins-and-posters.md).

Bulletins and posters are the supervision office's: it issues a bulletin (which is recorded), sees the list
of bulletins issued and downloads the posters of a plan or an item. Nobody else, not even the departments
whose items a bulletin names."""

from __future__ import annotations

import rules

from minsheng.accounts.rules import is_office_staff

rules.add_perm("printing.view_bulletins", is_office_staff)  # obj: plan
rules.add_perm("printing.issue_bulletin", is_office_staff)  # obj: plan
rules.add_perm("printing.download_posters", is_office_staff)  # obj: plan or item
# The admin: the printing section and its read-only list of bulletins.
rules.add_perm("printing", is_office_staff)
rules.add_perm("printing.view_bulletin", is_office_staff)
