"""Finishing touches on a rendered document that depend on its text (GB/T 9704-2012):

- §7.2 / §7.3.1 标题: a title longer than one line breaks at a meaning boundary (“县文旅局2022年
  上半年新时代文明实践 / 志愿服务活动情况小结”), never mid-word (“…志愿 / 服务…”);
- §7.3.5.1 落款: the 成文日期 stands 右空四字 and the issuing organ's name is centred over it.

Both work on paragraphs by style (公文标题, 落款), so a clerk's own template with those styles gets
them too; other paragraphs are left alone.
"""

from __future__ import annotations

import math
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Pt

from .gbt9704 import (
    BODY_CHAR_SPACING_TWIPS,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    SIZE_2,
    SIZE_3,
    STYLE_SIGNATURE,
    STYLE_TITLE,
)

TITLE_CHARS = math.floor((PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / 12700
                         / (SIZE_2.pt + BODY_CHAR_SPACING_TWIPS / 20))
"""二号 characters a title line holds (20 in the 156 mm 版心)."""
DATE_RIGHT_CHARS = 4
"""成文日期 右空四字 (§7.3.5.1)."""

_BREAK_AFTER = ("上半年", "下半年", "年度", "（站）", "（所站）")
_BREAK_BEFORE = ("新时代", "志愿服务", "建设情况", "活动情况", "自评报告", "汇总报告", "工作总结",
                 "情况小结", "情况报告")


def width(text: str) -> float:
    """Width in characters: CJK and full-width marks 1, Latin letters and digits ½."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "“”‘’—…" else 1.0 for c in text)


def title_break(text: str, limit: int = TITLE_CHARS) -> int | None:
    """Where a title too long for one line is broken: the meaning boundary (after 上半年/（站）,
    before 新时代/志愿服务/建设情况/…) that keeps both lines within ``limit`` and makes them most
    even (the longer line first on a tie); None when the title fits or no boundary does."""
    if width(text) <= limit:
        return None
    best: tuple[float, float, int] | None = None
    for i in range(1, len(text)):
        if not (text[:i].endswith(_BREAK_AFTER) or text[i:].startswith(_BREAK_BEFORE)):
            continue
        first, second = width(text[:i]), width(text[i:])
        if first > limit or second > limit:
            continue
        key = (abs(first - second), -first, i)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _style_id(paragraph: Any) -> str:
    ppr = paragraph._p.pPr
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return style.get(qn("w:val")) if style is not None else ""


def finish_layout(document: Any) -> None:
    """Apply the title break and the 落款 placement to a python-docx ``document`` in place."""
    styles = {s.name: s.style_id for s in document.styles if s.name in (STYLE_TITLE, STYLE_SIGNATURE)}
    paragraphs = list(document.paragraphs)
    section = document.sections[0]  # titles open the document (a landscape one holds more)
    limit = TITLE_CHARS
    if section.page_width and section.left_margin is not None and section.right_margin is not None:
        limit = math.floor((section.page_width - section.left_margin - section.right_margin)
                           / 12700 / (SIZE_2.pt + BODY_CHAR_SPACING_TWIPS / 20))
    for paragraph in paragraphs:
        if _style_id(paragraph) == styles.get(STYLE_TITLE) and len(paragraph.runs) >= 1:
            _break_title(paragraph, limit)
    signatures = [p for p in paragraphs if _style_id(p) == styles.get(STYLE_SIGNATURE)]
    for name, day in zip(signatures, signatures[1:], strict=False):
        if name.text.strip() and day.text.strip() and width(day.text) < width(name.text) + 40 \
                and _is_date(day.text):
            _centre_over(name, day)


def _is_date(text: str) -> bool:
    text = text.strip()
    return text.endswith("日") and "年" in text and "月" in text


def _break_title(paragraph: Any, limit: int) -> None:
    text = paragraph.text
    if "\n" in text:
        return
    at = title_break(text, limit)
    if at is None:
        return
    runs = paragraph.runs
    first = runs[0]
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    first.text = text[:at]
    first.add_break()
    first.add_text(text[at:])


def _centre_over(name: Any, day: Any) -> None:
    """The organ's name centred over the date: its right indent is the date's 4 characters plus
    half the difference of their widths (never negative: a longer name ends flush right)."""
    right = max(0.0, DATE_RIGHT_CHARS + (width(day.text.strip()) - width(name.text.strip())) / 2)
    _right_indent(day, DATE_RIGHT_CHARS)
    _right_indent(name, right)


def _right_indent(paragraph: Any, chars: float) -> None:
    paragraph.paragraph_format.right_indent = Pt(SIZE_3.pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:rightChars"), str(round(chars * 100)))
