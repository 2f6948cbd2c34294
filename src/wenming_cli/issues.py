"""Problems in user data are data (DESIGN.md §5): `Issue` objects collected into a `Report`.

Severity is 错误 (error: the data must be fixed) or 警告 (warning: worth a look, exit code stays 0).
Codes are stable kebab-case strings; tests match codes and cells, never wording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .codes import SEVERITY_OF
from .privacy import redact

Severity = Literal["错误", "警告"]
UNREADABLE_CODES = frozenset({
    "file-unreadable", "file-format-unsupported", "file-too-large", "file-encrypted",
    "file-unsafe", "sheet-too-many-rows",
})
"""Codes of files that cannot be read at all: `wenming validate` exits 2 for them (DESIGN §2)."""
REFUSED_CODES = UNREADABLE_CODES | {"sheet-too-large"}
"""A workbook with one of these was refused (not, or only partly, read): `--mark` leaves it
alone — opening it with openpyxl is what the refusal protects against."""
ERROR: Severity = "错误"
WARNING: Severity = "警告"


def column_letter(index: int) -> str:
    """Excel column letters for a 0-based column index (0 → 'A', 27 → 'AB')."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_SHOWN = ("file", "sheet", "field", "message", "hint")
"""Issue fields a user sees (text, JSON, --mark comments): all of them are redacted."""


@dataclass(frozen=True)
class Issue:
    """One problem found in user data.

    Attributes:
        file: path of the workbook as the user gave it (or the folder, for unit-level problems).
        sheet: sheet name, '' when the problem is about the whole file.
        cell: A1 reference like 'D7', '' when there is none.
        row: Excel row number (1-based), 0 when none.
        column: Excel column letters, '' when none.
        field: the column header (e.g. '身份证号码'), '' when none.
        code: stable kebab-case code, e.g. 'id-card-checksum'.
        severity: '错误' or '警告'.
        message: what is wrong, in Chinese; personal data masked.
        hint: how to fix it, in Chinese.
        unit: the 填报单位 (folder) the problem belongs to; set by the loader (`stamp_unit`).
        path: the file's real path (not shown, not in JSON): ``file`` is masked like every
            shown field (a workbook may be named 花名册_<身份证号>.xlsx), ``--mark`` needs the
            file itself.
        real_sheet: the sheet's real name, for the same reason (a sheet 队员<身份证号>).
    """

    file: str
    sheet: str
    cell: str
    row: int
    column: str
    field: str
    code: str
    severity: Severity
    message: str
    hint: str
    unit: str = ""
    path: str = dataclasses.field(default="", repr=False, compare=False)
    real_sheet: str = dataclasses.field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        # personal data never leaves in any shown field, whoever built the issue (DESIGN §7)
        if not self.path:
            object.__setattr__(self, "path", self.file)
        if not self.real_sheet:
            object.__setattr__(self, "real_sheet", self.sheet)
        for name in _SHOWN:
            value = getattr(self, name)
            masked = redact(value)
            if masked is not value:
                object.__setattr__(self, name, masked)
        # the code registry decides the severity (README's table is made from it), not the caller
        fixed = SEVERITY_OF.get(self.code)
        if fixed is not None and fixed != self.severity:
            object.__setattr__(self, "severity", fixed)

    @property
    def is_error(self) -> bool:
        """True for 错误."""
        return self.severity == ERROR

    @property
    def location(self) -> str:
        """'队员!D7', '队员', or '' — the place to show the user."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the stable field names of DESIGN §5."""
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell, "row": self.row,
                "column": self.column, "field": self.field, "code": self.code,
                "severity": self.severity, "message": self.message, "hint": self.hint,
                "unit": self.unit}


MAX_ISSUES_PER_CODE = 200
"""Issues of one code on one sheet of one workbook that are listed one by one; the rest are
counted in one summary issue. A sheet of 100,000 junk rows would otherwise make millions of
issues (gigabytes of memory and of JSON); 200 cells are more than a clerk fixes one by one —
the cause is one (a column typed as numbers, a block copied wrongly)."""


@dataclass
class Report:
    """All issues of one validation run, in the order found.

    Cell issues beyond `MAX_ISSUES_PER_CODE` of one (file, sheet, code) are not kept; one
    summary issue (same code and severity, no cell) right after the first ones says how many
    more there are.
    """

    issues: list[Issue] = field(default_factory=list)
    _counts: dict[tuple[str, str, str], int] = field(default_factory=dict, repr=False,
                                                     compare=False)
    _summaries: dict[tuple[str, str, str], tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False)

    def add(self, issue: Issue) -> None:
        """Append one issue (or count it in its summary, see the class doc)."""
        if not issue.cell:
            self.issues.append(issue)
            return
        key = (issue.path, issue.real_sheet, issue.code)
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count <= MAX_ISSUES_PER_CODE:
            self.issues.append(issue)
            return
        more = count - MAX_ISSUES_PER_CODE
        if key not in self._summaries:
            self._summaries[key] = (len(self.issues), issue.row)
            self.issues.append(Issue(issue.file, issue.sheet, "", issue.row, "", issue.field,
                                     issue.code, issue.severity, "", _MORE_HINT, issue.unit,
                                     issue.path, issue.real_sheet))
        index, first_row = self._summaries[key]
        summary = self.issues[index]
        # the one summary issue is updated in place: building a new Issue per dropped cell
        # would cost as much as keeping it
        object.__setattr__(summary, "message",
                           f"工作表“{summary.sheet}”中另有 {more:,} 处同类问题（{issue.code}）"
                           f"未逐个列出（第 {first_row} 行起）")

    def extend(self, issues: Iterable[Issue]) -> None:
        """Append many issues (see `add`)."""
        for issue in issues:
            self.add(issue)

    @property
    def errors(self) -> list[Issue]:
        """Issues of severity 错误."""
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        """Issues of severity 警告."""
        return [i for i in self.issues if not i.is_error]

    @property
    def unreadable(self) -> list[Issue]:
        """Issues about files that could not be read at all (exit code 2)."""
        return [i for i in self.issues if i.code in UNREADABLE_CODES]

    @property
    def valid(self) -> bool:
        """True when there is no 错误 (warnings allowed); decides exit code 0 vs 1."""
        return not self.errors


_MORE_HINT = ("上面列出的同类问题多半是同一个原因（整列设成了数字格式、整块复制错位、表格下方有多余的行），"
              "按提示改好后重新校验，会列出剩下的问题。")


def file_issue(file: str, code: str, message: str, hint: str, severity: Severity = ERROR) -> Issue:
    """An issue about a whole file or folder (no sheet, no cell)."""
    return Issue(file, "", "", 0, "", "", code, severity, message, hint)


def stamp_unit(issues: Iterable[Issue], unit: str) -> list[Issue]:
    """``issues`` marked as ``unit``'s, in place (an Issue is frozen for everyone but the loader
    that owns it: rebuilding 6,000 county issues would redact every message a second time)."""
    out = list(issues)
    for issue in out:
        object.__setattr__(issue, "unit", unit)
    return out
