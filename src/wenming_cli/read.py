"""Read workbooks (DESIGN.md §3): recognise what each sheet is, find headers, keep real Excel rows.

Reading goes through python-calamine (.xlsx/.xlsm/.xls). Hostile and broken files (DESIGN §9)
are refused by `guard` *before* calamine sees them; a file that cannot be read at all raises
`UnreadableFile` carrying one `Issue`.

What a sheet is (DESIGN §3, issue "every row … is read, or named"): every sheet is scored
against every sheet model by its header row — distinctive headers (身份证号码, 活动类别, 项目类型)
weigh far more than headers several models share (联系电话, 所在村（社区）) and 序号/备注 almost
nothing — with the sheet's name and the file's name as further evidence. The workbook's kind is
the hidden ``_wenming`` marker when present, else the kind whose models the sheets match best.
A sheet is read as a model only when the match is clear; every sheet of a model is read (a
roster split over 队员 and 队员（二） is one roster); a sheet that is another kind's or no
kind's is named in a warning, never dropped silently.

Inside a table (`classify_rows`), rows that are not records are recognised and counted, never
read as records: blank rows, the template's 示例 row, footer rows (合计/共计/小计/总计 with any
spacing, 填表人/审核人/制表/注：…), block title rows (one value, or one merged cell, inside a
table — a roster pasted team by team) and repeated header rows.

Formulas: calamine returns a formula's cached value; a formula saved without one (files written
by scripts, never by Excel/WPS) reads as blank, so such cells get ``formula-no-value``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .cells import clean_text, normalise_key
from .guard import (
    MAX_SHEET_ROWS,
    SheetScan,
    UnreadableFile,
    broken_file,
    check_container,
    encrypted_file,
    sheet_too_large,
    truncated_file,
)
from .issues import ERROR, WARNING, Issue, column_letter
from .schema import BY_KIND, MARKER_SHEET, WORKBOOKS, Col, SheetRow, WorkbookSpec

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HEADER_SEARCH_ROWS = 30
"""The header row is looked for in the first 30 rows (title and note lines may sit above it)."""
DEEP_HEADER_ROWS = 300
"""Further down than `HEADER_SEARCH_ROWS`, a header is only looked for to say where it is."""
FORM_SEARCH_ROWS = 60
FORM_SEARCH_COLUMNS = 8
MARKED_SUFFIX = "_问题标注"
"""Stem suffix of the highlighted copies written by ``validate --mark`` (never read back)."""
FORMULA_ISSUES_PER_SHEET = 20
"""At most this many ``formula-no-value`` issues per sheet; the rest are counted in one more."""
NOT_DATA_SHEETS = frozenset({MARKER_SHEET, "填表说明"})
"""Sheets of our own templates that hold no records."""

_EDGE_MARKS = re.compile(r"^[*＊※]+|(（必填）|\(必填\)|[*＊※])+$")


# ---------------------------------------------------------------- what was read


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


@dataclass
class WorkbookData:
    """One workbook read: its kind and its sheets, several per model where the clerk split one.

    ``marker_unit`` is the 填报单位 the template was made for (hidden marker), '' when unknown.
    ``sheets`` maps a model's sheet name (队员) to the sheets read as that model, in workbook order.
    """

    path: Path
    spec: WorkbookSpec
    sheets: dict[str, list[SheetData]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    marker_unit: str = ""

    def all_sheets(self) -> list[SheetData]:
        """Every sheet read, model by model in the spec's order."""
        return [sheet for model in self.spec.sheets for sheet in self.sheets.get(model.sheet_name, [])]


