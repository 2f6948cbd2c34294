"""Second red-team round (issue 14): hostile text, templates, names and files.

Every input is built in tmp_path. Each case asserts the exit code, the Chinese message, that no
traceback is printed, which files are left on disk, and a generous time bound.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import TEAM, MakeBook, make_id, volunteer
from wenming_cli import cli as cli_module
from wenming_cli.cli import app
from wenming_cli.config import Config

runner = CliRunner()

MARKUP = ["[/]", "[red]", "[/i]", "[@click=(]", "[bold red]粗[/bold red]", "\\", "[link=x]"]
"""Text that rich would read as markup: a stray closing tag raises MarkupError, a style tag is
dropped silently, a trailing backslash escapes the tag that follows it."""


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh consoles 4000 columns wide for each test, so a table never folds a value that a
    test looks for (the CLI's consoles are made once per process otherwise)."""
    monkeypatch.setenv("COLUMNS", "4000")
    monkeypatch.setattr(cli_module, "console", cli_module._LazyConsole())
    monkeypatch.setattr(cli_module, "err_console", cli_module._LazyConsole(stderr=True))


def run(args: list[str], **kwargs: Any) -> Any:
    """Invoke the CLI; no traceback and no exception other than SystemExit, ever."""
    result = runner.invoke(app, args, **kwargs)
    assert "Traceback" not in result.output, result.output
    assert "Exception ignored" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


# ================================================================ 1. console markup


def markup_unit(make_book: MakeBook) -> None:
    """A unit whose cells hold markup-like text in every kind of issue message."""
    people = [volunteer(seq=i + 1, id_card=make_id("19900101", 100 + i), team=f"党员服务队{m}",
                        politics=m, name=m or "王")
              for i, m in enumerate(MARKUP)]
    make_book("roster", {"队伍": [TEAM, {**TEAM, "name": "[/]", "category": "[red]"}],
                         "队员": people})
    make_book("activities", {"活动": [
        {"name": f"活动{m}", "category": m, "plan_time": m, "status": "已开展",
         "held_on": "2022-3-5", "team": m, "photos": f"{m}.jpg"} for m in MARKUP]})


def test_markup_in_cells_prints_as_written(make_book: MakeBook, unit_dir: Path) -> None:
    markup_unit(make_book)
    started = time.monotonic()
    result = run(["validate", str(unit_dir)])
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    assert "党员服务队[/i]" in result.output and "“[red]”" in result.output
    assert "[@click=(]" in result.output and "[bold red]粗[/bold red]" in result.output


def test_every_issue_message_of_the_corpus_prints_verbatim(make_book: MakeBook,
                                                           unit_dir: Path,
                                                           config: Config) -> None:
    """Every issue of the markup unit, with markup appended to each of its text fields, prints
    through `output.print_issues` exactly as written."""
    from dataclasses import replace

    from rich.console import Console

    from wenming_cli.output import print_issues
    from wenming_cli.validate import validate_paths

    markup_unit(make_book)
    found = validate_paths([unit_dir], config).report.issues
    assert len({i.code for i in found}) >= 6
    hostile = [replace(i, file=i.file + "[/]", sheet=i.sheet + "[red]",
                       message=i.message + "[/b]", hint=i.hint + "[@click=(]\\")
               for i in found]
    buffer = io.StringIO()
    print_issues(Console(file=buffer, width=4000, color_system=None), hostile)
    printed = buffer.getvalue()
    for issue in hostile:
        assert issue.message in printed and issue.hint in printed
        assert issue.location in printed


@pytest.mark.parametrize("args", [
    ["validate", "zz[/b]"],
    ["validate", "--data", "d[/]"],
    ["status", "--data", "[red]d[/red]"],
    ["report", "--town", "城北街道", "--template", "x[/].docx"],
    ["report", "--town", "[/]"],
    ["init-templates", "--town", "[@click=(]"],
])
def test_markup_in_arguments(args: list[str], tmp_path: Path) -> None:
    result = run(args)
    assert result.exit_code == 2
    assert "错误：" in result.output
    assert any(re.sub(r"^--", "", a) in result.output for a in args if "[" in a), result.output


def test_markup_in_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "validate",
                           "--no-such-option[/]"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "错误：没有这个选项" in done.stderr and "--no-such-option[/]" in done.stderr
    assert "Traceback" not in done.stderr


def test_markup_in_a_data_folder_name_for_county(make_book: MakeBook, unit_dir: Path,
                                                 tmp_path: Path) -> None:
    make_book("roster", {"队伍": [TEAM], "队员": [volunteer()]})
    odd = unit_dir.parent / "[@click=(]"
    odd.mkdir()
    (odd / "志愿服务队伍花名册.xlsx").write_bytes((unit_dir / "志愿服务队伍花名册.xlsx").read_bytes())
    result = run(["report", "--county", "--data", str(unit_dir.parent),
                  "--out", str(tmp_path / "输出[/]")])
    assert result.exit_code in (0, 1)
    assert "已生成：" in result.output and "输出[/]" in result.output


