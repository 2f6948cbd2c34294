"""Submission tracking (`wenming status`, DESIGN.md §1–§2, notice 三-3/三-4).

Every 填报单位 the config expects (17 镇/街道, 22 县级单位, 12 县级专业志愿服务队): folder present,
which workbooks, when last modified, valid / errors / warnings, on time against the deadline
(7月15日12:00). "Handed in" is judged by the files' modification time in the data folder — the
time they were copied in — since the workbooks carry no trustworthy submission stamp.
The ones the office must phone come first: nothing handed in, then late, then with errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import Config
from .county import KIND_LABELS
from .schema import WORKBOOKS
from .units import UnitSource, discover
from .validate import list_issues

PHONE_STATES = ("未报送", "未填写", "逾期", "有错误")
"""States the office must phone about."""
STATES = ("未报送", "未填写", "逾期", "有错误", "待补全", "合格")
"""States in the order the office phones: nothing, blank templates, late, errors, incomplete."""


@dataclass
class UnitStatus:
    """Where one expected 填报单位 stands."""

    name: str
    kind: str  # 镇（街道）/ 县级单位 / 县级专业志愿服务队 / 名单外
    present: bool
    workbooks: list[str] = field(default_factory=list)  # workbook titles found
    last_modified: datetime | None = None
    errors: int = 0
    warnings: int = 0
    on_time: bool | None = None  # None when nothing handed in
    filled: bool = True  # False when every workbook is still a blank template
    contact: str = ""  # 联系人: the unit's 基本情况, else config.contacts
    phone: str = ""  # 联系电话, as given

    @property
    def state(self) -> str:
        """未报送 / 未填写 / 逾期 / 有错误 / 待补全 / 合格 — the phone-list order."""
        if not self.present:
            return "未报送"
        if not self.filled:
            return "未填写"
        if self.on_time is False:
            return "逾期"
        if self.errors:
            return "有错误"
        if len(self.workbooks) < len(WORKBOOKS) and self.kind == KIND_LABELS["town"]:
            return "待补全"
        return "合格"

    @property
    def priority(self) -> int:
        """Sort key: the units to phone first."""
        return STATES.index(self.state)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (stable names)."""
        return {
            "name": self.name, "kind": self.kind, "state": self.state, "present": self.present,
            "workbooks": self.workbooks,
            "last_modified": self.last_modified.isoformat(timespec="minutes")
            if self.last_modified else None,
            "errors": self.errors, "warnings": self.warnings, "on_time": self.on_time,
        }


def _last_modified(source: UnitSource) -> datetime | None:
    """When the unit's newest workbook was saved; None when none can be looked at."""
    times = []
    for path in source.files:
        try:
            times.append(datetime.fromtimestamp(path.stat().st_mtime))
        except OSError:
            continue
    return max(times, default=None)


def collect_status(data_dir: Path, config: Config, jobs: int = 0) -> list[UnitStatus]:
    """The status of every expected unit (plus folders not in the config), phone-list first;
    the units are read in ``jobs`` processes (0: `validate.auto_jobs`)."""
    sources = {s.name: s for s in discover([data_dir], config)} if data_dir.is_dir() else {}
    found = list(sources.values())
    result = list_issues(found, config, jobs=jobs, checklists=False)
    counts: dict[str, list[int]] = {unit.name: [0, 0] for unit in result.units}
    for issue in result.report.issues:
        entry = counts.get(issue.unit)
        if entry is not None:
            entry[0 if issue.is_error else 1] += 1
    titles = {spec.kind: spec.title for spec in WORKBOOKS}
    expected = ([(t.name, "town") for t in config.towns] + [(n, "unit") for n in config.units]
                + [(n, "team") for n in config.county_teams])
    names = [n for n, _ in expected]
    expected += [(n, "other") for n in sources if n not in names]
    by_name = {u.name: u for u in result.units}
    statuses = []
    for name, kind in expected:
        label = KIND_LABELS.get(kind, "名单外")
        source: UnitSource | None = sources.get(name)
        known = config.contacts.get(name)
        person, phone = (known.person, known.phone) if known else ("", "")
        if source is None:
            statuses.append(UnitStatus(name, label, False, contact=person, phone=phone))
            continue
        unit = by_name[name]
        if unit.info is not None and (unit.info.contact or unit.info.phone):
            person, phone = unit.info.contact or "", unit.info.phone or ""
        modified = _last_modified(source)
        errors, warnings = counts.get(name, [0, 0])
        statuses.append(UnitStatus(
            name, label, True, [titles[k] for k in titles if k in unit.files and k not in unit.empty],
            modified,
            errors, warnings, modified is not None and modified <= config.deadline,
            filled=not set(unit.files) <= unit.empty, contact=person, phone=phone,
        ))
    return sorted(statuses, key=lambda s: s.priority)


def write_status_xlsx(statuses: list[UnitStatus], config: Config, target: Path,
                      mask: bool = True) -> None:
    """The tracking table as .xlsx for the office (one row per unit, phone-list order), with
    each unit's 联系人/联系电话 (mobiles masked unless ``mask`` is False), printed landscape on
    one page wide with the title rows repeated.

    Raises:
        OSError: the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from .privacy import mask_mobile, redact
    from .render.county import print_setup

    def shown(phone: str) -> str:  # landlines are office numbers; mobiles are personal data
        return mask_mobile(phone) if mask else phone

    from .xlsx_cells import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "报送情况"
    append_row(ws, [f"材料报送情况（截止时间 {config.deadline:%Y年%m月%d日 %H:%M}）"])
    ws["A1"].font = Font(bold=True, size=14)
    header = ["单位名称", "类别", "状态", "联系人", "联系电话", "已交工作簿", "最后修改", "错误", "警告",
              "是否按时"]
    append_row(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for s in statuses:
        append_row(ws, [
            s.name, s.kind, s.state, redact(s.contact) if mask else s.contact, shown(s.phone),
            "、".join(s.workbooks),
            s.last_modified.strftime("%Y-%m-%d %H:%M") if s.last_modified else "",
            s.errors if s.present else "", s.warnings if s.present else "",
            {True: "按时", False: "逾期", None: ""}[s.on_time],
        ])
        if s.state in PHONE_STATES:
            ws.cell(row=ws.max_row, column=3).font = Font(color="C00000", bold=True)
    for letter, width in zip("ABCDEFGHIJ", (22, 18, 9, 10, 15, 50, 17, 7, 7, 9), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=3, min_col=6, max_col=6):
        row[0].alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.freeze_panes = "A3"
    print_setup(ws, title_rows="1:2")
    wb.save(target)