@dataclass(frozen=True)
class SheetSummary:
    """What was read from one sheet: ``records`` of model ``model`` (its sheet name, e.g. 队员)
    and the rows inside the table that are not records, by reason (`read.SKIP_REASONS`)."""

    file: str
    sheet: str
    model: str
    records: int
    counted_as: str
    skipped: tuple[tuple[str, int], ...] = ()
    form: bool = False

    def text(self) -> str:
        """'队员（二）：150 人（跳过：合计行 1、空行 3）' — one line of the reading summary."""
        if self.form:
            line = f"{self.sheet}：已填 {self.records} 项"
        else:
            line = f"{self.sheet}：{self.records} {self.counted_as}"
        if self.sheet != self.model:
            line += f"（按“{self.model}”读取）"
        shown = [(reason, n) for reason, n in self.skipped if reason != SKIP_EXAMPLE]
        if shown:  # the template's own 示例 row is not worth a word
            line += "（跳过：" + "、".join(f"{reason} {n}" for reason, n in shown) + "）"
        return line

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: file, sheet, model, records, skipped {reason: count}."""
        return {"file": self.file, "sheet": self.sheet, "model": self.model,
                "records": self.records, "skipped": dict(self.skipped)}


def header_key(text: object) -> str:
    """Normalised header: no spaces (any width), full-width brackets, no （必填） and no leading or
    trailing ``*``/``＊``/``※``."""
    if type(text) is str:
        return _header_key(text) if len(text) <= MAX_HEADER_LENGTH else text
    return _EDGE_MARKS.sub("", normalise_key(clean_text(text)))


MAX_HEADER_LENGTH = 40
"""Longer cell texts are never headers (the longest, 是否在全国志愿服务信息系统注册（必填）, has 21)."""


@lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    # the header search looks at the first 30 rows of every sheet for every model: the same
    # texts over and over (205,000 calls for the benchmark county, 1.2 s uncached)
    key = _base_key(text)
    if key not in _known_keys():
        bare = _HEADER_NOTE.sub("", key)  # 性别（男/女）, 公民身份号码(18位), 是否注册(是/否)
        if bare != key and bare in _known_keys():
            return bare
    return key


def _base_key(text: object) -> str:
    return _EDGE_MARKS.sub("", normalise_key(clean_text(text)))


_HEADER_NOTE = re.compile(r"（[^（）]*）$")


@cache
def _known_keys() -> frozenset[str]:
    return frozenset(key for index in _all_indexes().values() for key in index.fields)


def is_skipped_file(path: Path) -> bool:
    """Never read: Office lock files (``~$…``), hidden files, and the highlighted copies
    ``…_问题标注.xlsx``/``.xlsm`` that ``validate --mark`` writes next to the originals."""
    if path.name.startswith(("~$", ".")):
        return True
    return path.stem.endswith(MARKED_SUFFIX) and path.suffix.lower() in (".xlsx", ".xlsm")


# ---------------------------------------------------------------- header evidence

GENERIC_HEADERS = frozenset({"序号", "备注", "编号"})
"""Headers every table has: they say nothing about which table it is."""
MIN_TABLE_SCORE = 3.0
"""A header row must score at least this (e.g. one distinctive header and two shared ones)."""
CLEAR_MARGIN = 1.5
"""The best model must score this many times the next different one to be taken."""
NAME_BONUS = 3.0
"""Evidence from a sheet named like the model (队员, 队员（二）) or a file named like the kind."""


@dataclass(frozen=True)
class _Index:
    """A model's header keys: key → field, and each key's weight as evidence."""

    fields: dict[str, str]
    weights: dict[str, float]
    extra: dict[str, float]
    """Headers that are not columns of the model but point to it (志愿者编号 → 队员)."""


@cache
def _all_indexes() -> dict[type[SheetRow], _Index]:
    """`_Index` of every model: a key found in one model weighs 3, in two 1, in more 0.5;
    `GENERIC_HEADERS` 0.2."""
    keys: dict[type[SheetRow], dict[str, str]] = {}
    for spec in WORKBOOKS:
        for model in spec.sheets:
            found: dict[str, str] = {}
            for name, col in model.columns():
                for text in (col.header, *col.synonyms):
                    found.setdefault(_base_key(text), name)
            keys[model] = found
    share = Counter(key for found in keys.values() for key in found)
    out: dict[type[SheetRow], _Index] = {}
    for model, found in keys.items():
        weights = {key: 0.2 if key in GENERIC_HEADERS else
                   3.0 if share[key] == 1 else 1.0 if share[key] == 2 else 0.5 for key in found}
        extra = {_base_key(text): 3.0 for text in model.implied_by_headers()}
        out[model] = _Index(found, weights, extra)
    return out


@dataclass
class _Match:
    """How well one sheet matches one model."""

    model: type[SheetRow]
    score: float
    header: int = -1
    """0-based header row (tables); for forms the 0-based label column."""
    columns: dict[str, int] = field(default_factory=dict)
    decided: tuple[str, ...] = ()
    """The header texts that matched, most telling first (for messages)."""
    extra: tuple[str, ...] = ()


def header_keys(rows: list[list[object]], limit: int) -> list[list[str]]:
    """`header_key` of every short text cell of the first ``limit`` rows ('' elsewhere): what
    the header search of every model looks at, computed once per sheet."""
    return [[_header_key(v) if type(v) is str and v and len(v) <= MAX_HEADER_LENGTH else ""
             for v in row] for row in rows[:limit]]


def _table_match(keys: list[list[str]], model: type[SheetRow]) -> _Match:
    """The best header row of ``model`` among the rows of ``keys`` (`header_keys`)."""
    index = _all_indexes()[model]
    fields, weights, extras = index.fields, index.weights, index.extra
    best = _Match(model, 0.0)
    for r, row in enumerate(keys):
        found: dict[str, int] = {}
        texts: list[tuple[float, str]] = []
        extra: list[str] = []
        score = 0.0
        for c, key in enumerate(row):
            if not key:
                continue
            name = fields.get(key)
            if name is not None and name not in found:
                found[name] = c
                weight = weights[key]
                score += weight
                texts.append((weight, key))
            elif key in extras:
                score += extras[key]
                extra.append(key)
        if len(found) >= 2 and score > best.score:
            decided = tuple(text for _, text in sorted(texts, key=lambda t: -t[0]))
            best = _Match(model, score, r, found, decided, tuple(extra))
    return best


def _form_match(keys: list[list[str]], model: type[SheetRow]) -> _Match:
    """The column holding most of ``model``'s 项目 labels (the 项目 | 内容 pair may sit anywhere:
    behind an index column written by pandas, after an extra column, under a title)."""
    fields = _all_indexes()[model].fields
    per_column: dict[int, dict[str, int]] = {}
    for r, row in enumerate(keys[:FORM_SEARCH_ROWS]):
        for c, key in enumerate(row[:FORM_SEARCH_COLUMNS]):
            name = fields.get(key) if key else None
            if name is not None:
                per_column.setdefault(c, {}).setdefault(name, r)
    if not per_column:
        return _Match(model, 0.0)
    column, found = max(per_column.items(), key=lambda item: (len(item[1]), -item[0]))
    if len(found) < 2:
        return _Match(model, 0.0)
    decided = tuple(model.column(name).header for name in found)
    return _Match(model, 2.0 * len(found), column, found, decided)


def _match(keys: list[list[str]], model: type[SheetRow]) -> _Match:
    if model.layout == "form":
        return _form_match(keys, model)
    return _table_match(keys[:HEADER_SEARCH_ROWS], model)


# ---------------------------------------------------------------- open and read sheets


@dataclass
class _Book:
    """An open calamine workbook with its pre-scan; sheets read once and kept."""

    workbook: Any
    shown: str
    scans: dict[str, SheetScan]
    names: list[str]
    cache: dict[str, list[list[object]]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    merged: dict[str, set[int]] = field(default_factory=dict)
    """Sheet → 0-based rows holding a cell merged across columns."""
    keys: dict[str, list[list[str]]] = field(default_factory=dict)

    def header_keys(self, name: str) -> list[list[str]]:
        """`header_keys` of sheet ``name``'s first rows (kept)."""
        if name not in self.keys:
            self.keys[name] = header_keys(_sheet_rows(self, name),
                                          max(HEADER_SEARCH_ROWS, FORM_SEARCH_ROWS))
        return self.keys[name]


