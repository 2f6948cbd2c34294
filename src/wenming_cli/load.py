"""Load one 填报单位 (DESIGN.md §3–§5): its workbooks' sheets → typed records + a reading summary.

`load_unit` reads every workbook of a unit folder (`read`), parses every cell of every sheet of
a kind into the sheet's pydantic model (`cells`), and records what it read and skipped per sheet
(`SheetSummary`) so that a clerk can check at a glance that the tool saw what they wrote
(issue "every row … is read, or named"). All problems go to the `Report`; cross-references are
checked afterwards by `checks.check_unit`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import zip_longest
from typing import Any

from . import cells
from .cells import Problem
from .config import Config
from .guard import UnreadableFile
from .issues import (
    ERROR,
    WARNING,
    Issue,
    Report,
    Severity,
    column_letter,
    file_issue,
    stamp_unit,
)
from .read import SheetSummary, WorkbookData, is_formula_cell, read_workbook
from .rows import SKIP_REASONS, SheetData, block_team
from .schema import WORKBOOKS, Col, SheetRow
from .units import UnitData, UnitSource, new_unit

Parser = Callable[[object], tuple[Any, list[Problem]]]


def parser(col: Col, year: int | None = None) -> Parser:
    """The cell parser of a column kind (`cells`); dates without a year take ``year``."""
    kind = col.kind
    if kind == "enum":
        options = col.options
        return lambda raw: cells.parse_enum(raw, options)
    if kind == "int":

        def parse_int(raw: object) -> tuple[Any, list[Problem]]:
            value, problems = cells.parse_number(raw, integer=True)
            return (int(value) if value is not None else None), problems

        return parse_int
    if kind == "date":
        return lambda raw: cells.parse_date(raw, year)
    if kind == "plan_time":
        return lambda raw: cells.parse_plan_time(raw, year=year)
    table: dict[str, Callable[[object], tuple[Any, list[Problem]]]] = {
        "text": cells.parse_text,
        "longtext": cells.parse_longtext,
        "number": cells.parse_number,
        "id_card": cells.parse_id_card,
        "phone": cells.parse_phone,
        "files": cells.parse_files,
        "item_code": cells.parse_item_code,
    }
    return table[kind]


class _Sheet:
    """Parses the rows of one sheet into models, emitting issues with real cells."""

    def __init__(self, shown: str, data: SheetData, report: Report,
                 bad_cells: set[tuple[str, int, str]], year: int | None) -> None:
        self.shown, self.data, self.report = shown, data, report
        self.bad_cells = bad_cells
        self.model: type[SheetRow] = data.model
        self.columns = data.model.columns()
        self.parsers = [parser(col, year) for _, col in self.columns]

    def cell(self, field_name: str, row: int) -> tuple[int, str, str]:
        """(Excel row, A1 cell, column letters) of ``field_name`` in Excel row ``row``."""
        if self.model.layout == "form":
            found = self.data.form_cells.get(field_name)
            if found is None:
                return 0, "", ""
            letter = column_letter(found[1])
            return found[0], f"{letter}{found[0]}", letter
        index = self.data.columns.get(field_name)
        if index is None:
            return row, "", ""
        letter = column_letter(index)
        return row, f"{letter}{row}", letter

    def issue(self, row: int, field_name: str, code: str, severity: Severity, message: str,
              hint: str) -> Issue:
        """An Issue at ``field_name`` of Excel row ``row`` (form sheets: the field's line)."""
        row, cell, letter = self.cell(field_name, row)
        header = self.model.column(field_name).header if field_name else ""
        return Issue(self.shown, self.data.sheet_name, cell, row, letter, header, code, severity,
                     message, hint)

    def records(self, check_required: bool = True) -> list[SheetRow]:
        """Every data row as a model instance, in row order; cell problems go to the report.

        Works column by column: a column whose values repeat (dropdowns, team and village names,
        dates) is parsed once per distinct value; unique columns (IDs, phones, long text) once per
        cell. Issues are reported in row order, then column order, as a clerk reads the sheet.
        """
        rows = self.data.rows
        count = len(rows)
        form = self.model.layout == "form"
        sheet = self.data.sheet_name
        found: list[tuple[int, int, Issue]] = []
        grid = list(zip_longest(*(values for _, values in rows)))  # column-major, None-padded
        columns: list[Sequence[Any]] = [[row for row, _ in rows], [sheet] * count]
        for order, ((name, col), parse) in enumerate(zip(self.columns, self.parsers, strict=True)):
            position = self.data.columns.get(name)
            implied = self.data.implied.get(name)
            raws: Sequence[Any] = (
                grid[position] if position is not None and position < len(grid)
                else [implied] * count
            )
            must = col.required and check_required and (position is not None or form)
            if col.kind == "text" and not col.dropdown:  # never a problem, rarely repeated
                values = [_text(raw) for raw in raws]
                columns.append(values)
                results: list[tuple[Any, list[Problem]]] = [(None, [])] * count
                flagged = [i for i, value in enumerate(values) if value is None] if must else []
            else:
                if col.kind in _REPEATING or col.dropdown:
                    keys: Sequence[Any] = raws if set(map(type, raws)) <= {str} else list(
                        zip(map(type, raws), raws, strict=True))
                    known = {key: parse(raw) if raw is not None and raw != "" else _BLANK
                             for key, raw in dict(zip(keys, raws, strict=True)).items()}
                    results = [known[key] for key in keys]
                else:
                    results = [_BLANK if raw is None or raw == "" else parse(raw) for raw in raws]
                columns.append([value for value, _ in results])
                flagged = [index for index, (value, problems) in enumerate(results)
                           if problems or (must and value is None)]
            for index in flagged:
                value, problems = results[index]
                row = rows[index][0]
                if problems:
                    if any(p.severity == ERROR for p in problems):
                        self.bad_cells.add((sheet, row, name))
                    found.extend((index, order, self.issue(
                        row, name, p.code, p.severity, p.message, p.hint)) for p in problems)
                elif not is_formula_cell(self.data, name, row):
                    found.append((index, order, self.issue(
                        row, name, "required-missing", ERROR, f"必填项“{col.header}”没有填写",
                        f"请填写“{col.header}”。" + _options_hint(col))))
        found.sort(key=lambda item: (item[0], item[1]))
        self.report.extend(issue for _, _, issue in found)
        names = ["row", "sheet", *(name for name, _ in self.columns)]
        return self.model.build_many(names, zip(*columns, strict=True))


_BLANK: tuple[Any, list[Problem]] = (None, [])
"""Result of a blank cell: no value; ``required-missing`` is decided per column."""


def _text(raw: object) -> str | None:
    """`cells.parse_text`'s value, with the usual plain string handled inline."""
    if type(raw) is str and not cells.NEEDS_CLEANING.search(raw):
        return raw.strip() or None
    if type(raw) is float:  # 序号 and other numbers typed into a text column
        return cells.number_text(raw)
    return None if raw is None else cells.parse_text(raw)[0]


_REPEATING = frozenset({"enum", "date", "plan_time", "int", "number"})
"""Column kinds whose parse results are memoised per distinct cell value (so are the team and
village columns, which have dropdowns)."""


def _options_hint(col: Col) -> str:
    return ("可选：" + "、".join(col.options) + "。") if col.options else ""


_FORM_DEFAULTS = {"unit_name", "unit_type", "village_total"}
"""基本情况 fields the template pre-fills; a value elsewhere on a form sheet means data."""


def _is_empty(sheets: list[SheetData]) -> bool:
    """True when nothing was filled in: no table rows (the pre-filled 自评 items count only with
    a 自评情况/结论), no form value other than the template's pre-filled ones."""
    for data in sheets:
        if data.model.layout == "form":
            values = data.rows[0][1] if data.rows else []
            for name, index in data.columns.items():
                if name not in _FORM_DEFAULTS and index < len(values) and cells.clean_text(
                    values[index]
                ):
                    return False
            continue
        if data.model.sheet_name == "自评":
            narrative = [data.columns.get("narrative"), data.columns.get("conclusion")]
            for _, values in data.rows:
                if any(i is not None and i < len(values) and cells.clean_text(values[i])
                       for i in narrative):
                    return False
            continue
        if data.rows:
            return False
    return True


def _pick(candidates: list[WorkbookData]) -> WorkbookData:
    """Of several workbooks of one kind, the one named like the template, else the newest."""
    def rank(book: WorkbookData) -> tuple[bool, float]:
        try:
            modified = book.path.stat().st_mtime
        except OSError:  # moved away while being read
            modified = 0.0
        return (book.path.name == book.spec.file_name, modified)

    return max(candidates, key=rank)


def _read_all(source: UnitSource, report: Report) -> tuple[dict[str, WorkbookData], bool]:
    """Every readable workbook of the unit by kind (duplicates reported); True if any was
    unreadable."""
    by_kind: dict[str, list[WorkbookData]] = {}
    unreadable = False
    for path in source.files:
        shown = str(path)
        try:
            workbook = read_workbook(path, shown)
        except UnreadableFile as exc:
            report.add(exc.issue)
            unreadable = True
            continue
        if workbook is None:
            report.add(file_issue(shown, "workbook-unknown", "认不出这是哪一张表",
                                  "请使用 wenming init-templates 生成的模板填写，保留表头行。",
                                  WARNING))
            continue
        by_kind.setdefault(workbook.spec.kind, []).append(workbook)
    chosen: dict[str, WorkbookData] = {}
    for kind, books in by_kind.items():
        chosen[kind] = _pick(books)
        for book in books:
            if book is not chosen[kind]:
                report.add(file_issue(str(book.path), "workbook-duplicate",
                                      f"与 {chosen[kind].path.name} 是同一种表，本文件未读取",
                                      "一个单位每种表只保留一个文件，请合并后删除多余的文件。"))
    return chosen, unreadable


def load_unit(source: UnitSource, config: Config, report: Report) -> UnitData:
    """Read and parse every workbook of one unit; all problems go to ``report``, each marked
    with the unit's name (`Issue.unit`)."""
    own = Report()
    unit = _load(source, config, own)
    report.extend(stamp_unit(own.issues, unit.name))
    return unit


def _load(source: UnitSource, config: Config, report: Report) -> UnitData:
    unit = new_unit(source, config)
    if source.unreadable:
        report.add(file_issue(str(source.folder), "file-unreadable",
                              f"文件夹无法打开：{source.unreadable}",
                              "请检查这个文件夹的权限（右键“属性”→“安全”），或把表格复制到一个新文件夹后重试。"))
        return unit
    folder_name = source.folder.resolve().name
    if unit.name != folder_name:
        report.add(file_issue(str(source.folder), "unit-folder-renamed",
                              f"文件夹“{folder_name}”已按“{unit.name}”读取",
                              f"建议把文件夹改名为“{unit.name}”（文件夹名要与单位名称一致）。",
                              WARNING))
    books, unreadable = _read_all(source, report)
    for spec in WORKBOOKS:
        workbook = books.get(spec.kind)
        if workbook is None:
            continue
        shown = str(workbook.path)
        unit.files[spec.kind] = workbook.path
        report.extend(workbook.issues)
        if workbook.marker_unit and workbook.marker_unit != unit.name:
            report.add(file_issue(shown, "workbook-other-unit",
                                  f"这是“{workbook.marker_unit}”的表格（模板中的隐藏标记），"
                                  f"却放在“{unit.name}”文件夹中",
                                  f"请确认是否放错了文件夹；如确属{unit.name}，请用本单位的模板"
                                  "（wenming init-templates）重新填写或把数据复制进去。"))
        sheets = workbook.all_sheets()
        empty = _is_empty(sheets)
        if empty:
            unit.empty.add(spec.kind)
            report.add(file_issue(shown, "no-data", "表格还没有填写数据",
                                  "请按表头逐行填写（灰色“示例”行不计入），再运行校验。", WARNING))
        for model in spec.sheets:
            records: list[SheetRow] = []
            for data in workbook.sheets.get(model.sheet_name, []):
                if model.sheet_name == "队员":
                    _block_teams(unit, data, shown, report)
                unit.columns[data.sheet_name] = data.columns if model.layout == "table" else {}
                unit.form_cells[data.sheet_name] = data.form_cells
                unit.sheet_names.setdefault(model.sheet_name, []).append(data.sheet_name)
                read = _Sheet(shown, data, report, unit.bad_cells, config.year).records(
                    check_required=not empty)
                unit.reading.append(_summary(shown, data, read))
                records.extend(read)
            _store(unit, model, records)
        _footer_checks(unit, workbook, shown, report)
    if not source.partial and not unreadable:
        for spec in WORKBOOKS:
            if spec.kind not in unit.files:
                report.add(file_issue(str(source.folder), "workbook-missing",
                                      f"{unit.name} 缺少《{spec.title}》",
                                      f"请用 wenming init-templates 生成“{spec.file_name}”并填写。",
                                      WARNING))
    from .checks import check_unit

    check_unit(unit, config, report)
    return unit


def _summary(shown: str, data: SheetData, records: list[SheetRow]) -> SheetSummary:
    if data.model.layout == "form":
        filled = sum(1 for record in records for name, _ in data.model.columns()
                     if getattr(record, name) is not None)
        return SheetSummary(shown, data.sheet_name, data.model.sheet_name, filled,
                            data.model.counted_as, form=True)
    skipped = tuple((reason, data.skipped[reason]) for reason in SKIP_REASONS
                    if data.skipped.get(reason))
    return SheetSummary(shown, data.sheet_name, data.model.sheet_name, len(records),
                        data.model.counted_as, skipped)


def _store(unit: UnitData, model: type[SheetRow], records: list[Any]) -> None:
    """Put a model's records on the unit: a list, or the first record for a form sheet."""
    if model.layout == "form":
        setattr(unit, model.attribute, records[0] if records else None)
    else:
        setattr(unit, model.attribute, records)


def _block_teams(unit: UnitData, data: SheetData, shown: str, report: Report) -> None:
    """A roster pasted team by team (sheet ``data`` of model 队员, before it is parsed): under a
    block title that names a team of sheet 队伍 (read already), the people whose 所属队伍 is
    blank belong to that team (a warning per block says so); a count in the title (``（49人）``)
    that differs from the rows under it is a warning."""
    teams = sorted((t.name for t in unit.teams if t.name), key=len, reverse=True)
    column = data.columns.get("team")
    values = {row: cells for row, cells in data.rows}
    for block in data.blocks:
        stated = _title_count(block.title)
        if stated is not None and stated != len(block.rows):
            report.add(Issue(shown, data.sheet_name, f"A{block.row}", block.row, "A", "",
                             "block-count-mismatch", WARNING,
                             f"标题“{block.title}”写的是 {stated} 人，标题下实际读到 {len(block.rows)} 人",
                             "请核对这一段名单是否有漏填、多填，或改正标题中的人数。"))
        name = block_team(block.title)
        team = name if name in teams else next((t for t in teams if t in name), "")
        if not team or column is None:
            continue
        blank = [values[r] for r in block.rows
                 if len(values[r]) <= column or not cells.clean_text(values[r][column])]
        for row in blank:
            row.extend([None] * (column + 1 - len(row)))
            row[column] = team
        if blank:
            letter = column_letter(column)
            report.add(Issue(shown, data.sheet_name, f"A{block.row}", block.row, "A",
                             "所属队伍", "team-from-title", WARNING,
                             f"标题“{block.title}”下有 {len(blank)} 人没有填所属队伍，已计入“{team}”",
                             f"请在 {letter} 列逐行填上所属队伍，以免移动行后归错队伍。"))


_TITLE_COUNT = re.compile(r"[（(]([0-9]+)(?:人|名)?[)）]$")


def _title_count(title: str) -> int | None:
    """49 for '城北街道党员志愿服务队（49人）', None without a count."""
    match = _TITLE_COUNT.search("".join(title.split()))
    return int(match.group(1)) if match else None


def _footer_checks(unit: UnitData, workbook: WorkbookData, shown: str, report: Report) -> None:
    """A total stated in a footer row (合计 300人, 服务群众合计 1200) that disagrees with what was
    read is a warning: some rows may be missing, or the footer is out of date."""
    for model in workbook.spec.sheets:
        sheets = workbook.sheets.get(model.sheet_name, [])
        if model.layout == "form" or not sheets:
            continue
        records: list[SheetRow] = getattr(unit, model.attribute)
        by_sheet: dict[str, list[SheetRow]] = {}
        for record in records:
            by_sheet.setdefault(record.sheet, []).append(record)
        for data in sheets:
            own = by_sheet.get(data.sheet_name, [])
            for claim in data.claims:
                if claim.field:
                    read = [getattr(r, claim.field) or 0 for r in own]
                    every = [getattr(r, claim.field) or 0 for r in records]
                    header = model.column(claim.field).header
                    what, seen = f"“{header}”合计", sum(read)
                    other = sum(every)
                else:
                    what, seen, other = "共", len(own), len(records)
                    if claim.value == claim.segment:  # a 小计 of the rows above it
                        continue
                if claim.value in (seen, other):
                    continue
                count = cells.number_text(claim.value)
                report.add(Issue(
                    shown, data.sheet_name, claim.cell, claim.row, "".join(
                        ch for ch in claim.cell if ch.isalpha()), "", "footer-total-mismatch",
                    WARNING,
                    f"合计行写的{what} {count}{'' if claim.field else model.counted_as}，"
                    f"表中实际读到{what if claim.field else ''} {cells.number_text(seen)}"
                    f"{'' if claim.field else model.counted_as}",
                    "请核对是否有行漏填、被删除或放在了别的工作表；如合计行已过时，请改正或删除它。"))


@contextmanager
def few_collections() -> Iterator[None]:
    """Loading builds hundreds of thousands of small acyclic objects; Python's cyclic GC would
    rescan them over and over (10–15% of validate). Collect rarely while loading."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)

