"""The write API: a department's system saves, changes and submits progress reports through delivery's
services; every token scope and role both ways; each refusal with its own status, code and message;
idempotency keys; the rate limit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.api.models import ApiToken, IdempotencyRecord
from minsheng.api.services import token_revoke
from minsheng.delivery import services as delivery
from minsheng.delivery.models import ProgressReport, ReportStatus

JULY = "2025-07-31"


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def put(client, url, body, **extra):
    return client.put(url, json.dumps(body), content_type="application/json", **extra)


def new_report(world, **body):
    return {"target": world.quantity.pk, "period_end": JULY, "actual": 40, "narrative": "已铺设", **body}


# --- the flow --------------------------------------------------------------------------------------------


def test_a_reporters_token_saves_changes_and_submits_a_report_through_the_services(api_world, tokens):
    client = tokens.client(tokens.full)
    created = post(client, "/api/reports", new_report(api_world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["status"] == "draft" and body["actual"] == 40 and body["department"]["id"] == api_world.lead.pk
    )
    report = ProgressReport.objects.get(pk=body["id"])
    assert report.created_by == api_world.reporter  # recorded under the person the token acts as
    assert AuditEvent.objects.filter(verb="report_create", object_id=str(report.pk)).exists()

    changed = put(
        client,
        f"/api/reports/{report.pk}",
        {"version": body["version"], "period_end": JULY, "actual": 45.5, "narrative": "改"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["actual"] == 45.5 and changed.json()["version"] == body["version"] + 1

    submitted = post(client, f"/api/reports/{report.pk}/submit", {"version": changed.json()["version"]})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # The head approves and the office reviews as for any report.
    delivery.report_approve(report=report, by=api_world.head, expected_version=report.version)
    delivery.report_accept(report=report, by=api_world.office, expected_version=report.version)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_a_milestone_is_reported_by_its_stage(api_world, tokens):
    client = tokens.client(tokens.full)
    answer = post(
        client, "/api/reports", {"target": api_world.milestone.pk, "period_end": JULY, "stage": "started"}
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["stage"] == "started" and answer.json()["actual"] is None


# --- tokens and scopes, both ways ------------------------------------------------------------------------


def test_writing_needs_a_token(api_world, tokens):
    answer = post(tokens.client(None), "/api/reports", new_report(api_world))
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_missing"
    assert answer.json()["message"] == "需要 API 令牌。"
    assert not ProgressReport.objects.exists()


def test_a_read_only_token_may_not_report(api_world, tokens):
    for secret in (tokens.read_only, tokens.head):
        answer = post(tokens.client(secret, accept_language="en"), "/api/reports", new_report(api_world))
        assert answer.status_code == 403
        assert answer.json()["code"] == "missing_scope"
        assert answer.json()["message"] == "This token may not report (it holds: read)."
    assert not ProgressReport.objects.exists()


def test_a_report_only_token_reports_but_reads_only_public_data(api_world, tokens):
    created = post(tokens.client(tokens.report_only), "/api/reports", new_report(api_world))
    assert created.status_code == 201
    report_id = created.json()["id"]
    # The draft is the department's own data: the read scope is missing, not the report.
    answer = tokens.client(tokens.report_only, accept_language="en").get(f"/api/reports/{report_id}")
    assert answer.status_code == 403 and answer.json()["code"] == "missing_scope"
    assert answer.json()["message"] == "This token may not read the department's own data (it holds: report)."
    assert tokens.client(tokens.report_only).get("/api/reports").json()["count"] == 0
    # With the read scope the same person sees it; anonymous and another department do not.
    assert tokens.client(tokens.read_only).get(f"/api/reports/{report_id}").status_code == 200
    assert tokens.client(tokens.head).get(f"/api/reports/{report_id}").status_code == 200
    assert tokens.client(tokens.head).get("/api/reports").json()["count"] == 1
    assert tokens.client(None).get(f"/api/reports/{report_id}").status_code == 404
    assert tokens.client(tokens.other).get(f"/api/reports/{report_id}").status_code == 404
    assert tokens.client(tokens.other).get("/api/reports").json()["count"] == 0


def test_another_departments_token_may_not_report_on_the_item(api_world, tokens):
    answer = post(tokens.client(tokens.other, accept_language="en"), "/api/reports", new_report(api_world))
    assert answer.status_code == 403
    assert answer.json()["code"] == "wrong_department"
    assert answer.json()["message"] == "Your department does not deliver this target's item."
    assert not ProgressReport.objects.exists()


def test_a_supporting_department_may_not_change_the_lead_departments_report(api_world, tokens):
    report = post(tokens.client(tokens.full), "/api/reports", new_report(api_world)).json()
    answer = put(
        tokens.client(tokens.support, accept_language="en"),
        f"/api/reports/{report['id']}",
        {"version": report["version"], "period_end": JULY, "actual": 99},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "wrong_department"
    assert answer.json()["message"] == "This report belongs to another department."
    submit = post(tokens.client(tokens.support), f"/api/reports/{report['id']}/submit", {"version": 1})
    assert submit.status_code == 403 and submit.json()["code"] == "wrong_department"
    assert ProgressReport.objects.get().actual == 40


def test_a_token_whose_person_is_no_longer_a_reporter_may_not_report(api_world, tokens):
    api_world.reporter.role = "dept_head"
    api_world.reporter.save()
    answer = post(tokens.client(tokens.full), "/api/reports", new_report(api_world))
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert not ProgressReport.objects.exists()


def test_a_revoked_token_is_refused(api_world, tokens):
    token = ApiToken.objects.get(prefix=tokens.full.split("_")[1])
    token_revoke(token=token, by=api_world.office)
    for client in (tokens.client(tokens.full), tokens.client(tokens.full, accept_language="en")):
        answer = post(client, "/api/reports", new_report(api_world))
        assert answer.status_code == 401 and answer.json()["code"] == "token_revoked"
    assert answer.json()["message"].startswith("This API token was revoked on ")
    assert tokens.client(tokens.full).get("/api/plans").status_code == 401  # reads too
    assert not ProgressReport.objects.exists()


def test_an_expired_token_is_refused(api_world, tokens):
    ApiToken.objects.filter(prefix=tokens.full.split("_")[1]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    answer = post(tokens.client(tokens.full), "/api/reports", new_report(api_world))
    assert answer.status_code == 401 and answer.json()["code"] == "token_expired"
    assert answer.json()["message"].startswith("此 API 令牌已于")
    assert tokens.client(tokens.full).get("/api/plans").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer ms_00000000_nothing", "Bearer nonsense", "Basic dXNlcjpwdw==", "Bearer"],
)
def test_an_unknown_or_malformed_token_is_refused(api_world, tokens, header):
    answer = tokens.client(None, authorization=header, accept_language="en").get("/api/plans")
    assert answer.status_code == 401
    assert answer.json() == {
        "status": 401,
        "code": "bad_token",
        "message": "This API token is not valid.",
        "errors": {},
    }


def test_a_token_with_a_wrong_secret_is_refused(api_world, tokens):
    prefix = tokens.full.split("_")[1]
    answer = tokens.client(f"ms_{prefix}_wrong-secret").get("/api/plans")
    assert answer.status_code == 401 and answer.json()["code"] == "bad_token"


def test_a_token_of_a_deactivated_person_is_refused(api_world, tokens):
    api_world.reporter.is_active = False
    api_world.reporter.save()
    answer = tokens.client(tokens.full).get("/api/plans")
    assert answer.status_code == 401 and answer.json()["code"] == "token_inactive"


# --- closed periods, states, versions, figures -----------------------------------------------------------


@pytest.mark.parametrize("period_end", ["2025-08-31", "2025-07-15", "2026-01-31"])
def test_a_period_not_open_for_reporting_is_a_conflict(api_world, tokens, period_end):
    answer = post(
        tokens.client(tokens.full, accept_language="en"),
        "/api/reports",
        new_report(api_world, period_end=period_end),
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "closed_period"
    assert f"No reporting period ending {period_end} is open for this target" in answer.json()["message"]
    assert not ProgressReport.objects.exists()


def test_an_unassigned_item_has_no_period_open(api_world, tokens):
    api_world.item.delivery_assignment.delete()
    answer = post(tokens.client(tokens.full), "/api/reports", new_report(api_world))
    assert answer.status_code == 409 and answer.json()["code"] == "closed_period"


def test_a_submitted_report_cannot_be_changed_or_submitted_again(api_world, tokens):
    client = tokens.client(tokens.full, accept_language="en")
    report = post(client, "/api/reports", new_report(api_world)).json()
    submitted = post(client, f"/api/reports/{report['id']}/submit", {"version": report["version"]}).json()
    changed = put(
        client,
        f"/api/reports/{report['id']}",
        {"version": submitted["version"], "period_end": JULY, "actual": 1},
    )
    assert changed.status_code == 409 and changed.json()["code"] == "wrong_state"
    assert changed.json()["message"] == (
        "This report has been submitted (Submitted to the department head); it can no longer be changed."
    )
    again = post(client, f"/api/reports/{report['id']}/submit", {"version": submitted["version"]})
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    assert ProgressReport.objects.get().actual == 40


def test_a_second_report_for_the_same_period_is_a_conflict(api_world, tokens):
    client = tokens.client(tokens.full)
    assert post(client, "/api/reports", new_report(api_world)).status_code == 201
    again = post(client, "/api/reports", new_report(api_world, actual=50))
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    assert ProgressReport.objects.count() == 1


def test_a_stale_version_is_a_conflict(api_world, tokens):
    client = tokens.client(tokens.full, accept_language="en")
    report = post(client, "/api/reports", new_report(api_world)).json()
    first = put(client, f"/api/reports/{report['id']}", {"version": 1, "period_end": JULY, "actual": 41})
    assert first.status_code == 200
    stale = put(client, f"/api/reports/{report['id']}", {"version": 1, "period_end": JULY, "actual": 42})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert "read it again" in stale.json()["message"]
    assert ProgressReport.objects.get().actual == 41


def test_an_invalid_figure_is_422_with_the_field_to_blame(api_world, tokens):
    client = tokens.client(tokens.full, accept_language="en")
    milestone = post(client, "/api/reports", new_report(api_world, target=api_world.milestone.pk, actual=3))
    assert milestone.status_code == 422 and milestone.json()["code"] == "invalid_figure"
    assert milestone.json()["errors"] == {
        "actual": ["This target is a milestone: give the stage reached, not a number."]
    }
    negative = post(client, "/api/reports", new_report(api_world, actual=-1))
    assert negative.status_code == 422 and negative.json()["code"] == "invalid"
    assert negative.json()["errors"] == {"actual": ["Give a number in range."]}
    no_figure = post(client, "/api/reports", new_report(api_world, actual=None))
    assert no_figure.status_code == 422 and no_figure.json()["errors"] == {
        "actual": ["Give the cumulative actual."]
    }
    money = post(client, "/api/reports", new_report(api_world, funds_spent=100))
    assert money.status_code == 422 and "funds_spent" in money.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_errors_are_in_chinese_by_default(api_world, tokens):
    answer = post(
        tokens.client(tokens.full),
        "/api/reports",
        new_report(api_world, target=api_world.milestone.pk, actual=3),
    )
    assert answer.json()["errors"]["actual"] == ["该指标为节点目标：请选择所处阶段，不要填写数值。"]


def test_a_missing_target_or_report_is_404(api_world, tokens):
    client = tokens.client(tokens.full, accept_language="en")
    answer = post(client, "/api/reports", new_report(api_world, target=987654))
    assert answer.status_code == 404 and answer.json()["message"] == "Nothing was found at this address."
    assert put(client, "/api/reports/987654", {"version": 1, "period_end": JULY}).status_code == 404
    assert post(client, "/api/reports/987654/submit", {"version": 1}).status_code == 404


# --- idempotency -----------------------------------------------------------------------------------------


def test_a_retried_submission_with_the_same_key_is_not_doubled(api_world, tokens):
    client = tokens.client(tokens.full, idempotency_key="sync-2025-07-T1")
    first = post(client, "/api/reports", new_report(api_world))
    retry = post(client, "/api/reports", new_report(api_world))
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert ProgressReport.objects.count() == 1
    assert AuditEvent.objects.filter(verb="report_create").count() == 1

    report = first.json()
    submit = tokens.client(tokens.full, idempotency_key="submit-1")
    once = post(submit, f"/api/reports/{report['id']}/submit", {"version": report["version"]})
    twice = post(submit, f"/api/reports/{report['id']}/submit", {"version": report["version"]})
    assert once.status_code == twice.status_code == 200 and twice.json() == once.json()
    assert AuditEvent.objects.filter(verb="report_submit").count() == 1


def test_the_same_key_with_another_body_is_refused(api_world, tokens):
    client = tokens.client(tokens.full, idempotency_key="k1", accept_language="en")
    assert post(client, "/api/reports", new_report(api_world)).status_code == 201
    other = post(client, "/api/reports", new_report(api_world, actual=41))
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert ProgressReport.objects.get().actual == 40


def test_a_failed_write_keeps_no_key(api_world, tokens):
    client = tokens.client(tokens.full, idempotency_key="k2")
    assert post(client, "/api/reports", new_report(api_world, actual=None)).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert post(client, "/api/reports", new_report(api_world)).status_code == 201  # fixed, same key


def test_keys_belong_to_their_token(api_world, tokens):
    first = post(tokens.client(tokens.full, idempotency_key="same"), "/api/reports", new_report(api_world))
    second = post(
        tokens.client(tokens.report_only, idempotency_key="same"), "/api/reports", new_report(api_world)
    )
    assert first.status_code == 201 and second.status_code == 409  # not a replay of another token's answer


# --- the rate limit --------------------------------------------------------------------------------------


def test_requests_beyond_the_rate_are_429_with_retry_after(api_world, tokens, settings):
    settings.MINSHENG_API_RATE = (3, 60)
    client = tokens.client(tokens.full, accept_language="en")
    assert [client.get("/api/plans").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/plans")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["message"].startswith("Too many requests")
    assert post(client, "/api/reports", new_report(api_world)).status_code == 429
    assert not ProgressReport.objects.exists()
    # Per token: another token, and anonymous readers, are not held back.
    assert tokens.client(tokens.head).get("/api/plans").status_code == 200
    assert tokens.client(None).get("/api/plans").status_code == 200


def test_anonymous_readers_are_limited_per_address(api_world, tokens, settings):
    settings.MINSHENG_API_ANON_RATE = (2, 60)
    client = tokens.client(None)
    assert [client.get("/api/plans").status_code for _ in range(3)] == [200, 200, 429]
