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
from .context import clean, cn_date, ordinal, period_label, project_types


def _rate(value: float | None) -> str:
    return format_rate(value) if value is not None else "—"


def town_cells(row: TownRow, required_categories: int) -> dict[str, str]:
    """One table row as text (the keys of the template's ``towns`` rows); a town that has not
    handed in shows '—' rather than zeros it never reported."""
    if not row.handed_in and row.name != "合计":
        return {key: "—" for key in ("stations", "covered", "coverage", "teams", "teams_8n",
                                     "volunteers", "registered", "activities", "projects",
                                     "general", "special", "mutual", "met", "pending", "missing",
                                     "problems")} | {
            "name": row.name, "villages": str(row.villages), "handed_in": "否"}
    return {
        "name": row.name, "stations": str(row.stations), "villages": str(row.villages),
        "covered": str(row.covered), "coverage": _rate(row.coverage), "teams": str(row.teams),
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


def people_text(listed: int, unique: int) -> str:
    """The volunteer figure of a county document: the deduplicated count is the headline; the
    raw sum of roster lines appears only labelled as such (issue 11)."""
    if listed == unique:
        return f"登记志愿者{unique}人"
    return f"累计登记志愿者{listed}人次，按身份证号码去重后{unique}人"


def annex_note(summary: CountySummary) -> str:
    """The line under the annex table saying what its 合计 row counts."""
    total = summary.total
    handed = sum(1 for r in summary.rows if r.handed_in)
    if not handed:
        return "注：尚无镇（街道）报送材料。"
    note = (f"注：合计行为已报送的{handed}个镇（街道）之和，覆盖率＝已建站村（社区）÷村（社区）"
            f"＝{total.covered}÷{total.villages}")
    if summary.town_volunteers_listed != total.volunteers:
        note += (f"；志愿者、注册志愿者均按身份证号码去重（志愿者累计登记"
                 f"{summary.town_volunteers_listed}人次，去重后{total.volunteers}人），"
                 "故合计可能小于各行之和")
    return note + "。"


def _group_gaps(summary: CountySummary) -> list[tuple[str, str, list[tuple[str, list[str]]]]]:
    """(item code, item title, [(town, gaps)]) for every evaluation item some town falls short
    on, in item order: the county's 存在问题 grouped by kind of gap, towns named."""
    groups: dict[str, tuple[str, list[tuple[str, list[str]]]]] = {}
    order: list[str] = []
    for row in summary.rows:
        checklist = summary.checklists.get(row.name)
        if not row.handed_in or checklist is None:
            continue
        for result in checklist.items:
            if result.gaps:
                code = result.item.code
                if code not in groups:
                    groups[code] = (result.item.title, [])
                    order.append(code)
                groups[code][1].append((row.name, result.gaps))
    items = {code: i for i, code in enumerate(
        r.item.code for c in summary.checklists.values() for r in c.items)}
    order.sort(key=lambda code: items.get(code, 0))
    return [(code, groups[code][0], groups[code][1]) for code in order]


def _towns(names: list[str]) -> str:
    return "、".join(names) + f"{len(names)}个镇（街道）"


DETAIL_TOWNS = 3
"""A group of more towns than this names them without each town's gap (see their 自评报告)."""


def problem_paragraphs(summary: CountySummary, config: Config) -> list[str]:
    """四、存在问题: one paragraph per kind of gap with the towns in it (一是…十一是…)."""
    paragraphs: list[str] = []
    for code, title, towns in _group_gaps(summary):
        names = [name for name, _ in towns]
        check = next((i.check for i in config.items if i.code == code), None)
        if check == "site_coverage" and all("覆盖率" in g[0] for _, g in towns):
            missing = sum(len(summary.figures[n].villages_without_station) for n in names
                          if n in summary.figures)
            text = (f"实践站覆盖率未达到{format_rate(config.thresholds.coverage_rate)}的有"
                    f"{_towns(names)}" + (f"，共{missing}个村（社区）尚未建站" if missing else ""))
        elif len(towns) == 1:
            name, gaps = towns[0]
            text = f"{title}方面，{name}" + "；".join(gaps)
        elif all(gaps == towns[0][1] for _, gaps in towns):  # the same gap in every town
            text = f"{title}方面，{_towns(names)}" + "；".join(towns[0][1])
        elif len(towns) <= DETAIL_TOWNS:
            text = (f"{title}方面存在差距的有{_towns(names)}："
                    + "；".join(f"{name}" + "，".join(gaps) for name, gaps in towns))
        else:
            text = f"{title}方面存在差距的有{_towns(names)}，具体差距见各镇（街道）自评报告"
        paragraphs.append(f"{ordinal(len(paragraphs))}{text.rstrip('。；')}。")
    if not any(r.handed_in for r in summary.rows):
        return ["尚无镇（街道）报送材料，暂无法汇总对标差距。"]
    return paragraphs or ["经汇总，已报送的镇（街道）对照“五有”标准暂未发现数据反映的差距。"]


def measure_paragraphs(summary: CountySummary, config: Config) -> list[str]:
    """五、下一步工作 from the data: which towns to supervise on which gap, by when; who has
    not handed in yet."""
    centre = "县新时代文明实践中心"
    when = config.inspection if config.inspection.startswith(("在", "于")) else f"在{config.inspection}"
    paragraphs = [f"下一步，{centre}将坚持问题导向，逐镇（街道）跟踪督办，{when}完成对标补短。"]
    steps = []
    for code, title, towns in _group_gaps(summary):
        names = "、".join(n for n, _ in towns)
        check = next((i.check for i in config.items if i.code == code), None)
        missing = sum(len(summary.figures[n].villages_without_station) for n, _ in towns
                      if n in summary.figures)
        if check == "site_coverage" and missing:
            steps.append(f"督促{names}加快尚未建站的{missing}个村（社区）实践站建设，建成后统一挂牌")
        else:
            steps.append(f"督促{names}在{title}方面对照差距逐项整改")
    late = [n for names in summary.missing_units.values() for n in names]
    if late:
        deadline = config.deadline
        when = f"{deadline.month}月{deadline.day}日" + (f"{deadline.hour}时" if deadline.hour else "")
        steps.append(f"逐一电话催报尚未报送材料的{len(late)}个单位，{when}前报齐")
    steps.append(f"整改情况由各镇（街道）书面报{centre}，县中心汇总后复核")
    paragraphs += [f"{ordinal(i)}{step}。" for i, step in enumerate(steps)]
    return paragraphs


def county_context(summary: CountySummary, config: Config,
                   today: date | None = None) -> dict[str, Any]:
    """The 全县汇总 template context (contract in ``tools/template_layouts.py``).

    ``today`` overrides the 落款 date (tests); by default it is ``config.document_date``.
    """
    required = len(config.thresholds.required_team_categories)
    total = summary.total
    handed = [r for r in summary.rows if r.handed_in]
    as_of = cn_date(config.period_end)
    overview = [
        f"截至{as_of}，全县{len(summary.rows)}个镇（街道）、村（社区）{summary.villages_all}个，"
        f"已有{len(handed)}个镇（街道）报送材料。已报送的镇（街道）共有村（社区）"
        f"{total.villages}个，建成新时代文明实践站{total.stations}个，"
        f"已建站村（社区）{total.covered}个，覆盖率{_rate(total.coverage)}。",
        f"已报送的镇（街道）组建志愿服务队{total.teams}支，"
        f"{people_text(summary.town_volunteers_listed, total.volunteers)}（注册{total.registered}人）；"
        f"{period_label(config)}开展文明实践活动{total.activities}场，服务群众{total.served}人次；"
        f"实施志愿服务项目{total.projects}个"
        + project_types({"普惠性": total.general, "特惠性": total.special,
                         "互惠性": total.mutual}) + "。",
    ]
    if not handed:
        overview = [f"截至{as_of}，全县{len(summary.rows)}个镇（街道）、村（社区）"
                    f"{summary.villages_all}个，尚无镇（街道）报送材料。"]
    findings = []
    for row in handed:
        checklist = summary.checklists.get(row.name)
        text = (f"{row.name}：实践站覆盖率{_rate(row.coverage)}，“五有”评估内容达标{row.met}项"
                + (f"、待完善{row.pending}项" if row.pending else "")
                + (f"、缺项{row.missing}项" if row.missing else ""))
        if checklist and checklist.gaps:
            text += "。主要差距：" + "；".join(checklist.gaps)  # all of them: 待完善4项 means 4
        findings.append(text.rstrip("。") + "。")
    if not findings:
        findings = ["尚无镇（街道）报送材料。"]
    registered_share = (summary.registered_unique / summary.volunteers_unique
                        if summary.volunteers_unique else None)
    listed = summary.volunteers_unique + summary.duplicates
    minzheng = [
        f"截至{as_of}，全县各报送单位{people_text(listed, summary.volunteers_unique)}"
        + (f"（{summary.duplicates}人在多个单位重复登记，只计一次）" if summary.duplicates else "")
        + f"，其中在全国志愿服务信息系统注册{summary.registered_unique}人，"
        f"注册率{_rate(registered_share)}。",
        f"登记志愿服务队伍{summary.teams_all}支，其中已注册{summary.teams_registered}支。"
        f"{period_label(config)}全县各报送单位（含县级单位和县级志愿服务队）开展志愿服务活动"
        f"{summary.activities_all}场，服务群众{summary.served_all}人次。",
        f"各单位培育品牌志愿服务项目{len(summary.key_projects)}个，见下表。"
        if summary.key_projects else "各单位尚未填报品牌志愿服务项目。",
    ]
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
        "problems": problem_paragraphs(summary, config),
        "measures": measure_paragraphs(summary, config),
        "not_submitted": not_submitted,
        "signature": config.centre,
        "report_date": cn_date(today or config.document_date),
        "annex_title": f"{config.county}各镇（街道）新时代文明实践所（站）建设情况汇总表",
        "annex_note": annex_note(summary),
    }