# ================================================================ 2. formula injection


HOSTILE_NAMES = ["=HYPERLINK(\"http://x\",\"点\")", "=cmd|' -C calc'!A0", "+SUM(1)", "-1+2",
                 "@SUM(1)"]


def string_cells(path: Path) -> dict[str, list[tuple[str, str, bool]]]:
    """{sheet: [(coordinate, value, quotePrefix)]} of every cell whose text starts with a
    formula lead; fails on any formula cell at all."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    found.setdefault(ws.title, []).append(
                        (cell.coordinate, cell.value, bool(cell.quotePrefix)))
    return found


def test_status_xlsx_writes_folder_names_as_text(make_book: MakeBook, unit_dir: Path,
                                                 tmp_path: Path) -> None:
    book = make_book("roster", {"队伍": [TEAM], "队员": [volunteer()]})
    data = unit_dir.parent
    for name in HOSTILE_NAMES[1:]:  # '"' is not allowed in a Windows folder name anyway
        (data / name).mkdir(parents=True)
        (data / name / book.name).write_bytes(book.read_bytes())
    target = tmp_path / "报送情况.xlsx"
    result = run(["status", "--data", str(data), "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    cells = string_cells(target)["报送情况"]
    assert sorted(v for _, v, _ in cells) == sorted(HOSTILE_NAMES[1:])
    assert all(prefix for _, _, prefix in cells)


def hostile_config(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    units = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
    (folder / "wenming.toml").write_text(f"units = [{units}]\n", encoding="utf-8")


def test_init_templates_writes_unit_names_as_text(tmp_path: Path) -> None:
    out = tmp_path / "data"
    names = ["=1+1", "=SUM(A1,B1)", "+SUM(1)", "@SUM(1)", "-1+2"]
    hostile_config(out, names)
    result = run(["init-templates", "--out", str(out)] + [a for n in names for a in ("--unit", n)])
    assert result.exit_code == 0, result.output
    books = sorted(out.rglob("*.xlsx"))
    assert len(books) == 4 * len(names)
    for book in books:
        cells = string_cells(book)
        unit = book.parent.name
        texts = [v for sheet in cells.values() for _, v, prefix in sheet if prefix]
        assert unit in texts  # the marker sheet's unit cell, as text
        assert all(prefix for sheet in cells.values() for _, _, prefix in sheet)
    # the templates still read back as this unit's workbooks
    check = run(["validate", str(out / names[0]), "--data", str(out), "--format", "json"])
    assert not {i["code"] for i in json.loads(check.stdout)["issues"]} & {
        "workbook-other-unit", "file-unreadable", "header-not-found"}


def test_county_xlsx_writes_names_as_text(make_book: MakeBook, unit_dir: Path,
                                          tmp_path: Path) -> None:
    make_book("roster", {"队伍": [TEAM], "队员": [volunteer()]})
    hostile_config(unit_dir.parent, ["=1+1", "@A1"])
    result = run(["report", "--county", "--data", str(unit_dir.parent),
                  "--out", str(tmp_path / "输出")])
    assert result.exit_code in (0, 1), result.output
    target = next((tmp_path / "输出" / "全县汇总").glob("*.xlsx"))
    cells = string_cells(target)
    assert [v for _, v, prefix in cells["未报送单位"] if prefix] == ["=1+1", "@A1"]


def test_set_value_keeps_numbers_and_drops_control_characters() -> None:
    from openpyxl import Workbook

    from wenming_cli.xlsx_cells import append_row, put

    ws = Workbook().active
    assert append_row(ws, ["=A1", 3, None, "a\x01b"]) == 1
    assert append_row(ws, ["-5"]) == 2
    assert [c.data_type for c in ws[1]] == ["s", "n", "n", "s"]
    assert ws["D1"].value == "ab" and ws["A1"].quotePrefix and not ws["D1"].quotePrefix
    assert put(ws, 3, 1, "正常").quotePrefix is False
    assert ws["A2"].value == "-5" and ws["A2"].data_type == "s"


def test_marked_copy_keeps_text_that_looks_like_a_formula(make_book: MakeBook,
                                                          unit_dir: Path) -> None:
    from openpyxl import load_workbook

    from wenming_cli.xlsx_cells import set_value

    book = make_book("roster", {"队伍": [TEAM], "队员": [volunteer(id_card="123")]})
    wb = load_workbook(book)
    set_value(wb["队员"]["B3"], "=1+1")  # a name typed as text that looks like a formula
    wb.save(book)
    result = run(["validate", str(unit_dir), "--mark"])
    assert result.exit_code == 1
    marked = unit_dir / "志愿服务队伍花名册_问题标注.xlsx"
    assert marked.is_file()
    assert [v for _, v, _ in string_cells(marked)["队员"]] == ["=1+1"]
    assert string_cells(book)["队员"] == [("B3", "=1+1", True)]


# ================================================================ 3. atomic writes


def test_init_templates_force_is_atomic_and_keeps_a_complete_backup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming_cli import xlsx_templates

    out = tmp_path / "data"
    assert run(["init-templates", "--town", "城北街道", "--out", str(out)]).exit_code == 0
    target = out / "城北街道" / "志愿服务队伍花名册.xlsx"
    original = target.read_bytes()
    real = xlsx_templates.write_workbook

    def dies_half_way(path: Path, *args: Any, **kwargs: Any) -> None:
        path.write_bytes(b"PK\x03\x04 half")  # what a kill -9 mid-save leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsx_templates, "write_workbook", dies_half_way)
    result = run(["init-templates", "--town", "城北街道", "--out", str(out), "--force"])
    assert result.exit_code == 2
    assert "磁盘空间不足" in result.output and "No space" not in result.output
    assert target.read_bytes() == original  # never truncated under its final name
    assert not list(out.rglob(".~wenming*"))
    monkeypatch.setattr(xlsx_templates, "write_workbook", real)
    result = run(["init-templates", "--town", "城北街道", "--out", str(out), "--force"])
    assert result.exit_code == 0 and "原文件备份到" in result.output
    backups = sorted((out / "城北街道" / "旧版").iterdir())
    assert len(backups) == 4
    assert (out / "城北街道" / "旧版" / backups[[b.name.startswith("志愿服务队伍花名册")
                                              for b in backups].index(True)].name
            ).read_bytes() == original


def test_backups_of_two_versions_in_one_second_get_distinct_names(tmp_path: Path) -> None:
    from wenming_cli.files import write_atomic

    target = tmp_path / "报告.docx"
    target.write_bytes(b"v1")
    stamp = target.stat().st_mtime
    write_atomic(target, lambda p: p.write_bytes(b"v2"))
    os.utime(target, (stamp, stamp))  # the second version saved in the same second
    write_atomic(target, lambda p: p.write_bytes(b"v3"))
    kept = {p.name: p.read_bytes() for p in (tmp_path / "旧版").iterdir()}
    first = next(n for n in kept if not n.endswith("-2.docx"))
    assert kept == {first: b"v1", first.replace(".docx", "-2.docx"): b"v2"}
    assert target.read_bytes() == b"v3"


def test_backup_that_fails_leaves_no_truncated_copy(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from wenming_cli import files

    target = tmp_path / "报告.docx"
    target.write_bytes(b"old" * 10000)

    def full_disk(source: Any, dest: Any, **_: Any) -> None:
        Path(dest).write_bytes(b"ol")  # 2 bytes made it before the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copy2", full_disk)
    with pytest.raises(files.OutputError, match="磁盘空间不足"):
        files.write_atomic(target, lambda p: p.write_bytes(b"new"))
    assert target.read_bytes() == b"old" * 10000
    assert list((tmp_path / "旧版").iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["旧版", "报告.docx"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "旧版"]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 KB tmpfs (root only; skipped elsewhere): a real full disk."""
    mount = tmp_path / "小磁盘"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mount)],
            capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize(("args", "free_kb"), [
    (["report", "--town", "城北街道", "--out", "{disk}/输出"], 16),
    (["init-templates", "--town", "城北街道", "--out", "{disk}/模板"], 16),
    (["status", "--xlsx", "{disk}/报送情况.xlsx"], 4),
])
def test_a_real_full_disk(tiny_disk: Path, args: list[str], free_kb: int) -> None:
    (tiny_disk / "填满").write_bytes(b"\0" * (48 - free_kb) * 1024)
    result = run([a.format(disk=tiny_disk) for a in args])
    assert result.exit_code == 2, result.output
    assert "磁盘空间不足" in result.output
    assert "No space" not in result.output and "OSError" not in result.output
    assert not [p for p in tiny_disk.rglob("*") if p.is_file() and p.name != "填满"]


