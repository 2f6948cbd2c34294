"""`wenming init-templates`: blank Excel templates for the units to fill (DESIGN.md §2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import cli
from ..cli import (
    DataOption,
    _fail,
    _load_config,
    app,
    esc,
)


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

    from ..files import OutputError, safe_component, write_atomic
    from ..schema import WORKBOOKS
    from ..xlsx_templates import unit_setup, write_workbook

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
                cli.console.print(f"[yellow]已存在，未覆盖：[/]{esc(path)}（加 --force 可覆盖）")
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
                cli.console.print(f"[yellow]已覆盖：[/]{esc(path)}（原文件备份到 {esc(kept[0])}）")
            written += 1
    cli.console.print(f"已生成 {written} 个模板" + (f"，跳过 {skipped} 个已存在的文件" if skipped else "")
                  + f"，位置：{esc(out)}")
    cli.console.print("填好后运行：wenming validate " + esc(out))


def _copy_to(source: Path, target: Path) -> None:
    import shutil

    shutil.copyfile(source, target)


def _copy_report_templates(folder: Path, force: bool) -> None:
    """Copy every bundled .docx template into ``folder`` (never overwriting without --force)."""
    from functools import partial

    from ..files import OutputError, write_atomic
    from ..render.report import bundled_template
    from ..render.variables import TEMPLATE_VARIABLES

    for name in TEMPLATE_VARIABLES:
        target = folder / name
        if target.exists() and not force:
            cli.console.print(f"[yellow]已存在，未覆盖：[/]{esc(target)}（加 --force 可覆盖）")
            continue
        source = bundled_template(name)
        kept: list[Path] = []
        try:  # a template the clerk edited in Word is kept in 旧版/ when --force replaces it
            write_atomic(target, partial(_copy_to, source), kept=kept)
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        if kept:
            cli.console.print(f"[yellow]已覆盖：[/]{esc(target)}（原文件备份到 {esc(kept[0])}）")
    cli.console.print(f"报告模板已复制到：{esc(folder)}（可用变量见 README“修改 Word 模板”）")
