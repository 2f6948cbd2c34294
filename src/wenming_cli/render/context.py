"""The 自评报告 context (DESIGN.md §7): sentences filled from figures, never invented facts.

`self_assessment_context` returns the dict the docxtpl template renders (contract in
``tools/make_templates.py``). Every number comes from `Figures`/`Checklist`; the clerk's own
words come from the 自评 sheet; a missing narrative becomes a 【请补充：…】 placeholder.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..config import Config
from ..criteria import Checklist
from ..figures import Figures, format_rate
from ..privacy import mask_id_card, mask_phone, redact
from ..schema.activities import ACTIVITY_CATEGORIES
from ..schema.projects import PROJECT_TYPES
from ..units import UnitData

ORDINALS = "一二三四五六七八九十"
DIMENSION_ORDER = ("有场所", "有队伍", "有活动", "有项目", "有机制")
_CONTROL = re.compile(r"[\x00-\x08\x0c-\x1f\x7f]")


def clean(value: object) -> str:
    """Text safe for docxtpl: None → '', \\r\\n/\\r/\\x0b → \\n, other control characters dropped.

    (docxtpl re-parses its output in recover mode: an XML-invalid character silently corrupts
    the rest of the document, and \\a/\\f become paragraph/page breaks.)
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    # ID-like and phone-like digit runs in free text (a 自评情况, an activity name) are masked:
    # documents go out for 报送 and must not carry anyone's full ID or mobile (privacy.redact)
    return redact(_CONTROL.sub("", text))


_PLACEHOLDER = re.compile(r"(【请补充：[^】]*】)")


def rich(text: str) -> Any:
    """A docxtpl RichText of ``text`` with every 【请补充：…】 in the 待补充 (yellow) style."""
    from docxtpl import RichText

    value = RichText()
    for part in _PLACEHOLDER.split(text):
        if part:
            value.add(part, style="待补充" if _PLACEHOLDER.fullmatch(part) else None)
    return value


def cn_date(value: date) -> str:
    """2022年7月14日."""
    return f"{value.year}年{value.month}月{value.day}日"


def ordinal(index: int) -> str:
    """'一是', '二是', … for 0, 1, …"""
    return (ORDINALS[index] if index < len(ORDINALS) else str(index + 1)) + "是"


def period_label(config: Config) -> str:
    """'2022年上半年' for Jan 1–Jun 30, else '2022年1月1日至2022年9月30日'."""
    start, end = config.period_start, config.period_end
    if (start.month, start.day, end.month, end.day) == (1, 1, 6, 30) and start.year == end.year:
        return f"{start.year}年上半年"
    return f"{cn_date(start)}至{cn_date(end)}"


def _place(unit: UnitData) -> tuple[str, str]:
    """('街道', '我街道') or ('镇', '我镇')."""
    word = "街道" if unit.name.endswith("街道") else "镇"
    return word, "我" + word


def _end(text: str) -> str:
    """``text`` ending in a full stop (or its own closing punctuation)."""
    text = text.rstrip()
    return text if not text or text[-1] in "。！？；…”）" else text + "。"


def _sentence(parts: list[str]) -> str:
    text = "，".join(p for p in parts if p)
    return text + "。" if text and not text.endswith("。") else text


