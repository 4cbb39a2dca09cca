"""The refusal page of the public-facing pages of participation and voting: sign in first, or a 403 page
that says why (the rest of the views' adapter is :mod:`minsheng.common.web`)."""

from __future__ import annotations

from minsheng.common.web import refusals_as_page

page = refusals_as_page("participation/denied.html")
