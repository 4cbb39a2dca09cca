"""Importing on the web in a real browser (the system Chromium): the office signs in, uploads the seed .docx,
sees its 40 items with the warnings count, corrects one target, confirms and lands on the imported plan;
and, with the plan imported, uploads a revised document, sees the warnings beside their lines and the diff against the
current version, and confirms it as version 2.

The database work happens before Playwright starts; the test only drives the browser. Elements are found by
their classes and form actions, so the test does not depend on the language of the words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST


@pytest.fixture
def flow(seed_docx, seed_txt, tmp_path) -> dict:
    two_factor_device(user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True))
    text = seed_txt.read_text(encoding="utf-8").replace("主管道9千米", "主管道12千米")
    text = text.replace("民生安全保障行动(4项)", "民生安全保障行动(5项)")
    revised = tmp_path / "铁门关市2025年民生实事（修订稿）.txt"
    revised.write_text("\n".join(line for line in text.splitlines() if not line.startswith("22.")), "utf-8")
    return {"seed": str(seed_docx), "revised": str(revised), "upload": reverse("plans_import:upload")}


@pytest.fixture
def browser(flow, live_server):
    with phones(live_server.url) as person:
        yield person


def _upload(page, path: str) -> None:
    page.set_input_files("form.import-upload input[type=file]", path)
    click(page, "form.import-upload button[type=submit]")


def test_office_uploads_the_seed_sees_40_items_corrects_a_target_and_confirms(browser, flow):
    office = browser("office")
    office.goto(flow["upload"])
    no_sideways_scroll(office)
    _upload(office, flow["seed"])

    # The preview: 40 items, each target's source marked in its text, nothing saved yet.
    assert office.locator("article.import-item").count() == 40
    # the warnings: the seed's items whose only targets are milestones have no measurable target
    warnings = office.locator("article.import-item p.warning")
    assert warnings.count() >= 1
    assert office.locator("strong.warning-count").inner_text().startswith(str(warnings.count()))
    first = office.locator("article.import-item").first
    assert first.locator("p.item-text mark", has_text="9千米").count() == 1
    no_sideways_scroll(office)

    # Correct the first target of item 1: at least 9.5 千米.
    first.locator("details.correct summary").first.click()
    form = first.locator("form.target-edit").first
    form.locator("select[name=op]").select_option(">=")
    form.locator("input[name=value]").fill("9.5")
    form.locator("button[type=submit]").click()
    office.wait_for_load_state()
    first = office.locator("article.import-item").first
    assert first.locator("tr.target").first.locator("td.target-value").inner_text().startswith(">= 9.5")
    assert office.locator("section.import-corrections li").count() == 1

    # Confirm: the plan is imported.
    click(office, "button.confirm-import")
    assert office.locator("ul.messages li.success").count() == 1
    assert office.locator("p.import-status a").count() == 1
    click(office, "p.import-status a")
    assert "/plans/" in office.url


@pytest.fixture
def imported(flow, seed_docx) -> dict:
    from minsheng.plans.services import plan_import

    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    return flow


def test_office_uploads_a_revised_document_sees_warnings_and_the_diff_and_confirms(imported, live_server):
    with phones(live_server.url) as person:
        _revision(person("office"), imported)


def _revision(office, flow) -> None:
    # A revised document: the warnings stand beside their lines, the diff shows what changes.
    office.goto(flow["upload"])
    _upload(office, flow["revised"])
    assert office.locator("article.import-item").count() == 39
    assert (
        office.locator("section.import-action").first.locator(":scope > p.warning").count() == 1
    )  # declares 5
    assert office.locator("article.import-item", has_text="23.").first.locator("p.warning").count() >= 1
    diff = office.locator("section.import-diff")
    assert diff.locator("ul.diff-removed li").count() == 1
    assert diff.locator("ul.diff-changed li", has_text="12千米").count() == 1
    no_sideways_scroll(office)
    click(office, "button.confirm-import")
    assert office.locator("ul.messages li.success").count() == 1
