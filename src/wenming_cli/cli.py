"""The `wenming` command line (DESIGN.md §2). Commands are thin: parse, call one function, print.

Exit codes: 0 ok (warnings allowed), 1 the data has errors, 2 usage error or unreadable input.
Heavy modules (openpyxl, docxtpl, calamine) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any


def _cancelled_while_starting(signum: int, frame: Any) -> None:
    os.write(2, "已取消。\n".encode())
    os._exit(130)


if __name__ == "__main__" or Path(sys.argv[0]).stem == "wenming":
    # Ctrl+C while the program is still importing (typer, rich): 已取消, not a traceback;
    # `main` puts Python's own handler back once it runs
    signal.signal(signal.SIGINT, _cancelled_while_starting)

import typer  # noqa: E402

from .privacy import redact  # noqa: E402

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="wenming",
    help="新时代文明实践所（站）“五有”自评材料工具：生成 Excel 模板、校验数据、生成自评报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain help: `wenming --help` must not pay for importing rich
)


class _LazyConsole:
    """A rich Console created on first use, so `wenming --help` never imports rich."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        """The rich Console itself (for rich objects that need one, e.g. Progress)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console: Any = _LazyConsole()
err_console: Any = _LazyConsole(stderr=True)

EXIT_OK, EXIT_DATA_ERRORS, EXIT_USAGE = 0, 1, 2


class OutputFormat(str, Enum):
    """--format choices."""

    text = "text"
    json = "json"


EXIT_INTERRUPTED = 130
"""Exit code after Ctrl+C (128 + SIGINT, as shells report it)."""


