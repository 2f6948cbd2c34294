"""Validate 填报单位 data (DESIGN.md §4, §5): parse every cell, check cross-references.

`validate_units` reads every workbook of every unit, never stops at the first problem, and
returns the typed data with a `Report` of issues. Codes used here (besides the cell codes of
`cells`): required-missing, column-missing, sheet-missing, header-not-found, file-unreadable,
file-format-unsupported, file-too-large, workbook-missing, workbook-unknown, workbook-duplicate,
no-data, team-duplicate, team-unknown, team-reference-unknown, village-required, village-unknown,
duplicate-id-card, duplicate-id-card-across-units, id-card-gender-mismatch, activity-date-missing,
date-out-of-year, date-order, photo-missing, unit-name-mismatch, unit-unknown,
assessment-item-missing, assessment-missing, summary-missing, workbook-other-unit; from `read`: sheet-renamed, file-encrypted, file-unsafe,
sheet-too-large, formula-no-value.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cells
from .cells import Problem
from .config import Config
from .issues import ERROR, WARNING, Issue, Report, column_letter, file_issue
from .read import (
    SheetData,
    UnreadableFile,
    WorkbookData,
    form_cell,
    is_formula_cell,
    read_workbook,
)
from .schema import WORKBOOKS, Col, SheetRow
from .units import UnitData, UnitSource, discover, new_unit

if TYPE_CHECKING:
    from .county import UnitRollup
    from .criteria import Checklist


@dataclass
class ValidationResult:
    """The units read (in folder order) and every issue found."""

    units: list[UnitData]
    report: Report


Parser = Callable[[object], tuple[Any, list[Problem]]]


def _parser(col: Col) -> Parser:
    kind = col.kind
    if kind == "enum":
        options = col.options
        return lambda raw: cells.parse_enum(raw, options)
    if kind == "int":

        def parse_int(raw: object) -> tuple[Any, list[Problem]]:
            value, problems = cells.parse_number(raw, integer=True)
            return (int(value) if value is not None else None), problems

        return parse_int
    table: dict[str, Callable[[object], tuple[Any, list[Problem]]]] = {
        "text": cells.parse_text,
        "longtext": cells.parse_longtext,
        "number": cells.parse_number,
        "id_card": cells.parse_id_card,
        "phone": cells.parse_phone,
        "date": cells.parse_date,
        "plan_time": cells.parse_plan_time,
        "files": cells.parse_files,
    }
    return table[kind]


class _Sheet:
    """Parses the rows of one sheet into models, emitting issues with real cells."""

    def __init__(self, shown: str, data: SheetData, report: Report,
                 bad_cells: set[tuple[str, int, str]]) -> None:
        self.shown, self.data, self.report = shown, data, report
        self.bad_cells = bad_cells
        self.model: type[SheetRow] = data.model
        self.columns = data.model.columns()
        self.parsers = [_parser(col) for _, col in self.columns]

    def cell(self, field_name: str, row: int) -> tuple[str, str]:
        """(A1 cell, column letters) of ``field_name`` in Excel row ``row``."""
        if self.model.layout == "form":
            return form_cell(self.data, field_name)[1], "B"
        index = self.data.columns.get(field_name)
        if index is None:
            return "", ""
        letter = column_letter(index)
        return f"{letter}{row}", letter

    def issue(self, row: int, field_name: str, code: str, severity: Any, message: str,
              hint: str) -> Issue:
        """An Issue at ``field_name`` of Excel row ``row`` (form sheets: the field's line)."""
        cell, letter = self.cell(field_name, row)
        if self.model.layout == "form":
            row = form_cell(self.data, field_name)[0]
        header = self.model.column(field_name).header if field_name else ""
        return Issue(self.shown, self.data.sheet_name, cell, row, letter, header, code, severity,
                     message, hint)

    def add(self, row: int, field_name: str, code: str, severity: Any, message: str,
            hint: str) -> None:
        """Record an issue at a cell."""
        self.report.add(self.issue(row, field_name, code, severity, message, hint))

    def records(self, check_required: bool = True) -> list[SheetRow]:
        """Every data row as a model instance, in row order; cell problems go to the report.

        Works column by column: a column whose values repeat (dropdowns, team and village names,
        dates) is parsed once per distinct value; unique columns (IDs, phones, long text) once per
        cell. Issues are reported in row order, then column order, as a clerk reads the sheet.
        """
        rows = self.data.rows
        count = len(rows)
        form = self.model.layout == "form"
        found: list[tuple[int, int, Issue]] = []
        grid = list(zip_longest(*(values for _, values in rows)))  # column-major, None-padded
        columns: list[Sequence[Any]] = [[row for row, _ in rows]]
        for order, ((name, col), parse) in enumerate(zip(self.columns, self.parsers, strict=True)):
            position = self.data.columns.get(name)
            raws: Sequence[Any] = (
                grid[position] if position is not None and position < len(grid) else [None] * count
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
                    self.bad_cells.add((self.model.sheet_name, row, name))
                    found.extend((index, order, self.issue(
                        row, name, p.code, p.severity, p.message, p.hint)) for p in problems)
                elif not is_formula_cell(self.data, name, row):
                    found.append((index, order, self.issue(
                        row, name, "required-missing", ERROR, f"必填项“{col.header}”没有填写",
                        f"请填写“{col.header}”。" + _options_hint(col))))
        found.sort(key=lambda item: (item[0], item[1]))
        self.report.extend(issue for _, _, issue in found)
        names = ["row", *(name for name, _ in self.columns)]
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


def _is_empty(sheets: dict[str, SheetData]) -> bool:
    """True when nothing was filled in: no table rows (the pre-filled 自评 items count only with
    a 自评情况/结论), no form value other than the template's pre-filled ones."""
    for data in sheets.values():
        if data.model.layout == "form":
            for name, index in data.columns.items():
                values = data.rows[0][1] if data.rows else []
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
    """Read and parse every workbook of one unit; all problems go to ``report``."""
    unit = new_unit(source, config)
    if source.unreadable:
        report.add(file_issue(str(source.folder), "file-unreadable",
                              f"文件夹无法打开：{source.unreadable}",
                              "请检查这个文件夹的权限（右键“属性”→“安全”），或把表格复制到一个新文件夹后重试。"))
        return unit
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
        empty = _is_empty(workbook.sheets)
        if empty:
            unit.empty.add(spec.kind)
            report.add(file_issue(shown, "no-data", "表格还没有填写数据",
                                  "请按表头逐行填写（灰色“示例”行不计入），再运行校验。", WARNING))
        for sheet_name, data in workbook.sheets.items():
            parser = _Sheet(shown, data, report, unit.bad_cells)
            unit.columns[sheet_name] = data.columns
            unit.sheet_names[sheet_name] = data.sheet_name
            unit.form_rows[sheet_name] = data.form_rows
            records = list(parser.records(check_required=not empty))
            _store(unit, sheet_name, records)
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


def _store(unit: UnitData, sheet_name: str, records: list[Any]) -> None:
    if sheet_name == "基本情况":
        unit.info = records[0] if records else None
    elif sheet_name == "小结":
        unit.summary = records[0] if records else None
    else:
        attribute = {"队伍": "teams", "队员": "volunteers", "活动": "activities", "项目": "projects",
                     "阵地": "sites", "自评": "assessments"}[sheet_name]
        setattr(unit, attribute, records)


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


def validate_units(sources: list[UnitSource], config: Config) -> ValidationResult:
    """Validate every unit; in county mode (several units) also flag IDs found in several units."""
    report = Report()
    with few_collections():
        units = [load_unit(source, config, report) for source in sources]
    if len(units) > 1:
        from .checks import check_across_units

        check_across_units(units, report)
    return ValidationResult(units, report)


def auto_jobs(sources: list[UnitSource]) -> int:
    """How many processes to use for ``sources`` when the user did not say: one per CPU core
    (at most `MAX_AUTO_JOBS`) when there are several units holding at least `PARALLEL_BYTES` of workbooks —
    a county's data; otherwise 1 (starting processes costs more than a town's data takes)."""
    if len(sources) < 2:
        return 1
    size = sum(map(_size, sources))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_AUTO_JOBS, len(sources))) if size >= PARALLEL_BYTES else 1


