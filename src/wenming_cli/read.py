"""Read workbooks (DESIGN.md §3): recognise the kind, find headers, keep real Excel row numbers.

Reading goes through python-calamine (.xlsx/.xlsm/.xls). A workbook is recognised by the hidden
``_wenming`` marker, else by its sheets' header rows, else by file-name keywords. A file that
cannot be read at all raises `UnreadableFile` carrying one `Issue`; problems with columns are
returned as issues alongside the data.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .cells import clean_text, normalise_key
from .issues import ERROR, Issue, column_letter, file_issue
from .schema import BY_KIND, MARKER_SHEET, WORKBOOKS, Col, SheetRow, WorkbookSpec

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SAVE_AS_SUFFIXES = (".et", ".ett", ".csv", ".numbers", ".ods", ".wps", ".xlsb", ".txt")
HEADER_SEARCH_ROWS = 10
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
"""Zip-bomb guard: an .xlsx whose parts unpack to more than this is refused before parsing."""
MAX_SHEET_CELLS = 20_000_000
"""Range guard: calamine allocates a dense (last row × last column) grid per sheet, so one value
in cell XFD1048576 makes it ask for hundreds of GB and abort the process (not an exception)."""
MARKED_SUFFIX = "_问题标注"
"""Stem suffix of the highlighted copies written by ``validate --mark`` (never read back)."""
FORMULA_ISSUES_PER_SHEET = 20
"""At most this many ``formula-no-value`` issues per sheet; the rest are counted in one more."""
UNREADABLE_CODES = frozenset({
    "file-unreadable", "file-encrypted", "file-unsafe", "file-too-large", "file-format-unsupported",
})
"""Codes of files that could not be read at all (DESIGN §2: exit code 2)."""

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""OLE2/CFB signature: legacy .xls, and also password-protected .xlsx (MS-OFFCRYPTO)."""
_ZIP_MAGIC = b"PK"
_PROLOG_LIMIT = 64 * 1024
_CHUNK = 4 * 1024 * 1024
_FAST_MAX_ROW = 99_999  # rows of 5 digits or fewer are not searched for by the fast sheet scan

_TRAILING_REQUIRED = re.compile(r"(（必填）|\*|＊)+$")


