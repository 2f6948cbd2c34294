"""`wenming validate`: every problem with file, cell and fix, the 五有 checklist, problem lists
and marked copies (DESIGN.md §2, §5)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import cli
from ..cli import (
    EXIT_DATA_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    DataOption,
    JobsOption,
    OutputFormat,
    _fail,
    _load_config,
    app,
    bundled_sample_data,
    esc,
    resolve_data_dir,
)
from ..privacy import redact

SAMPLE_MARK_FOLDER = Path("输出")
"""Where `validate --mark` writes the copies of the bundled sample data's workbooks."""

def _mark_jobs(jobs: int, units: int) -> int:
    """Processes for ``--mark``: as asked, or for several units one per core (at most 4)."""
    if jobs:
        return jobs
    from ..validate import MAX_AUTO_JOBS, usable_cores

    return max(1, min(usable_cores(), MAX_AUTO_JOBS)) if units > 1 else 1


def unit_folder(base: Path, town: str, config: Any) -> Path:
    """The folder of unit ``town`` under data folder ``base``: ``base/town``, else the one
    sub-folder `discover` reads as that unit (``城北街道自评材料``).

    Raises:
        typer.Exit(2): there is no such folder (the message names the folders there).
    """
    if (base / town).is_dir():
        return base / town
    if base.is_dir():
        from ..units import discover

        for source in discover([base], config):
            if source.name == town:
                return source.folder
        raise _fail(f"{base} 中没有“{esc(town)}”的文件夹。请检查单位名称（须与名单一致），"
                    "或运行 wenming init-templates --town 单位名称 生成模板。")
    raise _fail(f"找不到 {esc(str(base))}。请检查路径。")


def _problem_lists(result: Any, xlsx: Path | None, split: bool, out: Path,
                   csv: bool) -> tuple[list[Path], str]:
    """Write the problem lists asked for (``--xlsx``, ``--split``) or, for several units shown
    as text, the quick full list ``out/问题清单.csv``: (their paths, '' or why one could not
    be written)."""
    from ..files import OutputError
    from ..problem_list import write_problem_csv, write_problem_list, write_split

    names = [u.name for u in result.units]
    issues = result.report.issues
    title = "问题清单"
    try:
        if split:
            return write_split(issues, out, names, title), ""
        if xlsx is not None:
            return [write_problem_list(issues, xlsx, names, title)], ""
        if csv and issues:
            return [write_problem_csv(issues, out / "问题清单.csv")], ""
    except OutputError as exc:
        return [], str(exc)
    return [], ""


def _mark(issues: list[Any], out: Any, jobs: int = 1) -> None:
    """Write the highlighted ``…_问题标注.xlsx`` copies and say where they are (copies of the
    bundled sample data go to ``./输出/``, not into the installed package)."""
    from ..mark import MarkError, mark_all

    moved = (bundled_sample_data().resolve(), SAMPLE_MARK_FOLDER)
    try:
        written = mark_all(issues, jobs, moved)
    except MarkError as exc:
        written = exc.written
        cli.err_console.print(f"[red]错误：[/]{esc(redact(str(exc)))}")
    for marked in written:  # named after the workbook, which may carry an ID number
        out.print(f"[green]已生成标注副本：[/]{esc(redact(str(marked)))}")
    if written:
        out.print("标注副本只用来查看问题位置，请在原文件中修改后重新校验。")


@app.command("validate")
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="工作簿、填报单位文件夹或数据文件夹；默认数据文件夹。")
    ] = None,
    town: Annotated[str | None, typer.Option("--town", help="只校验这个填报单位。")] = None,
    data: DataOption = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="输出格式：text（表格）或 json。")
    ] = OutputFormat.text,
    mark: Annotated[
        bool,
        typer.Option("--mark", help="为有问题的工作簿生成标注副本（…_问题标注.xlsx）：问题单元格"
                     "标红（错误）或标黄（警告）并加批注，原文件不动。"),
    ] = False,
    jobs: JobsOption = 0,
    detail: Annotated[
        bool, typer.Option("--detail", help="多个单位时也逐条列出每个问题（默认按单位汇总、同类问题合并）。")
    ] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="把全部问题写成可筛选、可打印的表格，如 问题清单.xlsx"
                     "（一个“全部问题”工作表，每个单位再各一个）。"),
    ] = None,
    split: Annotated[
        bool, typer.Option("--split", help="每个单位单独一个问题清单（写到 --out 文件夹），便于分发给各单位。")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="问题清单的输出文件夹。")] = Path("输出"),
) -> None:
    """校验 Excel 数据：列出每个问题（文件、工作表、单元格、怎么改），再给出“五有”对标情况。"""
    from ..output import (
        print_checklist,
        print_issues,
        print_reading,
        print_summary,
        print_units,
        result_json,
    )
    from ..units import discover
    from ..validate import list_issues

    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise _fail(f"--xlsx 的文件名要以 .xlsx 结尾，例如：--xlsx 问题清单.xlsx（现在是 {esc(xlsx.name)}）。")
    data_dir = resolve_data_dir(data, quiet=bool(paths))
    config = _load_config(data_dir)
    targets = list(paths or [])
    if town:
        targets = [unit_folder(base, town, config) for base in (targets or [data_dir])]
    elif not targets:
        targets = [data_dir]
    for target in targets:
        if not target.exists():
            raise _fail(f"找不到 {target}。请检查路径或单位名称。")
    sources = discover(targets, config)
    result = list_issues(sources, config, jobs=jobs)
    if not result.units:
        raise _fail(f"在 {'、'.join(map(str, targets))} 中没有找到 Excel 工作簿（.xlsx/.xls）。")
    checklists = result.checklists
    county = len(result.units) > 1 and not detail
    if output_format is OutputFormat.json:
        sys.stdout.write(result_json(result, checklists) + "\n")
    else:
        cli.console.print(f"校验了 {len(result.units)} 个填报单位："
                      + esc("、".join(u.name for u in result.units)))
        if county:
            print_units(cli.console, result)
        else:
            print_reading(cli.console, result.units)
            print_issues(cli.console, result.report.issues)
            for checklist in checklists:
                print_checklist(cli.console, checklist)
        print_summary(cli.console, result)
    shown = cli.err_console if output_format is OutputFormat.json else cli.console
    # the lists are written after the problems are shown: a list that cannot be written (the
    # old one open in Excel, a read-only folder) must not hide them
    written, failure = _problem_lists(result, xlsx, split, out,
                                      csv=county and output_format is OutputFormat.text)
    for path in written:
        shown.print(f"完整问题清单：{esc(str(path))}")
    if failure:
        cli.err_console.print(f"[red]错误：[/]问题清单没有保存：{esc(failure)}")
        if xlsx is not None or split:
            raise typer.Exit(EXIT_USAGE)
    if mark:
        _mark(result.report.issues, cli.err_console if output_format is OutputFormat.json else cli.console,
              _mark_jobs(jobs, len(result.units)))
    if result.report.unreadable:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK if result.report.valid else EXIT_DATA_ERRORS)