XLSX_COLUMNS = (
    ("序号", "seq", 6), ("镇（街道）", "name", 12), ("实践站", "stations", 8),
    ("村（社区）", "villages", 9), ("已建站村（社区）", "covered", 10), ("覆盖率", "coverage", 9), ("队伍", "teams", 7),
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
                # the exact quotient of the row's own columns (the text is rounded)
                cell.value = (int(row["covered"]) / int(row["villages"])
                              if row["covered"].isdigit() and row["villages"].isdigit()
                              and int(row["villages"]) else float(text[:-1]) / 100)
                cell.number_format = "0.00%"
            cell.border, cell.alignment = border, center
            if key == "handed_in" and text == "否":
                cell.font = Font(color="C00000", bold=True)
        if row["name"] == "合计":
            for c in range(1, len(XLSX_COLUMNS) + 1):
                ws.cell(row=r, column=c).font = Font(bold=True)
    ws.freeze_panes = "C3"
    note_row = len(rows) + 3
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row,
                   end_column=len(XLSX_COLUMNS))
    ws.cell(row=note_row, column=1, value=annex_note(summary)).alignment = Alignment(
        horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[note_row].height = 30
    print_setup(ws, title_rows="1:2")
    missing = wb.create_sheet("未报送单位")
    append_row(missing, ["类别", "单位名称"])
    for label, names in summary.missing_units.items():
        for name in names:
            append_row(missing, [label, name])
    missing.column_dimensions["A"].width = 20
    missing.column_dimensions["B"].width = 30
    print_setup(missing, title_rows="1:1", landscape=False)
    wb.save(target)


def county_activity_table(summary: CountySummary, config: Config) -> dict[str, Any]:
    """Activities held in the period by the towns that handed in (the set 一、总体情况 counts,
    right above the chart), as ``by_month``/``by_category`` rows (the chart hook's shape)."""
    from ..figures import period_months
    from ..schema.activities import ACTIVITY_CATEGORIES

    towns = {r.name for r in summary.rows if r.handed_in}
    held = [a for name, fig in summary.figures.items() if name in towns for a in fig.held]
    months = [{"month": f"{m}月", "count": str(sum(1 for a in held if a.held_on
                                                 and (a.held_on.year, a.held_on.month) == (y, m)))}
              for y, m in period_months(config.period_start, config.period_end)]
    categories = [{"category": c, "count": str(sum(1 for a in held if a.category == c))}
                  for c in ACTIVITY_CATEGORIES]
    return {"by_month": months, "by_category": categories}


def print_setup(ws: Any, title_rows: str, landscape: bool = True) -> None:
    """A4, landscape by default, fitted to one page wide (as many pages tall as needed), the
    title/header rows repeated on every page, centred — so a printout is never cut off or
    several pages wide (issue 11)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
