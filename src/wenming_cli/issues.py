"""Problems in user data are data (DESIGN.md §5): `Issue` objects collected into a `Report`.

Severity is 错误 (error: the data must be fixed) or 警告 (warning: worth a look, exit code stays 0).
Codes are stable kebab-case strings; tests match codes and cells, never wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .codes import SEVERITY_OF
from .privacy import redact

Severity = Literal["错误", "警告"]
UNREADABLE_CODES = frozenset({
    "file-unreadable", "file-format-unsupported", "file-too-large", "file-encrypted",
    "file-unsafe",
})
"""Codes of files that cannot be read at all: `wenming validate` exits 2 for them (DESIGN §2)."""
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

    def __post_init__(self) -> None:
        # personal data never leaves in a message, whoever built the issue (DESIGN §7)
        object.__setattr__(self, "message", redact(self.message))
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


@dataclass
class Report:
    """All issues of one validation run, in the order found."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        """Append one issue."""
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        """Append many issues."""
        self.issues.extend(issues)

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
