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

Header rows are matched in `headers`; the rows inside a table are sorted into records and counted
skips in `rows`.

Formulas: calamine returns a formula's cached value; a formula saved without one (files written
by scripts, never by Excel/WPS) reads as blank, so such cells get ``formula-no-value``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from .headers import (
    CLEAR_MARGIN,
    DEEP_HEADER_ROWS,
    FORM_SEARCH_ROWS,
    HEADER_SEARCH_ROWS,
    MIN_TABLE_SCORE,
    NAME_BONUS,
    Match,
    all_indexes,
    header_key,
    header_keys,
    match_model,
    table_match,
)
from .issues import ERROR, WARNING, Issue, column_letter
from .rows import SKIP_EXAMPLE, SheetData, classify_rows
from .schema import BY_KIND, MARKER_SHEET, WORKBOOKS, Col, SheetRow, WorkbookSpec

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
MARKED_SUFFIX = "_问题标注"
"""Stem suffix of the highlighted copies written by ``validate --mark`` (never read back)."""
FORMULA_ISSUES_PER_SHEET = 20
"""At most this many ``formula-no-value`` issues per sheet; the rest are counted in one more."""
NOT_DATA_SHEETS = frozenset({MARKER_SHEET, "填表说明"})
"""Sheets of our own templates that hold no records."""


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

def is_skipped_file(path: Path) -> bool:
    """Never read: Office lock files (``~$…``), hidden files, and the highlighted copies
    ``…_问题标注.xlsx``/``.xlsm`` that ``validate --mark`` writes next to the originals."""
    if path.name.startswith(("~$", ".")):
        return True
    return path.stem.endswith(MARKED_SUFFIX) and path.suffix.lower() in (".xlsx", ".xlsm")


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


def _evidence(sheet: str, model: type[SheetRow], match: Match) -> float:
    if match.score <= 0:
        return 0.0
    return match.score + (NAME_BONUS if _named_like(sheet, model) else 0.0)


def _file_named_like(path: Path, spec: WorkbookSpec) -> bool:
    return path.name == spec.file_name or any(word in path.stem for word in spec.keywords)


@dataclass
class _Candidates:
    """Every model's match on one sheet, best first."""

    sheet: str
    matches: list[tuple[float, Match]]

    def best(self, models: tuple[type[SheetRow], ...] | None = None) -> tuple[float, Match] | None:
        for value, match in self.matches:
            if models is None or match.model in models:
                return value, match
        return None


def _candidates(book: _Book, sheet: str) -> _Candidates:
    keys = book.header_keys(sheet)
    found: list[tuple[float, Match]] = []
    for spec in WORKBOOKS:
        for model in spec.sheets:
            match = match_model(keys, model)
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


def _other_kind(shown: str, sheet: str, match: Match) -> Issue:
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
        deep = table_match(header_keys(rows, DEEP_HEADER_ROWS), model)
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
    match = match_model(book.header_keys(sheet_name), model)
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
                   match: Match, data: SheetData) -> list[Issue]:
    """Header cells that are not read: a column of the model written twice (two rosters side by
    side: error, the right one is not read) and a header that is not a column of the model but
    has data under it (warning: its values are not read)."""
    from difflib import get_close_matches

    header = rows[match.header]
    fields = all_indexes()[model].fields
    extras = all_indexes()[model].extra
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

# ---------------------------------------------------------------- form sheets


def _read_form(rows: list[list[object]], model: type[SheetRow], match: Match) -> SheetData:
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
    "EXCEL_SUFFIXES", "SheetSummary", "WorkbookData", "is_formula_cell", "is_skipped_file",
    "read_workbook",
]
