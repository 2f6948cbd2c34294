"""The `wenming` command line (DESIGN.md §2). Commands are thin: parse, call one function, print.

Exit codes: 0 ok (warnings allowed), 1 the data has errors, 2 usage error or unreadable input.
Heavy modules (openpyxl, docxtpl, calamine) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import re
import signal
import sys
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


# the commands register themselves on `app`; imported last, as they import from this module
from .commands import templates, check, report, status, serve  # noqa: E402, F401, I001

if __name__ == "__main__":  # pragma: no cover
    # `python -m wenming_cli.cli`: the commands registered on the module `wenming_cli.cli`
    # (imported by them under that name), not on this `__main__` copy of it
    from wenming_cli.cli import main as package_main

    package_main()
