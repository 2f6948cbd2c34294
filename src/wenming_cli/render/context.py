"""The 自评报告 context (DESIGN.md §7): sentences filled from figures, never invented facts.

`self_assessment_context` returns the dict the docxtpl template renders (contract in
``tools/make_templates.py``). Every number comes from `Figures`/`Checklist`; the clerk's own
words come from the 自评 sheet; a missing narrative becomes a 【请补充：…】 placeholder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..config import Config
from ..criteria import Checklist, ItemResult
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


_PLACEHOLDER = re.compile(r"(【请(?:补充|确认)：[^】]*】)")


def rich(text: str) -> Any:
    """A docxtpl RichText of ``text`` with every 【请补充：…】 and 【请确认：…】 in the 待补充
    (yellow) style."""
    from docxtpl import RichText

    value = RichText()
    for part in _PLACEHOLDER.split(text):
        if part:
            value.add(part, style="待补充" if _PLACEHOLDER.fullmatch(part) else None)
    return value


def cn_date(value: date) -> str:
    """2022年7月14日."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_number(number: int) -> str:
    """1 → '一', 11 → '十一', 20 → '二十', 35 → '三十五' (1–99; larger numbers in digits)."""
    if not 1 <= number <= 99:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else ORDINALS[tens - 1] + "十")
    return head + (ORDINALS[ones - 1] if ones else "")


def ordinal(index: int) -> str:
    """'一是', '二是', … '十一是' for 0, 1, … 10 (Chinese numerals all the way, issue 11)."""
    return cn_number(index + 1) + "是"


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


def project_types(counts: Mapping[str, int]) -> str:
    """'（普惠性10个、特惠性9个、互惠性8个）'; a type without a project is said as 尚无…项目
    ('（普惠性3个、特惠性2个），尚无互惠性项目'), never '互惠性0个'."""
    have = "、".join(f"{t}{counts.get(t, 0)}个" for t in PROJECT_TYPES if counts.get(t))
    none = "、".join(t for t in PROJECT_TYPES if not counts.get(t))
    return (f"（{have}）" if have else "") + (f"，尚无{none}项目" if none and have else "")


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
    projects = f"设计实施志愿服务项目{fig.projects}个{project_types(fig.projects_by_type)}"
    if fig.brand_projects:
        projects += f"，其中品牌项目{len(fig.brand_projects)}个"
    return [_sentence([sites]), _sentence([teams]), _sentence([acts]), _sentence([projects])]


def conclusion_text(result: ItemResult) -> str:
    """What follows an item in 二、: the clerk's 自评结论, or — when it is better than the data
    supports — the data-based one, highlighted for the clerk to confirm (the clerk's own stays in
    the 对标情况 annex). An item whose data check finds a gap never shows 达标 (issue 11)."""
    if result.overstated:
        return (f"自评结论：【请确认：{result.data_conclusion}（经数据核验存在上述差距，"
                f"自评表原填“{result.conclusion}”）】。")
    if result.conclusion:
        return f"自评结论：{result.conclusion}。"
    if result.data_conclusion:
        return f"自评结论：【请确认：{result.data_conclusion}】。"
    return ""


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
            else:
                text += _sentence(result.evidence)
                text += f"【请补充：{result.item.content}的自评情况】"
            if result.gaps:
                text += "经数据核验，" + "；".join(result.gaps) + "。"
            text += conclusion_text(result)
            paragraphs.append(rich(text))
        sections.append({"heading": f"（{cn_number(i + 1)}）{dim}", "paragraphs": paragraphs})
    return sections


GENRE_HINTS = "阵地利用率不高、活动形式单一、群众参与不够、志愿者专业化不足、项目特色不多、台账资料不规范"
"""Common shortcomings of this genre's reports: a hint list for a town that found none."""


def with_deadline(measure: str, deadline: str | None) -> str:
    """A 整改措施 and its 整改时限 as one clause: '…，2022年8月底前完成', '…，2022年7月起长期坚持'
    (a time limit that is not an end date is not followed by 完成)."""
    text = clean(measure).rstrip("。；;，,")
    when = clean(deadline).strip().rstrip("。；;，,") if deadline else ""
    if not when:
        return text
    if when.endswith("完成") or any(w in when for w in ("起", "长期", "持续", "常态", "坚持")):
        return f"{text}，{when}"
    return f"{text}，{when}完成" if when.endswith("前") else f"{text}，{when}前完成"


def problems_and_measures(checklist: Checklist) -> list[tuple[str, str]]:
    """三、存在问题 and 四、整改措施 as pairs, one per item that has a problem, in item order.

    A problem is the item's data gaps (measured voice), else the clerk's own 存在问题, else — for
    an item the clerk rated 基本达标/未达标 — a placeholder asking what falls short. Its measure is
    the clerk's 整改措施 with 整改时限, else a placeholder (never an invented deadline). A town
    with no problem at all gets one placeholder pair with the genre's hint list.
    """
    pairs: list[tuple[str, str]] = []
    for result in checklist.items:
        row = result.assessment
        title = result.item.title
        if result.gaps:
            problem = "；".join(result.gaps)
        elif row is not None and row.problems:
            problem = clean(row.problems)
        elif result.conclusion in ("基本达标", "未达标"):
            problem = (f"{title}方面自评为{result.conclusion}，"
                       f"【请补充：{title}方面存在的具体差距】")
        else:
            continue
        if row is not None and row.measures:
            measure = with_deadline(row.measures, row.deadline)
        else:
            measure = f"【请补充：针对{title}方面问题的整改措施和完成时限】"
        problem = problem.rstrip("。；;")
        same = next((i for i, (p, _) in enumerate(pairs) if p == problem), None)
        if same is None:
            pairs.append((problem, measure))
        elif not measure.startswith("【") and measure not in pairs[same][1]:
            # the clerk wrote the same problem for several items: said once, measures joined
            kept = pairs[same][1]
            pairs[same] = (problem, measure if kept.startswith("【") else f"{kept}；{measure}")
    if not pairs:
        pairs.append((f"【请补充：对照“五有”标准查找的实际不足，可从{GENRE_HINTS}等方面查找】",
                      "【请补充：针对上述不足的整改措施和完成时限】"))
    return pairs


