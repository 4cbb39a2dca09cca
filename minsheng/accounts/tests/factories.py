"""Test users: one factory per role, the only place tests of any app make users.

- ``UserFactory``: a member of the public without an email address; give ``role=`` for anything else.
- ``OfficeUserFactory``: the office, staff (so it may use the admin), no email address.
- ``PublicUserFactory``, ``DeputyFactory``, ``ReporterFactory``, ``DeptHeadFactory``: the role, with an email
  address (``<username>@example.org``; pass ``email=""`` for a user without one).

Every factory takes ``department=`` (a ``plans.Department``, default none: a reporter or head without a
department is "not in a department yet"). Give one for department staff: ``ReporterFactory(department=lead)``.
The factories skip the services (and their audit trail); tests of ``user_create`` go through the service.
"""

import factory

from minsheng.accounts.models import User

__all__ = [
    "DeptHeadFactory",
    "DeputyFactory",
    "OfficeUserFactory",
    "PublicUserFactory",
    "ReporterFactory",
    "UserFactory",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.PUBLIC
    password = factory.django.Password("pw-for-tests")


class OfficeUserFactory(UserFactory):
    role = User.Role.OFFICE
    is_staff = True


class PublicUserFactory(UserFactory):
    role = User.Role.PUBLIC
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class DeputyFactory(PublicUserFactory):
    role = User.Role.DEPUTY


class ReporterFactory(PublicUserFactory):
    role = User.Role.REPORTER


class DeptHeadFactory(PublicUserFactory):
    role = User.Role.DEPT_HEAD
