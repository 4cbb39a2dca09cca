"""The hook plans announces a new version through: sent after the commit, once per version that changes a
plan, never for the first version or an unchanged re-import; plans itself imports no app above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.plans.models import PlanVersion
from minsheng.plans.services import plan_import, plan_items_adopt
from minsheng.plans.signals import plan_version_created
from minsheng.plans.tests.test_services import _import_file, _revised_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    plan_version_created.connect(receiver, dispatch_uid="test_signals.receiver")
    yield calls
    plan_version_created.disconnect(dispatch_uid="test_signals.receiver")


def test_a_revised_import_announces_its_version_once_after_the_commit(
    heard, seed_docx, seed_txt, tmp_path: Path, django_capture_on_commit_callbacks
):
    office = OfficeUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _import_file(seed_docx, by=office)
    assert heard == []  # the first version changes nothing anyone follows

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = _import_file(_revised_seed(seed_txt, tmp_path), by=office)
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert heard == [
        {"sender": PlanVersion, "signal": plan_version_created, "version": result.version, "by": office}
    ]

    with django_capture_on_commit_callbacks(execute=True):
        again = plan_import(content=_revised_seed(seed_txt, tmp_path).read_bytes(), filename="again.txt")
    assert again.unchanged
    assert len(heard) == 1


def test_an_adoption_that_drops_items_announces_its_version(
    heard, seed_docx, django_capture_on_commit_callbacks
):
    office = OfficeUserFactory()
    plan = _import_file(seed_docx, by=office).plan
    items = list(plan.items.order_by("no"))
    with django_capture_on_commit_callbacks(execute=True):
        version = plan_items_adopt(plan=plan, keep=items[:3], by=office, source="vote")
    assert [(call["version"], call["by"]) for call in heard] == [(version, office)]


def test_an_adoption_that_keeps_every_item_announces_nothing(
    heard, seed_docx, django_capture_on_commit_callbacks
):
    plan = _import_file(seed_docx).plan
    with django_capture_on_commit_callbacks(execute=True):
        plan_items_adopt(plan=plan, keep=list(plan.items.all()), source="vote")
    assert heard == []


# That participation listens is tested there: test_a_revised_import_itself_tells_the_followers.
