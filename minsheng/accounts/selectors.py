"""Reads of accounts: who the people in a role are."""

from __future__ import annotations

from minsheng.accounts.models import User


def office_users() -> list[User]:
    """The supervision office: its active staff accounts, oldest first (whom "tell the office" tells)."""
    return list(User.objects.filter(is_active=True, is_staff=True, role=User.Role.OFFICE).order_by("id"))
