"""``validate --mark``: highlighted copies of the workbooks that have problems (DESIGN.md §2).

Each problem cell of ``填报表.xlsx`` is filled light red (错误) or light yellow (警告) in a copy
``填报表_问题标注.xlsx`` written next to it, with an Excel comment (批注, author "wenming")
saying what is wrong and how to fix it. The original is only read, never written; the copy is
written atomically (temp file in the same folder, then ``os.replace``), so re-marking simply
replaces the previous copy. `read.is_skipped_file` keeps the copies out of later validations.
openpyxl does the writing; it cannot write legacy .xls, which is refused with `MarkError`.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .files import OutputError, write_atomic
from .issues import REFUSED_CODES, Issue
from .read import MARKED_SUFFIX

ERROR_FILL = "FFC7CE"
"""Light red: Excel's built-in "Light Red Fill" of conditional formatting."""
WARNING_FILL = "FFEB9C"
"""Light yellow: Excel's built-in "Yellow Fill" of conditional formatting."""
AUTHOR = "wenming"
MARKABLE_SUFFIXES = (".xlsx", ".xlsm")


class MarkError(Exception):
    """A highlighted copy cannot be written; the message is Chinese and says what to do.

    Attributes:
        written: copies that were written before the failure (set by `mark_all`).
    """

    def __init__(self, message: str, written: list[Path] | None = None) -> None:
        super().__init__(message)
        self.written = written or []


def marked_path(path: Path) -> Path:
    """``填报表.xlsx`` → ``填报表_问题标注.xlsx`` in the same folder (.xlsm keeps .xlsm)."""
    return path.with_name(f"{path.stem}{MARKED_SUFFIX}{path.suffix.lower()}")


def comment_text(issues: Iterable[Issue]) -> str:
    """'【错误】message\\n怎么改：hint' per issue, errors first, joined by a line break."""
    ordered = sorted(issues, key=lambda i: not i.is_error)
    return "\n".join(f"【{i.severity}】{i.message}\n怎么改：{i.hint}" for i in ordered)


def mark_workbook(path: Path, issues: list[Issue], target: Path | None = None) -> Path:
    """Write the highlighted copy of ``path`` for ``issues`` (those without a cell, or on a
    sheet the workbook lacks, are skipped) to ``target`` (default: `marked_path`); returns the
    copy's path.

    Raises:
        MarkError: .xls or another format openpyxl cannot write, a file openpyxl cannot open,
            or the copy cannot be written (open in Excel/WPS, folder not writable).
    """
    suffix = path.suffix.lower()
    if suffix not in MARKABLE_SUFFIXES:
        raise MarkError(f"{path.name} 是 {suffix or '无扩展名'} 格式，无法生成标注副本。"
                        "请用 WPS 或 Excel 另存为 .xlsx 后再运行 wenming validate --mark。")
    workbook = _load(path, keep_vba=suffix == ".xlsm")
    try:
        by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
        for issue in issues:
            if issue.cell and issue.real_sheet in workbook.sheetnames:
                by_cell[(issue.real_sheet, issue.cell)].append(issue)
        for (sheet, ref), found in by_cell.items():
            cell = _target_cell(workbook[sheet], ref)
            if cell is not None:
                _mark_cell(cell, found)
        return _save_atomic(workbook, target or marked_path(path))
    finally:
        if getattr(workbook, "vba_archive", None) is not None:
            workbook.vba_archive.close()  # openpyxl leaves this in-memory zip open


def mark_all(issues: list[Issue], moved: tuple[Path, Path] | None = None) -> list[Path]:
    """`mark_workbook` for every .xlsx/.xlsm file that has issues with a cell; files that are
    of another format, do not exist, or are highlighted copies themselves are skipped.

    Args:
        moved: (folder, elsewhere): copies of workbooks under ``folder`` are written to the same
            relative place under ``elsewhere`` instead of beside them — the bundled sample data
            lives in the installed package (site-packages), never a place to write.

    Returns: the copies written, in the order their files first appear in ``issues``.
    Raises:
        MarkError: after trying every file, when some could not be marked (all reasons joined;
            ``written`` lists the copies that were written).
    """
    from .read import is_skipped_file

    by_file: dict[str, list[Issue]] = defaultdict(list)
    refused = {issue.path for issue in issues if issue.code in REFUSED_CODES}
    for issue in issues:
        if issue.cell and issue.path not in refused:  # never open a refused workbook
            by_file[issue.path].append(issue)
    written: list[Path] = []
    failures: list[str] = []
    for name, found in by_file.items():
        path = Path(name)
        if path.suffix.lower() not in MARKABLE_SUFFIXES or not path.is_file() \
                or is_skipped_file(path):
            continue
        target = None
        if moved is not None and moved[0] in path.resolve().parents:
            relative = path.resolve().relative_to(moved[0])
            target = moved[1] / marked_path(relative)
        try:
            written.append(mark_workbook(path, found, target))
        except MarkError as exc:
            failures.append(str(exc))
    if failures:
        raise MarkError("\n".join(failures), written)
    return written


def _load(path: Path, keep_vba: bool) -> Any:
    """Open ``path`` with openpyxl (styles, validations and comments kept; read-only on disk).

    Raises:
        MarkError: the file cannot be opened by openpyxl.
    """
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported" etc.
            warnings.simplefilter("ignore")
            return load_workbook(path, keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError) for bad files
        raise MarkError(f"{path.name} 无法打开，未生成标注副本。"
                        "请用 WPS 或 Excel 打开确认，另存为 .xlsx 后再试。") from exc


def _target_cell(sheet: Any, ref: str) -> Any:
    """The cell at ``ref`` ('D7'); the top-left cell of a merged range containing it; None for
    a reference openpyxl does not accept."""
    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        row, col = coordinate_to_tuple(ref)
    except (ValueError, TypeError):
        return None
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return sheet.cell(merged.min_row, merged.min_col)
    return sheet.cell(row, col)


def _mark_cell(cell: Any, issues: list[Issue]) -> None:
    """Fill ``cell`` red (any error) or yellow, and put the issues in its comment (a comment
    the clerk already wrote is kept below ours)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    color = ERROR_FILL if any(i.is_error for i in issues) else WARNING_FILL
    cell.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
    text = comment_text(issues)
    if cell.comment is not None and cell.comment.author != AUTHOR:
        text += f"\n——原批注——\n{cell.comment.text}"
    lines = sum(1 + len(line) // 18 for line in text.split("\n"))
    cell.comment = Comment(text, AUTHOR, height=min(40 + 18 * lines, 600), width=300)


def _save_atomic(workbook: Any, target: Path) -> Path:
    """Save through `files.write_atomic`; a previous copy (the clerk may have typed into it) is
    kept in 旧版/.

    Raises:
        MarkError: the target is open in Excel/WPS, or the folder cannot be written.
    """
    try:
        return write_atomic(target, lambda temp: workbook.save(temp))
    except OutputError as exc:
        raise MarkError(str(exc)) from exc