MAX_AUTO_JOBS = 4
"""`auto_jobs` never starts more processes than this: a `report --all` process holds ~350 MB
while it writes a town's 自评报告 (benchmarks/RESULTS.md); 4 stay within a clerk's laptop."""

def _size(source: UnitSource) -> int:
    """Bytes of the unit's workbooks (files gone meanwhile count 0)."""
    total = 0
    for path in source.files:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


PARALLEL_BYTES = 2_000_000
"""Total workbook size from which `auto_jobs` spreads units over processes (the benchmark's
county is 17 MB; a town's own data is well under 1 MB)."""


@dataclass
class Listing:
    """What `wenming validate` shows: every issue, the units read (names, kinds, files; their
    records are not kept) and the 五有 checklist of every fully read town, in folder order."""

    units: list[UnitData]
    report: Report
    checklists: list[Checklist]
    rollups: list[UnitRollup] = field(default_factory=list)


def list_issues(sources: list[UnitSource], config: Config, jobs: int = 0,
                checklists: bool = True, rollups: bool = False) -> Listing:
    """`validate_units` for `wenming validate`, in ``jobs`` processes (one unit at a time each;
    0: `auto_jobs`).

    Each process reads and checks whole units and sends back only their issues, checklists and
    (ID, row) pairs, so the IDs found in several units are flagged here as in `validate_units`.
    With ``jobs`` 1 — or when the process pool cannot be started or a worker dies —
    everything runs in this process; the result is the same either way.
    ``checklists`` False leaves `Listing.checklists` empty (`wenming status` needs none);
    ``rollups`` True fills `Listing.rollups` (what `report --county` needs of every unit).
    """
    from .checks import check_across_units

    done = None
    jobs = jobs or auto_jobs(sources)
    if jobs > 1 and len(sources) > 1:
        done = _in_processes(sources, config, jobs, checklists, rollups)
    if done is None:
        result = validate_units(sources, config)
        return Listing([_without_records(u) for u in result.units], result.report,
                       [c for u in result.units
                        if checklists and (c := _checklist(u, config)) is not None],
                       [_rollup(u, config) for u in result.units] if rollups else [])
    report = Report()
    for part in done:
        report.extend(part.issues)
    units = [part.unit for part in done]
    check_across_units(units, report, [part.ids for part in done])
    return Listing(units, report,
                   [part.checklist for part in done if part.checklist is not None],
                   [part.rollup for part in done if part.rollup is not None])