def test_full_disk_in_a_subprocess_prints_no_zipfile_noise(tiny_disk: Path) -> None:
    """The interpreter's 'Exception ignored in: ZipFile.__del__' only shows in a real process."""
    (tiny_disk / "填满").write_bytes(b"\0" * 30 * 1024)
    done = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "init-templates", "--town",
                           "城北街道", "--out", str(tiny_disk / "模板")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "磁盘空间不足" in done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr


# ================================================================ 7. names that become paths


@pytest.mark.parametrize(("name", "reason"), [
    ("../../../x", "/"), ("/etc/evil", "/"), ("..", "不能以"), ("C:盘", ":"),
    ("CON", "保留名称"), ("nul.txt", "保留名称"), ("LPT1", "保留名称"), ("县文旅局.", "末尾"),
    ("县文旅局 ", "末尾"), ("县\x07文旅局", "控制字符"), ("县\\文旅局", "\\"),
])
def test_config_refuses_names_that_are_not_folder_names(tmp_path: Path, name: str,
                                                        reason: str) -> None:
    out = tmp_path / "data"
    hostile_config(out, [name])
    result = run(["init-templates", "--all", "--out", str(out)])
    assert result.exit_code == 2
    assert "wenming.toml 有误" in result.output and "units 中的单位名称" in result.output
    assert reason in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "wenming.toml"]


