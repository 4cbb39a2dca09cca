"""QR posters for project sites (民生码): one A4 page per item with its title, targets, lead department,
progress and two QR codes, one to the item's public page and one to its rating form.

The progress on a poster is what the public pages show (published figures only: ``plan_status(public=
True)``), since the poster hangs in the street. Links are absolute, built on the site's address
(``MINSHENG_SITE_URL``, or the address the office's browser used); the QR codes are drawn as SVG with the
pure-Python ``qrcode`` library and rendered to PDF by :mod:`minsheng.printing.pdf`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.urls import reverse

from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import LIGHT_LABELS, ItemStatus, TargetStatus, plan_status
from minsheng.plans.funding import format_number
from minsheng.plans.models import Item, Op, Plan
from minsheng.printing.pdf import html_to_pdf


@dataclass
class PosterItem:
    no: int
    title: str
    action: str
    targets: list[str]
    lead: str
    supporting: list[str]
    completion: float | None
    light: str
    deadline: dt.date | None
    public_url: str
    rating_url: str
    public_qr: str = ""  # data: URL of the QR code's SVG
    rating_qr: str = ""


@dataclass
class Posters:
    plan: Plan
    on: dt.date
    items: list[PosterItem] = field(default_factory=list)


def target_words(target: TargetStatus) -> str:
    """A target as a poster states it: 新建燃气管网: 不少于 9 千米 (at least 9 km)."""
    if target.kind == "milestone":
        return target.subject
    if target.value is None:
        amount = ""
    elif target.op == Op.RANGE and target.value_max is not None:
        amount = f"{format_number(_decimal(target.value))}–{format_number(_decimal(target.value_max))}"
    else:
        amount = format_number(_decimal(target.value))
        if target.op not in (Op.EXACTLY, Op.RANGE):
            amount = f"{Op(target.op).label} {amount}"
    promise = f"{amount} {target.unit}".strip()
    if target.subject and promise:
        return f"{target.subject}：{promise}"
    return target.subject or promise


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def qr_data_url(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URL (error correction M: survives a smudge)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _poster_item(status: ItemStatus, *, plan: Plan, actions: dict[int, str], site_url: str) -> PosterItem:
    public_url = absolute(site_url, reverse("portal:item", args=[status.id]))
    rating_url = absolute(site_url, reverse("voting:rating", args=[plan.pk]) + f"#item-{status.id}")
    return PosterItem(
        no=status.no,
        title=status.title,
        action=actions.get(status.action_id or 0, ""),
        targets=[target_words(t) for t in status.targets],
        lead=status.lead or "",
        supporting=status.supporting,
        completion=status.completion,
        light=str(LIGHT_LABELS[Light(status.light)]),
        deadline=status.deadline,
        public_url=public_url,
        rating_url=rating_url,
        public_qr=qr_data_url(public_url),
        rating_qr=qr_data_url(rating_url),
    )


def posters_get(*, plan: Plan, on: dt.date, site_url: str, item: Item | None = None) -> Posters:
    """The posters of every current item of ``plan`` (or of ``item`` alone) as of ``on``, linking to
    ``site_url``. Eight queries whatever the number of items (the plan's status and its actions)."""
    status = plan_status(plan=plan, on=on, public=True)
    actions = {a.id: f"{a.no}. {a.title}" if a.title else str(a.no) for a in status.actions}
    items = [s for s in status.items if item is None or s.id == item.pk]
    return Posters(
        plan=plan,
        on=on,
        items=[_poster_item(s, plan=plan, actions=actions, site_url=site_url) for s in items],
    )


def posters_pdf(posters: Posters) -> bytes:
    """One A4 page per poster."""
    return html_to_pdf(render_to_string("printing/posters.html", {"posters": posters}))
