"""全县汇总 documents (DESIGN.md §7): the county report context (.docx) and the formatted .xlsx.

Figures come from `CountySummary`; volunteers are counted once per 身份证号码 county-wide.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..config import Config
from ..county import CountySummary, TownRow
from ..figures import format_rate
from .context import clean, cn_date, ordinal, period_label


def _rate(value: float | None) -> str:
    return format_rate(value) if value is not None else "—"


def town_cells(row: TownRow, required_categories: int) -> dict[str, str]:
    """One table row as text (the keys of the template's ``towns`` rows); a town that has not
    handed in shows '—' rather than zeros it never reported."""
    if not row.handed_in and row.name != "合计":
        return {key: "—" for key in ("stations", "coverage", "teams", "teams_8n", "volunteers",
                                     "registered", "activities", "projects", "general",
                                     "special", "mutual", "met", "pending", "missing",
                                     "problems")} | {
            "name": row.name, "villages": str(row.villages), "handed_in": "否"}
    return {
        "name": row.name, "stations": str(row.stations), "villages": str(row.villages),
        "coverage": _rate(row.coverage), "teams": str(row.teams),
        "teams_8n": f"{row.categories_8n}/{required_categories}" if row.handed_in else "—",
        "volunteers": str(row.volunteers), "registered": str(row.registered),
        "activities": str(row.activities), "projects": str(row.projects),
        "general": str(row.general), "special": str(row.special), "mutual": str(row.mutual),
        "met": str(row.met), "pending": str(row.pending), "missing": str(row.missing),
        "problems": str(row.problems), "handed_in": "是" if row.handed_in else "否",
    }


def county_title(config: Config) -> str:
    """'西乡县新时代文明实践所（站）建设情况汇总报告'."""
    return f"{config.county}新时代文明实践所（站）建设情况汇总报告"


def county_context(summary: CountySummary, config: Config,
                   today: date | None = None) -> dict[str, Any]:
    """The 全县汇总 template context (contract in ``tools/make_templates.py``)."""
    required = len(config.thresholds.required_team_categories)
    total = summary.total
    handed = [r for r in summary.rows if r.handed_in]
    as_of = cn_date(config.period_end)
    overview = [
        f"截至{as_of}，全县{len(summary.rows)}个镇（街道）、村（社区）{total.villages}个，"
        f"已有{len(handed)}个镇（街道）报送材料。已报送的镇（街道）共有村（社区）"
        f"{sum(r.villages for r in handed)}个，建成新时代文明实践站{total.stations}个，"
        f"覆盖村（社区）{total.covered}个，覆盖率{_rate(total.coverage)}。",
        f"各镇（街道）组建志愿服务队{total.teams}支，登记志愿者{total.volunteers}人（注册{total.registered}人）；"
        f"{period_label(config)}开展文明实践活动{total.activities}场，服务群众{total.served}人次；"
        f"实施志愿服务项目{total.projects}个（普惠性{total.general}个、特惠性{total.special}个、"
        f"互惠性{total.mutual}个）。",
    ]
    findings = []
    for row in handed:
        checklist = summary.checklists.get(row.name)
        text = (f"{row.name}：实践站覆盖率{_rate(row.coverage)}，“五有”评估内容达标{row.met}项、"
                f"待完善{row.pending}项、缺项{row.missing}项")
        if checklist and checklist.gaps:
            text += "。主要差距：" + "；".join(checklist.gaps[:3])
        findings.append(text.rstrip("。") + "。")
    if not findings:
        findings = ["尚无镇（街道）报送材料。"]
    registered_share = (summary.registered_unique / summary.volunteers_unique
                        if summary.volunteers_unique else None)
    minzheng = [
        f"截至{as_of}，全县各报送单位登记志愿者{summary.volunteers_unique}人（按身份证号码去重，"
        f"{summary.duplicates}人次在多个单位重复登记、只计一次），其中在全国志愿服务信息系统注册"
        f"{summary.registered_unique}人，注册率{_rate(registered_share)}。",
        f"登记志愿服务队伍{summary.teams_all}支，其中已注册{summary.teams_registered}支。"
        f"{period_label(config)}全县开展志愿服务活动{summary.activities_all}场，"
        f"服务群众{summary.served_all}人次。",
        f"各单位培育品牌志愿服务项目{len(summary.key_projects)}个，见下表。"
        if summary.key_projects else "各单位尚未填报品牌志愿服务项目。",
    ]
    gaps: dict[str, None] = {}
    for row in handed:
        checklist = summary.checklists.get(row.name)
        for gap in (checklist.gaps if checklist else []):
            gaps.setdefault(f"{row.name}{gap}", None)
    problems = [f"{ordinal(i)}{g}。" for i, g in enumerate(list(gaps)[:12])] or [
        "经汇总，各镇（街道）暂未发现明显问题。"]
    if len(gaps) > 12:
        problems.append(f"其余{len(gaps) - 12}项差距见各镇（街道）自评报告。")
    measures = ["下一步，县新时代文明实践中心将督促各镇（街道）对照上述差距逐项整改，"
                "在省市检查前完成对标补短。"]
    not_submitted = [f"{label}：{'、'.join(names)}。" for label, names in summary.missing_units.items()]
    not_submitted = (["截至汇总时，以下单位尚未报送材料："] + not_submitted) if not_submitted else [
        "所有应报单位均已报送材料。"]
    return {
        "title": county_title(config),
        "opening": (f"根据{config.notice or '有关通知'}要求，现将全县新时代文明实践所（站）建设和"
                    f"{period_label(config)}志愿服务开展情况汇总如下："),
        "overview": overview,
        "towns": [{"seq": str(i), **town_cells(r, required)} for i, r in enumerate(summary.rows, 1)],
        "totals": town_cells(total, required) | {"teams_8n": "—"},
        "findings": findings,
        "minzheng": minzheng,
        "key_projects": [{"seq": str(i), "unit": clean(u), "name": clean(n), "type": t,
                          "field": f, "team": clean(team)}
                         for i, (u, n, t, f, team) in enumerate(summary.key_projects, 1)],
        "problems": problems,
        "measures": measures,
        "not_submitted": not_submitted,
        "signature": config.centre,
        "report_date": cn_date(today or date.today()),
        "annex_title": f"{config.county}各镇（街道）新时代文明实践所（站）建设情况汇总表",
    }


XLSX_COLUMNS = (
    ("序号", "seq", 6), ("镇（街道）", "name", 12), ("实践站", "stations", 8),
    ("村（社区）", "villages", 9), ("覆盖率", "coverage", 9), ("队伍", "teams", 7),
    ("“8+N”类别", "teams_8n", 10), ("志愿者", "volunteers", 9), ("注册志愿者", "registered", 10),
    ("活动（场）", "activities", 9), ("项目", "projects", 7), ("普惠性", "general", 7),
    ("特惠性", "special", 7), ("互惠性", "mutual", 7), ("达标", "met", 6), ("待完善", "pending", 7),
    ("缺项", "missing", 6), ("问题数", "problems", 7), ("是否报送", "handed_in", 9),
)


def write_county_xlsx(summary: CountySummary, config: Config, target: Path) -> None:
    """The 全县汇总 table as a formatted .xlsx (sheets 汇总, 未报送单位) written to ``target``.

    Raises:
        OSError: the file cannot be written (callers wrap it with `write_atomic`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from ..xlsx_cells import append_row, put, set_value

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_COLUMNS))
    set_value(ws["A1"], f"{config.county}各镇（街道）新时代文明实践所（站）建设情况汇总表")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = center
    ws.row_dimensions[1].height = 30
    required = len(config.thresholds.required_team_categories)
    rows = [{"seq": str(i), **town_cells(r, required)} for i, r in enumerate(summary.rows, 1)]
    rows.append({"seq": "", **town_cells(summary.total, required), "teams_8n": "", "handed_in": ""})
    for c, (header, _, width) in enumerate(XLSX_COLUMNS, start=1):
        cell = put(ws, 2, c, header)
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border, cell.alignment = border, center
        ws.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(rows, start=3):
        for c, (_, key, _) in enumerate(XLSX_COLUMNS, start=1):
            text = row[key]
            value: Any = int(text) if text.isdigit() and key != "name" else text
            cell = put(ws, r, c, value)
            if key == "coverage" and text.endswith("%"):
                cell.value = float(text[:-1]) / 100
                cell.number_format = "0.00%"
            cell.border, cell.alignment = border, center
            if key == "handed_in" and text == "否":
                cell.font = Font(color="C00000", bold=True)
        if row["name"] == "合计":
            for c in range(1, len(XLSX_COLUMNS) + 1):
                ws.cell(row=r, column=c).font = Font(bold=True)
    ws.freeze_panes = "C3"
    missing = wb.create_sheet("未报送单位")
    append_row(missing, ["类别", "单位名称"])
    for label, names in summary.missing_units.items():
        for name in names:
            append_row(missing, [label, name])
    missing.column_dimensions["A"].width = 20
    missing.column_dimensions["B"].width = 30
    wb.save(target)


def county_activity_table(summary: CountySummary, config: Config) -> dict[str, Any]:
    """Activities held in the period by every unit, as ``by_month``/``by_category`` rows (the
    shape the chart hook reads)."""
    from ..figures import period_months
    from ..schema.activities import ACTIVITY_CATEGORIES

    held = [a for fig in summary.figures.values() for a in fig.held]
    months = [{"month": f"{m}月", "count": str(sum(1 for a in held if a.held_on
                                                 and (a.held_on.year, a.held_on.month) == (y, m)))}
              for y, m in period_months(config.period_start, config.period_end)]
    categories = [{"category": c, "count": str(sum(1 for a in held if a.category == c))}
                  for c in ACTIVITY_CATEGORIES]
    return {"by_month": months, "by_category": categories}
