"""Importing on the web, the pages: every role both ways on every page, the preview's content, corrections
and bad uploads through the form (a clear message, HTTP 400, nothing stored), CSRF on the posts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.plans.import_drafts import import_draft_create
from minsheng.plans.models import ImportDraft, Plan, PlanVersion
from minsheng.plans.tests.pdfs import scanned_pdf
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db

OTHERS = {
    "public": PublicUserFactory,
    "deputy": DeputyFactory,
    "reporter": ReporterFactory,
    "head": DeptHeadFactory,
}


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so that the tests read the messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def office():
    return OfficeUserFactory()


@pytest.fixture
def draft(office, seed_docx):
    return import_draft_create(content=seed_docx.read_bytes(), filename=seed_docx.name, by=office)


def _pages(draft) -> list[tuple[str, str]]:
    return [
        ("get", reverse("plans_import:upload")),
        ("get", reverse("plans_import:preview", args=[draft.pk])),
        ("post", reverse("plans_import:correct", args=[draft.pk])),
        ("post", reverse("plans_import:confirm", args=[draft.pk])),
        ("post", reverse("plans_import:cancel", args=[draft.pk])),
    ]


def _correction(**data) -> dict:
    return {"revision": 0, "a": 0, "i": 0, **data}


@pytest.mark.parametrize("index", range(5))
def test_an_anonymous_visitor_is_sent_to_sign_in(client, draft, index):
    method, url = _pages(draft)[index]
    response = getattr(client, method)(url, _correction(operation="target_delete", t=0))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    draft.refresh_from_db()
    assert draft.status == "pending" and draft.corrections == []


@pytest.mark.parametrize("role", sorted(OTHERS))
@pytest.mark.parametrize("index", range(5))
def test_no_role_but_the_office_reaches_a_page(client, draft, role, index, en):
    sign_in(client, OTHERS[role]())
    method, url = _pages(draft)[index]
    response = getattr(client, method)(url, _correction(operation="target_delete", t=0))
    # the upload page says why; a draft answers as if it did not exist
    assert response.status_code == (403 if index == 0 else 404)
    draft.refresh_from_db()
    assert draft.status == "pending" and draft.corrections == []
    assert not Plan.objects.exists()


@pytest.mark.parametrize("role", sorted(OTHERS))
def test_no_role_but_the_office_may_upload(client, role, seed_docx):
    sign_in(client, OTHERS[role]())
    response = client.post(
        reverse("plans_import:upload"), {"file": SimpleUploadedFile(seed_docx.name, seed_docx.read_bytes())}
    )
    assert response.status_code == 403
    assert not ImportDraft.objects.exists()


def test_the_office_uploads_and_sees_the_preview(client, office, seed_docx, en):
    sign_in(client, office)
    assert client.get(reverse("plans_import:upload")).status_code == 200
    response = client.post(
        reverse("plans_import:upload"), {"file": SimpleUploadedFile(seed_docx.name, seed_docx.read_bytes())}
    )
    draft = ImportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans_import:preview", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert "40 items" in page
    assert page.count('class="import-item"') == 40
    assert "<mark>9千米</mark>" in page  # the target's source, highlighted in the item's text
    assert "恰拉社区" in page  # places
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.docx", b"", "is empty"),
        ("notes.txt", "今天天气很好。".encode(), "does not look like a plan"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "binary"),
        ("scan.pdf", None, "scanned"),
        ("bomb.docx", "bomb", "zip bomb"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc/.xls"),
    ],
)
def test_a_bad_upload_says_why_with_400_and_stores_nothing(client, office, name, content, expected, en):
    from minsheng.plans.tests.test_import_drafts import _zip_bomb

    sign_in(client, office)
    content = scanned_pdf() if content is None else _zip_bomb() if content == "bomb" else content
    response = client.post(reverse("plans_import:upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ImportDraft.objects.exists()


def test_a_too_large_upload_says_so(client, office, seed_docx, settings, en):
    settings.MINSHENG_MAX_DOCUMENT_BYTES = 1000
    sign_in(client, office)
    response = client.post(
        reverse("plans_import:upload"), {"file": SimpleUploadedFile(seed_docx.name, seed_docx.read_bytes())}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_the_office_corrects_a_target_and_confirms(client, office, draft, en):
    sign_in(client, office)
    url = reverse("plans_import:correct", args=[draft.pk])
    response = client.post(url, _correction(operation="target_edit", t=0, op=">=", value="9.5", unit="千米"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.corrections[0]["after"]["value"] == 9.5
    page = client.get(reverse("plans_import:preview", args=[draft.pk])).content.decode()
    assert "&gt;= 9.5 千米" in page
    response = client.post(
        url, _correction(operation="target_edit", t=0, value="lots", revision=1), follow=True
    )
    assert "is not a number" in response.content.decode()
    response = client.post(reverse("plans_import:confirm", args=[draft.pk]), follow=True)
    assert "Imported as version 1" in response.content.decode()
    assert PlanVersion.objects.get().parsed["actions"][0]["items"][0]["targets"][0]["value"] == 9.5


def test_cancelling_leaves_no_plan(client, office, draft, en):
    sign_in(client, office)
    response = client.post(reverse("plans_import:cancel", args=[draft.pk]), follow=True)
    assert "nothing was saved" in response.content.decode()
    assert not Plan.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "cancelled"


def test_posts_need_a_csrf_token(office, draft):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, office)
    for method, url in _pages(draft):
        if method == "post":
            assert client.post(url, _correction(operation="target_delete", t=0)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "pending" and draft.corrections == []


def test_a_revised_document_shows_its_diff(client, office, seed_docx, seed_txt, en):
    from minsheng.plans.services import plan_import

    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    text = seed_txt.read_text(encoding="utf-8").replace("主管道9千米", "主管道12千米")
    draft = import_draft_create(content=text.encode(), filename="revised.txt", by=office)
    sign_in(client, office)
    page = client.get(reverse("plans_import:preview", args=[draft.pk])).content.decode()
    assert 'class="import-diff"' in page
    assert "<ins>" in page and "12千米" in page
    assert PlanVersion.objects.count() == 1


def test_a_second_view_of_a_revised_documents_preview_reuses_the_diff(
    client, office, seed_docx, seed_txt, en, monkeypatch
):
    """The diff (a rolled-back import of the whole plan) is computed once, kept on the draft, and computed
    again only when a correction changes the draft or the plan gets a new version."""
    from minsheng.plans import import_drafts
    from minsheng.plans.services import plan_import

    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    text = seed_txt.read_text(encoding="utf-8").replace("主管道9千米", "主管道12千米")
    draft = import_draft_create(content=text.encode(), filename="revised.txt", by=office)
    runs = []
    real = import_drafts.plan_document_import
    monkeypatch.setattr(import_drafts, "plan_document_import", lambda **kw: runs.append(1) or real(**kw))
    sign_in(client, office)
    url = reverse("plans_import:preview", args=[draft.pk])
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(runs) == 1
    assert "<ins>" in second and "12千米" in second
    assert first.count("<ins>") == second.count("<ins>")
    import_drafts.import_draft_correct(
        draft=draft, by=office, op="target_weight", args={"a": 0, "i": 0, "t": 0, "weight": "2"}
    )
    client.get(url)
    assert len(runs) == 2
    client.get(url)
    assert len(runs) == 2
    assert PlanVersion.objects.count() == 1


def test_the_preview_of_a_new_plan_takes_few_queries(client, office, draft, django_assert_max_num_queries):
    sign_in(client, office)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("plans_import:preview", args=[draft.pk])).status_code == 200


def test_the_warnings_are_in_chinese_on_a_chinese_page(client, office, seed_txt):
    text = seed_txt.read_text(encoding="utf-8").replace("民生安全保障行动(4项)", "民生安全保障行动(5项)")
    draft = import_draft_create(content=text.encode(), filename="plan.txt", by=office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    sign_in(client, office)
    page = client.get(reverse("plans_import:preview", args=[draft.pk])).content.decode()
    assert "没有可量化的目标" in page
    assert "declares" not in page
    assert "确认并导入" in page