def _open(path: Path, shown: str) -> _Book:
    """Open ``path`` with python-calamine after the container checks of `guard`.

    Raises:
        UnreadableFile: unsupported format, empty, truncated, encrypted, unsafe, too large when
            unpacked, not Excel.
    """
    from python_calamine import CalamineWorkbook, PasswordError

    container = check_container(path, shown)
    try:
        if container.by_content:
            with path.open("rb") as stream:
                workbook = CalamineWorkbook.from_filelike(stream)
        else:
            workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        hidden = _hidden_sheets(workbook)
    except PasswordError as exc:
        raise UnreadableFile(encrypted_file(shown)) from exc
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise UnreadableFile(broken_file(shown)) from exc
    return _Book(workbook, shown, container.sheets, names, hidden=hidden)


def _hidden_sheets(workbook: Any) -> frozenset[str]:
    """Names of the sheets a clerk cannot see in Excel/WPS (hidden or very hidden)."""
    from python_calamine import SheetVisibleEnum

    return frozenset(sheet.name for sheet in getattr(workbook, "sheets_metadata", [])
                     if sheet.visible != SheetVisibleEnum.Visible)


def _sheet_rows(book: _Book, name: str) -> list[list[object]]:
    """Every row of sheet ``name`` (empty cells as ''); [] for a sheet too large to read.

    Raises:
        UnreadableFile: calamine cannot parse the sheet (file-unreadable).
    """
    scan = book.scans.get(name)
    if scan is not None and scan.too_large:
        return []
    if name not in book.cache:
        try:
            sheet = book.workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            book.merged[name] = _fill_merged(rows, sheet.merged_cell_ranges or [])
            book.cache[name] = rows
        except Exception as exc:  # calamine's XmlError, ZipError, CalamineError …
            raise UnreadableFile(truncated_file(book.shown)) from exc
    return book.cache[name]


