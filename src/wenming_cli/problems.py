"""A county's problems for people (issue "validate for a whole county"): per unit, grouped by code.

`wenming validate` of one unit lists every issue. Of several units (a county's 51) that is
thousands of lines nobody reads; instead `unit_problems` groups each unit's issues by workbook,
sheet, column and code (``身份证号码存成了数字 ×412：队员!D7、D9、D15 …``) with the hint once per
group, and `summary_rows` gives one row per unit — counts, the three commonest problems and the
五有 counts — worst first, so that the first screen says which units need a phone call and why.
The full list goes to a spreadsheet (`problem_list`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .codes import ISSUE_CODES
from .issues import Issue

CELLS_SHOWN = 5
"""A group shows its first cells; the rest are counted (the spreadsheet has them all)."""

_MEANING_END = re.compile(r"[，。：；]")


def short_meaning(code: str) -> str:
    """The first clause of the code's meaning in the registry: '身份证号存成了数字'."""
    meaning = ISSUE_CODES.get(code, ("", code))[1]
    return _MEANING_END.split(meaning, maxsplit=1)[0] or code


@dataclass
class ProblemGroup:
    """Issues of one code in one column of one sheet of one workbook (or of one file)."""

    file: str
    sheet: str
    column: str
    """The column's header (Issue.field)."""
    code: str
    severity: str
    issues: list[Issue] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'队员·身份证号码：身份证号存成了数字' — where, and what is wrong."""
        where = "·".join(part for part in (self.sheet, self.column) if part)
        return f"{where}：{short_meaning(self.code)}" if where else short_meaning(self.code)

    def cells(self, limit: int = CELLS_SHOWN) -> str:
        """'队员!D7、D9、D15 等 412 处' — the first cells, the sheet named once."""
        refs = list(dict.fromkeys(i.cell for i in self.issues if i.cell))  # a cell once
        if not refs:
            return ""
        shown = "、".join(refs[:limit])
        prefix = f"{self.sheet}!" if self.sheet else ""
        more = f" 等 {len(refs)} 处" if len(refs) > limit else ""
        return prefix + shown + more

    def line(self) -> str:
        """One line of the per-unit list."""
        count = f" ×{len(self.issues)}" if len(self.issues) > 1 else ""
        cells = self.cells()
        text = f"[{self.severity}] {self.label}{count}"
        if cells:
            text += f"：{cells}"
        return text + f"（{Path(self.file).name}）"

    def example(self) -> str:
        """The first issue's own message and hint: '如：“党员”不是可选的值。怎么改：…'."""
        first = self.issues[0]
        return f"如：{first.message}。怎么改：{first.hint}"


@dataclass
class UnitProblems:
    """One unit's issues, grouped, with its 五有 counts when it has a checklist."""

    unit: str
    groups: list[ProblemGroup] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    unreadable: int = 0
    checklist: tuple[int, int, int] | None = None
    """达标, 待完善, 缺项."""

    @property
    def priority(self) -> tuple[int, int, int, str]:
        """Sort key, worst first: files that cannot be read, then errors, then warnings."""
        return (-self.unreadable, -self.errors, -self.warnings, self.unit)

    def top(self, n: int = 3) -> str:
        """The ``n`` commonest problems: '身份证号存成了数字 412、…'."""
        counts: dict[str, int] = {}
        for group in self.groups:
            if group.code == "workbook-missing":
                continue  # said first, as 缺N张表
            if group.severity == "错误" or not self.errors:
                key = short_meaning(group.code)
                counts[key] = counts.get(key, 0) + len(group.issues)
        ranked = sorted(counts.items(), key=lambda item: -item[1])[:n]
        missing = sum(len(g.issues) for g in self.groups if g.code == "workbook-missing")
        lead = [f"缺{missing}张表"] if missing else []
        return "；".join(lead + [f"{text} {count}" for text, count in ranked]) or "—"


def unit_problems(issues: Iterable[Issue], units: list[str],
                  checklists: dict[str, tuple[int, int, int]] | None = None
                  ) -> list[UnitProblems]:
    """Every unit of ``units`` (also those without issues) with its issues grouped, worst
    first; in each unit errors before warnings, bigger groups first."""
    from .issues import UNREADABLE_CODES

    by_unit = {name: UnitProblems(name) for name in units}
    groups: dict[tuple[str, str, str, str, str, str], ProblemGroup] = {}
    for issue in issues:
        entry = by_unit.setdefault(issue.unit, UnitProblems(issue.unit))
        if issue.is_error:
            entry.errors += 1
        else:
            entry.warnings += 1
        if issue.code in UNREADABLE_CODES:
            entry.unreadable += 1
        key = (issue.unit, issue.file, issue.sheet, issue.field, issue.code, issue.severity)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ProblemGroup(issue.file, issue.sheet, issue.field, issue.code,
                                               issue.severity)
            entry.groups.append(group)
        group.issues.append(issue)
    for name, counts in (checklists or {}).items():
        if name in by_unit:
            by_unit[name].checklist = counts
    for entry in by_unit.values():
        entry.groups.sort(key=lambda g: (g.severity != "错误", -len(g.issues)))
    return sorted(by_unit.values(), key=lambda e: e.priority)


SUMMARY_HEADERS = ("单位", "错误", "警告", "最多的问题", "五有（达标/待完善/缺项）")


def summary_rows(entries: list[UnitProblems]) -> list[tuple[str, str, str, str, str]]:
    """One row per unit for the summary table, in the order of ``entries``."""
    rows = []
    for e in entries:
        five = "/".join(map(str, e.checklist)) if e.checklist else "—"
        state = "有表格无法读取；" + e.top() if e.unreadable else e.top()
        rows.append((e.unit, str(e.errors), str(e.warnings), state if (e.errors or e.warnings)
                     else "没有问题", five))
    return rows


def unit_lines(entry: UnitProblems) -> list[str]:
    """The per-unit list: a heading, then each group and, under it, one example and the hint."""
    if not entry.groups:
        return [f"{entry.unit}：没有发现问题"]
    lines = [f"{entry.unit}：错误 {entry.errors} 个，警告 {entry.warnings} 个"]
    for group in entry.groups:
        lines.append("  " + group.line())
        lines.append("      " + group.example())
    return lines


__all__ = ["ProblemGroup", "SUMMARY_HEADERS", "UnitProblems", "short_meaning", "summary_rows",
           "unit_lines", "unit_problems"]
