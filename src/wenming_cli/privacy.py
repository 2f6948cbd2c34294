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
    if len(value) <= 4:  # no telephone number is this short: show what was typed ('19')
        return value
    return "*" * (len(value) - 2) + value[-2:]


def mask_mobile(value: str) -> str:
    """A mobile masked as `mask_phone` does; anything else as given (a landline is an office's
    published number, which the county office phones: `status`, the intake desk's table)."""
    return mask_phone(value) if re.fullmatch(r"1[3-9]\d{9}", value) else value


_ID_RUN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])|(?<![0-9])[0-9]{15}(?![0-9])")
_MOBILE_RUN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_SPACED_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[ \-－—]?([0-9]{4})[ \-－—]?([0-9]{4})(?![0-9])")
_DIGIT = re.compile(r"[0-9]")
_LONG_RUN = re.compile(r"(?<![0-9*A-Za-z])[0-9]{7,}(?![0-9*])")
"""Runs of 7+ digits not part of a cell reference (XFD1048576) or a code (rIdWm1234567)."""
PUBLIC_NUMBERS = frozenset({"6323126"})
"""Numbers that are public and used in our own hints: the county office's telephone as the
notice publishes it (联系电话: 6323126)."""


def redact(text: str) -> str:
    """Mask every ID-like and phone-like digit run inside free text (messages, logs).

    18/15-digit runs → `mask_id_card`; mobiles → `mask_phone`; any other run of 7+ digits keeps
    its first 3 and last 2 digits, except an 8-digit date 20yymmdd (not personal data; the
    birth dates inside ID numbers are masked with the ID). Already-masked values pass
    unchanged.
    """
    if not _DIGIT.search(text):  # most names and places: nothing to mask
        return text
    text = _ID_RUN.sub(lambda m: mask_id_card(m.group().upper()), text)
    text = _MOBILE_RUN.sub(lambda m: mask_phone(m.group()), text)
    text = _SPACED_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LONG_RUN.sub(_mask_run, text)


def _mask_run(match: re.Match[str]) -> str:
    """A 7+ digit run: kept when it is a date of this century written as 8 digits (a photo
    named IMG_20220305_093012.jpg, a date typed 20220318), masked otherwise."""
    run = match.group()
    if run in PUBLIC_NUMBERS:
        return run
    if len(run) == 8 and run.startswith("20"):
        month, day = int(run[4:6]), int(run[6:8])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return run
    return run[:3] + "*" * (len(run) - 5) + run[-2:]