def _fill_merged(rows: list[list[object]], ranges: list[Any]) -> set[int]:
    """Give every cell of a merged range its top-left value (a clerk merges 所属队伍 over the rows
    of one team; Excel keeps the value in the first cell only). Returns the 0-based rows whose
    top-left cell is merged across columns (block titles)."""
    across: set[int] = set()
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        if c1 > c0:
            across.add(r0)
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] in ("", None):
                    row[c] = value
    return across


def _marker(book: _Book) -> dict[str, str]:
    """The hidden marker sheet's key/value lines ('kind', 'version', 'unit'), {} when absent."""
    if MARKER_SHEET not in book.names:
        return {}
    return {str(row[0]): str(row[1]) for row in _sheet_rows(book, MARKER_SHEET)[:5]
            if len(row) > 1 and row[0] in ("kind", "version", "unit") and row[1] not in ("", None)}


# ---------------------------------------------------------------- which sheet is which


def _named_like(sheet: str, model: type[SheetRow]) -> bool:
    """队员, 队员（二）, 队员2 — a sheet named after the model."""
    return normalise_key(sheet).startswith(model.sheet_name)


def _evidence(sheet: str, model: type[SheetRow], match: _Match) -> float:
    if match.score <= 0:
        return 0.0
    return match.score + (NAME_BONUS if _named_like(sheet, model) else 0.0)


def _file_named_like(path: Path, spec: WorkbookSpec) -> bool:
    return path.name == spec.file_name or any(word in path.stem for word in spec.keywords)


@dataclass
class _Candidates:
    """Every model's match on one sheet, best first."""

    sheet: str
    matches: list[tuple[float, _Match]]

    def best(self, models: tuple[type[SheetRow], ...] | None = None) -> tuple[float, _Match] | None:
        for value, match in self.matches:
            if models is None or match.model in models:
                return value, match
        return None


def _candidates(book: _Book, sheet: str) -> _Candidates:
    keys = book.header_keys(sheet)
    found: list[tuple[float, _Match]] = []
    for spec in WORKBOOKS:
        for model in spec.sheets:
            match = _match(keys, model)
            if match.score >= (MIN_TABLE_SCORE if model.layout == "table" else 4.0):
                found.append((_evidence(sheet, model, match), match))
    found.sort(key=lambda item: -item[0])
    return _Candidates(sheet, found)


def _spec_of(model: type[SheetRow]) -> WorkbookSpec:
    return next(spec for spec in WORKBOOKS if model in spec.sheets)


def _guess_kind(path: Path, candidates: list[_Candidates]) -> WorkbookSpec | None:
    """The kind whose models the sheets match best, the file name counting as evidence; by the
    file name alone when no sheet matches (its headers are then reported missing)."""
    totals: dict[str, float] = {}
    for spec in WORKBOOKS:
        total = 0.0
        for found in candidates:
            best = found.best(spec.sheets)
            if best is not None:
                total += best[0]
        if total > 0 and _file_named_like(path, spec):
            total += NAME_BONUS
        totals[spec.kind] = total
    kind, total = max(totals.items(), key=lambda item: item[1])
    if total > 0:
        return BY_KIND[kind]
    return next((spec for spec in WORKBOOKS if _file_named_like(path, spec)), None)


