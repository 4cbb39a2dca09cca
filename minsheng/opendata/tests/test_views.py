"""The open-data page and its downloads, as an anonymous visitor sees them."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import jsonschema
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.opendata.datasets import DATASETS
from minsheng.opendata.tests.conftest import SECRET, add_items
from minsheng.opendata.views import filename

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_the_page_lists_every_dataset_with_its_dictionary_for_anyone(client, world, zh):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for dataset in DATASETS.values():
        assert reverse("opendata:all", args=[dataset.name, "csv"]) in page
        assert reverse("opendata:plan", args=[world.plan.pk, dataset.name, "jsonl"]) in page
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in page
    assert reverse("opendata:document", args=[world.plan.pk]) in page
    assert "数据字典" in page


def test_the_page_in_english(client, world, en):
    response = client.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Data dictionary" in response.content.decode()


def test_a_csv_download_opens_with_the_bom_and_the_chinese_intact(client, world):
    response = client.get(reverse("opendata:plan", args=[world.plan.pk, "items", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == DATASETS["items"].names
    assert rows[1][5] == "按照每人209.5元的标准为100名老人体检。"
    name = filename("items", "csv", world.plan)
    assert name == "第二师铁门关市-2025-items.csv"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=utf-8''{quote(name)}" in disposition


def test_a_jsonl_download_parses_line_by_line(client, world):
    response = client.get(reverse("opendata:all", args=["progress", "jsonl"]))
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert 'filename="minsheng-all-progress.jsonl"' in response["Content-Disposition"]
    lines = content(response).decode("utf-8").splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["actual"] is not None for line in lines)


def test_private_data_never_appears_in_any_download(client, world):
    for dataset in DATASETS:
        for fmt in ("csv", "jsonl"):
            text = content(client.get(reverse("opendata:all", args=[dataset, fmt]))).decode()
            for secret in (SECRET, "待审核的评论", "被拒绝的评论", "不公开的答复", "999"):
                assert secret not in text, (dataset, fmt, secret)


@pytest.mark.parametrize(
    "url",
    [
        ("opendata:all", ["nothing", "csv"]),
        ("opendata:all", ["items", "xlsx"]),
        ("opendata:plan", [999999, "items", "csv"]),
        ("opendata:document", [999999]),
    ],
)
def test_an_unknown_dataset_format_or_plan_is_not_found(client, world, url):
    name, args = url
    assert client.get(reverse(name, args=args)).status_code == 404


def test_downloads_refuse_anything_but_reading(client, world):
    assert client.post(reverse("opendata:all", args=["items", "csv"])).status_code == 405


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_query_count_of_a_download_does_not_grow_with_the_data(
    client, world, name, django_assert_num_queries
):
    url = reverse("opendata:plan", args=[world.plan.pk, name, "csv"])

    with CaptureQueriesContext(connection) as queries:
        content(client.get(url))
    before = len(queries)
    assert before <= 4  # the plan, then one query (three where items' relations are prefetched)
    add_items(world.plan, 30, start=10)
    with django_assert_num_queries(before):
        content(client.get(url))


def test_the_page_query_count_does_not_grow_with_plans(client, world, django_assert_num_queries):
    from minsheng.opendata.selectors import PLANS_PER_PAGE
    from minsheng.plans.models import Plan
    from minsheng.plans.tests.factories import PlanFactory

    with django_assert_num_queries(3):  # how many plans, a page of them with their regions, their item counts
        client.get(reverse("opendata:index"))
    for year in range(2030, 2030 + PLANS_PER_PAGE + 5):
        PlanFactory(region=world.plan.region, year=year)
    with django_assert_num_queries(3):
        html = client.get(reverse("opendata:index")).content.decode()
    assert html.count('class="open-data-plan"') == PLANS_PER_PAGE
    assert "?page=2#plans" in html
    second = client.get(reverse("opendata:index") + "?page=2").content.decode()
    assert second.count('class="open-data-plan"') == Plan.objects.count() - PLANS_PER_PAGE
    found = client.get(reverse("opendata:index") + "?q=" + world.plan.title).content.decode()
    assert world.plan.title in found


def test_the_plan_as_one_document_downloads_as_json_of_the_schema(client, world):
    from minsheng.opendata.tests.test_document import SCHEMA

    response = client.get(reverse("opendata:document", args=[world.plan.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(content(response))
    jsonschema.validate(data, SCHEMA)
    assert [item["no"] for action in data["actions"] for item in action["items"]] == [1, 2, 3]
