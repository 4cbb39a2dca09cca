"""The office's audit page (filters, pages, CSV) and each object's history tab: what they show, in the
user's language, to the office only, in a number of queries that does not grow with the trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import services
from minsheng.delivery.models import ReportStatus
from minsheng.delivery.tests.conftest import AS_OF
from minsheng.delivery.tests.views_support import _as

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

TRAIL = reverse("audit:trail")
CSV = reverse("audit:trail_csv")


def _history(obj) -> str:
    return reverse("audit:history", args=[obj._meta.label_lower, obj.pk])


def _edit(world, report, actual):
    return services.report_save(
        target=report.target,
        by=world.reporter,
        period_end=AS_OF,
        actual=Decimal(actual),
        report=report,
        expected_version=report.version,
    )


def _edits(world, report, count):
    for n in range(count):
        report = _edit(world, report, 10 + n)
    return report


# --- who may read it -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reporter", "head", "deputy", "public"])
def test_only_the_office_reads_the_trail_and_histories(client, world, role):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, role)
    for url in (TRAIL, CSV, _history(report), _history(world.item)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You may not do this" in response.content.decode()


def test_a_visitor_is_asked_to_sign_in(client, world):
    client = _as(client, world, "anonymous")
    for url in (TRAIL, CSV, _history(world.item)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_office_reads_the_trail_and_a_history(client, world):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "office")
    assert client.get(TRAIL).status_code == 200
    assert client.get(_history(report)).status_code == 200


def test_the_history_link_shows_for_the_office_only(client, world):
    report = world.report(ReportStatus.DRAFT)
    link = _history(report)
    assert (
        link
        in _as(client, world, "office").get(reverse("delivery:report", args=[report.pk])).content.decode()
    )
    assert (
        link
        not in _as(client, world, "reporter")
        .get(reverse("delivery:report", args=[report.pk]))
        .content.decode()
    )
    item_link = _history(world.item)
    assert (
        item_link
        in _as(client, world, "office").get(reverse("portal:item", args=[world.item.pk])).content.decode()
    )
    assert (
        item_link
        not in _as(client, world, "public").get(reverse("portal:item", args=[world.item.pk])).content.decode()
    )


def test_an_unknown_type_or_object_is_not_found(client, world):
    client = _as(client, world, "office")
    assert client.get(reverse("audit:history", args=["voting.candidate", 1])).status_code == 404
    assert client.get(reverse("audit:history", args=["nothing.here", 1])).status_code == 404
    assert client.get(reverse("audit:history", args=["plans.item", 999999])).status_code == 404


# --- the history tab -------------------------------------------------------------------------------------


def test_a_history_shows_who_when_the_verb_and_the_figure_before_and_after(client, world):
    report = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    _edit(world, report, 119)
    html = _as(client, world, "office").get(_history(report)).content.decode()
    assert "Edited a progress report" in html and "Created a progress report" in html
    assert world.reporter.username in html
    row = html.split("Edited a progress report")[1].split("</li>")[0]
    assert "cumulative actual" in row.lower() or "actual" in row.lower()
    assert '<td class="before">5' in row and '<td class="after">119' in row


def test_a_history_reads_in_chinese(client, world):
    report = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    _edit(world, report, 119)
    client = _as(client, world, "office")
    client.cookies["django_language"] = "zh-hans"
    html = client.get(_history(report)).content.decode()
    assert "编辑进展报告" in html and "变更记录" in html and "修改前" in html


def test_a_deleted_object_keeps_its_history(client, world):
    report = world.report(ReportStatus.DRAFT)
    evidence_free_pk = report.pk
    report.events.all().delete()
    report.delete()
    html = (
        _as(client, world, "office")
        .get(reverse("audit:history", args=["delivery.progressreport", evidence_free_pk]))
        .content.decode()
    )
    assert "deleted" in html.split('class="audit-change"')[1]


def test_the_history_page_costs_the_same_queries_with_more_changes(client, world, django_assert_num_queries):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "office")
    url = _history(report)
    client.get(url)  # warm the content-type cache
    _edits(world, report, 2)
    with django_assert_num_queries(11) as few:
        client.get(url)
    report.refresh_from_db()
    _edits(world, report, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="audit-change"') == 15


def test_a_long_history_is_paged(client, world):
    report = world.report(ReportStatus.DRAFT)
    _edits(world, report, 55)
    client = _as(client, world, "office")
    first = client.get(_history(report)).content.decode()
    assert first.count('class="audit-change"') == 50 and "Page 1 of 2" in first
    second = client.get(_history(report) + "?page=2").content.decode()
    assert second.count('class="audit-change"') == 6


# --- the audit page: filters, pages, queries -------------------------------------------------------------


def test_the_trail_lists_each_write_with_its_changes(client, world):
    report = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    _edit(world, report, 119)
    html = _as(client, world, "office").get(TRAIL, {"verb": "report_edit"}).content.decode()
    assert html.count('class="audit-event"') == 1
    assert '<td class="before">5' in html and '<td class="after">119' in html
    assert f'<a href="{_history(report)}">progress report #{report.pk}</a>' in html


def test_the_filters_narrow_the_trail(client, world):
    world.report(ReportStatus.SUBMITTED)
    old = AuditEvent.objects.filter(verb="report_create").get()
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    client = _as(client, world, "office")

    def events(**query):
        return client.get(TRAIL, query).content.decode().count('class="audit-event"')

    total = AuditEvent.objects.count()
    assert events() == total
    assert (
        events(person=world.reporter.username) == AuditEvent.objects.filter(actor=world.reporter).count() == 2
    )
    assert events(person=world.head.username) == 0
    assert events(verb="report_submit") == 1
    assert events(object_type="delivery.progressreport") == 2
    assert events(object_type="plans.item") == 0
    today = timezone.localdate()
    assert events(date_from=(today - dt.timedelta(days=1)).isoformat()) == total - 1
    assert events(date_to=(today - dt.timedelta(days=30)).isoformat()) == 1
    assert events(date_from=today.isoformat(), date_to=today.isoformat(), verb="report_create") == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "yesterday"}, "Enter a valid date"),
        ({"verb": "nonsense"}, "Select a valid choice"),
        ({"object_type": "voting.candidate"}, "Select a valid choice"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "before its start"),
    ],
)
def test_a_bad_filter_is_an_error_on_the_form(client, world, query, message):
    client = _as(client, world, "office")
    for url in (TRAIL, CSV):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_trail_is_paged(client, world):
    report = world.report(ReportStatus.DRAFT)
    _edits(world, report, 60)
    client = _as(client, world, "office")
    total = AuditEvent.objects.count()
    first = client.get(TRAIL).content.decode()
    assert first.count('class="audit-event"') == 50
    second = client.get(TRAIL, {"page": 2}).content.decode()
    assert second.count('class="audit-event"') == total - 50
    assert (
        "page=2" in first
        and "verb=report_edit" in client.get(TRAIL, {"verb": "report_edit"}).content.decode()
    )


def test_the_trail_costs_the_same_queries_as_it_grows(client, world, django_assert_num_queries):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "office")
    client.get(TRAIL)
    with django_assert_num_queries(9) as few:
        client.get(TRAIL)
    _edits(world, report, 30)
    OfficeUserFactory()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(TRAIL)
    assert response.content.decode().count('class="audit-change"') >= 30


# --- the CSV export --------------------------------------------------------------------------------------


def _csv(client, **query) -> str:
    response = client.get(CSV, query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_csv_has_a_bom_a_header_and_the_changes(client, world):
    report = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    _edit(world, report, 119)
    text = _csv(_as(client, world, "office"), verb="report_edit")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert lines[0].startswith("When,Who,What was done,Object type")
    assert len(lines) == 2
    assert world.reporter.username in lines[1] and "Edited a progress report" in lines[1]
    assert "→ 119" in lines[1] and ": 5" in lines[1]


def test_the_csv_follows_the_filters_and_streams_every_row(client, world):
    report = world.report(ReportStatus.DRAFT)
    _edits(world, report, 3)
    client = _as(client, world, "office")
    everything = _csv(client)[1:].splitlines()
    assert len(everything) == AuditEvent.objects.count() + 1
    assert len(_csv(client, person=world.head.username)[1:].splitlines()) == 1


def test_a_csv_cell_never_runs_as_a_formula(client, world):
    from minsheng.accounts.services import sign_in_record

    person = OfficeUserFactory(username="=HYPERLINK(1)")
    sign_in_record(verb="sign_in", username=person.username, user=person)
    text = _csv(_as(client, world, "office"), verb="sign_in")
    assert ",'=HYPERLINK(1)," in text
    assert ",=HYPERLINK" not in text