def basic_paragraphs(unit: UnitData, fig: Figures, config: Config) -> list[str]:
    """一、基本情况: sites and coverage, teams and volunteers, activities, projects."""
    word, _ = _place(unit)
    extra = fig.sites_by_type.get("实践基地", 0) + fig.sites_by_type.get("实践点", 0)
    coverage = format_rate(fig.coverage_rate) if fig.coverage_rate is not None else "（无法计算）"
    sites = (f"截至{cn_date(fig.as_of)}，全{word}共有村（社区）{fig.villages_total}个，"
             f"建成新时代文明实践所{fig.sites_by_type.get('实践所', 0)}个、实践站{fig.stations}个，"
             f"实践站覆盖率{'达到' if fig.coverage_rate == 1 else '为'}{coverage}")
    if extra:
        sites += f"，延伸设立实践基地（点）{extra}个"
    village_teams = fig.teams_by_level.get("村级", 0)
    teams = (f"组建志愿服务队{fig.teams}支" + (f"（其中村级队伍{village_teams}支）" if village_teams else "")
             + f"，登记志愿者{fig.volunteers}人（其中注册志愿者{fig.volunteers_registered}人、"
             f"党员{fig.party_members}人）")
    acts = (f"{period_label(config)}共开展文明实践活动{len(fig.held)}场，"
            f"服务群众{fig.served_total}人次，参与志愿者{fig.volunteer_turnout}人次")
    if fig.planned:
        acts += f"，另有计划开展的活动{fig.planned}场"
    by_type = "、".join(f"{t}{fig.projects_by_type.get(t, 0)}个" for t in PROJECT_TYPES)
    projects = f"设计实施志愿服务项目{fig.projects}个（{by_type}）"
    if fig.brand_projects:
        projects += f"，其中品牌项目{len(fig.brand_projects)}个"
    return [_sentence([sites]), _sentence([teams]), _sentence([acts]), _sentence([projects])]


def dimension_sections(checklist: Checklist) -> list[dict[str, Any]]:
    """（一）有场所 … （五）有机制: per item, computed evidence then the clerk's narrative."""
    sections: list[dict[str, Any]] = []
    dims = [d for d in DIMENSION_ORDER if any(r.item.dimension == d for r in checklist.items)]
    dims += [d for d in dict.fromkeys(r.item.dimension for r in checklist.items) if d not in dims]
    for i, dim in enumerate(dims):
        paragraphs: list[str] = []
        results = [r for r in checklist.items if r.item.dimension == dim]
        for j, result in enumerate(results):
            text = f"{ordinal(j)}{result.item.title}。"
            narrative = result.assessment.narrative if result.assessment else None
            if narrative:
                # the clerk's words lead; data adds only what it found lacking (no repeats)
                text += _end(clean(narrative))
                if result.gaps:
                    text += "经数据核验，" + "；".join(result.gaps) + "。"
            else:
                text += _sentence(result.evidence)
                text += f"【请补充：{result.item.content}的自评情况】"
            if result.conclusion:
                text += f"自评结论：{result.conclusion}。"
            paragraphs.append(rich(text))
        sections.append({"heading": f"（{ORDINALS[i]}）{dim}", "paragraphs": paragraphs})
    return sections


def problem_paragraphs(checklist: Checklist) -> list[str]:
    """三、存在问题: computed gaps first (measured voice), then problems the clerk reported for
    items whose data showed no gap (where the data found one, its sentence already says it)."""
    problems = list(checklist.gaps)
    for result in checklist.items:
        reported = result.assessment.problems if result.assessment else None
        if reported and not result.gaps and clean(reported) not in problems:
            problems.append(clean(reported))
    if not problems:
        return ["经对照“五有”标准逐项自查，暂未发现明显问题。"]
    return [f"{ordinal(i)}{p.rstrip('。；;')}。" for i, p in enumerate(problems)]


def measure_paragraphs(unit: UnitData, checklist: Checklist) -> list[Any]:
    """四、下一步整改措施: the clerk's 整改措施 with 整改时限; a placeholder when gaps lack one."""
    _, we = _place(unit)
    lead = f"下一步，{we}将坚持问题导向，对照“五有”标准逐项抓好整改落实。"
    measures: list[str] = []
    for result in checklist.items:
        row = result.assessment
        if row and row.measures:
            text = clean(row.measures).rstrip("。；;")
            if row.deadline:
                text += f"，{clean(row.deadline)}完成"
            measures.append(text)
    paragraphs = [lead] + [f"{ordinal(i)}{m}。" for i, m in enumerate(measures)]
    if checklist.gaps and not measures:
        paragraphs.append("【请补充：针对上述问题的整改措施和完成时限】")
    return [rich(p) for p in paragraphs]


def _yes(value: str | None) -> str:
    return value or ""


def _short_date(value: date | None, year: int | None) -> str:
    """'3月5日' inside the reporting year, the full '2021年12月31日' outside it."""
    if value is None:
        return ""
    return f"{value.month}月{value.day}日" if value.year == year else cn_date(value)


