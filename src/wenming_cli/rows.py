"""Rows inside a table (issue "every row … is read, or named"): records, and what is not one.

`classify_rows` sorts every row below a sheet's header into a record or a counted skip:
blank rows, the template's 示例 row (unless data was typed over it), totals rows (合计/共计/小计
with any spacing, nothing but numbers after the word), signature and note lines (填表人：…, 注：…),
block title rows (one value merged across, a count such as （49人）, a bracketed tail, or a value
alone in the 序号 column — a roster pasted team by team), repeated header rows and rows holding
only a 序号. Totals rows' numbers are kept as `FooterClaim`s, block titles as `Block`s.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from .cells import clean_text
from .headers import all_indexes, header_key
from .issues import column_letter
from .schema import SheetRow

SKIP_BLANK = "空行"
SKIP_EXAMPLE = "示例行"
SKIP_FOOTER = "合计行"
SKIP_SIGNATURE = "签名注释行"
SKIP_TITLE = "标题行"
SKIP_HEADER = "重复表头"
SKIP_NUMBERED = "只有序号的空行"
SKIP_REASONS = (SKIP_FOOTER, SKIP_SIGNATURE, SKIP_TITLE, SKIP_HEADER, SKIP_EXAMPLE, SKIP_NUMBERED,
                SKIP_BLANK)
"""Why a row inside a table is not a record, in the order the reading summary lists them."""


@dataclass
class Block:
    """A block title row inside a table (``城北街道党员志愿服务队（49人）``) and the data rows
    under it, up to the next block title."""

    row: int
    title: str
    rows: list[int] = field(default_factory=list)


@dataclass
class FooterClaim:
    """A number a footer row states: a count of records (``共计：300人``) or the total of one
    numeric column (``合计 … 1200`` under 服务群众)."""

    row: int
    cell: str
    value: float
    field: str = ""
    """The numeric field it totals; '' for a count of records."""
    segment: int = 0
    """Records since the previous block title or totals row (a 小计 counts only those)."""


@dataclass
class SheetData:
    """The data rows of one sheet.

    Attributes:
        model: the sheet model the sheet was read as.
        header_row: Excel row of the header (tables), 0 for form sheets.
        columns: field name → 0-based column index of the found columns (form sheets: index into
            the one synthetic row of values).
        rows: (Excel row number, cell values) for every record row.
        form_cells: form sheets only: field name → (Excel row, 0-based column) of its value.
        formula_cells: (Excel row, 0-based column) of formulas saved without a value; they read
            as blank, and already carry a ``formula-no-value`` issue.
        name: the sheet's real name in the file.
        skipped: reason (one of `SKIP_REASONS`) → rows inside the table that are not records.
        above_header: non-blank rows above the header (titles, notes).
        blocks: block title rows inside the table.
        claims: numbers stated by footer rows.
        implied: field → value for a column that is absent but implied by another one (a roster
            exported from the national volunteer system has 志愿者编号: everyone is registered).
    """

    model: type[SheetRow]
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, list[object]]]
    form_cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    name: str = ""
    skipped: Counter[str] = field(default_factory=Counter)
    above_header: int = 0
    blocks: list[Block] = field(default_factory=list)
    claims: list[FooterClaim] = field(default_factory=list)
    implied: dict[str, object] = field(default_factory=dict)
    edited_examples: list[int] = field(default_factory=list)
    """Rows marked 示例 whose values were changed: read as records, with a warning."""

    @property
    def sheet_name(self) -> str:
        """The name to show the user: the real sheet name."""
        return self.name or self.model.sheet_name


FOOTER_TOTALS = ("合计", "总计", "共计", "小计", "累计", "总数", "总人数", "人数合计", "人数")
"""Words of a totals row: ``合　计``, ``共计：300人``, ``本页小计：6人``, ``【合计】`` (see `_footer_kind`)."""
FOOTER_SIGNATURES = ("填表人", "填报人", "制表人", "制表", "审核人", "审核", "单位负责人", "负责人签字",
                     "主要负责人", "填表日期", "填报日期", "制表日期", "报送日期", "联系人", "盖章",
                     "单位盖章", "签字")
"""… of a signature line under a table, followed by a colon (``填表人：张三　审核人：李四``)."""
FOOTER_NOTES = ("注", "说明", "备注", "附注")
"""… of a note line, followed by a colon (``注：本表不含已退出人员``)."""
_TOTAL = re.compile(r"^[【\[（(]?(?:本页|以上|全部|本表|全表)?(?:" + "|".join(
    sorted(FOOTER_TOTALS, key=len, reverse=True)) + r")[】\]）)]?")
_TOTAL_REST = re.compile(r"[0-9.,，:：;；。、（）()\[\]【】人名支场次个项元小时数量合计为共]*")
_SIGNATURE = re.compile(r"^[（(]?(?:" + "|".join(sorted(FOOTER_SIGNATURES, key=len, reverse=True))
                        + r")(?:[:：]|[)）]?$)")
_NOTE = re.compile(r"^[（(]?(?:" + "|".join(FOOTER_NOTES) + r")[0-9一二三四五六七八九十]*[:：]")
_ENGLISH_TOTAL = re.compile(r"^(total|sum|subtotal)\b", re.IGNORECASE)
_COUNT = re.compile(r"([0-9]+)\s*(人|名|支|场|次|个|项)(?!次)")
_TITLE_COUNT = re.compile(r"[（(]\s*[0-9]+\s*(人|名)?\s*[)）]\s*$")
_TITLE_TAIL = re.compile(r"[（(][^）)]{1,6}[)）]$")
"""'…名单（续）', '…（二）': a bracketed tail no person's name has."""


