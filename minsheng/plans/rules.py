"""Who may see and change plans. Every view and admin page asks these rules."""

import rules

from minsheng.accounts.rules import is_office_staff

# Plans are public: anyone, signed in or not, may read them.
for model in (
    "plan",
    "planversion",
    "action",
    "item",
    "itemrevision",
    "target",
    "standard",
    "region",
    "department",
    "itemdepartment",
):
    rules.add_perm(f"plans.view_{model}", rules.always_allow)

# The supervision office moves a plan through its year.
rules.add_perm("plans.change_plan", is_office_staff)

# The office imports plan documents on the web: uploads, previews, corrects, confirms or cancels.
rules.add_perm("plans.import_plan", is_office_staff)
rules.add_perm("plans.view_importdraft", is_office_staff)

# The office edits an adopted plan (a new version with a reason) and carries unfinished items into next year.
rules.add_perm("plans.edit_plan", is_office_staff)
