"""Benchmarks (``make bench``): importing the seed, and the plan page."""

import pytest
from django.urls import reverse

from minsheng.plans.services import plan_import
from minsheng.testing import sign_in

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def test_bench_import_of_the_seed(benchmark, seed_docx):
    content = seed_docx.read_bytes()
    years = iter(range(2000, 2200))

    def run():
        return plan_import(content=content, filename=seed_docx.name, year=next(years))

    result = benchmark.pedantic(run, rounds=5, iterations=1)
    assert result.plan.items.count() == 40


def test_bench_plan_page_of_the_seed(benchmark, client, seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    url = reverse("portal:plan", args=[plan.pk])
    response = benchmark(client.get, url)
    assert response.status_code == 200


def test_bench_preview_of_a_revised_seed_seen_again(benchmark, client, seed_docx, seed_txt):
    """The preview of a revised document after its first view: the diff kept on the draft is reused."""
    from minsheng.accounts.tests.factories import OfficeUserFactory
    from minsheng.plans.import_drafts import import_draft_create

    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    office = OfficeUserFactory()
    text = seed_txt.read_text(encoding="utf-8").replace("主管道9千米", "主管道12千米")
    draft = import_draft_create(content=text.encode(), filename="revised.txt", by=office)
    sign_in(client, office)
    url = reverse("plans_import:preview", args=[draft.pk])
    client.get(url)
    response = benchmark(client.get, url)
    assert response.status_code == 200


def test_bench_edit_of_an_item_of_the_seed(benchmark, seed_docx):
    """Saving an edit of one item of the adopted seed (the plan read back and imported with pins)."""
    from decimal import Decimal

    from minsheng.accounts.tests.factories import OfficeUserFactory
    from minsheng.plans.editing import ItemChange, TargetChange, plan_item_edit
    from minsheng.plans.models import Item, Plan

    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    office = OfficeUserFactory()
    item = Item.objects.get(plan=plan, no=1)
    targets = list(item.targets.order_by("position"))
    lead = item.assignments.filter(role="lead").first()
    weights = iter(range(2, 1000))

    def run():
        change = ItemChange(
            title=item.title,
            text=item.text,
            action=item.action,
            lead=lead.department if lead else None,
            targets=[
                TargetChange(
                    id=t.pk,
                    kind=t.kind,
                    subject=t.subject,
                    op=t.op,
                    value=t.value,
                    value_max=t.value_max,
                    unit=t.unit,
                    period=t.period,
                    weight=Decimal(next(weights)),
                )
                for t in targets
            ],
        )
        return plan_item_edit(item=item, change=change, reason="bench", by=office)

    version = benchmark.pedantic(run, rounds=5, iterations=1)
    assert version.changes["changed"] == [1]