def annex_rows(unit: UnitData, mask: bool, year: int | None = None) -> dict[str, list[dict[str, str]]]:
    """Rows of the annex tables; IDs and phones masked unless ``mask`` is False; dates outside
    ``year`` keep their year."""
    def phone(value: str | None) -> str:
        return (mask_phone(value) if mask else value) if value else ""

    def id_card(value: str | None) -> str:
        return (mask_id_card(value) if mask else value) if value else ""

    def n(value: float | int | None) -> str:
        if value is None:
            return ""
        return str(int(value)) if float(value).is_integer() else f"{value:g}"

    teams = [{"seq": str(i), "name": clean(t.name), "category": _yes(t.category),
              "level": _yes(t.level), "village": clean(t.village), "leader": clean(t.leader),
              "phone": phone(t.phone), "registered": _yes(t.registered)}
             for i, t in enumerate(unit.teams, 1)]
    volunteers = [{"seq": str(i), "name": clean(v.name), "gender": _yes(v.gender),
                   "id_card": id_card(v.id_card), "politics": _yes(v.politics),
                   "phone": phone(v.phone), "team": clean(v.team), "village": clean(v.village),
                   "registered": _yes(v.registered), "hours": n(v.hours)}
                  for i, v in enumerate(unit.volunteers, 1)]
    activities = [{"seq": str(i), "name": clean(a.name), "category": _yes(a.category),
                   "plan_time": str(a.plan_time) if a.plan_time else "",
                   "date": _short_date(a.held_on, year),
                   "place": clean(a.place), "team": clean(a.team), "volunteers": n(a.volunteers),
                   "served": n(a.served), "status": _yes(a.status)}
                  for i, a in enumerate(unit.activities, 1)]
    projects = [{"seq": str(i), "name": clean(p.name), "type": _yes(p.type),
                 "field": _yes(p.field), "target": clean(p.target), "team": clean(p.team),
                 "leader": clean(p.leader), "phone": phone(p.phone), "brand": _yes(p.brand)}
                for i, p in enumerate(unit.projects, 1)]
    return {"teams": teams, "volunteers": volunteers, "activities": activities,
            "projects": projects}


def self_assessment_context(unit: UnitData, checklist: Checklist, config: Config,
                            mask: bool = True, today: date | None = None) -> dict[str, Any]:
    """The full template context of the 自评报告 for a town (keys: see module docstring)."""
    fig = checklist.figures
    info = unit.info
    report_day = (info.report_date if info and info.report_date else None) or today or date.today()
    opening = (f"根据{config.notice or '县新时代文明实践中心有关通知'}要求，{unit.name}新时代文明实践所"
               "对照有场所、有队伍、有活动、有项目、有机制“五有”标准及评估内容，认真开展自查自评和"
               "对标补短工作。现将自评情况报告如下：")
    checklist_rows = [
        {"code": r.item.code, "dimension": r.item.dimension, "title": r.item.title,
         "status": r.status, "conclusion": r.conclusion or "未填",
         "evidence": clean("；".join(r.evidence + r.gaps))}
        for r in checklist.items
    ]
    context: dict[str, Any] = {
        "title": f"{unit.name}新时代文明实践所建设情况自评报告",
        "opening": opening,
        "basic": basic_paragraphs(unit, fig, config),
        "dimensions": dimension_sections(checklist),
        "problems": problem_paragraphs(checklist),
        "measures": measure_paragraphs(unit, checklist),
        "signature": clean(info.signature if info and info.signature else unit.name),
        "report_date": cn_date(report_day),
        "checklist": checklist_rows,
        "annex_titles": {
            "teams": f"{unit.name}志愿服务队伍一览表",
            "volunteers": f"{unit.name}志愿服务队伍花名册",
            "activities": f"{unit.name}{config.year}年文明实践项目活动计划一览表",
            "projects": f"{unit.name}志愿服务项目表",
            "checklist": f"{unit.name}“五有”对标情况表",
        },
    }
    context.update(annex_rows(unit, mask, config.year))
    return context


__all__ = ["ACTIVITY_CATEGORIES", "clean", "cn_date", "self_assessment_context"]