def test_town_names_are_checked_too(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "wenming.toml").write_text('[[towns]]\nname = "../上一层"\nvillages = ["甲村"]\n',
                                      encoding="utf-8")
    result = run(["init-templates", "--all", "--out", str(out)])
    assert result.exit_code == 2 and "towns 中的单位名称“../上一层”" in result.output
    assert not (tmp_path / "上一层").exists()


# ================================================================ 5 + 6. template errors and limits


TEMPLATE_CASES = [
    ("{% include 'x' %}", "不能使用 {% include %}"),
    ("{% import 'x' as y %}", "不能使用 {% include %}"),
    ("{% extends 'x' %}", "不能使用 {% include %}"),
    ("{{ range(10**9)|length }}", "range() 的个数 1,000,000,000 太多"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "宏调用自身的层数太多"),
    ("{{ title|wordwrap(999999999) }}", "宽度 999,999,999 太大"),
    ("{{ (range(10000)|list) * 300 }}", "生成的内容太长（3,000,000 个字符"),
    ("{% set x = [] %}{% for i in range(10000) %}{% set _ = x.extend(range(10000)) %}"
     "{% endfor %}", "生成的内容太长（2,010,000 个字符"),
    ("{{ 1/0 }}", "除数为 0"),
    ("{{ title + 1 }}", "把不能一起运算的内容放在了一起"),
    ("{{ 'a'*10**10 }}", "生成的内容太长（10,000,000,000 个字符"),
    ("{{ 'a'*10**8 }}", "生成的内容太长（100,000,000 个字符"),
    ("{{ 7**999999999 }}", "数字太大：7 的 999,999,999 次方"),
    ("{{ 10**100000 }}", "数字太大：10 的 100,000 次方"),
    ("{{ '%999999999s' % 'a' }}", "格式宽度 999,999,999 太大"),
    ("{{ '%999999999s'|format('a') }}", "格式宽度 999,999,999 太大"),
    ("{{ '{:999999999}'.format('a') }}", "格式宽度 999,999,999 太大"),
    ("{{ '{0:{1}}'.format('a', 999999999) }}", "不能再嵌套"),
    ("{{ 'a'|center(999999999) }}", "宽度 999,999,999 太大"),
    ("{{ 'a'.ljust(999999999) }}", "宽度 999,999,999 太大"),
    ("{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}{{ ns.s }}", "生成的内容太长"),
    ("{{ title.foo.bar }}", "用到了数据中没有的变量或属性“foo”"),
    ("{{ title ", "标签写法有误"),
    ("{% frobnicate %}", "用了不认识的标签"),
    ("{% for a in 'x'*100000 %}{% for b in 'x'*100000 %}{% endfor %}{% endfor %}",
     "模板运行超过 3 秒仍未结束"),
    ("{% set s = 'x'*3000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}"
     "{% endfor %}{% endfor %}", "模板运行超过 3 秒仍未结束"),
    ("{% for a in range(10000) %}{% for b in range(10000) %}{{ a }}{% endfor %}{% endfor %}",
     "模板"),
]


def user_template(path: Path, text: str) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("第一段：{{ title }}")
    doc.add_paragraph(text)
    doc.add_paragraph("尾段")
    doc.save(str(path))
    return path


@pytest.mark.parametrize(("text", "reason"), TEMPLATE_CASES,
                         ids=[f"t{i}" for i in range(len(TEMPLATE_CASES))])
