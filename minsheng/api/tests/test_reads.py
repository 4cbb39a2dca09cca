"""The read API: what anyone reads and what a token with the read scope adds, progress and lights on a
date, filters and pages, caching headers (304), constant query counts, the docs page from our own files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.http import http_date

from minsheng.common.models import ContentVersion
from minsheng.delivery import services as delivery
from minsheng.plans.tests.factories import ItemFactory, TargetFactory

JULY = dt.date(2025, 7, 31)


def accepted(world, actual, *, publish=True, period_end=JULY):
    report = delivery.report_save(
        target=world.quantity, by=world.reporter, period_end=period_end, actual=actual
    )
    report = delivery.report_submit(report=report, by=world.reporter, expected_version=report.version)
    report = delivery.report_approve(report=report, by=world.head, expected_version=report.version)
    return delivery.report_accept(
        report=report, by=world.office, expected_version=report.version, publish=publish
    )


def test_anyone_reads_plans_items_and_their_published_progress(api_world, tokens):
    w = api_world
    accepted(w, Decimal(70))
    client = tokens.client(None)
    plans = client.get("/api/plans").json()
    assert plans["count"] == 1 and plans["results"][0]["id"] == w.plan.pk
    item = client.get(f"/api/items/{w.item.pk}?on=2025-08-15").json()
    assert item["lead"] == {"id": w.lead.pk, "name": w.lead.name}
    assert item["supporting"] == [{"id": w.support.pk, "name": w.support.name}]
    quantity = next(t for t in item["targets"] if t["id"] == w.quantity.pk)
    assert quantity["actual"] == 70 and quantity["as_of"] == "2025-07-31" and quantity["completion"] == 0.7
    assert item["light"] in {"green", "yellow", "red"}
    # Before the figure's date it does not count.
    earlier = client.get(f"/api/items/{w.item.pk}?on=2025-07-30").json()
    assert next(t for t in earlier["targets"] if t["id"] == w.quantity.pk)["actual"] is None


def test_plans_and_actions_count_their_current_items(api_world, tokens):
    w = api_world
    ItemFactory(action=w.item.action, no=90)
    gone = ItemFactory(action=w.item.action, no=91)
    gone.removed_in = w.item.added_in
    gone.save(update_fields=["removed_in"])
    current = w.plan.items.filter(removed_in__isnull=True).count()
    in_action = w.item.action.items.filter(removed_in__isnull=True).count()
    assert current >= 2
    client = tokens.client(None)
    assert client.get("/api/plans").json()["results"][0]["item_count"] == current
    assert client.get(f"/api/plans/{w.plan.pk}").json()["item_count"] == current
    actions = client.get(f"/api/actions?plan={w.plan.pk}").json()["results"]
    assert next(a for a in actions if a["id"] == w.item.action_id)["item_count"] == in_action


def test_an_unpublished_figure_is_not_read_by_anyone_through_the_api(api_world, tokens):
    w = api_world
    accepted(w, Decimal(70), publish=False)
    for secret in (None, tokens.full, tokens.head):
        item = tokens.client(secret).get(f"/api/items/{w.item.pk}").json()
        assert next(t for t in item["targets"] if t["id"] == w.quantity.pk)["actual"] is None
    assert tokens.client(None).get("/api/reports").json()["count"] == 0
    assert (
        tokens.client(tokens.full).get("/api/reports").json()["count"] == 1
    )  # its own report, as on the web


def test_the_plan_status_on_a_date(api_world, tokens):
    w = api_world
    accepted(w, Decimal(100))
    status = tokens.client(None).get(f"/api/plans/{w.plan.pk}/status?on=2025-08-15").json()
    assert status["on"] == "2025-08-15"
    assert sum(status["light_counts"].values()) == 1
    assert status["actions"][0]["id"] == w.item.action_id
    bad = tokens.client(None, accept_language="en").get(f"/api/plans/{w.plan.pk}/status?on=someday")
    assert bad.status_code == 422 and bad.json()["errors"] == {"on": ["Give a date such as 2025-06-30."]}


def test_items_are_filtered_by_light_department_action_year_and_region(api_world, tokens):
    w = api_world
    accepted(w, Decimal(100))  # the quantity is done; the milestone is not started: behind
    other = ItemFactory(action=w.item.action, text="另一项")
    TargetFactory(item=other)
    client = tokens.client(None)
    everything = client.get(f"/api/items?plan={w.plan.pk}").json()
    assert everything["count"] == 2
    light = client.get(f"/api/items?plan={w.plan.pk}").json()["results"][0]["light"]
    by_light = client.get(f"/api/items?light={light}").json()
    assert w.item.pk in [row["id"] for row in by_light["results"]]
    assert client.get(f"/api/items?department={w.lead.pk}").json()["count"] == 1
    assert client.get(f"/api/items?department={w.other.pk}").json()["count"] == 0
    assert (
        client.get(f"/api/items?action={w.item.action_id}&year=2025&region={w.plan.region_id}").json()[
            "count"
        ]
        == 2
    )
    assert client.get("/api/items?year=2024").json()["count"] == 0


def test_pages_link_to_each_other(api_world, tokens):
    for _ in range(4):
        ItemFactory(action=api_world.item.action)
    client = tokens.client(None)
    first = client.get("/api/items?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"]
    last = client.get("/api/items?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None and "page=2" in last["previous"]
    assert client.get("/api/items?page_size=500").status_code == 422


def test_the_item_list_costs_the_same_queries_whatever_the_number_of_items(
    api_world, tokens, django_assert_num_queries
):
    client = tokens.client(None)
    client.get("/api/items")  # warm up (content types)
    ItemFactory(action=api_world.item.action)
    # The data version; count and page of ids; the plans; the status (six); the page's details (three).
    with django_assert_num_queries(14):
        assert client.get("/api/items").json()["count"] == 2
    with django_assert_num_queries(12):  # by light: every item's status, then the page
        assert client.get("/api/items?light=red").status_code == 200
    for _ in range(10):
        TargetFactory(item=ItemFactory(action=api_world.item.action))
    with django_assert_num_queries(14):
        assert client.get("/api/items").json()["count"] == 12
    with django_assert_num_queries(12):
        assert client.get("/api/items?light=red").status_code == 200


def test_notices_show_their_text_only_to_their_department(api_world, tokens):
    w = api_world
    notice = delivery.notice_issue(
        item=w.item, by=w.office, reason="进度滞后", demand="说明原因", reply_deadline=dt.date(2025, 9, 1)
    )
    public = tokens.client(None).get("/api/notices").json()["results"][0]
    assert (
        public["id"] == notice.pk and public["department"]["id"] == w.lead.pk and public["status"] == "open"
    )
    assert public["reason"] is None and public["demand"] is None
    own = tokens.client(tokens.head).get(f"/api/notices/{notice.pk}").json()
    assert own["reason"] == "进度滞后" and own["demand"] == "说明原因"
    assert tokens.client(tokens.report_only).get(f"/api/notices/{notice.pk}").json()["reason"] is None
    assert tokens.client(tokens.other).get(f"/api/notices/{notice.pk}").json()["reason"] is None


def test_results_are_read_only_once_published(api_world, tokens):
    client = tokens.client(None, accept_language="en")
    for what in ("vote", "rating"):
        answer = client.get(f"/api/plans/{api_world.plan.pk}/{what}")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_me_tells_the_token(api_world, tokens):
    me = tokens.client(tokens.head).get("/api/me").json()
    assert (
        me["department"]["id"] == api_world.lead.pk and me["scopes"] == ["read"] and me["role"] == "dept_head"
    )
    assert tokens.client(None).get("/api/me").status_code == 401


def test_missing_things_are_json_404s(api_world, tokens):
    client = tokens.client(None, accept_language="en")
    for url in (
        "/api/plans/987654",
        "/api/items/987654",
        "/api/reports/987654",
        "/api/notices/987654",
        "/api/nowhere",
    ):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.json()["message"] == "Nothing was found at this address."
    assert tokens.client(None).get("/api/nowhere").json()["message"] == "此地址下没有内容。"


# --- caching ---------------------------------------------------------------------------------------------


def test_a_poller_with_the_etag_gets_304_until_something_is_written(
    api_world, tokens, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The ETag follows the content version, which every committed write moves on: a report accepted
    through the service gives a new one, and nothing else does (not the same read asked again)."""
    with django_capture_on_commit_callbacks(execute=True):
        accepted(
            api_world, Decimal(40), period_end=dt.date(2025, 6, 30)
        )  # a database that has seen a committed write: the version row is there
    client = tokens.client(None)
    first = client.get("/api/items")
    etag = first["ETag"]
    assert etag and first["Last-Modified"] and "Accept-Language" in first["Vary"]
    with django_assert_max_num_queries(1):  # the data version, nothing else
        again = client.get("/api/items", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get("/api/items", HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.get("/api/items?page=1", HTTP_IF_NONE_MATCH=etag).status_code == 200  # another address
    assert client.get("/api/items", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert (
        tokens.client(tokens.full).get("/api/items", HTTP_IF_NONE_MATCH=etag).status_code == 200
    )  # another reader
    version = ContentVersion.objects.get(pk=1).number
    with django_capture_on_commit_callbacks(execute=True):
        accepted(api_world, Decimal(50))
    assert ContentVersion.objects.get(pk=1).number > version
    changed = client.get("/api/items", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get("/api/items", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_the_etag_is_the_content_version_not_the_audit_trail(api_world, tokens):
    """A write that the audit trail does not see still moves the version on, and the ETag with it; the
    version alone (no write) moves it too."""
    client = tokens.client(None)
    first = client.get("/api/plans")
    assert first["ETag"]
    ContentVersion.objects.update_or_create(pk=1, defaults={"number": 41})
    moved = client.get("/api/plans", HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200 and moved["ETag"] != first["ETag"]
    assert client.get("/api/plans", HTTP_IF_NONE_MATCH=moved["ETag"]).status_code == 304


def test_if_modified_since(api_world, tokens):
    client = tokens.client(None)
    first = client.get("/api/plans")
    assert client.get("/api/plans", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/api/plans", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


# --- the OpenAPI document and the docs page --------------------------------------------------------------


def test_the_openapi_document_says_reads_are_open_and_writes_need_a_token(db, client):
    schema = client.get("/api/openapi.json").json()
    assert {} in schema["paths"]["/api/items"]["get"]["security"]
    assert {} not in schema["paths"]["/api/reports"]["post"]["security"]
    assert {} not in schema["paths"]["/api/me"]["get"]["security"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_is_served_from_our_own_static_files_without_inline_script(db, client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "http://" not in html and "https://" not in html
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert client.get(f"/static/ninja/{name}").status_code == 200


def test_a_method_an_address_does_not_take_is_a_json_405(db, client):
    answer = client.delete("/api/plans", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 405 and answer["Allow"] == "GET"
    assert answer.json()["code"] == "method_not_allowed"
    assert answer.json()["message"] == "This address does not take this method."
