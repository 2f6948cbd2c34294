"""`wenming status`: who has handed in what, on time or not (DESIGN.md §2)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import cli
from ..cli import (
    DataOption,
    JobsOption,
    OutputFormat,
    _fail,
    _load_config,
    app,
    esc,
    resolve_data_dir,
)


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

    from ..files import OutputError, write_atomic
    from ..output import print_status
    from ..status import collect_status, write_status_xlsx

    data_dir = resolve_data_dir(data)
    config = _load_config(data_dir)
    statuses = collect_status(data_dir, config, jobs=jobs)
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps([s.to_dict() for s in statuses], ensure_ascii=False, indent=2)
                         + "\n")
    else:
        print_status(cli.console, statuses, config)
    if xlsx is not None:
        if xlsx.suffix.lower() != ".xlsx":
            raise _fail(f"--xlsx 的文件名应以 .xlsx 结尾，如 报送情况.xlsx（现在是 {xlsx.name}）。")
        try:
            write_atomic(xlsx, lambda temp: write_status_xlsx(statuses, config, temp,
                                                              mask=not no_mask))
        except OutputError as exc:
            raise _fail(str(exc)) from exc
        cli.console.print(f"[green]已保存：[/]{esc(xlsx)}")