def _in_processes(sources: list[UnitSource], config: Config, jobs: int, checklists: bool,
                  rollups: bool) -> list[_UnitPart] | None:
    """`_list_unit` of every source in a pool of ``jobs`` processes, in source order; None when
    a worker process died (killed for memory, a crash in a reader) or no pool can be started
    here — the caller then does the work in its own process."""
    from concurrent.futures.process import BrokenProcessPool

    from .pool import run_unit, worker_count, worker_pool

    # largest units first, so that no process is left with a big one at the end
    order = sorted(range(len(sources)), key=lambda i: -_size(sources[i]))
    try:
        with worker_pool(worker_count(jobs, len(sources))) as pool:
            futures = {i: pool.submit(run_unit, _list_unit, sources[i], config, checklists,
                                      rollups) for i in order}
            return [futures[i].result() for i in range(len(sources))]
    except (BrokenProcessPool, NotImplementedError, PermissionError):
        return None


@dataclass
class _UnitPart:
    unit: UnitData
    issues: list[Issue]
    ids: list[tuple[str, int]]
    checklist: Checklist | None
    rollup: UnitRollup | None = None


def _list_unit(source: UnitSource, config: Config, checklist: bool = True,
               rollup: bool = False) -> _UnitPart:
    """One unit's share of `list_issues` (module-level, so a process pool can run it)."""
    from .checks import id_rows

    report = Report()
    with few_collections():
        unit = load_unit(source, config, report)
    return _UnitPart(_without_records(unit), report.issues, id_rows(unit),
                     _checklist(unit, config) if checklist else None,
                     _rollup(unit, config) if rollup else None)


def _rollup(unit: UnitData, config: Config) -> UnitRollup:
    """`county.rollup` of ``unit``, holding the unit without its records."""
    from .county import rollup

    part = rollup(unit, config)
    part.unit = _without_records(unit)
    return part


def _checklist(unit: UnitData, config: Config) -> Checklist | None:
    from .criteria import build_checklist

    return build_checklist(unit, config) if unit.kind == "town" and not unit.partial else None


def _without_records(unit: UnitData) -> UnitData:
    """``unit`` with its names, kind, files and 基本情况 (one row: `status` shows its 联系人)
    but none of its other rows (cheap to send back)."""
    return replace(unit, sites=[], assessments=[], summary=None, teams=[],
                   volunteers=[], activities=[], projects=[], bad_cells=set())


def validate_paths(paths: list[Path], config: Config) -> ValidationResult:
    """`validate_units` over whatever `discover` finds under ``paths``.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    return validate_units(discover(paths), config)


__all__ = ["Listing", "ValidationResult", "auto_jobs", "few_collections", "list_issues", "load_unit", "validate_paths", "validate_units", "WARNING"]