def esc(text: object) -> str:
    """``text`` safe inside rich markup (paths, unit names, messages holding user text): ``[/]``
    or ``[red]`` in a cell, a path or a folder name is printed as written, never as a tag."""
    from rich.markup import escape

    return escape(str(text))


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``错误：message`` on stderr (``message`` is plain text, never markup)."""
    err_console.print(f"[red]错误：[/]{esc(redact(message))}")
    return typer.Exit(code)


def bundled_sample_data() -> Path:
    """The sample data folder shipped inside the package."""
    from importlib import resources

    return Path(str(resources.files("wenming_cli").joinpath("sample_data")))


def resolve_data_dir(data: Path | None, quiet: bool = False) -> Path:
    """--data, else ./data when it exists, else the bundled sample data (said in one line)."""
    if data is not None:
        if not data.is_dir():
            raise _fail(f"数据文件夹 {data} 不存在。请检查 --data 后面的路径。")
        return data
    local = Path("data")
    if local.is_dir():
        return local
    sample = bundled_sample_data()
    if not quiet:
        err_console.print(f"[dim]当前目录下没有 data 文件夹，使用软件自带的示例数据：{esc(sample)}[/]")
    return sample


def _load_config(data_dir: Path | None):  # type: ignore[no-untyped-def]
    from .config import ConfigError, load_config

    try:
        config, _ = load_config(data_dir)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    return config


def _version(value: bool) -> None:
    if value:
        from . import __version__

        console.print(f"wenming {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本号。"),
    ] = None,
) -> None:
    """新时代文明实践所（站）“五有”自评材料工具：生成 Excel 模板、校验数据、生成文档。"""


DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="数据文件夹（每个填报单位一个子文件夹）；默认 ./data，没有则用示例数据。"),
]
JobsOption = Annotated[
    int,
    typer.Option("--jobs", min=0, max=64,
                 help="同时处理几个填报单位。默认 0＝自动：处理全县（多个单位）时分给几个 CPU 核同时做"
                      "（最多 4 个），只处理一个单位时不起作用。电脑变慢或提示内存不足时，用 --jobs 1"
                      " 一个一个处理（结果相同，只是慢一些）。"),
]


@app.command("init-templates")
def init_templates(
    out: Annotated[Path, typer.Option("--out", help="模板写到哪个文件夹。")] = Path("data"),
    town: Annotated[list[str] | None, typer.Option("--town", help="镇（街道）名称，可重复。")] = None,
    unit: Annotated[
        list[str] | None, typer.Option("--unit", help="县级单位或县级志愿服务队名称，可重复。")
    ] = None,
    all_units: Annotated[bool, typer.Option("--all", help="为配置中的全部填报单位生成。")] = False,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
    report_templates: Annotated[
        bool, typer.Option("--report-templates", help="同时复制可在 Word/WPS 中修改的报告模板（.docx）。")
    ] = False,
    data: DataOption = None,
) -> None:
    """生成空白 Excel 模板（每个填报单位一个文件夹，四张表）；可同时复制 Word 报告模板。"""
    from functools import partial

    from .files import OutputError, safe_component, write_atomic
    from .schema import WORKBOOKS
    from .xlsx_templates import unit_setup, write_workbook

    config = _load_config(data if data is not None else (out if out.is_dir() else None))
    names = list(town or []) + list(unit or [])
    if all_units:
        names = [t.name for t in config.towns] + list(config.units) + list(config.county_teams)
    if report_templates:
        _copy_report_templates(out / "报告模板", force)
        if not names:
            return
    if not names:
        raise _fail("请用 --town 指定镇（街道），或 --unit 指定县级单位，或用 --all 生成全部。\n"
                    "例如：wenming init-templates --town 城北街道")
    for name in town or []:
        if config.town(name) is None:
            raise _fail(f"“{name}”不是配置中的镇（街道）。可选：" + "、".join(t.name for t in config.towns))
    for name in unit or []:
        if config.unit_kind(name) not in ("unit", "team"):
            raise _fail(f"“{name}”不是配置中的县级单位或县级志愿服务队。")
    written = skipped = 0
    for name in names:
        try:  # the same check as report's: a name is one folder inside --out, never a path
            safe_component(name)
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        setup = unit_setup(config, name)
        for spec in WORKBOOKS:
            path = out / name / spec.file_name
            if path.exists() and not force:
                console.print(f"[yellow]已存在，未覆盖：[/]{esc(path)}（加 --force 可覆盖）")
                skipped += 1
                continue
            kept: list[Path] = []
            try:
                # temp file + rename: a killed run never leaves a truncated template under
                # its final name (which the next --force would then back up as the original)
                write_atomic(path, partial(write_workbook, spec=spec, unit=setup, config=config),
                             kept=kept)
            except OutputError as exc:
                raise _fail(str(exc)) from exc
            if kept:
                console.print(f"[yellow]已覆盖：[/]{esc(path)}（原文件备份到 {esc(kept[0])}）")
            written += 1
    console.print(f"已生成 {written} 个模板" + (f"，跳过 {skipped} 个已存在的文件" if skipped else "")
                  + f"，位置：{esc(out)}")
    console.print("填好后运行：wenming validate " + esc(out))


SAMPLE_MARK_FOLDER = Path("输出")
"""Where `validate --mark` writes the copies of the bundled sample data's workbooks."""


def _mark_jobs(jobs: int, units: int) -> int:
    """Processes for ``--mark``: as asked, or for several units one per core (at most 4)."""
    if jobs:
        return jobs
    from .validate import MAX_AUTO_JOBS, usable_cores

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
        from .units import discover

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
    from .files import OutputError
    from .problem_list import write_problem_csv, write_problem_list, write_split

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
    from .mark import MarkError, mark_all

    moved = (bundled_sample_data().resolve(), SAMPLE_MARK_FOLDER)
    try:
        written = mark_all(issues, jobs, moved)
    except MarkError as exc:
        written = exc.written
        err_console.print(f"[red]错误：[/]{esc(redact(str(exc)))}")
    for marked in written:  # named after the workbook, which may carry an ID number
        out.print(f"[green]已生成标注副本：[/]{esc(redact(str(marked)))}")
    if written:
        out.print("标注副本只用来查看问题位置，请在原文件中修改后重新校验。")


def _copy_to(source: Path, target: Path) -> None:
    import shutil

    shutil.copyfile(source, target)


