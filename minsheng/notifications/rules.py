"""Who may do what with notifications: every active signed-in person reads and marks their own (the
services and selectors only ever touch the person's own); the office reads them all in the admin."""

from __future__ import annotations

import rules

from minsheng.accounts.rules import is_office_staff

signed_in = rules.is_authenticated & rules.is_active

rules.add_perm("notifications.view_notifications", signed_in)

# The admin's notifications section (read only).
rules.add_perm("notifications", is_office_staff)
rules.add_perm("notifications.view_notification", is_office_staff)
