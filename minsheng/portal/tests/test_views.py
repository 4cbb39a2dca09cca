"""The public pages: what a visitor sees, in Chinese and English, and how many queries each page costs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.documents.model import Standard as DocStandard
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.models import Item
from minsheng.plans.services import plan_document_import, plan_import
from minsheng.plans.tests.factories import doc_item, document

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href.split("#")[0])


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


@pytest.fixture
def seed_plan(seed_docx):
    return plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan


def _get(client, url, language=None):
    if language:
        client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- content ---------------------------------------------------------------------------------------------


def test_home_lists_plans_by_region_and_year_in_chinese_by_default(client, seed_plan):
    html = _get(client, "/")
    assert '<html lang="zh-Hans">' in html
    assert "民生实事" in html
    assert "<h2>第二师铁门关市</h2>" in html
    assert reverse("portal:plan", args=[seed_plan.pk]) in html
    assert "40 个事项" in html
    assert "草案" in html


def test_home_without_plans_says_so(client):
    assert "尚未发布清单" in _get(client, "/")


def test_all_40_seed_items_are_reachable_from_home_by_links(client, seed_plan):
    seen, queue, items = set(), ["/"], set()
    while queue:
        url = queue.pop().split("?")[0]
        # the public portal's own pages only: sign-in links carry ?next= and would never end
        if url in seen or not re.fullmatch(r"/(?:plans/\d+/|items/\d+/)?", url):
            continue
        seen.add(url)
        html = _get(client, url)
        for link in _links(html):
            if match := re.fullmatch(r"/items/(\d+)/", link):
                items.add(int(match.group(1)))
            queue.append(link)
    assert items == set(Item.objects.filter(plan=seed_plan).values_list("pk", flat=True))
    assert len(items) == 40


def test_plan_page_shows_actions_item_cards_and_funding(client, seed_plan):
    html = _get(client, reverse("portal:plan", args=[seed_plan.pk]))
    assert seed_plan.title in html
    assert html.count('class="card"') == 40
    assert html.count('<details class="fold action-group"') == 10
    assert "8. 全民健康守护行动" in html
    assert "40 项中有" in html  # coverage of the plan's estimate
    assert "第 1 版" in html
    # the full text and the per-item figures stay on the item page
    assert "209 元 × 17,000 = 3,553,000 元" not in html
    assert seed_plan.items.get(no=26).text not in html


def test_plan_page_in_english(client, seed_plan):
    html = _get(client, reverse("portal:plan", args=[seed_plan.pk]), language="en")
    assert '<html lang="en">' in html
    assert "Funding estimate" in html
    assert "Search the items" in html
    assert "Estimated for" in html
    assert "资金估算" not in html


def test_item_page_highlights_each_target_source(client, seed_plan):
    item = seed_plan.items.get(no=2)
    html = _get(client, reverse("portal:item", args=[item.pk]))
    marks = re.findall(r"<mark>(.*?)</mark>", html)
    assert len(marks) == 2
    assert all("500批次" in m or "600批次" in m for m in marks)
    assert "第 2 项" in html
    assert "版本记录" in html
    assert "新增" in html  # added in version 1


def test_item_page_in_english(client, seed_plan):
    item = seed_plan.items.get(no=26)
    html = _get(client, reverse("portal:item", args=[item.pk]), language="en")
    assert "Item 26" in html
    assert "Version history" in html
    assert "209 yuan × 17,000 = 3,553,000 yuan" in html
    assert "<mark>1.7万名</mark>" in html


def test_item_text_is_escaped_and_marks_are_the_only_markup(client):
    text = "<script>alert(1)</script>为100名群众&家属服务。"
    doc = document(
        [
            [
                doc_item(
                    1,
                    text,
                    targets=[
                        DocTarget(
                            kind="quantity", subject="群众", op="=", value=100, unit="名", source="100名"
                        )
                    ],
                )
            ]
        ]
    )
    item = plan_document_import(document=doc).plan.items.get()
    html = _get(client, reverse("portal:item", args=[item.pk]))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;为<mark>100名</mark>群众&amp;家属服务。" in html


def test_a_removed_item_page_says_it_was_removed(client):
    first = plan_document_import(document=document(n_items=3))
    gone = first.plan.items.get(no=3)
    plan_document_import(document=document([[doc_item(1), doc_item(2)]]))
    html = _get(client, reverse("portal:item", args=[gone.pk]))
    assert "该事项已在第 2 版中删除" in html
    plan_html = _get(client, reverse("portal:plan", args=[first.plan.pk]))
    assert reverse("portal:item", args=[gone.pk]) not in plan_html
    assert "删除 1 项" in plan_html


@pytest.mark.parametrize("url", ["/plans/999/", "/items/999/"])
def test_missing_pages_are_404(client, url):
    assert client.get(url).status_code == 404


def test_pages_only_answer_reads(client, seed_plan):
    assert client.post("/").status_code == 405
    assert client.post(reverse("portal:plan", args=[seed_plan.pk])).status_code == 405


# --- language, assets, headers ---------------------------------------------------------------------------


def test_language_switch_on_every_page_changes_the_language(client, seed_plan):
    url = reverse("portal:plan", args=[seed_plan.pk])
    html = _get(client, url)
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "Funding estimate" in _get(client, url)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": url})
    assert "资金估算" in _get(client, url)


def test_the_stylesheet_is_served_locally_and_no_page_loads_anything_from_elsewhere(client, seed_plan):
    html = _get(client, "/")
    assert re.search(r'<link rel="stylesheet" href="/static/portal/minsheng\.css', html)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html
    css = client.get("/static/portal/minsheng.css")
    assert css.status_code == 200
    assert b"rem" in b"".join(css.streaming_content)


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_pages_fit_a_phone(client, seed_plan):
    html = _get(client, "/")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "maximum-scale" not in html and "user-scalable" not in html


# --- query counts ----------------------------------------------------------------------------------------


def _rich_document(n_items: int):
    items = []
    for no in range(1, n_items + 1):
        items.append(
            doc_item(
                no,
                f"按照每人{no}元的标准，为{no * 10}名群众服务，建设{no}座站点。",
                targets=[
                    DocTarget(
                        kind="quantity",
                        subject="群众",
                        op="=",
                        value=no * 10,
                        unit="名",
                        source=f"{no * 10}名",
                    ),
                    DocTarget(kind="quantity", subject="站点", op="=", value=no, unit="座", source=f"{no}座"),
                ],
                standards=[DocStandard(subject="服务", op="=", amount=no, per="人", source=f"每人{no}元")],
                departments=["民政局", "财政局"],
            )
        )
    return document([items[start : start + 4] for start in range(0, len(items), 4)])


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_plan_page_query_count_does_not_grow_with_items(client, django_assert_num_queries):
    small = plan_document_import(document=_rich_document(4), region="甲市").plan
    large = plan_document_import(document=_rich_document(12), region="乙市").plan
    small_url, large_url = (reverse("portal:plan", args=[plan.pk]) for plan in (small, large))
    baseline = _count_queries(client, small_url)
    # 10 for the plan, its items, versions and stage; 10 for the overview (the status, the figures, the
    # schedules, the places)
    assert baseline <= 20, baseline
    with django_assert_num_queries(baseline):
        client.get(large_url)


def test_home_query_count_does_not_grow_with_plans(client, django_assert_num_queries):
    plan_document_import(document=_rich_document(2), region="甲市")
    baseline = _count_queries(client, "/")
    for n in range(3, 6):
        plan_document_import(document=_rich_document(n), region=f"县{n}")
    with django_assert_num_queries(baseline):
        client.get("/")


def test_item_page_query_count_does_not_grow_with_targets_or_history(client, django_assert_num_queries):
    few = plan_document_import(document=document(n_items=1), region="甲市").plan.items.get()
    rich = plan_document_import(document=_rich_document(3), region="乙市").plan.items.get(no=3)
    plan_document_import(document=_rich_document(4), region="乙市")  # a second version: more history
    baseline = _count_queries(client, reverse("portal:item", args=[few.pk]))
    with django_assert_num_queries(baseline):
        client.get(reverse("portal:item", args=[rich.pk]))