def _copy_report_templates(folder: Path, force: bool) -> None:
    """Copy every bundled .docx template into ``folder`` (never overwriting without --force)."""
    from functools import partial

    from .files import OutputError, write_atomic
    from .render.report import bundled_template
    from .render.variables import TEMPLATE_VARIABLES

    for name in TEMPLATE_VARIABLES:
        target = folder / name
        if target.exists() and not force:
            console.print(f"[yellow]已存在，未覆盖：[/]{esc(target)}（加 --force 可覆盖）")
            continue
        source = bundled_template(name)
        kept: list[Path] = []
        try:  # a template the clerk edited in Word is kept in 旧版/ when --force replaces it
            write_atomic(target, partial(_copy_to, source), kept=kept)
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        if kept:
            console.print(f"[yellow]已覆盖：[/]{esc(target)}（原文件备份到 {esc(kept[0])}）")
    console.print(f"报告模板已复制到：{esc(folder)}（可用变量见 README“修改 Word 模板”）")


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
    from .output import (
        print_checklist,
        print_issues,
        print_reading,
        print_summary,
        print_units,
        result_json,
    )
    from .units import discover
    from .validate import list_issues

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
        console.print(f"校验了 {len(result.units)} 个填报单位："
                      + esc("、".join(u.name for u in result.units)))
        if county:
            print_units(console, result)
        else:
            print_reading(console, result.units)
            print_issues(console, result.report.issues)
            for checklist in checklists:
                print_checklist(console, checklist)
        print_summary(console, result)
    shown = err_console if output_format is OutputFormat.json else console
    # the lists are written after the problems are shown: a list that cannot be written (the
    # old one open in Excel, a read-only folder) must not hide them
    written, failure = _problem_lists(result, xlsx, split, out,
                                      csv=county and output_format is OutputFormat.text)
    for path in written:
        shown.print(f"完整问题清单：{esc(str(path))}")
    if failure:
        err_console.print(f"[red]错误：[/]问题清单没有保存：{esc(failure)}")
        if xlsx is not None or split:
            raise typer.Exit(EXIT_USAGE)
    if mark:
        _mark(result.report.issues, err_console if output_format is OutputFormat.json else console,
              _mark_jobs(jobs, len(result.units)))
    if result.report.unreadable:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK if result.report.valid else EXIT_DATA_ERRORS)


class DocKind(str, Enum):
    """--kind choices for a town."""

    self_assessment = "自评报告"
    summary = "半年小结"
    evidence = "印证资料"
    everything = "全部"