def problem_paragraphs(checklist: Checklist) -> list[Any]:
    """三、存在问题: 一是…, one per item with a problem (see `problems_and_measures`)."""
    pairs = problems_and_measures(checklist)
    if len(pairs) == 1 and pairs[0][0].startswith("【"):  # only the placeholder: no 一是
        return [rich(pairs[0][0])]
    return [rich(f"{ordinal(i)}{problem}。") for i, (problem, _) in enumerate(pairs)]


def measure_paragraphs(unit: UnitData, checklist: Checklist) -> list[Any]:
    """四、下一步整改措施: a lead sentence, then one measure per problem of 三、 in its order."""
    _, we = _place(unit)
    lead = f"下一步，{we}将坚持问题导向，对照“五有”标准逐项抓好整改落实。"
    pairs = problems_and_measures(checklist)
    if len(pairs) == 1 and pairs[0][0].startswith("【"):
        return [rich(lead), rich(pairs[0][1])]
    measures = [f"{ordinal(i)}{measure.rstrip('。')}。" for i, (_, measure) in enumerate(pairs)]
    return [rich(p) for p in [lead, *measures]]


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

    members = Counter(v.team for v in unit.volunteers if v.team)
    teams = [{"seq": str(i), "name": clean(t.name), "category": _yes(t.category),
              "level": _yes(t.level), "village": clean(t.village),
              "members": str(members.get(t.name, 0)) if t.name else "",
              "leader": clean(t.leader), "phone": phone(t.phone), "registered": _yes(t.registered)}
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


ANNEX_ORDER = ("teams", "volunteers", "activities", "activity_stats", "projects", "checklist")
FULL_ONLY = ("volunteers", "activities")
SUMMARY_ONLY = ("activity_stats",)


def activity_stats(fig: Figures, config: Config) -> list[dict[str, str]]:
    """The 活动开展情况统计表 annex: per month of the period the activities held by category
    (c1…c5 in `ACTIVITY_CATEGORIES` order), count, 服务群众 and 参与志愿者; a 合计 row last."""
    from ..figures import period_months

    def row(label: str, acts: list[Any]) -> dict[str, str]:
        cells = {f"c{i}": str(sum(1 for a in acts if a.category == c))
                 for i, c in enumerate(ACTIVITY_CATEGORIES, 1)}
        return {"month": label, **cells, "count": str(len(acts)),
                "served": str(sum(a.served or 0 for a in acts)),
                "volunteers": str(sum(a.volunteers or 0 for a in acts))}

    rows = [row(f"{m}月" if y == config.year else f"{y}年{m}月",
                [a for a in fig.held if a.held_on and (a.held_on.year, a.held_on.month) == (y, m)])
            for y, m in period_months(config.period_start, config.period_end)]
    return [*rows, row("合计", fig.held)]


def self_assessment_context(unit: UnitData, checklist: Checklist, config: Config,
                            mask: bool = True, today: date | None = None,
                            full_lists: bool = False) -> dict[str, Any]:
    """The full template context of the 自评报告 for a town (keys: see module docstring).

    Args:
        full_lists: annex the whole 花名册 (masked); by default the report annexes the teams
            with their member counts only — the roster is a 印证资料 document of its own.
    """
    fig = checklist.figures
    info = unit.info
    # 落款: the 报告日期 of the 基本情况 sheet, else the configured date — never the day of the run
    report_day = (info.report_date if info and info.report_date else None) or today \
        or config.document_date
    opening = (f"根据{config.notice or '县新时代文明实践中心有关通知'}要求，{unit.name}新时代文明实践所"
               "对照有场所、有队伍、有活动、有项目、有机制“五有”标准及评估内容，认真开展自查自评和"
               "对标补短工作。现将自评情况报告如下：")
    checklist_rows = [
        {"code": r.item.code, "dimension": r.item.dimension, "title": r.item.title,
         "status": r.status,
         # the clerk's own word, kept, but never a bare 达标 beside a data gap in the same row
         # (a narrow column: the 数据核验 cell beside it already says what the data shows)
         "conclusion": f"{r.conclusion}（自评原填，待确认）" if r.overstated
         else r.conclusion or "未填",
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
    context["activity_stats"] = activity_stats(fig, config)
    context["annex_titles"]["activity_stats"] = f"{unit.name}{period_label(config)}文明实践活动开展情况统计表"
    annexed = [k for k in ANNEX_ORDER
               if (k not in FULL_ONLY or full_lists) and (k not in SUMMARY_ONLY or not full_lists)]
    context["annex_numbers"] = {k: str(annexed.index(k) + 1) if k in annexed else ""
                                for k in ANNEX_ORDER}
    context["annex_list"] = [f"{i}．{context['annex_titles'][k]}"
                             for i, k in enumerate(annexed, 1)]
    context["full_lists"] = full_lists
    if not full_lists:  # not rendered; empty lists keep the bulk path idle
        context["volunteers"] = []
        context["activities"] = []
    return context


__all__ = ["ACTIVITY_CATEGORIES", "clean", "cn_date", "self_assessment_context"]
