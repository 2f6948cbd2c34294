"""`wenming accounts` and `wenming serve`: the intake desk's login codes and the server
(DESIGN.md §10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import cli
from ..cli import (
    JobsOption,
    _fail,
    _load_config,
    _path_reason,
    app,
    esc,
)


def _server_data_dir(data: Path | None) -> Path:
    """The intake desk's data folder: ``--data``, else ./data (made when missing: uploads land
    there) — never the bundled sample data, which lives inside the installed package."""
    folder = data if data is not None else Path("data")
    if folder.exists() and not folder.is_dir():
        raise _fail(f"{folder} 是一个文件，不是文件夹。请用 --data 指定数据文件夹。")
    if data is None and not folder.exists():
        folder.mkdir()
        cli.console.print(f"已新建数据文件夹 {esc(folder.resolve())}，各单位上传的表格会放在这里。")
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
    from ..files import OutputError, write_atomic
    from ..serve.accounts import issue_codes, write_codes_xlsx
    from ..serve.db import Store

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
        cli.console.print("所有单位都已有登录码，没有生成新的。登录码只保存为不可还原的摘要，无法再次显示；"
                      "某单位遗失了登录码，请用 --reset 单位名 重新发放。")
        return
    shown = address or "http://（县中心电脑的地址）:8765"
    try:
        write_atomic(out, lambda temp: write_codes_xlsx(codes, temp, shown, config.county))
    except OutputError as exc:
        raise _fail(f"{exc} 登录码已生成但清单没有保存，请关闭占用的文件后用 --reset 重新发放。") from exc
    cli.console.print(f"[green]已生成 {len(codes)} 个登录码：[/]{esc(out)}")
    where = "（县中心的登录码在单独的工作表“县中心（单独保管）”）" if any(
        c.kind == "county" for c in codes) else ""
    cli.console.print(f"请打印后分发给各单位{where}；这份清单是登录码唯一的记录，请妥善保管，发放后可删除电子版。")


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
    from ..serve.db import Store

    try:
        accounts_made = bool(Store(folder).accounts())
    except OSError as exc:
        raise _fail(f"无法在 {folder} 中建立报送系统的记录：{_path_reason(exc) or exc.strerror}。") from exc
    if not accounts_made:
        cli.console.print("[yellow]还没有登录码：请先运行 wenming accounts --out 登录码.xlsx[/]")
    try:  # the port taken (a second window, the scheduled start): say so before starting
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise _fail(f"无法在 {host}:{port} 上启动：端口已被占用或地址不属于本机。可能已有一个报送系统在运行"
                    "（请先关闭它的窗口），或用 --port 换一个端口，如 --port 8766。") from exc
    from ..serve.app import create_app

    application = create_app(folder, workers=jobs or None)
    urls = [f"http://127.0.0.1:{port}/"] if host in ("127.0.0.1", "localhost") else []
    if host in ("0.0.0.0", "::"):
        try:
            addresses = sorted({a for a in socket.gethostbyname_ex(socket.gethostname())[2]
                                if not a.startswith("127.")})
        except OSError:
            addresses = []
        urls = [f"http://{a}:{port}/" for a in addresses] or [f"http://（本机地址）:{port}/"]
        cli.console.print("[yellow]注意：局域网内的其他电脑都能打开本系统；请只在单位内网使用，不要映射到互联网。[/]")
    elif not urls:
        urls = [f"http://{host}:{port}/"]
    cli.console.print(f"报送系统已启动（数据文件夹：{esc(folder.resolve())}，报送截止："
                  f"{config.deadline:%Y年%m月%d日 %H:%M}）。请用浏览器打开：")
    for url in urls:
        cli.console.print(f"  {url}", markup=False, highlight=False)
    cli.console.print("按 Ctrl+C 停止。")
    import uvicorn

    try:
        # no access log (a log is no place for who uploaded what); no proxy headers: nobody
        # may pass for another address (the login limit counts per address)
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
    except OSError as exc:
        raise _fail(f"无法在端口 {port} 上启动：{_path_reason(exc) or '端口可能已被占用'}；"
                    "请关闭另一个报送系统窗口，或用 --port 换一个端口。") from exc