_FOOTER_STARTS = frozenset(
    {word[0] for word in FOOTER_TOTALS + FOOTER_SIGNATURES + FOOTER_NOTES} | set("【[（(本以全TtSs"))


def _compact(text: str) -> str:
    """Text without any white space (full-width included) or colons' spacing."""
    return "".join(text.split())


def _footer_kind(lead: str) -> str:
    """SKIP_FOOTER, SKIP_SIGNATURE or '' for the leading text of a row.

    A totals row is its word and nothing but numbers, units and punctuation after it (so that an
    activity called 共计划生育政策宣讲 or 累计服务时长表彰会 stays an activity); a signature or note
    needs its colon (审核通过的志愿者培训 is a record).
    """
    text = _compact(lead)
    match = _TOTAL.match(text)
    if match and _TOTAL_REST.fullmatch(text[match.end():]):
        return SKIP_FOOTER
    if _ENGLISH_TOTAL.match(text):
        return SKIP_FOOTER
    if _SIGNATURE.match(text) or _NOTE.match(text):
        return SKIP_SIGNATURE
    return ""


def block_team(title: str) -> str:
    """The team name a block title names: ``城北街道党员志愿服务队（49人）`` → the name."""
    return _TITLE_COUNT.sub("", _compact(title)).rstrip("：:")


def classify_rows(rows: list[list[object]], model: type[SheetRow], header: int,
                  columns: dict[str, int], merged: set[int] | frozenset[int] = frozenset()
                  ) -> SheetData:
    """The records of a table sheet whose header is 0-based row ``header``, and an account of
    every other row below it (see the module docstring).

    Invariant (tested): every non-blank row below the header is a record or counted in
    ``skipped``; blank rows are counted up to the last non-blank one.
    """
    index = all_indexes()[model]
    head = {c: key for c, value in enumerate(rows[header]) if type(value) is str
                   and (key := header_key(value)) in index.fields}
    numeric = {c: name for name, c in columns.items()
               if model.column(name).kind in ("int", "number")}
    seq_col = columns.get("seq", -1)
    starts = frozenset({key[0] for key in head.values()} | set("*＊※"))
    data = SheetData(model, header + 1, dict(columns), [])
    data.above_header = sum(1 for row in rows[:header] if _first_filled(row) is not None)
    blanks = 0
    block: Block | None = None
    examples = {c: _example_text(model.column(name).example) for name, c in columns.items()
                if name != "seq" and model.column(name).example not in (None, "")}
    segment = 0  # records since the last block title or totals row (what a 小计 counts)
    for r in range(header + 1, len(rows)):
        values = rows[r]
        reason = _row_kind(values, r in merged, head, starts, seq_col)
        if reason == SKIP_EXAMPLE and not _is_template_example(values, examples):
            data.edited_examples.append(r + 1)  # data typed over the example: a record
            reason = None
        if reason is None:
            segment += 1
            data.skipped[SKIP_BLANK] += blanks
            blanks = 0
            data.rows.append((r + 1, values))
            if block is not None:
                block.rows.append(r + 1)
            continue
        if reason == SKIP_BLANK:
            blanks += 1
            continue
        data.skipped[SKIP_BLANK] += blanks
        blanks = 0
        data.skipped[reason] += 1
        if reason == SKIP_TITLE:
            block = Block(r + 1, _first_text(values))
            data.blocks.append(block)
            segment = 0
        elif reason == SKIP_FOOTER:
            data.claims.extend(_claims(r + 1, values, numeric, seq_col, segment))
            block = None
            segment = 0
        elif reason == SKIP_HEADER:
            block = block if block is not None and not block.rows else None
    return data


def _first_filled(values: list[object]) -> object | None:
    for value in values:
        if value is not None and value != "" and (type(value) is not str or value.strip()):
            return value
    return None


def _first_text(values: list[object]) -> str:
    """The first text of a row that is not a 序号 ('一', '（一）')."""
    return next((clean_text(v) for v in values if type(v) is str and v.strip()
                 and not _seq_like(v)), "")