@app.command("report")
def report(
    town: Annotated[str | None, typer.Option("--town", help="镇（街道）名称，如 城北街道。")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="县级单位或县级志愿服务队名称，如 县文旅局（生成半年小结）。")
    ] = None,
    all_units: Annotated[
        bool, typer.Option("--all", help="为数据文件夹中的每个填报单位生成主文档（镇街自评报告、"
                           "县级单位和县级队伍的半年小结）。")
    ] = False,
    county: Annotated[bool, typer.Option("--county", help="生成全县汇总（.docx 和 .xlsx）。")] = False,
    kind: Annotated[
        DocKind | None,
        typer.Option("--kind", help="要生成的文档：自评报告、半年小结、印证资料（花名册、活动计划一览表、"
                     "项目表、图片资料汇编）或 全部。默认：镇（街道）自评报告，县级单位半年小结。"),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转成 PDF。")] = False,
    jobs: JobsOption = 0,
    make_zip: Annotated[
        bool, typer.Option("--zip", help="把生成的文档打成一个 .zip，便于发邮件报送。")
    ] = False,
    data: DataOption = None,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹。")] = Path("输出"),
    no_mask: Annotated[
        bool, typer.Option("--no-mask", help="不遮挡身份证号和手机号（仅供内部留存）。")
    ] = False,
    template: Annotated[
        Path | None, typer.Option("--template", help="自定义 .docx 模板（docxtpl 格式）。")
    ] = None,
    full_lists: Annotated[
        bool, typer.Option("--full-lists", help="自评报告附上完整的志愿者花名册和活动计划一览表（默认附"
                           "队伍一览表（含各队人数）和活动开展情况统计表；完整名单另见 --kind 印证资料）。")
    ] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="与 --all 一起用：同时把各单位的全部问题写成问题清单，如 问题清单.xlsx。"),
    ] = None,
) -> None:
    """生成文档：镇（街道）自评报告、单位半年小结、全县汇总。"""
    from .render.package import make_zip as package_zip
    from .render.package import render_evidence, to_pdf, zip_name
    from .render.report import (
        RenderError,
        file_label,
        render_county,
        render_self_assessment,
        render_summary,
    )
    from .validate import validate_paths

    chosen = [bool(town), bool(unit), all_units, county]
    if sum(chosen) != 1:
        raise _fail("请选择一项：--town 镇（街道）、--unit 县级单位、--all 全部 或 --county 全县汇总。\n"
                    "例如：wenming report --town 城北街道")
    if no_mask and make_zip:
        raise _fail("--no-mask 生成的是未遮挡身份证号、手机号的内部留存件，不能打包报送；"
                    "请去掉 --no-mask 再加 --zip。")
    if make_zip and (county or all_units):
        raise _fail("--zip 用于单个填报单位（--town 或 --unit）。")
    if xlsx is not None and not all_units:
        raise _fail("--xlsx 与 --all 一起用；单个单位的问题清单请用 wenming validate --xlsx 问题清单.xlsx。")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise _fail(f"--xlsx 的文件名要以 .xlsx 结尾，例如：--xlsx 问题清单.xlsx（现在是 {xlsx.name}）。")
    if all_units and (kind is not None or pdf or make_zip or template):
        raise _fail("--all 为每个单位生成主文档（镇街自评报告、县级单位半年小结）；"
                    "--kind、--pdf、--zip、--template 请对单个单位使用（--town 或 --unit）。")
    if unit and kind is DocKind.self_assessment:
        raise _fail("县级单位和县级志愿服务队不写自评报告；请用 --kind 半年小结 或 印证资料。")
    kind = kind or (DocKind.self_assessment if town else DocKind.summary)
    if template and kind not in (DocKind.self_assessment, DocKind.summary):
        raise _fail("--template 一次只用于一种文档：请配合 --kind 自评报告 或 --kind 半年小结 使用。")
    data_dir = resolve_data_dir(data)
    config = _load_config(data_dir)
    from .files import remove_stale_system_temps

    remove_stale_system_temps()  # photo/chart folders of a run that was killed
    sample = data is None and is_sample(data_dir)
    label = file_label(mask=not no_mask, sample=sample)
    started = time.time()
    notes: list[str] = []
    if all_units:
        _report_all(data_dir, config, out, not no_mask, label, jobs, xlsx)
        return
    try:
        if county:
            from .units import discover
            from .validate import list_issues

            listing = list_issues(discover([data_dir], config), config, jobs=jobs, checklists=False,
                                  rollups=True)
            if listing.report.unreadable:
                names = "、".join(sorted({i.file for i in listing.report.unreadable}))
                raise _fail(f"{names} 无法读取，全县汇总会缺少这些数据。请先运行 wenming validate "
                            f"{data_dir} 按提示处理后再生成。")
            paths = render_county(listing.rollups, config, listing.report, out,
                                  template=template, label=label, notes=notes)
            issues = listing.report
        else:
            name = town or unit or ""
            _check_unit_name(config, name, is_town=bool(town))
            folder = data_dir / name
            if not folder.is_dir() and data_dir.is_dir():
                from .units import discover

                # a folder read as this unit (城北街道自评材料, 城北街道 with a trailing space)
                folder = next((s.folder for s in discover([data_dir], config) if s.name == name),
                              folder)
            if not folder.is_dir():
                where = "data" if sample else str(data_dir)
                raise _fail(f"数据文件夹 {data_dir} 中没有“{name}”文件夹。可先运行："
                            f"wenming init-templates {'--town' if town else '--unit'} {name} "
                            f"--out {where}，填好后再生成。")
            result = validate_paths([folder], config)
            if not result.units:
                raise _fail(f"{folder} 中没有找到 Excel 工作簿。")
            the_unit = result.units[0]
            issues = result.report
            if result.report.unreadable:
                names = "、".join(sorted({Path(i.file).name for i in result.report.unreadable}))
                raise _fail(f"{names} 无法读取，生成的文档会缺少这些数据。请先运行 wenming validate "
                            f"{folder} 按提示处理后再生成。")
            if set(the_unit.files) <= the_unit.empty:
                from .checks import UNIT_EMPTY, UNIT_EMPTY_HINT

                raise _fail(f"{folder} 中的{UNIT_EMPTY}。{UNIT_EMPTY_HINT}", EXIT_DATA_ERRORS)
            paths = []
            if town and kind in (DocKind.self_assessment, DocKind.everything):
                paths.append(render_self_assessment(the_unit, config, out, mask=not no_mask,
                                                    template=template, label=label,
                                                    full_lists=full_lists))
            if kind in (DocKind.summary, DocKind.everything):
                paths.append(render_summary(the_unit, config, out, template=template,
                                            label=label, notes=notes))
            if kind in (DocKind.evidence, DocKind.everything):
                paths.extend(render_evidence(the_unit, config, out, mask=not no_mask,
                                             label=label, notes=notes))
        if pdf:
            paths.extend(to_pdf([p for p in paths if p.suffix == ".docx"], notes))
        if make_zip:
            target = out / zip_name(town or unit or "", date.today(), label)
            paths.append(package_zip(paths, target))
    except RenderError as exc:
        raise _fail(str(exc)) from exc
    for path in paths:
        console.print(f"[green]已生成：[/]{esc(path)}")
        _after_render(path, started)
    for note in notes:
        err_console.print(f"[yellow]注意：{esc(redact(note))}[/]")  # photo names may be IDs
    if sample:
        console.print("[yellow]这是用软件自带的示例数据生成的，文件名已标“示例数据”，不能上报。"
                      "请在 data 文件夹中放入本单位的表格（wenming init-templates 生成模板）。[/]")
    missing = [i for i in issues.issues if i.code == "workbook-missing"]
    for issue in missing:
        err_console.print(f"[yellow]注意：{esc(issue.message)}，文档中相应的数字为 0。[/]")
    errors = len(issues.errors)
    if errors:
        err_console.print(f"[yellow]注意：数据中有 {errors} 个错误，文档中的数字可能不准确。"
                          f"请运行 wenming validate 查看并修正。[/]")
        raise typer.Exit(EXIT_DATA_ERRORS)


