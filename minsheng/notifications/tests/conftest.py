"""People for the notifications tests: a department reporter and the office (addresses the office set), a
member of the public, and another one; a plan item to point at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import OfficeUserFactory, UserFactory
from minsheng.notifications import services
from minsheng.plans.tests.factories import ItemFactory


@dataclass
class People:
    office: Any  # the factories make Users and an Item
    reporter: Any
    public: Any
    other: Any
    item: Any


@pytest.fixture
def people(db) -> People:
    return People(
        office=OfficeUserFactory(email="office@example.org"),
        reporter=UserFactory(role=User.Role.REPORTER, email="reporter@example.org"),
        public=UserFactory(email="public@example.org"),
        other=UserFactory(email="other@example.org"),
        item=ItemFactory(),
    )


@pytest.fixture
def address_checks():
    """The registered address checks, restored after the test (which may add its own)."""
    saved = list(services._address_checks)
    yield services._address_checks
    services._address_checks[:] = saved
