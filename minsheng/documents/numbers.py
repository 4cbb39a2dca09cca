"""Numbers as written in Chinese plan documents: Arabic, Chinese numerals, 万/亿 multipliers."""

from __future__ import annotations

from functools import lru_cache

CN_DIGITS = "零〇一二两三四五六七八九"
CN_ALL = CN_DIGITS + "十百千万亿点"
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


@lru_cache(maxsize=4096)
def cn_to_number(text: str) -> float | None:
    """A Chinese numeral (一万七千, 两, 十五, 三点五) as a number, or None if it is not one."""
    if not text or any(ch not in CN_ALL for ch in text):
        return None
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


def to_number(text: str) -> float | None:
    """Arabic (with thousands separators and decimals) or Chinese numerals."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    return cn_to_number(text)


def clean_number(value: float) -> float | int:
    """Whole numbers as int (so JSON prints 17000, not 17000.0), others rounded off float noise."""
    rounded = round(value, 6)
    if float(rounded).is_integer():
        return int(rounded)
    return rounded