def read_workbook(path: Path, shown: str | None = None) -> WorkbookData | None:
    """Read one workbook. Returns None when it is not one of the four kinds (not ours).

    Raises:
        UnreadableFile: the file cannot be opened at all.
    """
    shown = shown or str(path)
    book = _open(path, shown)
    marker = _marker(book)
    sheets = [name for name in book.names if name not in NOT_DATA_SHEETS]
    hidden = [name for name in sheets if name in book.hidden]
    sheets = [name for name in sheets if name not in book.hidden]
    usable = [name for name in sheets if not book.scans.get(name, SheetScan()).too_large]
    candidates = [_candidates(book, name) for name in usable]
    kind = marker.get("kind", "")
    spec = BY_KIND[kind] if kind in BY_KIND else _guess_kind(path, candidates)
    if spec is None:
        return None
    data = WorkbookData(path, spec, marker_unit=marker.get("unit", ""))
    for name in hidden:
        if not book.scans.get(name, SheetScan()).too_large and _has_content(_sheet_rows(book, name)):
            data.issues.append(Issue(
                shown, name, "", 0, "", "", "sheet-hidden", WARNING,
                f"工作表“{name}”是隐藏的，没有读取",
                "如果其中有要报送的数据，请在 WPS/Excel 中右键工作表标签→“取消隐藏”，再运行校验；"
                "不需要的话可以删除这个工作表。"))
    assigned = _assign(book, spec, candidates, data.issues)
    for name in sheets:
        if name not in usable:
            data.issues.append(sheet_too_large(shown, name, book.scans[name]))
    for model in spec.sheets:
        names = assigned.get(model, [])
        if not names:
            if not any(normalise_key(n) == model.sheet_name for n in sheets if n not in usable):
                data.issues.append(_absent(book, model, usable))  # a too-large one is reported
            continue
        if model.layout == "form":
            names = names[:1]
        if not any(_named_like(n, model) for n in names):
            data.issues.append(Issue(
                shown, names[0], "", 0, "", "", "sheet-renamed", WARNING,
                f"没有名为“{model.sheet_name}”的工作表，已按表头把“{'”“'.join(names)}”当作"
                f"“{model.sheet_name}”读取", f"建议把工作表“{names[0]}”改名为“{model.sheet_name}”。"))
        own = any(_named_like(n, model) for n in names)
        read: list[SheetData] = []
        for name in names:
            sheet = _read_sheet(book, model, name, data.issues)
            if sheet is None:
                continue
            read.append(sheet)
            if own and not _named_like(name, model):
                data.issues.append(Issue(
                    shown, name, "", 0, "", "", "sheet-added", WARNING,
                    f"工作表“{name}”的表头与“{model.sheet_name}”相同，已一并作为“{model.sheet_name}”读取"
                    f"（{len(sheet.rows)} {model.counted_as}）",
                    f"如果这张表不该计入（如已退出人员、往年名单），请把它移出本文件；"
                    f"如果该计入，建议改名为“{model.sheet_name}（二）”。"))
        total = sum(len(sheet.rows) for sheet in read)
        if len(read) > 1 and total > MAX_SHEET_ROWS:
            # the guard caps each sheet; a unit's records of one kind are capped together, so
            # that splitting a roster over sheets cannot take a report past its memory budget
            data.issues.append(Issue(
                shown, "、".join(sheet.sheet_name for sheet in read), "", 0, "", "",
                "sheet-too-many-rows", ERROR,
                f"“{model.sheet_name}”的 {len(read)} 个工作表合计 {total:,} 行，远超一个单位的数据量"
                f"（最多 {MAX_SHEET_ROWS:,} 行），不读取",
                "多半是误填或重复粘贴的行：请删掉多余的行、重复的工作表后再保存。"))
            continue
        if read:
            data.sheets[model.sheet_name] = read
    return data


