"""Present validation results: rich text for people, JSON (stable field names) for machines."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .criteria import Checklist
from .figures import format_rate
from .issues import Issue
from .read import SheetSummary
from .units import UnitData
from .validate import Listing

if TYPE_CHECKING:
    from rich.console import Console

    from .config import Config
    from .status import UnitStatus

_STATUS_STYLE = {"达标": "green", "待完善": "yellow", "缺项": "red"}


def esc(text: object) -> str:
    """``text`` safe inside rich markup: a cell ``[/]`` or a folder ``[@click=(]`` is printed as
    written, never read as a style tag (rich raises MarkupError on a stray closing tag and drops
    ``[red]`` silently). Every piece of user or file text printed through rich goes through this."""
    from rich.markup import escape

    return escape(str(text))


def checklist_dict(checklist: Checklist) -> dict[str, Any]:
    """JSON shape of one unit's checklist: counts and items (code, status, evidence, gaps)."""
    fig = checklist.figures
    return {
        "unit": checklist.unit,
        "counts": {s: checklist.count(s) for s in ("达标", "待完善", "缺项")},
        "figures": {
            "stations": fig.stations,
            "villages_total": fig.villages_total,
            "villages_with_station": len(fig.villages_with_station),
            "coverage_rate": fig.coverage_rate,
            "teams": fig.teams,
            "volunteers": fig.volunteers,
            "volunteers_registered": fig.volunteers_registered,
            "activities_held": len(fig.held),
            "served_total": fig.served_total,
            "projects": fig.projects,
            "projects_by_type": dict(fig.projects_by_type),
        },
        "items": [
            {
                "code": r.item.code,
                "dimension": r.item.dimension,
                "title": r.item.title,
                "status": r.status,
                "self_conclusion": r.conclusion,
                "evidence": r.evidence,
                "gaps": r.gaps,
                "entry_gaps": r.entry_gaps,
            }
            for r in checklist.items
        ],
    }


def result_json(result: Listing, checklists: list[Checklist]) -> str:
    """The whole validation result as compact JSON text (for programs; ensure_ascii off: Chinese
    stays readable). Not indented: the standard library's C encoder only runs without ``indent``,
    and a county's 6,000 issues would otherwise take 5× longer to print."""
    report = result.report
    payload = {
        "valid": report.valid,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "units": [u.name for u in result.units],
        "reading": [{"unit": u.name, **_redacted(line.to_dict())}
                    for u in result.units for line in u.reading],
        "issues": [i.to_dict() for i in report.issues],
        "checklists": [checklist_dict(c) for c in checklists],
    }
    return json.dumps(payload, ensure_ascii=False)


def _redacted(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with every text value redacted (file and sheet names may carry an ID)."""
    from .privacy import redact

    return {k: redact(v) if isinstance(v, str) else v for k, v in fields.items()}


def reading_lines(units: list[UnitData]) -> list[str]:
    """The reading summary as plain lines: for one unit every sheet read, per workbook
    (``  队员：300 人（跳过：合计行 1、空行 3）``); for several units one line per unit with the
    records of each model and the rows skipped."""
    lines: list[str] = []
    if len(units) == 1:
        unit = units[0]
        by_file: dict[str, list[SheetSummary]] = defaultdict(list)
        for line in unit.reading:
            by_file[line.file].append(line)
        for file, found in by_file.items():
            lines.append(f"{Path(file).name}：" + "；".join(line.text() for line in found))
        return lines
    for unit in units:
        totals: dict[str, list[Any]] = {}
        skipped: Counter[str] = Counter()
        for line in unit.reading:
            if line.form:
                continue
            entry = totals.setdefault(line.model, [0, line.counted_as])
            entry[0] += line.records
            skipped.update(dict(line.skipped))
        text = "、".join(f"{model} {n} {word}" for model, (n, word) in totals.items()) or "没有读到数据"
        if skipped:
            text += "（跳过：" + "、".join(f"{r} {n}" for r, n in skipped.items()) + "）"
        lines.append(f"{unit.name}：{text}")
    return lines


def print_reading(console: Console, units: list[UnitData]) -> None:
    """`reading_lines` under a heading, so that a clerk can check the tool saw what they wrote."""
    lines = reading_lines(units)
    if not lines:
        return
    console.print("读取情况（请核对与表格中的行数是否一致）：")
    from .privacy import redact

    for line in lines:  # file and sheet names may carry an ID number
        console.print("  " + redact(line), markup=False, highlight=False)


def print_issues(console: Console, issues: list[Issue]) -> None:
    """One table per file: 位置 · 级别 · 问题 · 怎么改 (code in dim text)."""
    from rich.table import Table

    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_file[issue.file].append(issue)
    for file, found in by_file.items():
        table = Table(title=esc(file), title_justify="left", show_lines=False, expand=False)
        table.add_column("位置", no_wrap=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("问题", overflow="fold")
        table.add_column("怎么改", overflow="fold")
        for issue in found:
            style = "red" if issue.is_error else "yellow"
            table.add_row(esc(issue.location or "—"), f"[{style}]{issue.severity}[/]",
                          f"{esc(issue.message)} [dim]({issue.code})[/]", esc(issue.hint))
        console.print(table)


def print_checklist(console: Console, checklist: Checklist) -> None:
    """The 五有 checklist of one unit as a table, then the key figures in one line."""
    from rich.table import Table

    fig = checklist.figures
    table = Table(title=f"{esc(checklist.unit)} “五有”对标情况", title_justify="left")
    table.add_column("序号", no_wrap=True)
    table.add_column("评估内容", overflow="fold")
    table.add_column("核验", no_wrap=True)
    table.add_column("自评", no_wrap=True)
    table.add_column("依据 / 差距", overflow="fold")
    for r in checklist.items:
        style = _STATUS_STYLE[r.status]
        detail = esc("；".join(r.evidence))
        if r.gaps or r.entry_gaps:
            detail += (("\n" if detail else "") + "[yellow]" + esc("；".join(r.gaps + r.entry_gaps))
                       + "[/]")
        table.add_row(esc(r.item.code), esc(f"{r.item.dimension}·{r.item.title}"),
                      f"[{style}]{r.status}[/]", esc(r.conclusion or "—"), detail)
    console.print(table)
    coverage = format_rate(fig.coverage_rate) if fig.coverage_rate is not None else "—"
    console.print(
        f"达标 {checklist.count('达标')} 项、待完善 {checklist.count('待完善')} 项、"
        f"缺项 {checklist.count('缺项')} 项。实践站 {fig.stations} 个，覆盖率 {coverage}；"
        f"队伍 {fig.teams} 支；志愿者 {fig.volunteers} 人（注册 {fig.volunteers_registered} 人）；"
        f"期内开展活动 {len(fig.held)} 场；项目 {fig.projects} 个。"
    )


def print_summary(console: Console, result: Listing) -> None:
    """Closing line: counts of errors and warnings and what the exit code means."""
    report = result.report
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        console.print(f"[red]共发现 {errors} 个错误、{warnings} 个警告。请按“怎么改”逐项修正后重新校验。[/]")
    elif warnings:
        console.print(f"[green]没有错误[/]，有 {warnings} 个警告，建议核对。")
    else:
        console.print("[green]没有发现问题。[/]")


_SHORT_KINDS = {"镇（街道）": "镇街", "县级单位": "单位", "县级专业志愿服务队": "队伍"}
_SHORT_BOOKS = {"基本情况与自评表": "基本情况", "志愿服务队伍花名册": "花名册",
                "文明实践项目活动计划一览表": "活动", "志愿服务项目表": "项目"}
"""Short names that keep the status table inside an 80-column terminal (the .xlsx has the full
titles)."""


def handed_in(workbooks: list[str], present: bool) -> str:
    """'4/4', '3/4 缺花名册' or '—' for the 已交 column of `print_status`."""
    if not present:
        return "—"
    from .schema import WORKBOOKS

    missing = [_SHORT_BOOKS.get(spec.title, spec.title) for spec in WORKBOOKS
               if spec.title not in workbooks]
    text = f"{len(workbooks)}/{len(WORKBOOKS)}"
    return text + (" 缺" + "、".join(missing) if missing and len(missing) < len(WORKBOOKS) else "")


def print_status(console: Console, statuses: list[UnitStatus], config: Config) -> None:
    """The 报送情况 table (phone-list order, fits 80 columns) and a closing count line."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"材料报送情况（截止 {config.deadline:%Y年%m月%d日 %H:%M}）",
                  title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("单位", no_wrap=True)
    for header in ("类别", "状态", "已交", "最后修改", "错误", "警告"):
        table.add_column(header, overflow="fold")
    styles = {"未报送": "red", "未填写": "red", "逾期": "red", "有错误": "yellow",
              "待补全": "yellow", "合格": "green"}
    for s in statuses:
        table.add_row(Text(s.name), _SHORT_KINDS.get(s.kind, s.kind),
                      Text(s.state, style=styles[s.state]), handed_in(s.workbooks, s.present),
                      f"{s.last_modified:%m-%d %H:%M}" if s.last_modified else "—",
                      str(s.errors) if s.present else "—",
                      str(s.warnings) if s.present else "—")
    console.print(table)
    from .status import PHONE_STATES

    todo = [s for s in statuses if s.state in PHONE_STATES]
    expected = [s for s in statuses if s.kind != "名单外"]  # folders not on the list are extra
    console.print(f"应报 {len(expected)} 个，已报 {sum(s.present and s.filled for s in expected)} 个；"
                  f"需要电话联系 {len(todo)} 个。")





def print_units(console: Console, result: Listing) -> None:
    """Several units: one row per unit (worst first: counts, commonest problems, 五有 counts) on
    the first screen, then the reading summary, then per unit its problems grouped by code with
    the first cells and the hint once (`problems`). Not a terminal (piped to a file): plain
    tab-separated lines, no table."""
    from rich.table import Table
    from rich.text import Text

    from .problems import SUMMARY_HEADERS, summary_rows, unit_lines, unit_problems

    counts = {c.unit: (c.count("达标"), c.count("待完善"), c.count("缺项")) for c in result.checklists}
    entries = unit_problems(result.report.issues, [u.name for u in result.units], counts)
    rows = summary_rows(entries)
    title = "各单位情况（问题多的排在前面）"
    if console.is_terminal:
        table = Table(title=title, title_justify="left")
        for header in SUMMARY_HEADERS:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(Text(value) for value in row))
        console.print(table)
    else:
        lines = [title, *("\t".join(row) for row in [SUMMARY_HEADERS, *rows])]
        console.file.write("\n".join(lines) + "\n")  # raw: rich would expand the tabs
    print_reading(console, result.units)
    for entry in entries:
        if entry.groups:
            console.print("", markup=False)
            for line in unit_lines(entry):
                console.print(line, markup=False, highlight=False, soft_wrap=True)
