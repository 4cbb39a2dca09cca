"""Who may do what with accounts, who may use the office's admin, and who must sign in with two factors."""

from __future__ import annotations

from typing import Any

import rules

from minsheng.accounts.models import User


@rules.predicate
def is_office(user: User) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.OFFICE)


@rules.predicate
def is_someone_else(user: User, other: Any) -> bool:
    return isinstance(other, User) and other.pk != user.pk


is_office_staff = rules.is_active & rules.is_staff & is_office


def two_factor_required(user: Any) -> bool:
    """The office and anyone who can open the admin (staff, superusers) sign in with a second factor; no
    query (the user's own fields)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.role == User.Role.OFFICE or user.is_staff or user.is_superuser)
    )


# The admin is the supervision office's tool.
rules.add_perm("accounts.use_admin", is_office_staff | rules.is_superuser)
rules.add_perm("accounts.view_auditevent", is_office_staff)
rules.add_perm("accounts.view_user", is_office_staff)
# One office user resets another's lost authenticator (never their own: that needs a colleague).
rules.add_perm("accounts.reset_two_factor", is_office_staff & is_someone_else)
# The audit trail: the office reads it (the audit page, each object's history); the records are never
# changed or deleted in the product, only purged past the retention period by an office user's command.
rules.add_perm("accounts.view_audit", is_office_staff)
rules.add_perm("auditlog.view_logentry", is_office_staff)  # django-auditlog's list of changes in the admin
rules.add_perm("accounts.purge_audit", is_office_staff)