def _assign(book: _Book, spec: WorkbookSpec, candidates: list[_Candidates],
            issues: list[Issue]) -> dict[type[SheetRow], list[str]]:
    """Which sheets are read as which model of ``spec``; sheets that are not are named in a
    warning (``sheet-other-kind``, ``sheet-unknown``) or, when two models fit, ``sheet-ambiguous``."""
    assigned: dict[type[SheetRow], list[str]] = {}
    for found in candidates:
        sheet = found.sheet
        named = next((m for m in spec.sheets if normalise_key(sheet) == m.sheet_name), None)
        mine = found.best(spec.sheets)
        overall = found.best()
        if named is not None and (mine is None or mine[1].model is named or overall is None):
            assigned.setdefault(named, []).append(sheet)  # its header may still be missing
            continue
        if mine is None:
            if overall is not None:
                issues.append(_other_kind(book.shown, sheet, overall[1]))
            elif _has_content(_sheet_rows(book, sheet)):
                issues.append(Issue(
                    book.shown, sheet, "", 0, "", "", "sheet-unknown", WARNING,
                    f"工作表“{sheet}”认不出是哪张表（表头与模板都对不上），没有读取",
                    "如果这张表里有要报送的数据，请按模板的表头填写，或把数据复制到模板对应的工作表中。"))
            continue
        value, match = mine
        if overall is not None and overall[1].model not in spec.sheets and overall[0] > value * CLEAR_MARGIN:
            issues.append(_other_kind(book.shown, sheet, overall[1]))
            continue
        rival = next(((v, m) for v, m in found.matches if m.model is not match.model
                      and m.model in spec.sheets), None)
        if rival is not None and rival[0] * CLEAR_MARGIN > value and not _named_like(sheet, match.model):
            issues.append(Issue(
                book.shown, sheet, "", 0, "", "", "sheet-ambiguous", ERROR,
                f"工作表“{sheet}”既像“{match.model.sheet_name}”（表头有{_quote(match.decided)}），"
                f"又像“{rival[1].model.sheet_name}”（表头有{_quote(rival[1].decided)}），没有读取",
                f"请把工作表改名为“{match.model.sheet_name}”或“{rival[1].model.sheet_name}”，"
                "并按模板的表头填写。"))
            continue
        assigned.setdefault(match.model, []).append(sheet)
    return assigned


def _quote(texts: tuple[str, ...]) -> str:
    return "“" + "”“".join(texts[:3]) + "”"


def _other_kind(shown: str, sheet: str, match: _Match) -> Issue:
    spec = _spec_of(match.model)
    return Issue(shown, sheet, "", 0, "", "", "sheet-other-kind", WARNING,
                 f"工作表“{sheet}”看起来是《{spec.title}》的“{match.model.sheet_name}”"
                 f"（表头有{_quote(match.decided)}），不属于这个文件，没有读取",
                 f"请把这张表移到《{spec.title}》（{spec.file_name}）中。")


def _has_content(rows: list[list[object]]) -> bool:
    return any(v is not None and v != "" and (type(v) is not str or v.strip())
               for row in rows for v in row)


def _absent(book: _Book, model: type[SheetRow], sheets: list[str]) -> Issue:
    """sheet-missing, or header-not-found when a sheet of that name has no usable header."""
    shown, name = book.shown, model.sheet_name
    same = next((s for s in sheets if normalise_key(s) == name), None)
    if same is None:
        return Issue(shown, name, "", 0, "", "", "sheet-missing", ERROR,
                     f"缺少工作表“{name}”",
                     f"请从模板中复制“{name}”工作表，或把对应的工作表改名为“{name}”。")
    rows = _sheet_rows(book, same)
    if model.layout == "table":
        deep = _table_match(header_keys(rows, DEEP_HEADER_ROWS), model)
        if deep.header >= HEADER_SEARCH_ROWS:
            return Issue(shown, same, f"A{deep.header + 1}", deep.header + 1, "A", "",
                         "header-not-found", ERROR,
                         f"工作表“{same}”的表头在第 {deep.header + 1} 行，上面有太多说明文字",
                         f"请删除表头上方的说明行（表头要在前 {HEADER_SEARCH_ROWS} 行内），"
                         "说明文字可以放到表格下方或另一个工作表。")
    examples = "“" + "”“".join([col.header for _, col in model.columns() if col.required][:3]) + "”"
    what = "项目名称（如" if model.layout == "form" else "表头行（如"
    return Issue(shown, same, "", 0, "", "", "header-not-found", ERROR,
                 f"工作表“{same}”前 {HEADER_SEARCH_ROWS} 行里找不到表头",
                 f"请保留模板的{what}{examples}），不要删改这些文字。")


