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
from collections.abc import Callable, Iterable
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
    fast = _fast(path, issues)
    if fast is not None:
        try:
            return write_atomic(target or marked_path(path), fast)
        except OutputError as exc:
            raise MarkError(str(exc)) from exc
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


def _fast(path: Path, issues: list[Issue]) -> Callable[[Path], None] | None:
    """The `mark_xml` writer of ``path``'s copy, or None when the openpyxl path must do it
    (a sheet with comments of its own, a package `mark_xml` does not handle, a broken file)."""
    import zipfile

    from lxml.etree import LxmlError

    from .mark_xml import Unsupported, patch

    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.cell:  # the real sheet name: a shown name may be redacted
            by_cell[(issue.real_sheet, issue.cell)].append(issue)
    try:
        return patch(path, by_cell, _colour, _comment, AUTHOR)
    except (Unsupported, zipfile.BadZipFile, LxmlError, KeyError, ValueError, OSError, EOFError):
        return None


def _colour(issues: list[Issue]) -> str:
    return ERROR_FILL if any(i.is_error for i in issues) else WARNING_FILL


def _comment(issues: list[Issue]) -> tuple[str, int]:
    """Comment text of a cell's issues and a height (points) that shows it whole."""
    text = comment_text(issues)
    lines = sum(1 + len(line) // 18 for line in text.split("\n"))
    return text, min(40 + 18 * lines, 600)


def mark_all(issues: list[Issue], jobs: int = 1,
             moved: tuple[Path, Path] | None = None) -> list[Path]:
    """`mark_workbook` for every .xlsx/.xlsm file that has issues with a cell; files that are
    of another format, do not exist, or are highlighted copies themselves are skipped. With
    ``jobs`` > 1 the files are marked in that many worker processes (a county's 68 workbooks:
    about 3.5 s of work in one process); the result is the same. A workbook that validation
    refused (`issues.REFUSED_CODES`: too large, too many rows, unsafe …) is never opened.

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
    todo = [(Path(name), found, _target(Path(name), moved)) for name, found in by_file.items()
            if Path(name).suffix.lower() in MARKABLE_SUFFIXES and Path(name).is_file()
            and not is_skipped_file(Path(name))]
    results = _in_processes(todo, jobs) if jobs > 1 and len(todo) > 1 else None
    if results is None:
        results = [_mark_one(path, found, target) for path, found, target in todo]
    written = [r for r in results if isinstance(r, Path)]
    failures = [r for r in results if isinstance(r, str)]
    if failures:
        raise MarkError("\n".join(failures), written)
    return written


def _target(path: Path, moved: tuple[Path, Path] | None) -> Path | None:
    """Where the copy of ``path`` goes when it lies under ``moved[0]`` (see `mark_all`)."""
    if moved is None or moved[0] not in path.resolve().parents:
        return None
    return moved[1] / marked_path(path.resolve().relative_to(moved[0]))


def _mark_one(path: Path, issues: list[Issue], target: Path | None = None) -> Path | str:
    """The copy written, or why not (module-level, so a process pool can run it)."""
    try:
        return mark_workbook(path, issues, target)
    except MarkError as exc:
        return str(exc)


def _in_processes(todo: list[tuple[Path, list[Issue], Path | None]],
                  jobs: int) -> list[Path | str] | None:
    """`_mark_one` of every file in worker processes, biggest first; None when no pool can be
    started or a worker died (the caller then marks them in its own process)."""
    from concurrent.futures.process import BrokenProcessPool

    from .pool import run_unit, worker_count, worker_pool

    order = sorted(range(len(todo)), key=lambda i: -len(todo[i][1]))
    try:
        with worker_pool(worker_count(jobs, len(todo))) as pool:
            futures = {i: pool.submit(run_unit, _mark_one, todo[i][0], todo[i][1], todo[i][2])
                       for i in order}
            return [futures[i].result() for i in range(len(todo))]
    except (BrokenProcessPool, NotImplementedError, PermissionError):
        return None


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

    color = _colour(issues)
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
