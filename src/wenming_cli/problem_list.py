"""问题清单.xlsx (issue "validate for a whole county", point 3): every issue as a spreadsheet the
county office can filter, print and send each unit.

One sheet 全部问题 with every issue (单位 · 文件 · 工作表 · 单元格 · 级别 · 问题 · 怎么改 · 代码), then
one sheet per unit with its own; or, with ``split``, one workbook per unit. Every sheet has an
auto-filter, a frozen header, column widths and a landscape A4 print setup fitted to the page
width with the header repeated. Messages are already masked (`Issue` redacts them); every
value is written as a string cell, so a unit or file name beginning with ``=`` stays text
(OWASP "CSV injection").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .issues import Issue

HEADERS = ("单位", "文件", "工作表", "单元格", "级别", "问题", "怎么改", "代码")
WIDTHS = (14, 26, 12, 9, 6, 48, 60, 22)
ALL_SHEET = "全部问题"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name for unit ``name`` (Excel: ≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "单位"
    base = base[:31]
    title, n = base, 2
    while title in taken or title == ALL_SHEET:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _row(issue: Issue) -> tuple[str, ...]:
    return (issue.unit, Path(issue.file).name, issue.sheet, issue.cell, issue.severity,
            issue.message, issue.hint, issue.code)


def _fill(ws: Any, title: str, issues: list[Issue]) -> None:
    """Header, rows as text cells, filter, frozen header, widths, print setup (``ws`` is a
    write-only sheet: a county's 6,000 issues are written twice, in the all-issues sheet and
    their unit's, and openpyxl's write-only mode is about three times faster)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(HEADERS))
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last}{max(2, len(issues) + 2)}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (ECMA-376 Part 1 §18.3.1.63)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    def text(value: str, font: Any = None, alignment: Any = None, fill: Any = None) -> Any:
        from .xlsx_cells import set_value

        cell = set_value(WriteOnlyCell(ws), value)  # text, never a formula (= + - @ quoted)
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        return cell

    ws.append([text(title, Font(bold=True, size=14))])
    bold, blue = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    ws.append([text(h, bold, fill=blue) for h in HEADERS])
    wrap, red = Alignment(wrap_text=True, vertical="top"), Font(color="C00000")
    for issue in issues:
        values = _row(issue)
        ws.append([text(values[0]), text(values[1]), text(values[2]), text(values[3]),
                   text(values[4], red if issue.is_error else None), text(values[5], None, wrap),
                   text(values[6], None, wrap), text(values[7])])


def _save(target: Path, fill: Any) -> Path:
    from openpyxl import Workbook

    from .files import write_atomic

    def save(temp: Path) -> None:
        wb = Workbook(write_only=True)
        fill(wb)
        wb.save(temp)

    return write_atomic(target, save, backup=False)


def write_problem_list(issues: Iterable[Issue], target: Path, units: list[str],
                       title: str) -> Path:
    """问题清单 at ``target``: sheet 全部问题 and one sheet per unit of ``units`` that has issues.

    Raises:
        files.OutputError: the file cannot be written (in use, read-only folder …).
    """
    found = list(issues)
    by_unit: dict[str, list[Issue]] = {}
    for issue in found:
        by_unit.setdefault(issue.unit, []).append(issue)

    def fill(wb: Any) -> None:
        _fill(wb.create_sheet(ALL_SHEET), title, found)
        taken: set[str] = set()
        for name in units + [n for n in by_unit if n not in units]:
            if by_unit.get(name):
                _fill(wb.create_sheet(sheet_title(name, taken)), f"{name} {title}", by_unit[name])

    return _save(target, fill)


def write_split(issues: Iterable[Issue], folder: Path, units: list[str], title: str) -> list[Path]:
    """One 问题清单 per unit with issues, ``folder/<unit>_问题清单.xlsx``.

    Raises:
        files.OutputError: a file cannot be written.
    """
    from .render.report import safe_component

    by_unit: dict[str, list[Issue]] = {}
    for issue in issues:
        by_unit.setdefault(issue.unit, []).append(issue)
    written = []
    for name in units + [n for n in by_unit if n not in units]:
        own = by_unit.get(name)
        if not own:
            continue
        target = folder / f"{safe_component(name)}_问题清单.xlsx"
        written.append(_save(target, lambda wb, own=own, name=name: _fill(
            wb.create_sheet(ALL_SHEET), f"{name} {title}", own)))
    return written


def _csv_text(value: str) -> str:
    """A value as CSV text that no spreadsheet evaluates (OWASP CSV injection: a leading
    = + - @ tab or CR gets a ' in front; `xlsx_cells.FORMULA_LEADS`)."""
    from .xlsx_cells import FORMULA_LEADS

    return "'" + value if value.startswith(FORMULA_LEADS) else value


def write_problem_csv(issues: Iterable[Issue], target: Path) -> Path:
    """Every issue as 问题清单.csv (UTF-8 with BOM, so WPS and Excel open it as Chinese text):
    the quick full list `wenming validate` writes for several units; ``--xlsx`` gives the
    formatted workbook.

    Raises:
        files.OutputError: the file cannot be written.
    """
    import csv

    from .files import write_atomic

    def save(temp: Path) -> None:
        with temp.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(HEADERS)
            writer.writerows([_csv_text(v) for v in _row(issue)] for issue in issues)

    return write_atomic(target, save, backup=False)


__all__ = ["HEADERS", "sheet_title", "write_problem_csv", "write_problem_list", "write_split"]