def is_sample(data_dir: Path) -> bool:
    """True when ``data_dir`` is the sample data shipped in the package."""
    return data_dir.resolve() == bundled_sample_data().resolve()


def _after_render(path: Path, started: float) -> None:
    """Tell the clerk about 【请补充】 placeholders left and about the previous version kept."""
    from zipfile import ZipFile

    from .files import BACKUP_DIR

    if path.suffix == ".docx":
        xml = ZipFile(path).read("word/document.xml").decode("utf-8")
        left = xml.count("【请补充")
        if left:
            console.print(f"[yellow]  文档中还有 {left} 处【请补充：…】，请补齐表格后重新生成，"
                          "或在 Word/WPS 中直接补写。[/]")
    backups = path.parent / BACKUP_DIR
    if backups.is_dir():
        for copy in backups.glob(f"{path.stem}_*{path.suffix}"):
            if copy.stat().st_ctime >= started:
                console.print(f"  上一版已备份到：{esc(copy)}")


def _check_unit_name(config: Any, name: str, is_town: bool) -> None:
    if is_town and config.town(name) is None:
        raise _fail(f"“{name}”不是配置中的镇（街道）。可选：" + "、".join(t.name for t in config.towns))
    if not is_town and config.unit_kind(name) not in ("unit", "team"):
        raise _fail(f"“{name}”不是配置中的县级单位或县级志愿服务队。可选："
                    + "、".join(list(config.units) + list(config.county_teams)))


def _report_all(data_dir: Path, config: Any, out: Path, mask: bool, label: str,
                jobs: int, xlsx: Path | None = None) -> None:
    """Every document for every unit found; one unit's failure does not stop the others."""
    from rich.progress import Progress
    from rich.table import Table

    from .render.batch import Outcome, render_all
    from .units import discover

    sources = discover([data_dir], config)
    if not sources:
        raise _fail(f"{data_dir} 中没有填报单位文件夹。")
    with Progress(console=err_console.real, transient=True) as progress:
        task = progress.add_task("生成文档", total=len(sources))

        def done(outcome: Outcome) -> None:
            progress.update(task, advance=1, description=f"已完成 {esc(outcome.unit)}")

        outcomes = render_all(sources, config, out, mask, label, jobs=jobs, done=done)
    table = Table(title="生成结果", title_justify="left")
    for header in ("填报单位", "文件", "结果"):
        table.add_column(header, overflow="fold")
    for o in outcomes:
        if o.failure:
            table.add_row(esc(o.unit), "—", f"[red]失败：{esc(redact(o.failure))}[/]")
        for path in o.paths:
            note = f"[yellow]数据有 {o.data_errors} 个错误[/]" if o.data_errors else "[green]成功[/]"
            table.add_row(esc(o.unit), esc(path), note)
    console.print(table)
    failed = sum(1 for o in outcomes if o.failure)
    with_errors = sum(1 for o in outcomes if o.data_errors)
    console.print(f"共 {len(sources)} 个填报单位，失败 {failed} 个，数据有错误的 {with_errors} 个。")
    if xlsx is not None:
        from .files import OutputError
        from .problem_list import write_problem_list

        try:
            written = write_problem_list([i for o in outcomes for i in o.issues], xlsx,
                                         [o.unit for o in outcomes], "问题清单")
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        console.print(f"完整问题清单：{written}", markup=False, highlight=False)
    if failed or with_errors:
        raise typer.Exit(EXIT_DATA_ERRORS)


