"""Read workbooks (DESIGN.md §3): recognise the kind, find headers, keep real Excel row numbers.

Reading goes through python-calamine (.xlsx/.xlsm/.xls). A workbook is recognised by the hidden
``_wenming`` marker, else by its sheets' header rows, else by file-name keywords. A file that
cannot be read at all raises `UnreadableFile` carrying one `Issue`; problems with columns are
returned as issues alongside the data.

Hostile and broken files (DESIGN §9) are refused by `guard` *before* calamine sees them.

Formulas: calamine returns a formula's cached value; a formula saved without one (files written
by scripts, never by Excel/WPS) reads as blank, so such cells get ``formula-no-value``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import clean_text, normalise_key
from .guard import (
    MAX_SHEET_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    SAVE_AS_SUFFIXES,
    SheetScan,
    UnreadableFile,
    _broken,
    _check_container,
    _encrypted,
    _sheet_too_large,
    _truncated,
)
from .issues import ERROR, WARNING, Issue, column_letter
from .schema import BY_KIND, MARKER_SHEET, WORKBOOKS, Col, SheetRow, WorkbookSpec

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HEADER_SEARCH_ROWS = 10
MARKED_SUFFIX = "_问题标注"
"""Stem suffix of the highlighted copies written by ``validate --mark`` (never read back)."""
FORMULA_ISSUES_PER_SHEET = 20
"""At most this many ``formula-no-value`` issues per sheet; the rest are counted in one more."""

_TRAILING_REQUIRED = re.compile(r"(（必填）|\*|＊)+$")


@dataclass
class SheetData:
    """The data rows of one sheet.

    Attributes:
        columns: field name → 0-based column index, for the columns found.
        rows: (Excel row number, cell values) for every non-blank data row.
        form_rows: for form sheets (基本情况, 小结), field name → Excel row of its line.
        formula_cells: (Excel row, 0-based column) of formulas saved without a value; they read
            as blank, and already carry a ``formula-no-value`` issue.
    """

    model: type[SheetRow]
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, list[object]]]
    form_rows: dict[str, int] = field(default_factory=dict)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    name: str = ""
    """The sheet's real name in the file (differs from the model's when found by its headers)."""

    @property
    def sheet_name(self) -> str:
        """The name to show the user: the real sheet name."""
        return self.name or self.model.sheet_name


@dataclass
class WorkbookData:
    """One workbook read: its kind and the sheets found (missing sheets are issues).

    ``marker_unit`` is the 填报单位 the template was made for (hidden marker), '' when unknown.
    """

    path: Path
    spec: WorkbookSpec
    sheets: dict[str, SheetData] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    marker_unit: str = ""


def header_key(text: object) -> str:
    """Normalised header: no spaces (any width), full-width brackets, no trailing （必填）/*."""
    return _TRAILING_REQUIRED.sub("", normalise_key(clean_text(text)))


def _header_index(model: type[SheetRow]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, col in model.columns():
        for text in (col.header, *col.synonyms):
            index[header_key(text)] = name
    return index


def is_skipped_file(path: Path) -> bool:
    """Never read: Office lock files (``~$…``), hidden files, and the highlighted copies
    ``…_问题标注.xlsx``/``.xlsm`` that ``validate --mark`` writes next to the originals."""
    if path.name.startswith(("~$", ".")):
        return True
    return path.stem.endswith(MARKED_SUFFIX) and path.suffix.lower() in (".xlsx", ".xlsm")


@dataclass
class _Book:
    """An open calamine workbook with its pre-scan; sheets read once and kept."""

    workbook: Any
    shown: str
    scans: dict[str, SheetScan]
    names: list[str]
    cache: dict[str, list[list[object]]] = field(default_factory=dict)


def open_workbook(path: Path, shown: str | None = None) -> object:
    """Open ``path`` with python-calamine after the container checks (see the module docstring).

    Raises:
        UnreadableFile: unsupported format, empty, truncated, encrypted, unsafe, too large when
            unpacked, not Excel.
    """
    return _open(path, shown or str(path)).workbook


def _open(path: Path, shown: str) -> _Book:
    """`open_workbook` keeping the sheet scans. Raises UnreadableFile."""
    from python_calamine import CalamineWorkbook, PasswordError

    container = _check_container(path, shown)
    try:
        if container.by_content:
            with path.open("rb") as stream:
                workbook = CalamineWorkbook.from_filelike(stream)
        else:
            workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except PasswordError as exc:
        raise UnreadableFile(_encrypted(shown)) from exc
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise UnreadableFile(_broken(shown)) from exc
    return _Book(workbook, shown, container.sheets, names)


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
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            book.cache[name] = rows
        except Exception as exc:  # calamine's XmlError, ZipError, CalamineError …
            raise UnreadableFile(_truncated(book.shown)) from exc
    return book.cache[name]


def _fill_merged(rows: list[list[object]], ranges: list[Any]) -> None:
    """Give every cell of a merged range its top-left value (a clerk merges 所属队伍 over the rows
    of one team; Excel keeps the value in the first cell only)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] in ("", None):
                    row[c] = value


def _marker(book: _Book) -> dict[str, str]:
    """The hidden marker sheet's key/value lines ('kind', 'version', 'unit'), {} when absent."""
    if MARKER_SHEET not in book.names:
        return {}
    return {str(row[0]): str(row[1]) for row in _sheet_rows(book, MARKER_SHEET)[:5]
            if len(row) > 1 and row[0] in ("kind", "version", "unit") and row[1] not in ("", None)}


def _find_header(rows: list[list[object]], model: type[SheetRow]) -> tuple[int, dict[str, int]]:
    """(0-based header row, field → column) with the most matching headers, or (-1, {})."""
    index = _header_index(model)
    best_row, best = -1, dict[str, int]()
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            key = header_key(value)
            if key in index and index[key] not in found:
                found[index[key]] = c
        if len(found) > len(best):
            best_row, best = r, found
    minimum = 1 if len(model.columns()) <= 2 else 2
    return (best_row, best) if len(best) >= minimum else (-1, {})


def _guess_kind(book: _Book, path: Path) -> WorkbookSpec | None:
    names = book.names
    for spec in WORKBOOKS:
        for model in spec.sheets:
            if model.layout == "table" and model.sheet_name in names:
                row, _ = _find_header(_sheet_rows(book, model.sheet_name), model)
                if row >= 0:
                    return spec
    for spec in WORKBOOKS:  # headers on a renamed sheet
        for name in names:
            for model in spec.sheets:
                if model.layout == "table" and _find_header(_sheet_rows(book, name), model)[0] >= 0:
                    return spec
    for spec in WORKBOOKS:
        if any(word in path.stem for word in spec.keywords):
            return spec
    return None


def read_workbook(path: Path, shown: str | None = None) -> WorkbookData | None:
    """Read one workbook. Returns None when it is not one of the four kinds (not ours).

    Raises:
        UnreadableFile: the file cannot be opened at all.
    """
    shown = shown or str(path)
    book = _open(path, shown)
    marker = _marker(book)
    kind = marker.get("kind", "")
    spec = BY_KIND[kind] if kind in BY_KIND else _guess_kind(book, path)
    if spec is None:
        return None
    data = WorkbookData(path, spec, marker_unit=marker.get("unit", ""))
    for model in spec.sheets:
        sheet = _read_sheet(book, model, data.issues)
        if sheet is not None:
            data.sheets[model.sheet_name] = sheet
    return data


def _read_sheet(book: _Book, model: type[SheetRow], issues: list[Issue]) -> SheetData | None:
    """One sheet of the workbook's kind; None (with an issue) when missing or unreadable."""
    shown, sheet_name = book.shown, model.sheet_name
    if sheet_name not in book.names:
        renamed = _renamed_sheet(book, model)
        if renamed is None:
            issues.append(Issue(shown, sheet_name, "", 0, "", "", "sheet-missing", ERROR,
                                f"缺少工作表“{sheet_name}”",
                                f"请从模板中复制“{sheet_name}”工作表，或把对应的工作表改名为“{sheet_name}”。"))
            return None
        issues.append(Issue(shown, renamed, "", 0, "", "", "sheet-renamed", WARNING,
                            f"没有名为“{sheet_name}”的工作表，已按表头读取“{renamed}”",
                            f"建议把工作表“{renamed}”改名为“{sheet_name}”。"))
        sheet_name = renamed
    scan = book.scans.get(sheet_name, SheetScan())
    if scan.too_large:
        issues.append(_sheet_too_large(shown, sheet_name, scan))
        return None
    rows = _sheet_rows(book, sheet_name)
    if model.layout == "form":
        data = _read_form(rows, model)
    else:
        header, columns = _find_header(rows, model)
        if header < 0:
            issues.append(Issue(shown, sheet_name, "", 0, "", "", "header-not-found", ERROR,
                                f"工作表“{sheet_name}”前 {HEADER_SEARCH_ROWS} 行里找不到表头",
                                "请保留模板的表头行（如“姓名”“身份证号码”），不要删改表头文字。"))
            return None
        for name, col in model.columns():
            if col.required and name not in columns:
                issues.append(_missing_column(shown, sheet_name, header + 1, col))
        data = SheetData(model, header + 1, columns, _data_rows(rows, header))
    data.name = sheet_name
    data.formula_cells = set(scan.formulas)
    issues.extend(_formula_issues(shown, data, scan.formulas))
    return data


def _renamed_sheet(book: _Book, model: type[SheetRow]) -> str | None:
    """A sheet with another name whose header row matches ``model`` (table sheets only)."""
    if model.layout != "table":
        return None
    known = {m.sheet_name for spec in WORKBOOKS for m in spec.sheets} | {MARKER_SHEET, "填表说明"}
    best, best_count = None, 1
    for name in book.names:
        if name in known or book.scans.get(name, SheetScan()).too_large:
            continue
        found = _find_header(_sheet_rows(book, name), model)[1]
        if len(found) > best_count:
            best, best_count = name, len(found)
    return best


def _missing_column(shown: str, sheet: str, header_row: int, col: Col) -> Issue:
    return Issue(
        shown, sheet, f"A{header_row}", header_row, "", col.header, "column-missing", ERROR,
        f"表头里缺少必填列“{col.header}”",
        f"请在第 {header_row} 行表头中加上“{col.header}”列（可从模板复制）。",
    )


_FORMULA_HINT = ("这个文件可能是由软件自动生成的，公式还没有计算。请用 WPS 或 Excel 打开本文件，"
                 "直接点“保存”（公式会自动算出结果），再运行校验。")


def _formula_field(sheet: SheetData, row: int, col: int) -> str:
    """Field name of the cell at (Excel row, 0-based column) in a data line, '' otherwise."""
    if sheet.model.layout == "form":
        return next((f for f, r in sheet.form_rows.items() if r == row and col == 1), "")
    if row <= sheet.header_row:
        return ""
    return next((f for f, c in sheet.columns.items() if c == col), "")


def _formula_issues(shown: str, sheet: SheetData,
                    formulas: list[tuple[int, int]]) -> list[Issue]:
    """``formula-no-value`` per formula cell saved without a value (error in a required
    column, else warning), at most `FORMULA_ISSUES_PER_SHEET`, then one summary issue."""
    issues: list[Issue] = []
    name = sheet.model.sheet_name
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
        return (sheet.form_rows.get(field_name, 0), 1) in sheet.formula_cells
    col = sheet.columns.get(field_name)
    return col is not None and (row, col) in sheet.formula_cells


FOOTER_WORDS = ("合计", "总计", "小计", "填表人", "填报人", "制表", "审核", "单位负责人", "负责人签字",
                "填表日期", "填报日期", "注：", "说明：", "备注：")
"""A row whose first filled cell starts with one of these is a table footer, not data."""


def _skipped(values: list[object]) -> bool:
    """True for a blank row (only empty or white-space cells), a footer row (its first filled
    cell starts with one of `FOOTER_WORDS`) and the template's 示例 row (column A '示例')."""
    first = values[0] if values else None
    if first is not None and first != "" and type(first) is not str:
        return False  # the usual data row: a 序号 number in column A
    filled = next((v for v in values
                   if v is not None and v != "" and (type(v) is not str or v.strip())), None)
    if filled is None:
        return True
    if type(first) is str and first.strip() == "示例":
        return True
    return isinstance(filled, str) and filled.strip().replace(" ", "").startswith(FOOTER_WORDS)


def _data_rows(rows: list[list[object]], header: int) -> list[tuple[int, list[object]]]:
    """Data rows below the header: blank rows, the template's 示例 row and footers skipped."""
    return [(r + 1, rows[r]) for r in range(header + 1, len(rows)) if not _skipped(rows[r])]


def _read_form(rows: list[list[object]], model: type[SheetRow]) -> SheetData:
    """Form sheets: 项目 in column A, 内容 in column B; one synthetic row of values."""
    index = _header_index(model)
    columns: dict[str, int] = {}
    values: list[object] = []
    rows_of: dict[str, int] = {}
    for r, row in enumerate(rows):
        if not row:
            continue
        key = header_key(row[0])
        if key in index and index[key] not in columns:
            columns[index[key]] = len(values)
            values.append(row[1] if len(row) > 1 else None)
            rows_of[index[key]] = r + 1
    return SheetData(model, 0, columns, [(0, values)], rows_of)


def form_cell(sheet: SheetData, field_name: str) -> tuple[int, str]:
    """(row, 'B7') of a form sheet's value cell for ``field_name``; (0, '') when absent."""
    row = sheet.form_rows.get(field_name, 0)
    return row, (f"{column_letter(1)}{row}" if row else "")


__all__ = [
    "EXCEL_SUFFIXES", "MAX_SHEET_CELLS", "MAX_UNCOMPRESSED_BYTES", "SAVE_AS_SUFFIXES",
    "SheetData", "SheetScan", "UnreadableFile", "WorkbookData", "form_cell", "is_formula_cell",
    "is_skipped_file", "open_workbook", "read_workbook",
]
