"""Formatting filters for the portal's templates."""

from decimal import Decimal

from django import template

from minsheng.plans.funding import format_number, format_yuan

register = template.Library()


@register.filter
def number(value: Decimal | int | None) -> str:
    """3553000 -> 3,553,000; 39.5000 -> 39.5; None -> ''."""
    return "" if value is None else format_number(value)


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """209 -> 209 元 (209 yuan in English)."""
    return "" if value is None else format_yuan(value)