def _read_sheet(book: _Book, model: type[SheetRow], sheet_name: str,
                issues: list[Issue]) -> SheetData | None:
    """Sheet ``sheet_name`` read as ``model``; None (with an issue) when it has no header."""
    shown = book.shown
    scan = book.scans.get(sheet_name, SheetScan())
    rows = _sheet_rows(book, sheet_name)
    match = _match(book.header_keys(sheet_name), model)
    if match.score <= 0 or (model.layout == "table" and match.header < 0):
        issues.append(_absent(book, model, [sheet_name]))
        return None
    if model.layout == "form":
        data = _read_form(rows, model, match)
    else:
        data = classify_rows(rows, model, match.header, match.columns,
                             book.merged.get(sheet_name, set()))
        issues.extend(_column_issues(shown, sheet_name, rows, model, match, data))
        issues.extend(Issue(shown, sheet_name, f"A{r}", r, "A", "", "example-row-edited", WARNING,
                            f"第 {r} 行 A 列写着“示例”，但内容已经改成了实际数据，已按数据读取",
                            "请删除 A 列的“示例”两个字（或填上序号），以免被当成模板的示例行。")
                      for r in data.edited_examples)
        implied = model.implied_by_headers()
        for name, col in model.columns():
            if name in match.columns:
                continue
            source = next((text for text, (target, _) in implied.items()
                           if target == name and header_key(text) in match.extra), None)
            if source is not None:
                data.implied[name] = implied[source][1]
                issues.append(Issue(
                    shown, sheet_name, f"A{data.header_row}", data.header_row, "", col.header,
                    "column-implied", WARNING,
                    f"没有“{col.header}”列，表中有“{source}”，按全国志愿服务信息系统导出的名单处理："
                    f"{len(data.rows)} 人都计为“{implied[source][1]}”",
                    f"如果不是全部已注册，请加上“{col.header}”列逐人填写。"))
            elif col.required:
                issues.append(_missing_column(shown, sheet_name, data.header_row, col))
    data.name = sheet_name
    data.formula_cells = set(scan.formulas)
    if model.layout == "table":  # a formula in a 合计 row is no record's problem
        records = {r for r, _ in data.rows}
        formulas = [(r, c) for r, c in scan.formulas if r in records]
    else:
        formulas = list(scan.formulas)
    issues.extend(_formula_issues(shown, data, formulas))
    return data


def _column_issues(shown: str, sheet: str, rows: list[list[object]], model: type[SheetRow],
                   match: _Match, data: SheetData) -> list[Issue]:
    """Header cells that are not read: a column of the model written twice (two rosters side by
    side: error, the right one is not read) and a header that is not a column of the model but
    has data under it (warning: its values are not read)."""
    from difflib import get_close_matches

    header = rows[match.header]
    fields = _all_indexes()[model].fields
    extras = _all_indexes()[model].extra
    known = [col.header for _, col in model.columns()]
    twice: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    for c, value in enumerate(header):
        if type(value) is not str or not value.strip() or c in match.columns.values():
            continue
        key = header_key(value)
        if key in fields:
            twice.append((c, clean_text(value)))
        elif key not in extras and any(c < len(v) and v[c] not in (None, "") for _, v in data.rows):
            unknown.append((c, clean_text(value)))
    out: list[Issue] = []
    row = match.header + 1
    if len(twice) >= 2:
        letters = column_letter(twice[0][0])
        out.append(Issue(
            shown, sheet, f"{letters}{row}", row, letters, "", "header-duplicated", ERROR,
            f"表头中{_quote(tuple(t for _, t in twice))}等 {len(twice)} 列出现了两次："
            f"表格像是左右并排放了两份，{letters} 列起右边那份没有读取",
            "请把右边的名单剪切、粘贴到左边名单的下方（只保留一行表头），再运行校验。"))
    elif twice:
        unknown += twice
    for c, text in unknown:
        letter = column_letter(c)
        close = get_close_matches(text, known, n=1, cutoff=0.5)
        hint = (f"如果这一列就是“{close[0]}”，请把表头改成“{close[0]}”；" if close else "")
        out.append(Issue(
            shown, sheet, f"{letter}{row}", row, letter, text, "column-unknown", WARNING,
            f"表头“{text}”不是模板中的列（或重复了），这一列的内容没有读取",
            hint + "模板的列名见“填表说明”工作表；不需要报送的列可以不管。"))
    return out


