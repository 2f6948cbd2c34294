"""`wenming report`: the documents of a unit, of every unit, or of the county (DESIGN.md §2, §6)."""

from __future__ import annotations

import time
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import cli
from ..cli import (
    EXIT_DATA_ERRORS,
    DataOption,
    JobsOption,
    _fail,
    _load_config,
    app,
    bundled_sample_data,
    esc,
    resolve_data_dir,
)
from ..privacy import redact


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
    from ..render.package import make_zip as package_zip
    from ..render.package import render_evidence, to_pdf, zip_name
    from ..render.report import (
        RenderError,
        file_label,
        render_county,
        render_self_assessment,
        render_summary,
    )
    from ..validate import validate_paths

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
    from ..files import remove_stale_system_temps

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
            from ..units import discover
            from ..validate import list_issues

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
                from ..units import discover

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
                from ..checks import UNIT_EMPTY, UNIT_EMPTY_HINT

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
        cli.console.print(f"[green]已生成：[/]{esc(path)}")
        _after_render(path, started)
    for note in notes:
        cli.err_console.print(f"[yellow]注意：{esc(redact(note))}[/]")  # photo names may be IDs
    if sample:
        cli.console.print("[yellow]这是用软件自带的示例数据生成的，文件名已标“示例数据”，不能上报。"
                      "请在 data 文件夹中放入本单位的表格（wenming init-templates 生成模板）。[/]")
    missing = [i for i in issues.issues if i.code == "workbook-missing"]
    for issue in missing:
        cli.err_console.print(f"[yellow]注意：{esc(issue.message)}，文档中相应的数字为 0。[/]")
    errors = len(issues.errors)
    if errors:
        cli.err_console.print(f"[yellow]注意：数据中有 {errors} 个错误，文档中的数字可能不准确。"
                          f"请运行 wenming validate 查看并修正。[/]")
        raise typer.Exit(EXIT_DATA_ERRORS)


def is_sample(data_dir: Path) -> bool:
    """True when ``data_dir`` is the sample data shipped in the package."""
    return data_dir.resolve() == bundled_sample_data().resolve()


def _after_render(path: Path, started: float) -> None:
    """Tell the clerk about 【请补充】 placeholders left and about the previous version kept."""
    from zipfile import ZipFile

    from ..files import BACKUP_DIR

    if path.suffix == ".docx":
        xml = ZipFile(path).read("word/document.xml").decode("utf-8")
        left = xml.count("【请补充")
        if left:
            cli.console.print(f"[yellow]  文档中还有 {left} 处【请补充：…】，请补齐表格后重新生成，"
                          "或在 Word/WPS 中直接补写。[/]")
    backups = path.parent / BACKUP_DIR
    if backups.is_dir():
        for copy in backups.glob(f"{path.stem}_*{path.suffix}"):
            if copy.stat().st_ctime >= started:
                cli.console.print(f"  上一版已备份到：{esc(copy)}")


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

    from ..render.batch import Outcome, render_all
    from ..units import discover

    sources = discover([data_dir], config)
    if not sources:
        raise _fail(f"{data_dir} 中没有填报单位文件夹。")
    with Progress(console=cli.err_console.real, transient=True) as progress:
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
    cli.console.print(table)
    failed = sum(1 for o in outcomes if o.failure)
    with_errors = sum(1 for o in outcomes if o.data_errors)
    cli.console.print(f"共 {len(sources)} 个填报单位，失败 {failed} 个，数据有错误的 {with_errors} 个。")
    if xlsx is not None:
        from ..files import OutputError
        from ..problem_list import write_problem_list

        try:
            written = write_problem_list([i for o in outcomes for i in o.issues], xlsx,
                                         [o.unit for o in outcomes], "问题清单")
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        cli.console.print(f"完整问题清单：{written}", markup=False, highlight=False)
    if failed or with_errors:
        raise typer.Exit(EXIT_DATA_ERRORS)