def test_hostile_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                           reason: str) -> None:
    from wenming_cli.render import sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 3.0)
    template = user_template(tmp_path / "我的模板.docx", text)
    out = tmp_path / "输出"
    started = time.monotonic()
    result = run(["report", "--town", "城北街道", "--template", str(template), "--out", str(out)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    from wenming_cli.privacy import redact

    # printed messages mask every 7+ digit run (an ID may hide anywhere), template text too
    assert "错误：模板" in result.output and redact(reason) in result.output
    assert "第 2 段（“" + redact(text)[:20] in result.output  # the paragraph, not "第 1 行"
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_a_template_using_every_limit_below_its_cap_still_renders(tmp_path: Path) -> None:
    from docx import Document

    text = ("{{ '%5s' % 'a' }}|{{ 'ab'*3 }}|{{ 2**10 }}|{{ range(3)|join(',') }}|"
            "{{ 'x'|center(5) }}|{{ '{:>4}'.format(7) }}|{{ 1234567 }}")
    template = user_template(tmp_path / "模板.docx", text)
    out = tmp_path / "输出"
    result = run(["report", "--town", "城北街道", "--template", str(template), "--out", str(out)])
    assert result.exit_code == 0, result.output
    produced = next(out.rglob("*.docx"))
    paragraphs = [p.text for p in Document(str(produced)).paragraphs]
    assert paragraphs[1] == "    a|ababab|1024|0,1,2|  x  |   7|1234567"


def test_brackets_nested_too_deep(tmp_path: Path) -> None:
    template = user_template(tmp_path / "模板.docx", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}")
    result = run(["report", "--town", "城北街道", "--template", str(template),
                  "--out", str(tmp_path / "输出")])
    assert result.exit_code == 2 and "嵌套太深" in result.output


def test_output_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming_cli.render import sandbox

    monkeypatch.setattr(sandbox, "MAX_OUTPUT_CHARS", 200_000)
    template = user_template(tmp_path / "模板.docx",
                             "{% for i in range(5000) %}{{ 'x'*1000 }}{% endfor %}")
    result = run(["report", "--town", "城北街道", "--template", str(template),
                  "--out", str(tmp_path / "输出")])
    assert result.exit_code == 2 and "模板生成的内容超过 200,000 个字符" in result.output


# ================================================================ 8. personal data in every field

ID = "610724199111217848"
MASKED = "610724********7848"


def peak_run(args: list[str], cwd: Path | None = None,
             timeout: float = 300) -> tuple[int, str, str, float]:
    """Run ``wenming ARGS`` in a fresh process: (exit code, stdout, stderr, peak memory MB).

    The peak is the process's own VmHWM (Linux): ru_maxrss survives exec, so it would count the
    test process that started it."""
    code = ("import resource, sys\n"
            "from wenming_cli.cli import main\n"
            f"sys.argv = ['wenming'] + {args!r}\n"
            "def peak():\n"
            "    try:\n"
            "        for line in open('/proc/self/status'):\n"
            "            if line.startswith('VmHWM:'):\n"
            "                return int(line.split()[1])\n"
            "    except OSError:\n"
            "        pass\n"
            "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "try:\n    main()\nfinally:\n"
            "    sys.stdout.flush()\n"
            "    print('PEAK', peak(), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)
    peak = re.search(r"PEAK (\d+)", done.stderr)
    return done.returncode, done.stdout, done.stderr, int(peak.group(1)) / 1024 if peak else 0.0


def test_ids_in_file_and_sheet_names_are_masked(unit_dir: Path) -> None:
    from conftest import headers, record, write_sheets
    from wenming_cli.schema import Team, Volunteer

    book = unit_dir / f"志愿服务队伍花名册_{ID}.xlsx"
    write_sheets(book, {
        "队伍": [["标题"], headers(Team), record(Team, **TEAM)],
        f"队员{ID}": [["标题"], headers(Volunteer),
                      record(Volunteer, **volunteer(id_card="610724199001011239"))],
    })
    text = run(["validate", str(unit_dir)])
    as_json = run(["validate", str(unit_dir), "--format", "json"])
    marked = run(["validate", str(unit_dir), "--mark"])
    for result in (text, as_json, marked):
        assert result.exit_code == 1, result.output
        assert ID not in result.output
    issues = json.loads(as_json.stdout)["issues"]
    cell = next(i for i in issues if i["code"] == "id-card-checksum")
    assert MASKED in cell["file"] and cell["sheet"] == f"队员{MASKED}"
    assert all(ID not in json.dumps(i, ensure_ascii=False) for i in issues)
    from openpyxl import load_workbook

    copy = load_workbook(unit_dir / f"志愿服务队伍花名册_{ID}_问题标注.xlsx")
    comment = copy[f"队员{ID}"]["D3"].comment  # the real sheet was found and marked
    assert comment is not None and "校验位" in comment.text and ID not in comment.text


def test_photo_names_are_masked_on_stderr(make_book: MakeBook, unit_dir: Path,
                                          tmp_path: Path) -> None:
    make_book("activities", {"活动": [
        {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月", "status": "已开展",
         "held_on": "2022-3-5", "photos": f"{ID}.jpg"}]})
    result = run(["report", "--town", "城北街道", "--data", str(unit_dir.parent), "--kind",
                  "印证资料", "--out", str(tmp_path / "输出")])
    assert f"图片资料“{MASKED}.jpg”找不到" in result.output
    assert ID not in result.output
    check = run(["validate", str(unit_dir)])
    assert f"{MASKED}.jpg" in check.output and ID not in check.output


# ================================================================ 9. FIFOs and links in 图片资料


def activity_with_photos(make_book: MakeBook, *names: str) -> None:
    make_book("activities", {"活动": [
        {"name": "理论宣讲进社区", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
         "status": "已开展", "held_on": "2022-3-5", "photos": "、".join(names)}]})


def jpeg(path: Path, size: tuple[int, int] = (64, 48), fmt: str = "JPEG") -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, 128).save(path, fmt)
    return path


def album_images(out: Path) -> int:
    album = next(out.rglob("*图片资料汇编*.docx"))
    with zipfile.ZipFile(album) as archive:
        return sum(1 for n in archive.namelist() if n.startswith("word/media/"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_the_photo_folder_never_hangs(make_book: MakeBook, unit_dir: Path,
                                               tmp_path: Path) -> None:
    jpeg(unit_dir / "图片资料" / "好.jpg")
    os.mkfifo(unit_dir / "图片资料" / "管道.jpg")
    activity_with_photos(make_book, "管道.jpg", "好.jpg")
    out = tmp_path / "输出"
    started = time.monotonic()
    check = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "validate", str(unit_dir),
                            "--format", "json"], capture_output=True, text=True, timeout=120)
    issues = json.loads(check.stdout)["issues"]
    assert [(i["code"], i["message"]) for i in issues if i["field"] == "图片资料"] == [
        ("photo-unreadable", "图片资料“管道.jpg”不是普通的图片文件（可能是管道、设备等特殊文件）")]
    done = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "report", "--town", "城北街道",
                           "--data", str(unit_dir.parent), "--kind", "印证资料", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 120
    assert done.returncode in (0, 1), done.stderr
    assert "图片资料“管道.jpg”不是普通的图片文件" in done.stderr and "Traceback" not in done.stderr
    assert album_images(out) == 1


def test_links_out_of_the_unit_folder_are_refused(make_book: MakeBook, unit_dir: Path,
                                                 tmp_path: Path) -> None:
    secret = jpeg(tmp_path / "私人" / "家里.jpg")
    inside = jpeg(unit_dir / "原图" / "活动.jpg")
    photos = unit_dir / "图片资料"
    photos.mkdir()
    (photos / "外面.jpg").symlink_to(secret)
    (photos / "里面.jpg").symlink_to(inside)
    (photos / "失效.jpg").symlink_to(tmp_path / "没有.jpg")
    activity_with_photos(make_book, "外面.jpg", "里面.jpg", "失效.jpg")
    check = run(["validate", str(unit_dir), "--format", "json"])
    found = sorted(i["message"] for i in json.loads(check.stdout)["issues"]
                   if i["field"] == "图片资料")
    assert found == ["图片资料“外面.jpg”是指向本单位文件夹以外的快捷方式（链接），出于安全考虑不读取",
                     "图片资料“失效.jpg”是失效的快捷方式（链接），指向的文件不存在"]
    out = tmp_path / "输出"
    result = run(["report", "--town", "城北街道", "--data", str(unit_dir.parent), "--kind",
                  "印证资料", "--out", str(out)])
    assert "图片资料“外面.jpg”是指向本单位文件夹以外的快捷方式" in result.output
    assert album_images(out) == 1  # only the link that stays inside the unit


def test_a_photo_folder_that_is_a_link_out_is_refused(make_book: MakeBook, unit_dir: Path,
                                                     tmp_path: Path) -> None:
    jpeg(tmp_path / "别处" / "照片.jpg")
    (unit_dir / "图片资料").symlink_to(tmp_path / "别处")
    activity_with_photos(make_book, "照片.jpg")
    out = tmp_path / "输出"
    result = run(["report", "--town", "城北街道", "--data", str(unit_dir.parent), "--kind",
                  "印证资料", "--out", str(out)])
    assert "出于安全考虑不读取" in result.output
    assert album_images(out) == 0


def test_huge_photos_are_shrunk_or_skipped_in_bounded_memory(make_book: MakeBook,
                                                            unit_dir: Path,
                                                            tmp_path: Path) -> None:
    jpeg(unit_dir / "图片资料" / "大.jpg", (12000, 12000))
    jpeg(unit_dir / "图片资料" / "大.png", (8000, 6000), "PNG")
    activity_with_photos(make_book, "大.jpg", "大.png")
    out = tmp_path / "输出"
    code, _, stderr, peak = peak_run(["report", "--town", "城北街道", "--data",
                                      str(unit_dir.parent), "--kind", "印证资料", "--out", str(out)])
    assert code in (0, 1), stderr
    assert "DecompressionBomb" not in stderr and "Traceback" not in stderr
    assert "图片资料“大.png”尺寸太大（超过 40 百万像素）" in stderr
    assert album_images(out) == 1
    assert peak < 400, peak  # MB; a full decode of the 12000 × 12000 photo takes ~1 GB


# ================================================================ 10. tracebacks and English


LONG = "长" * 300


@pytest.mark.parametrize("args", [
    ["validate", LONG],
    ["validate", "--data", LONG],
    ["report", "--town", "城北街道", "--template", LONG + ".docx"],
    ["init-templates", "--town", "城北街道", "--out", "{tmp}/" + LONG],
    ["status", "--data", LONG],
])
def test_a_300_character_path(tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "wenming_cli.cli",
                           *[a.format(tmp=tmp_path) for a in args]],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "OSError" not in done.stderr
    assert "路径或文件名太长" in done.stderr
    assert "File name too long" not in done.stderr


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs (root only; skipped elsewhere): chmod does not stop root."""
    mount = tmp_path / "只读"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(mount)],
            capture_output=True).returncode:
        pytest.skip("needs root to mount a read-only tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("args", [
    ["init-templates", "--report-templates", "--out", "{disk}/x"],
    ["init-templates", "--town", "城北街道", "--out", "{disk}/x"],
    ["report", "--town", "城北街道", "--out", "{disk}/输出"],
])
def test_a_read_only_folder(read_only_disk: Path, args: list[str]) -> None:
    result = run([a.format(disk=read_only_disk) for a in args])
    assert result.exit_code == 2
    assert "只读" in result.output and "Read-only" not in result.output


@pytest.mark.parametrize(("number", "chinese"), [
    (errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "只读"), (errno.ENOTDIR, "不是文件夹"),
    (errno.ENAMETOOLONG, "太长"), (errno.EACCES, "文件被占用"), (errno.EIO, "磁盘读写出错"),
    (errno.EMLINK, "系统拒绝了写入"),
])
def test_os_reasons_are_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int,
                                chinese: str) -> None:
    from wenming_cli import files

    def fails(path: Path) -> None:
        raise OSError(number, os.strerror(number))

    with pytest.raises(files.OutputError) as info:
        files.write_atomic(tmp_path / "x.docx", fails)
    assert chinese in str(info.value) and os.strerror(number) not in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_a_killed_pdf_run_leaves_nothing_among_the_documents(tmp_path: Path) -> None:
    import signal

    out = tmp_path / "输出"
    process = subprocess.Popen([sys.executable, "-m", "wenming_cli.cli", "report", "--town",
                                "城北街道", "--pdf", "--out", str(out)], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    folder = out / "城北街道"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(folder.glob(".~wenming-*/profile")):
        time.sleep(0.05)
    time.sleep(1.0)  # LibreOffice is converting now
    os.killpg(process.pid, signal.SIGKILL)  # the run and its LibreOffice, as a power cut would
    process.wait(timeout=30)
    visible = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert visible == ["城北街道新时代文明实践所建设情况自评报告（示例数据）.docx"]
    leftovers = list(folder.glob(".~wenming-*"))
    assert leftovers and not list(folder.glob("lu*.tmp"))
    old = time.time() - 3600
    for leftover in leftovers:
        os.utime(leftover, (old, old))
    result = run(["report", "--town", "城北街道", "--out", str(out)])
    assert result.exit_code == 0
    assert not list(folder.glob(".~wenming-*"))


def test_stale_system_temp_folders_are_removed(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from wenming_cli import files

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(files, "_SWEPT", [])
    stale, fresh, other = (tmp_path / "wenming-photos-abc", tmp_path / "wenming-new",
                           tmp_path / "别人的")
    for folder in (stale, fresh, other):
        folder.mkdir()
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    files.remove_stale_system_temps()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wenming-new", "别人的"]


# ================================================================ 4. resource exhaustion


def junk_roster(unit_dir: Path, rows: int, columns: int = 12) -> Path:
    """A roster whose 队员 sheet has ``rows`` rows of junk in ``columns`` columns (inline
    strings, written as raw XML: openpyxl would take minutes)."""
    from conftest import headers
    from test_bad_input import crafted_parts, sheet_data, team_sheet, write_parts
    from wenming_cli.schema import Volunteer

    body = [[i, f"某{i}", "不知", f"X{i}", "外星", f"电话{i}", "无此队", "月球", "或许", "很多",
             "无", "无"][:columns] for i in range(rows)]
    sheets = {"队伍": team_sheet(), "队员": sheet_data([["志愿服务队伍花名册"], headers(Volunteer),
                                                      *body])}
    return write_parts(unit_dir / "志愿服务队伍花名册.xlsx", crafted_parts(sheets))


def test_a_416000_row_roster_is_refused_fast_and_never_marked(unit_dir: Path) -> None:
    junk_roster(unit_dir, 416_000, columns=2)
    started = time.monotonic()
    code, stdout, stderr, peak = peak_run(["validate", str(unit_dir), "--format", "json",
                                           "--mark"])
    assert time.monotonic() - started < 120
    assert code == 2, stderr
    issues = json.loads(stdout)["issues"]
    refused = [i for i in issues if i["code"] == "sheet-too-many-rows"]
    assert [(i["sheet"], i["cell"]) for i in refused] == [("队员", "")]
    assert "约 416,002 行" in refused[0]["message"] and "最多 15,000 行" in refused[0]["message"]
    assert peak < 500, peak
    assert not list(unit_dir.glob("*问题标注*"))  # a refused workbook is never opened to mark
    report = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "report", "--town", "城北街道",
                             "--data", str(unit_dir.parent), "--out", str(unit_dir.parent / "输出")],
                            capture_output=True, text=True, timeout=120)
    assert report.returncode == 2 and "无法读取" in report.stderr


def test_a_far_cell_workbook_is_never_marked(unit_dir: Path) -> None:
    from conftest import headers, record
    from test_bad_input import cell, crafted_parts, sheet_data, team_sheet, write_parts
    from wenming_cli.schema import Volunteer

    rows = sheet_data([["标题"], headers(Volunteer), record(Volunteer, **volunteer(id_card="1"))])
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx", crafted_parts(
        {"队伍": team_sheet(), "队员": rows + '<row r="1048576">' + cell("XFD1048576", "x")
         + "</row>"}))
    code, _, stderr, _ = peak_run(["validate", str(unit_dir), "--mark"])
    assert code in (1, 2), stderr
    assert not list(unit_dir.glob("*问题标注*"))


def test_the_largest_admitted_roster_stays_under_1_gb(unit_dir: Path) -> None:
    """15,000 rows of junk × 12 columns: every cell an issue (~90,000), all within limits."""
    junk_roster(unit_dir, 14_990)
    started = time.monotonic()
    code, stdout, stderr, peak = peak_run(["validate", str(unit_dir), "--format", "json"])
    assert code == 1, stderr
    assert peak < 1024, peak
    payload = json.loads(stdout)
    assert len(stdout) < 2_000_000  # was 825 MB of JSON for 2.5 M issues
    from collections import Counter

    per_code = Counter(i["code"] for i in payload["issues"] if i["sheet"] == "队员")
    assert per_code["id-card-format"] == 201 and per_code["phone-invalid"] == 201
    summary = next(i for i in payload["issues"] if i["code"] == "id-card-format" and not i["cell"])
    assert summary["message"] == ("工作表“队员”中另有 14,790 处同类问题（id-card-format）"
                                  "未逐个列出（第 203 行起）")
    assert payload["errors"] < 1300
    code, _, stderr, peak = peak_run(["report", "--town", "城北街道", "--data", str(unit_dir.parent),
                                      "--out", str(unit_dir.parent / "输出")])
    assert code == 1, stderr
    assert "Traceback" not in stderr and "MemoryError" not in stderr
    assert peak < 1024, peak
    assert time.monotonic() - started < 300


def test_report_caps_issues_per_code_per_sheet() -> None:
    from wenming_cli.issues import MAX_ISSUES_PER_CODE, Issue, Report

    def issue(row: int, code: str = "phone-invalid", sheet: str = "队员") -> Issue:
        return Issue("a.xlsx", sheet, f"F{row}", row, "F", "联系电话", code, "错误", "电话无效", "改")

    report = Report()
    report.extend(issue(r) for r in range(3, 3 + MAX_ISSUES_PER_CODE + 50))
    report.add(issue(3, "enum-invalid"))
    report.add(issue(3, sheet="队伍"))
    cells = [i for i in report.issues if i.code == "phone-invalid" and i.sheet == "队员"]
    assert len(cells) == MAX_ISSUES_PER_CODE + 1
    assert cells[-1].cell == "" and cells[-1].message == (
        f"工作表“队员”中另有 50 处同类问题（phone-invalid）未逐个列出（第 {3 + MAX_ISSUES_PER_CODE} 行起）")
    assert [i.code for i in report.issues[-2:]] == ["enum-invalid", "phone-invalid"]
    merged = Report()
    merged.extend(report.issues)  # a worker's report merged into the main one: unchanged
    assert merged.issues == report.issues


# ================================================================ 12. loose ends


def test_mark_on_the_bundled_sample_writes_into_the_working_folder(tmp_path: Path) -> None:
    from wenming_cli.cli import bundled_sample_data

    sample = bundled_sample_data()
    before = sorted(sample.rglob("*"))
    done = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "validate", "--mark"],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert sorted(sample.rglob("*")) == before  # nothing written into the installed package
    marked = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*问题标注.xlsx"))
    assert marked and all(p.parts[0] == "输出" for p in marked)
    assert all(str(p) in done.stdout for p in marked)


def test_blank_templates_say_the_same_in_validate_and_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(["init-templates", "--town", "城北街道", "--out", str(data)]).exit_code == 0
    checked = run(["validate", str(data / "城北街道")])
    made = run(["report", "--town", "城北街道", "--data", str(data), "--out", str(tmp_path / "输出")])
    from wenming_cli.checks import UNIT_EMPTY

    assert checked.exit_code == made.exit_code == 1
    assert UNIT_EMPTY in checked.output and UNIT_EMPTY in made.output
    assert "没有错误" not in checked.output


# ================================================================ 11. a GBK console


def test_a_gbk_console_shows_question_marks_not_a_traceback(unit_dir: Path) -> None:
    from conftest import headers, record, write_sheets
    from wenming_cli.schema import Team, Volunteer

    write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {
        "队伍": [["标题"], headers(Team), record(Team, **{**TEAM, "name": "队🎉"})],
        "队员": [["标题"], headers(Volunteer), record(Volunteer, **volunteer(team="无🎉队"))],
    })
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    for extra in ([], ["--format", "json"]):
        done = subprocess.run([sys.executable, "-m", "wenming_cli.cli", "validate", str(unit_dir),
                               *extra], capture_output=True, env=env, timeout=120)
        out, err = done.stdout.decode("gbk"), done.stderr.decode("gbk")
        assert done.returncode == 1, err
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        assert "无?队" in out
    assert "team-unknown" in {i["code"] for i in json.loads(out)["issues"]}
