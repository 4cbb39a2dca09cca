"""Reads of the people pages: the departments with their counts, the people by role, one department."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from minsheng.accounts.models import User
from minsheng.people.services import ROLES_GIVEN
from minsheng.plans.models import Department, Region


def departments_list() -> QuerySet[Department]:
    """Every department, active ones first, with how many active people it has."""
    return (
        Department.objects.select_related("region")
        .annotate(people=Count("members", filter=Q(members__is_active=True)))
        .order_by("retired_at", "region__name", "name")
    )


def people_list(*, department_id: int | None = None) -> QuerySet[User]:
    """The people the office manages (every role but the public), active first, by role and name."""
    people = User.objects.filter(role__in=ROLES_GIVEN).select_related("department")
    if department_id:
        people = people.filter(department_id=department_id)
    return people.order_by("-is_active", "role", "department__name", "first_name", "username")


def department_get(*, department_id: int) -> Department | None:
    return Department.objects.select_related("region").filter(pk=department_id).first()


def person_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, role__in=ROLES_GIVEN).select_related("department").first()


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")
