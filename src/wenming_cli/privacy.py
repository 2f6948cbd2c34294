"""Masking of personal data (DESIGN.md §7): IDs as 610724********123X, mobiles as 138****5678."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mask_id_card(value: str) -> str:
    """Keep the 6-digit area code and the last 4 characters: '610724********123X'.

    Values shorter than 10 characters are masked whole (they are broken anyway).
    """
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Mobiles as '138****5678'; landlines keep area code and last 2 digits ('0916-*****26')."""
    if _MOBILE.match(value):
        return value[:3] + "****" + value[-4:]
    if "-" in value:
        area, number = value.split("-", 1)
        return area + "-" + "*" * max(len(number) - 2, 0) + number[-2:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]
