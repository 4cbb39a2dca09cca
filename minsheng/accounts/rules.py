"""Who may do what with accounts, and who may use the office's admin."""

import rules

from minsheng.accounts.models import User


@rules.predicate
def is_office(user: User) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.OFFICE)


is_office_staff = rules.is_active & rules.is_staff & is_office

# The admin is the supervision office's tool.
rules.add_perm("accounts.use_admin", is_office_staff | rules.is_superuser)
rules.add_perm("accounts.view_auditevent", is_office_staff)
rules.add_perm("accounts.view_user", is_office_staff)
# The audit trail: the office reads it (the audit page, each object's history); the records are never
# changed or deleted in the product, only purged past the retention period by an office user's command.
rules.add_perm("accounts.view_audit", is_office_staff)
rules.add_perm("auditlog.view_logentry", is_office_staff)  # django-auditlog's list of changes in the admin
rules.add_perm("accounts.purge_audit", is_office_staff)