@app.command("status")
def status(
    data: DataOption = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="输出格式：text（表格）或 json。")
    ] = OutputFormat.text,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="另存为 Excel 表格，便于办公室跟踪。")
    ] = None,
    jobs: JobsOption = 0,
    no_mask: Annotated[
        bool, typer.Option("--no-mask", help="--xlsx 表中联系人的手机号不遮挡（仅供县中心内部电话催报）。")
    ] = False,
) -> None:
    """报送情况：每个应报单位是否已交、交了哪些表、是否按时、有无错误（需电话催报的排在前面）。"""
    import json

    from .files import OutputError, write_atomic
    from .output import print_status
    from .status import collect_status, write_status_xlsx

    data_dir = resolve_data_dir(data)
    config = _load_config(data_dir)
    statuses = collect_status(data_dir, config, jobs=jobs)
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps([s.to_dict() for s in statuses], ensure_ascii=False, indent=2)
                         + "\n")
    else:
        print_status(console, statuses, config)
    if xlsx is not None:
        if xlsx.suffix.lower() != ".xlsx":
            raise _fail(f"--xlsx 的文件名应以 .xlsx 结尾，如 报送情况.xlsx（现在是 {xlsx.name}）。")
        try:
            write_atomic(xlsx, lambda temp: write_status_xlsx(statuses, config, temp,
                                                              mask=not no_mask))
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        console.print(f"[green]已保存：[/]{esc(xlsx)}")


def _server_data_dir(data: Path | None) -> Path:
    """The intake desk's data folder: ``--data``, else ./data (made when missing: uploads land
    there) — never the bundled sample data, which lives inside the installed package."""
    folder = data if data is not None else Path("data")
    if folder.exists() and not folder.is_dir():
        raise _fail(f"{folder} 是一个文件，不是文件夹。请用 --data 指定数据文件夹。")
    if data is None and not folder.exists():
        folder.mkdir()
        console.print(f"已新建数据文件夹 {esc(folder.resolve())}，各单位上传的表格会放在这里。")
    if not folder.is_dir():
        raise _fail(f"找不到数据文件夹 {folder}。请检查 --data 后面的路径。")
    return folder