def _missing_column(shown: str, sheet: str, header_row: int, col: Col) -> Issue:
    return Issue(
        shown, sheet, f"A{header_row}", header_row, "", col.header, "column-missing", ERROR,
        f"表头里缺少必填列“{col.header}”",
        f"请在第 {header_row} 行表头中加上“{col.header}”列（可从模板复制）。",
    )


# ---------------------------------------------------------------- rows inside a table

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
    index = _all_indexes()[model]
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


# ---------------------------------------------------------------- form sheets


def _read_form(rows: list[list[object]], model: type[SheetRow], match: _Match) -> SheetData:
    """Form sheets: the 项目 labels in one column (wherever it is), the 内容 in the column to
    its right; one synthetic row of values."""
    label_col = match.header
    columns: dict[str, int] = {}
    values: list[object] = []
    cells: dict[str, tuple[int, int]] = {}
    for name, r in match.columns.items():
        row = rows[r]
        value_col = label_col + 1
        while value_col < len(row) and row[value_col] == row[label_col]:
            value_col += 1  # a label merged over two cells: `_fill_merged` copied it
        columns[name] = len(values)
        values.append(row[value_col] if value_col < len(row) else None)
        cells[name] = (r + 1, value_col)
    return SheetData(model, 0, columns, [(0, values)], cells)


# ---------------------------------------------------------------- formulas

_FORMULA_HINT = ("这个文件可能是由软件自动生成的，公式还没有计算。请用 WPS 或 Excel 打开本文件，"
                 "直接点“保存”（公式会自动算出结果），再运行校验。")


def _formula_field(sheet: SheetData, row: int, col: int) -> str:
    """Field name of the cell at (Excel row, 0-based column) in a data line, '' otherwise."""
    if sheet.model.layout == "form":
        return next((f for f, cell in sheet.form_cells.items() if cell == (row, col)), "")
    if row <= sheet.header_row:
        return ""
    return next((f for f, c in sheet.columns.items() if c == col), "")


def _formula_issues(shown: str, sheet: SheetData,
                    formulas: list[tuple[int, int]]) -> list[Issue]:
    """``formula-no-value`` per formula cell saved without a value (error in a required
    column, else warning), at most `FORMULA_ISSUES_PER_SHEET`, then one summary issue."""
    issues: list[Issue] = []
    name = sheet.sheet_name
    for row, col in sorted(formulas)[:FORMULA_ISSUES_PER_SHEET]:
        field_name = _formula_field(sheet, row, col)
        spec = sheet.model.column(field_name) if field_name else None
        severity = ERROR if spec is not None and spec.required else WARNING
        letter = column_letter(col)
        issues.append(Issue(shown, name, f"{letter}{row}", row, letter,
                            spec.header if spec else "", "formula-no-value", severity,
                            "单元格是公式，但文件中没有保存公式的计算结果", _FORMULA_HINT))
    extra = len(formulas) - FORMULA_ISSUES_PER_SHEET
    if extra > 0:
        issues.append(Issue(shown, name, "", 0, "", "", "formula-no-value", WARNING,
                            f"另有 {extra} 个公式单元格也没有保存计算结果", _FORMULA_HINT))
    return issues


def is_formula_cell(sheet: SheetData, field_name: str, row: int) -> bool:
    """True when ``field_name`` of Excel row ``row`` is a formula saved without a value (it
    already has a ``formula-no-value`` issue, so a ``required-missing`` would mislead)."""
    if sheet.model.layout == "form":
        cell = sheet.form_cells.get(field_name)
        return cell is not None and cell in sheet.formula_cells
    col = sheet.columns.get(field_name)
    return col is not None and (row, col) in sheet.formula_cells


__all__ = [
    "EXCEL_SUFFIXES", "SKIP_REASONS", "SheetData", "SheetSummary", "WorkbookData", "block_team",
    "classify_rows", "header_key", "is_formula_cell", "is_skipped_file", "read_workbook",
]