class UnreadableFile(Exception):
    """The file cannot be read at all; ``issue`` says why and how to fix it."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass
class SheetData:
    """The data rows of one sheet.

    Attributes:
        columns: field name → 0-based column index, for the columns found.
        rows: (Excel row number, cell values) for every non-blank data row.
        form_rows: for form sheets (基本情况, 小结), field name → Excel row of its line.
    """

    model: type[SheetRow]
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, list[object]]]
    form_rows: dict[str, int] = field(default_factory=dict)


@dataclass
class WorkbookData:
    """One workbook read: its kind and the sheets found (missing sheets are issues)."""

    path: Path
    spec: WorkbookSpec
    sheets: dict[str, SheetData] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


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
    """Office lock files (``~$…``) and hidden files are never read."""
    return path.name.startswith(("~$", "."))


def _check_container(path: Path, shown: str) -> None:
    suffix = path.suffix.lower()
    if suffix in SAVE_AS_SUFFIXES:
        raise UnreadableFile(
            file_issue(
                shown,
                "file-format-unsupported",
                f"不支持 {suffix} 格式的文件",
                "请用 WPS 或 Excel 打开，点“另存为”，文件类型选“Excel 工作簿（*.xlsx）”。",
            )
        )
    if suffix in (".xlsx", ".xlsm") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                total = sum(info.file_size for info in zf.infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnreadableFile(_broken(shown)) from exc
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFile(
                file_issue(
                    shown,
                    "file-too-large",
                    f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，疑似损坏或异常文件",
                    "请确认文件来源，重新从模板填写后另存。",
                )
            )


def _broken(shown: str) -> Issue:
    return file_issue(
        shown,
        "file-unreadable",
        "文件无法打开：已损坏、加了密码，或不是 Excel 文件",
        "请用 WPS 或 Excel 打开确认；如有密码请先取消密码，再另存为 .xlsx。",
    )


def open_workbook(path: Path, shown: str | None = None) -> object:
    """Open ``path`` with python-calamine after the format and zip-bomb checks.

    Raises:
        UnreadableFile: unsupported format, too large when unpacked, corrupt, encrypted, not Excel.
    """
    from python_calamine import CalamineWorkbook

    shown = shown or str(path)
    _check_container(path, shown)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise UnreadableFile(_broken(shown)) from exc


def _sheet_rows(workbook: object, name: str) -> list[list[object]]:
    sheet = workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
    rows: list[list[object]] = sheet.to_python(skip_empty_area=False)
    return rows


def _marker_kind(workbook: object, names: list[str]) -> str | None:
    if MARKER_SHEET not in names:
        return None
    for row in _sheet_rows(workbook, MARKER_SHEET)[:5]:
        if len(row) > 1 and row[0] == "kind" and row[1] in BY_KIND:
            return str(row[1])
    return None


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


def _guess_kind(workbook: object, names: list[str], path: Path) -> WorkbookSpec | None:
    for spec in WORKBOOKS:
        for model in spec.sheets:
            if model.layout == "table" and model.sheet_name in names:
                row, _ = _find_header(_sheet_rows(workbook, model.sheet_name), model)
                if row >= 0:
                    return spec
    for spec in WORKBOOKS:  # headers on a renamed sheet
        for name in names:
            for model in spec.sheets:
                if model.layout == "table" and _find_header(_sheet_rows(workbook, name), model)[0] >= 0:
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
    workbook = open_workbook(path, shown)
    names: list[str] = list(workbook.sheet_names)  # type: ignore[attr-defined]
    kind = _marker_kind(workbook, names)
    spec = BY_KIND[kind] if kind else _guess_kind(workbook, names, path)
    if spec is None:
        return None
    data = WorkbookData(path, spec)
    for model in spec.sheets:
        sheet_name = model.sheet_name
        if sheet_name not in names:
            data.issues.append(
                Issue(shown, sheet_name, "", 0, "", "", "sheet-missing", ERROR,
                      f"缺少工作表“{sheet_name}”",
                      f"请从模板中复制“{sheet_name}”工作表，或把对应的工作表改名为“{sheet_name}”。")
            )
            continue
        rows = _sheet_rows(workbook, sheet_name)
        if model.layout == "form":
            data.sheets[sheet_name] = _read_form(rows, model)
            continue
        header, columns = _find_header(rows, model)
        if header < 0:
            data.issues.append(
                Issue(shown, sheet_name, "", 0, "", "", "header-not-found", ERROR,
                      f"工作表“{sheet_name}”前 {HEADER_SEARCH_ROWS} 行里找不到表头",
                      "请保留模板的表头行（如“姓名”“身份证号码”），不要删改表头文字。")
            )
            continue
        for name, col in model.columns():
            if col.required and name not in columns:
                data.issues.append(_missing_column(shown, sheet_name, header + 1, col))
        data.sheets[sheet_name] = SheetData(model, header + 1, columns, _data_rows(rows, header))
    return data


def _missing_column(shown: str, sheet: str, header_row: int, col: Col) -> Issue:
    return Issue(
        shown, sheet, f"A{header_row}", header_row, "", col.header, "column-missing", ERROR,
        f"表头里缺少必填列“{col.header}”",
        f"请在第 {header_row} 行表头中加上“{col.header}”列（可从模板复制）。",
    )


def _is_blank_row(values: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _data_rows(rows: list[list[object]], header: int) -> list[tuple[int, list[object]]]:
    out: list[tuple[int, list[object]]] = []
    for r in range(header + 1, len(rows)):
        values = rows[r]
        if _is_blank_row(values):
            continue
        first = values[0] if values else None
        if isinstance(first, str) and first.strip() == "示例":
            continue
        out.append((r + 1, values))
    return out


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