@app.command("accounts")
def accounts(
    out: Annotated[Path, typer.Option("--out", help="登录码清单（.xlsx），打印后发给各单位。")] = Path(
        "登录码.xlsx"),
    data: Annotated[Path | None, typer.Option("--data", help="数据文件夹（与 wenming serve 的相同）；默认 ./data。")] = None,
    reset: Annotated[
        list[str] | None, typer.Option("--reset", help="为这个单位重新发放登录码（旧码立即作废），可重复使用。")
    ] = None,
    address: Annotated[str, typer.Option("--address", help="印在清单上的登录网址。")] = "",
) -> None:
    """生成报送系统（wenming serve）的登录码：每个应报单位一个、县中心一个，写成可打印的 .xlsx 清单。"""
    from .files import OutputError, write_atomic
    from .serve.accounts import issue_codes, write_codes_xlsx
    from .serve.db import Store

    if out.suffix.lower() != ".xlsx":
        raise _fail(f"--out 的文件名要以 .xlsx 结尾，如 登录码.xlsx（现在是 {esc(out.name)}）。")
    if out.exists():
        # never over an older list: it would go to 旧版/ as a second plain-text copy of codes
        raise _fail(f"{esc(out)} 已存在。请用 --out 另起一个文件名（如 登录码_重发.xlsx），"
                    "或确认旧清单已不再需要后先删除它。")
    folder = _server_data_dir(data)
    config = _load_config(folder)
    try:
        store = Store(folder)
        codes = issue_codes(store, config, reset)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    except OSError as exc:
        raise _fail(f"无法在 {folder} 中保存登录码：{_path_reason(exc) or exc.strerror}。") from exc
    if not codes:
        console.print("所有单位都已有登录码，没有生成新的。登录码只保存为不可还原的摘要，无法再次显示；"
                      "某单位遗失了登录码，请用 --reset 单位名 重新发放。")
        return
    shown = address or "http://（县中心电脑的地址）:8765"
    try:
        write_atomic(out, lambda temp: write_codes_xlsx(codes, temp, shown, config.county))
    except OutputError as exc:
        raise _fail(f"{exc} 登录码已生成但清单没有保存，请关闭占用的文件后用 --reset 重新发放。") from exc
    console.print(f"[green]已生成 {len(codes)} 个登录码：[/]{esc(out)}")
    where = "（县中心的登录码在单独的工作表“县中心（单独保管）”）" if any(
        c.kind == "county" for c in codes) else ""
    console.print(f"请打印后分发给各单位{where}；这份清单是登录码唯一的记录，请妥善保管，发放后可删除电子版。")


@app.command("serve")
def serve(
    data: Annotated[Path | None, typer.Option("--data", help="数据文件夹：各单位上传的表格放在这里（与其他命令的相同）；默认 ./data。")] = None,
    host: Annotated[str, typer.Option("--host", help="监听地址。默认只允许本机访问；0.0.0.0 允许局域网内其他电脑访问。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口。")] = 8765,
    jobs: JobsOption = 0,
) -> None:
    """报送系统：在县中心电脑上启动网页服务，各单位用浏览器上传表格、查看问题、下载文档、确认报送。"""
    import socket

    folder = _server_data_dir(data)
    config = _load_config(folder)
    from .serve.db import Store

    try:
        accounts_made = bool(Store(folder).accounts())
    except OSError as exc:
        raise _fail(f"无法在 {folder} 中建立报送系统的记录：{_path_reason(exc) or exc.strerror}。") from exc
    if not accounts_made:
        console.print("[yellow]还没有登录码：请先运行 wenming accounts --out 登录码.xlsx[/]")
    try:  # the port taken (a second window, the scheduled start): say so before starting
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise _fail(f"无法在 {host}:{port} 上启动：端口已被占用或地址不属于本机。可能已有一个报送系统在运行"
                    "（请先关闭它的窗口），或用 --port 换一个端口，如 --port 8766。") from exc
    from .serve.app import create_app

    application = create_app(folder, workers=jobs or None)
    urls = [f"http://127.0.0.1:{port}/"] if host in ("127.0.0.1", "localhost") else []
    if host in ("0.0.0.0", "::"):
        try:
            addresses = sorted({a for a in socket.gethostbyname_ex(socket.gethostname())[2]
                                if not a.startswith("127.")})
        except OSError:
            addresses = []
        urls = [f"http://{a}:{port}/" for a in addresses] or [f"http://（本机地址）:{port}/"]
        console.print("[yellow]注意：局域网内的其他电脑都能打开本系统；请只在单位内网使用，不要映射到互联网。[/]")
    elif not urls:
        urls = [f"http://{host}:{port}/"]
    console.print(f"报送系统已启动（数据文件夹：{esc(folder.resolve())}，报送截止："
                  f"{config.deadline:%Y年%m月%d日 %H:%M}）。请用浏览器打开：")
    for url in urls:
        console.print(f"  {url}", markup=False, highlight=False)
    console.print("按 Ctrl+C 停止。")
    import uvicorn

    try:
        # no access log (a log is no place for who uploaded what); no proxy headers: nobody
        # may pass for another address (the login limit counts per address)
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
    except OSError as exc:
        raise _fail(f"无法在端口 {port} 上启动：{_path_reason(exc) or '端口可能已被占用'}；"
                    "请关闭另一个报送系统窗口，或用 --port 换一个端口。") from exc


