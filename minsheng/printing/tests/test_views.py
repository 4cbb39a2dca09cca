"""The office's printing page: who may open it, issue a bulletin and download posters (both ways), what a
bad form does (400, nothing recorded), and its query count whatever the size of the plan."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import DeputyFactory, PublicUserFactory, ReporterFactory
from minsheng.plans.tests.factories import ItemFactory
from minsheng.printing.models import Bulletin
from minsheng.printing.tests.marks import needs_pdf
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db


def page(world) -> str:
    return reverse("printing:plan", args=[world.plan.pk])


def issue(world) -> str:
    return reverse("printing:bulletin_issue", args=[world.plan.pk])


def test_the_office_sees_the_page_with_its_forms_and_links(client, print_world):
    sign_in(client, print_world.office)
    response = client.get(page(print_world))
    assert response.status_code == 200
    html = response.content.decode()
    assert issue(print_world) in html
    assert reverse("printing:plan_posters", args=[print_world.plan.pk]) in html
    for item in print_world.items.values():
        assert reverse("printing:item_poster", args=[item.pk]) in html


PAGE_QUERIES = 10  # session, user, the second factor's device, plan, previous bulletin, bulletins (with who), items, menu


def test_the_page_takes_the_same_queries_however_many_items_and_bulletins(
    client, print_world, django_assert_num_queries
):
    sign_in(client, print_world.office)

    def bulletin() -> None:
        Bulletin.objects.create(
            plan=print_world.plan,
            as_of="2025-06-30",
            since="2025-05-31",
            format="pdf",
            sha256="0" * 64,
            size=1,
            issued_by=print_world.office,
        )

    bulletin()
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(page(print_world)).status_code == 200
    for _ in range(5):
        ItemFactory(action=print_world.items[1].action, plan=print_world.plan)
        bulletin()
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(page(print_world)).status_code == 200


@pytest.mark.parametrize(
    "make", [PublicUserFactory, DeputyFactory, ReporterFactory], ids=["public", "deputy", "reporter"]
)
def test_nobody_else_opens_issues_or_downloads(client, print_world, make):
    sign_in(client, make())
    assert client.get(page(print_world)).status_code == 403
    assert client.post(issue(print_world), {"on": "2025-07-15", "format": "docx"}).status_code == 403
    assert client.get(reverse("printing:plan_posters", args=[print_world.plan.pk])).status_code == 403
    assert client.get(reverse("printing:item_poster", args=[print_world.items[1].pk])).status_code == 403
    assert not Bulletin.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client, print_world):
    for url in (page(print_world), reverse("printing:plan_posters", args=[print_world.plan.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(issue(print_world), {"on": "2025-07-15", "format": "pdf"}).status_code == 302
    assert not Bulletin.objects.exists()


def test_a_missing_plan_or_item_is_404(client, print_world):
    sign_in(client, print_world.office)
    assert client.get(reverse("printing:plan", args=[999999])).status_code == 404
    assert client.get(reverse("printing:item_poster", args=[999999])).status_code == 404


def test_the_office_issues_a_word_bulletin_and_it_is_recorded(client, print_world):
    sign_in(client, print_world.office)
    response = client.post(issue(print_world), {"on": "2025-07-15", "since": "", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bulletin-plan' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert any("新建普惠性幼儿园" in c.text for t in document.tables for r in t.rows for c in r.cells)
    record = Bulletin.objects.get()
    assert record.issued_by == print_world.office and str(record.as_of) == "2025-07-15"
    assert AuditEvent.objects.filter(verb="bulletin_issue", actor=print_world.office).exists()
    # the page now says where the next one starts
    assert "2025-07-15" in client.get(page(print_world)).content.decode()


@needs_pdf[0]
@needs_pdf[1]
def test_the_office_issues_a_pdf_bulletin(client, print_world):
    sign_in(client, print_world.office)
    response = client.post(issue(print_world), {"on": "2025-07-15", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "data",
    [
        {"on": "", "format": "pdf"},
        {"on": "2025-02-30", "format": "pdf"},
        {"on": "2025-07-15", "format": "odt"},
        {"on": "2025-07-15", "since": "2025-07-20", "format": "pdf"},
        {"on": "2031-07-15", "format": "pdf"},
    ],
    ids=["no date", "bad date", "bad format", "since after", "far year"],
)
def test_a_bad_form_is_shown_again_and_nothing_is_recorded(client, print_world, data):
    sign_in(client, print_world.office)
    events = AuditEvent.objects.count()
    response = client.post(issue(print_world), data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not Bulletin.objects.exists() and AuditEvent.objects.count() == events


def test_issuing_is_a_post(client, print_world):
    sign_in(client, print_world.office)
    assert client.get(issue(print_world)).status_code == 405


@needs_pdf[0]
@needs_pdf[1]
def test_the_office_downloads_an_items_poster(client, print_world, settings):
    settings.MINSHENG_SITE_URL = "https://ms.example.gov.cn"
    sign_in(client, print_world.office)
    response = client.get(reverse("printing:item_poster", args=[print_world.items[2].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "poster-plan" in response["Content-Disposition"]
    assert not Bulletin.objects.exists()  # a poster is not recorded


def test_the_office_finds_the_page_from_its_dashboard_and_the_plans_stages_page(client, print_world):
    sign_in(client, print_world.office)
    link = page(print_world)
    assert link in client.get(reverse("delivery:dashboard", args=[print_world.plan.pk])).content.decode()
    assert link in client.get(reverse("portal:stages", args=[print_world.plan.pk])).content.decode()


def test_the_office_reads_the_bulletins_in_the_admin_and_nobody_changes_them(client, print_world):
    record = Bulletin.objects.create(
        plan=print_world.plan, as_of="2025-06-30", since="2025-05-31", format="pdf", sha256="0" * 64, size=1
    )
    sign_in(client, print_world.office)
    assert client.get(reverse("admin:printing_bulletin_changelist")).status_code == 200
    assert client.get(reverse("admin:printing_bulletin_change", args=[record.pk])).status_code == 200
    assert (
        client.post(reverse("admin:printing_bulletin_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Bulletin.objects.filter(pk=record.pk).exists()
    sign_in(client, ReporterFactory(is_staff=True))
    assert client.get(reverse("admin:printing_bulletin_changelist")).status_code in (302, 403)


def test_without_the_font_the_office_is_told_what_to_install_and_nothing_is_recorded(
    client, print_world, monkeypatch
):
    from minsheng.printing import fonts

    monkeypatch.setattr(fonts, "_font_path", lambda family: None)
    sign_in(client, print_world.office)
    response = client.post(issue(print_world), {"on": "2025-07-15", "format": "pdf"})
    assert response.status_code == 503 and "fonts-noto-cjk" in response.content.decode()
    assert not Bulletin.objects.exists()
    response = client.get(reverse("printing:plan_posters", args=[print_world.plan.pk]))
    assert response.status_code == 503 and "fonts-noto-cjk" in response.content.decode()