_SEQ_LIKE = re.compile(r"^[（(]?[0-9一二三四五六七八九十]+[)）、.．]?$")


def _seq_like(value: object) -> bool:
    """1, '1', '一', '（一）', '3、' — what a 序号 cell holds, on a record or a block title."""
    if type(value) in (int, float):
        return True
    return type(value) is str and bool(_SEQ_LIKE.match(value.strip()))


def _row_kind(values: list[object], merged_across: bool, header_keys: dict[int, str],
              header_starts: frozenset[str], seq_col: int) -> str | None:
    """Why a row below the header is not a record (one of `SKIP_REASONS`), None for a record.

    Cheap for the usual record (a 序号 number, a name, a third value): three cells looked at.
    A row with a single value is a block title only when the value is merged across columns,
    states a count (``（49人）``) or a bracketed tail (``（续）``), or stands alone in the 序号
    column; otherwise it is a half-filled record and gets its required-missing errors.
    """
    if not merged_across and len(values) > 2:
        first, second, third = values[0], values[1], values[2]
        if (type(first) is float or type(first) is int) and type(second) is str and second \
                and third is not None and third != "":
            start = second.lstrip()[:1]
            if start and start not in _FOOTER_STARTS and start not in header_starts:
                return None
    filled: list[tuple[int, object]] = []
    seen: set[object] = set()
    for c, value in enumerate(values):
        if value is None or value == "" or (type(value) is str and not value.strip()):
            continue
        if merged_across and value in seen:
            continue  # the copies `_fill_merged` made of a merged title
        filled.append((c, value))
        seen.add(value)
        if len(filled) == 3:
            break
    if not filled:
        return SKIP_BLANK
    lead = next((v for _, v in filled if type(v) is str and not _seq_like(v)), None)
    first_col, first = filled[0]
    if type(first) is str and first.strip() == "示例":
        return SKIP_EXAMPLE
    if lead is not None:
        start = lead.lstrip()[:1]
        if start in _FOOTER_STARTS:  # the usual record's name never gets past this
            kind = _footer_kind(lead)
            if kind:
                return kind
        if start in header_starts and sum(
                1 for c, v in filled if type(v) is str and header_keys.get(c) == header_key(v)
        ) >= min(2, len(filled)) and _repeats_header(values, header_keys):
            return SKIP_HEADER
    if len(filled) == 1 and first_col == seq_col and _seq_like(first):
        return SKIP_NUMBERED
    if len(filled) == 1 and type(first) in (date, datetime):
        return SKIP_SIGNATURE  # a date alone under the table: 填表日期 without its label
    texts = [v for c, v in filled if not (c == seq_col and _seq_like(v))]
    if len(texts) == 1 and type(texts[0]) is str:
        text = _compact(texts[0])
        if merged_across or _TITLE_COUNT.search(text) or (len(text) >= 6 and _TITLE_TAIL.search(text)) \
                or (len(filled) == 1 and first_col == seq_col):
            return SKIP_TITLE
    return None


def _repeats_header(values: list[object], header_keys: dict[int, str]) -> bool:
    """At least half of the header's columns repeat their header text in this row."""
    same = sum(1 for c, key in header_keys.items()
               if c < len(values) and type(values[c]) is str and header_key(values[c]) == key)
    return same * 2 >= len(header_keys)


def _claims(row: int, values: list[object], numeric: dict[int, str], seq_col: int,
            segment: int) -> list[FooterClaim]:
    """Numbers a totals row states: counts written as ``300人`` (or a bare number under a text
    column), and totals under numeric columns; ``segment`` records precede it since the last
    title or totals row."""
    claims: list[FooterClaim] = []
    for c, value in enumerate(values):
        cell = f"{column_letter(c)}{row}"
        if type(value) in (int, float) and c != seq_col:
            claims.append(FooterClaim(row, cell, float(value), numeric.get(c, ""),  # type: ignore[arg-type]
                                      segment))
        elif type(value) is str:
            for match in _COUNT.finditer(_compact(value)):
                claims.append(FooterClaim(row, cell, float(match.group(1)), "", segment))
    return claims


def _example_text(value: object) -> str:
    return clean_text(value)


def _is_template_example(values: list[object], examples: dict[int, str]) -> bool:
    """True when a row marked 示例 still holds the template's example values (or nothing else):
    a clerk who typed real data over the example row gets it read (issue: every row read)."""
    for c, expected in examples.items():
        if c < len(values):
            found = values[c]
            if found not in (None, "") and _example_text(found) != expected:
                return False
    return True



__all__ = ["SKIP_BLANK", "SKIP_EXAMPLE", "SKIP_FOOTER", "SKIP_HEADER", "SKIP_NUMBERED",
           "SKIP_REASONS", "SKIP_SIGNATURE", "SKIP_TITLE", "Block", "FooterClaim", "SheetData",
           "block_team", "classify_rows"]
