"""The 半年小结 context (DESIGN.md §7, notice 三-2): a unit's activities of the period by category
and month, a dated chronicle, typical activities, projects, then the clerk's 小结 narrative.

Every figure comes from `Figures`; a missing narrative becomes a highlighted 【请补充：…】
placeholder (and `validate` warns about it, code ``summary-missing``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..config import Config
from ..figures import Figures, compute_figures, format_rate, period_months
from ..schema import Activity
from ..schema.activities import ACTIVITY_CATEGORIES
from ..units import UnitData
from .context import ORDINALS, clean, cn_date, ordinal, period_label, project_types

SUMMARY_SECTIONS = (
    ("practices", "主要做法"),
    ("highlights", "特色亮点"),
    ("problems", "存在问题"),
    ("plans", "下步打算"),
)
"""(Summary field, heading) of the narrative part, in order (sheet 小结 of the profile workbook)."""

TYPICAL_COUNT = 3


def summary_title(unit: UnitData, config: Config) -> str:
    """'县文旅局2022年上半年新时代文明实践志愿服务活动情况小结'."""
    return f"{unit.name}{period_label(config)}新时代文明实践志愿服务活动情况小结"


ACTIVITY_WORDS = ("活动", "行动", "宣讲", "宣传", "演出", "展演", "展示", "展", "比赛", "竞赛", "培训",
                  "义诊", "巡诊", "讲座", "讲解", "服务", "晚会", "仪式", "分享会", "故事会", "会",
                  "课", "课堂", "体检", "整治", "慰问", "植树", "劝导", "巡演", "送祝福", "送万福",
                  "体验", "推广", "志愿服务")
"""Endings that already say what kind of event a name is: no “活动” is added after them."""
_SITE_SUFFIXES = ("新时代文明实践站", "新时代文明实践所", "新时代文明实践点", "新时代文明实践基地",
                  "文明实践站", "实践站", "实践所")


def _activity_phrase(name: str) -> str:
    """'开展…' object for an activity name: the name as written when it already says what it
    is (“…”宣讲, 写春联送万福), else “name”活动 — never “…活动”活动 (issue 11)."""
    bare = name.strip("“”\"'‘’")
    if bare.endswith(ACTIVITY_WORDS):
        return name
    quoted = name if "“" in name or name.startswith('"') else f"“{name}”"
    return quoted if bare.endswith(ACTIVITY_WORDS) else f"{quoted}活动"


def _place_phrase(place: str, name: str) -> str:
    """'在东关社区新时代文明实践站', or '' when the name already says the place (东关社区…宣讲)."""
    core = place
    for suffix in _SITE_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return "" if not place or core in name else f"在{place}"


def activity_sentence(unit: UnitData, act: Activity, with_team: bool = True) -> str:
    """'3月5日，城北街道理论宣讲志愿服务队在东关社区新时代文明实践站开展“…”宣讲，服务群众120人次'
    (no final stop; no doubled 活动, no place said twice)."""
    day = f"{act.held_on.month}月{act.held_on.day}日" if act.held_on else ""
    who = (clean(act.team) or unit.name) if with_team else ""
    name = clean(act.name)
    where = _place_phrase(clean(act.place), name)
    what = f"开展{_activity_phrase(name)}" if name else "开展活动"
    text = "，".join(p for p in (day, f"{who}{where}{what}") if p)
    figures = []
    if act.volunteers:
        figures.append(f"参与志愿者{act.volunteers}人次")
    if act.served:
        figures.append(f"服务群众{act.served}人次")
    return text + ("，" + "，".join(figures) if figures else "")


def _chronicle_sentence(unit: UnitData, act: Activity) -> str:
    return activity_sentence(unit, act) + "。"


TYPICAL_PER_CATEGORY = 3


def category_paragraphs(unit: UnitData, fig: Figures, config: Config) -> list[str]:
    """二、主要活动开展情况 grouped by theme (issue 11): per category one paragraph with its count
    and 服务群众, then up to three typical activities (most 服务群众) with date and place."""
    paragraphs: list[str] = []
    for category in ACTIVITY_CATEGORIES:
        acts = [a for a in fig.held if a.category == category]
        if not acts:
            continue
        served = sum(a.served or 0 for a in acts)
        text = (f"{ordinal(len(paragraphs))}{category}。{period_label(config)}开展{category}类活动"
                f"{len(acts)}场" + (f"，服务群众{served}人次" if served else ""))
        typical = sorted(acts, key=lambda a: (-(a.served or 0), a.held_on or date.min, a.row))
        typical = sorted(typical[:TYPICAL_PER_CATEGORY],
                         key=lambda a: (a.held_on or date.min, a.row))
        examples = [activity_sentence(unit, a) for a in typical]
        if examples:
            text += "。" + ("其中，" if len(acts) > len(examples) else "") + "；".join(examples)
        paragraphs.append(text + "。")
    return paragraphs


def overview_paragraphs(unit: UnitData, fig: Figures, config: Config) -> list[str]:
    """一、基本情况: totals of the period, then the split by category."""
    first = (f"{period_label(config)}，{unit.name}共开展新时代文明实践志愿服务活动{len(fig.held)}场，"
             f"参与志愿者{fig.volunteer_turnout}人次，服务群众{fig.served_total}人次")
    if unit.kind == "team" and fig.volunteers:
        # a team's own 小结 does not say 现有志愿服务队1支 of itself
        first += f"；现有志愿者{fig.volunteers}人（注册{fig.volunteers_registered}人）"
    elif fig.volunteers or fig.teams:
        first += f"；现有志愿服务队{fig.teams}支、志愿者{fig.volunteers}人（注册{fig.volunteers_registered}人）"
    paragraphs = [first + "。"]
    parts = [f"{c}类{fig.held_by_category[c]}场" for c in ACTIVITY_CATEGORIES
             if fig.held_by_category.get(c)]
    if parts:
        paragraphs.append("从活动类别看，" + "、".join(parts) + "。"
                          + (f"开展喜迎二十大主题活动{fig.theme_held}场" if fig.theme_held else "")
                          + ("、" if fig.theme_held and fig.demo_held else "")
                          + (f"集中性示范活动{fig.demo_held}场" if fig.demo_held else "")
                          + ("。" if fig.theme_held or fig.demo_held else ""))
    return paragraphs


def _tables(fig: Figures, config: Config) -> dict[str, Any]:
    count = len(fig.held)
    by_category = []
    for category in ACTIVITY_CATEGORIES:
        acts = [a for a in fig.held if a.category == category]
        by_category.append({
            "category": category, "count": str(len(acts)),
            "served": str(sum(a.served or 0 for a in acts)),
            "share": format_rate(len(acts) / count) if count else "—",
        })
    by_month = []
    for year, month in period_months(config.period_start, config.period_end):
        acts = [a for a in fig.held if a.held_on and (a.held_on.year, a.held_on.month) == (year, month)]
        by_month.append({
            "month": f"{month}月", "count": str(len(acts)),
            "served": str(sum(a.served or 0 for a in acts)),
            "volunteers": str(sum(a.volunteers or 0 for a in acts)),
        })
    totals = {"count": str(count), "served": str(fig.served_total),
              "volunteers": str(fig.volunteer_turnout)}
    return {"by_category": by_category, "by_month": by_month, "totals": totals}


def typical_activities(unit: UnitData, fig: Figures) -> list[dict[str, Any]]:
    """The largest activities of the period by 服务群众 (ties: earlier first), with their 简介."""
    ranked = sorted(fig.held, key=lambda a: (-(a.served or 0), a.held_on or date.min, a.row))
    sections = []
    for i, act in enumerate(ranked[:TYPICAL_COUNT]):
        paragraphs = [_chronicle_sentence(unit, act)]
        if act.summary:
            paragraphs.extend(line for line in clean(act.summary).split("\n") if line)
        sections.append({"heading": f"（{ORDINALS[i]}）{clean(act.name)}", "paragraphs": paragraphs})
    return sections


def project_paragraphs(unit: UnitData, fig: Figures) -> list[str]:
    """四、志愿服务项目: totals by type, then one sentence per project."""
    if not unit.projects:
        return ["本期未填报志愿服务项目。"]
    paragraphs = [f"共实施志愿服务项目{fig.projects}个{project_types(fig.projects_by_type)}"
                  + (f"，其中品牌项目{len(fig.brand_projects)}个" if fig.brand_projects else "") + "。"]
    for project in unit.projects:
        parts = [f"服务对象为{clean(project.target)}" if project.target else "",
                 clean(project.frequency),
                 f"受益{project.beneficiaries}人" if project.beneficiaries else ""]
        detail = "，".join(p for p in parts if p)
        name = clean(project.name)
        paragraphs.append(f"{name}（{project.type or '未分类'}）" + (f"：{detail}。" if detail else "。"))
    return paragraphs


def narrative_sections(unit: UnitData, first_number: int) -> list[dict[str, Any]]:
    """The 小结 narrative as RichText paragraphs; missing parts become highlighted placeholders."""
    from docxtpl import RichText

    sections = []
    for i, (field, heading) in enumerate(SUMMARY_SECTIONS):
        text = getattr(unit.summary, field, None) if unit.summary else None
        if text:
            paragraphs = [RichText(line) for line in clean(text).split("\n") if line]
        else:
            paragraphs = [RichText(f"【请补充：{heading}】", style="待补充")]
        sections.append({"heading": f"{ORDINALS[first_number + i - 1]}、{heading}",
                         "paragraphs": paragraphs})
    return sections


def summary_context(unit: UnitData, config: Config, today: date | None = None) -> dict[str, Any]:
    """The full 半年小结 template context (contract in ``tools/make_templates.py``)."""
    fig = compute_figures(unit, config)
    info = unit.info
    report_day = (info.report_date if info and info.report_date else None) or today \
        or config.document_date
    opening = (f"根据{config.notice or '县新时代文明实践中心有关通知'}要求，现将{unit.name}"
               f"{period_label(config)}新时代文明实践志愿服务活动开展情况小结如下：")
    context: dict[str, Any] = {
        "title": summary_title(unit, config),
        "opening": opening,
        "overview": overview_paragraphs(unit, fig, config),
        "chronicle": category_paragraphs(unit, fig, config) or ["本期没有已开展的活动记录。"],
        "typical": typical_activities(unit, fig),
        "projects": project_paragraphs(unit, fig),
        "sections": narrative_sections(unit, first_number=5),
        "signature": clean(info.signature if info and info.signature else unit.name),
        "report_date": cn_date(report_day),
    }
    context.update(_tables(fig, config))
    return context