_USAGE_WORDS = (
    ("No such option", "没有这个选项"),
    ("Missing option", "缺少选项"),
    ("Missing argument", "缺少参数"),
    ("Invalid value for", "选项的值不对"),
    ("No such command", "没有这个命令"),
    ("requires an argument", "后面要跟一个值"),
    ("Got unexpected extra argument", "多了参数"),
)
_VALUE_RULES = (
    (re.compile(r"Invalid value for '([^']+)': Input should be greater than or equal to (\S+)"),
     "{0} 的值不能小于 {1}"),
    (re.compile(r"Invalid value for '([^']+)': Input should be less than or equal to (\S+)"),
     "{0} 的值不能大于 {1}"),
    (re.compile(r"Invalid value for '([^']+)': Input should be a valid integer"),
     "{0} 后面要填一个整数"),
)


def chinese_usage_error(message: str) -> str:
    """A Chinese lead for typer/click's English usage messages (the original kept for detail);
    out-of-range and non-integer option values are said wholly in Chinese."""
    for pattern, chinese in _VALUE_RULES:
        match = pattern.search(message)
        if match:
            return chinese.format(*match.groups())
    lead = next((zh for en, zh in _USAGE_WORDS if en in message), "命令写法不对")
    return f"{lead}：{message.rstrip('.。')}"


def _path_reason(exc: OSError) -> str:
    """The reason for a path given on the command line, when it is about the path itself."""
    import errno

    return {errno.ENAMETOOLONG: "路径或文件名太长，请移到名字短一些的文件夹后重试",
            errno.ENOTDIR: "路径中有一段是文件而不是文件夹，请检查路径",
            errno.ELOOP: "路径中的快捷方式（链接）互相指向，请检查路径"}.get(exc.errno or 0, "")


def _tolerant_console_encoding() -> None:
    """A console that cannot show every character (a Chinese Windows code page, GBK) shows '?'
    for an emoji in a cell instead of ending with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main() -> None:
    """Console-script entry point: usage errors get a Chinese message and exit code 2."""
    signal.signal(signal.SIGINT, signal.default_int_handler)  # see _cancelled_while_starting
    _tolerant_console_encoding()
    usage_error: type[Exception] = typer.BadParameter.__bases__[0]  # click's (vendored) UsageError
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        formatter = getattr(exc, "format_message", None)
        message = formatter() if formatter else str(exc)
        err_console.print(f"[red]错误：[/]{esc(chinese_usage_error(message))}"
                          "。运行 wenming --help 或 wenming 命令 --help 查看用法。", markup=True)
        sys.exit(EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except OSError as exc:  # a path the system refuses (too long, not a folder …): no traceback
        from .files import os_reason

        name = str(exc.filename or "")
        where = f" {name[:30]}…{name[-30:]}" if len(name) > 80 else f" {name}" if name else ""
        err_console.print(f"[red]错误：[/]无法使用{esc(redact(str(where)))}："
                          f"{esc(_path_reason(exc) or os_reason(exc))}。")
        sys.exit(EXIT_USAGE)
    except MemoryError:
        err_console.print("[red]错误：[/]内存不足，没有完成。请关闭其他程序，或用 --jobs 1 一个一个处理后重试。")
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a defect of ours: a Chinese line, no traceback with a clerk's data
        if os.environ.get("WENMING_DEBUG"):
            raise
        err_console.print(f"[red]错误：[/]程序内部出错（{type(exc).__name__}），没有完成。请把所用的命令和这条"
                          "信息发给技术支持；设置环境变量 WENMING_DEBUG=1 再运行可看到详细信息。")
        sys.exit(EXIT_USAGE)
    if code == EXIT_INTERRUPTED:  # Ctrl+C: typer turns it into exit code 130 without a word
        err_console.print("已取消。")
        sys.stdout.flush()
        sys.stderr.flush()
        from .pool import end_workers

        end_workers()
        # now, without the interpreter's exit handlers: joining a process pool whose workers
        # were just ended can wait forever (CPython's pool shutdown); the workers end themselves
        os._exit(EXIT_INTERRUPTED)
    # the work is done: a Ctrl+C now (while the interpreter shuts down) would only turn the exit
    # code into "killed by SIGINT" without a word
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
