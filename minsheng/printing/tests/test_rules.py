"""Bulletins and posters are the office's: every rule both ways, for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.plans.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db
RULES = ("printing.view_bulletins", "printing.issue_bulletin", "printing.download_posters")


@pytest.mark.parametrize("perm", RULES)
def test_the_office_may(perm):
    item = ItemFactory()
    office = OfficeUserFactory()
    assert office.has_perm(perm, item.plan) and office.has_perm(perm, item)


@pytest.mark.parametrize("perm", RULES)
@pytest.mark.parametrize(
    "make",
    [
        lambda: AnonymousUser(),
        lambda: PublicUserFactory(),
        lambda: DeputyFactory(),
        lambda: ReporterFactory(),
        lambda: DeptHeadFactory(),
        lambda: OfficeUserFactory(is_active=False),
        lambda: OfficeUserFactory(is_staff=False),
    ],
    ids=["anonymous", "public", "deputy", "reporter", "head", "inactive office", "office not staff"],
)
def test_nobody_else_may(perm, make):
    item = ItemFactory()
    assert not make().has_perm(perm, item.plan)
