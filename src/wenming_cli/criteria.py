"""The 五有 checklist (对标补短, DESIGN.md §6): each evaluation item → 达标 / 待完善 / 缺项.

An item's status combines the data checks named by its ``check`` (notice 附件3 via config) with the
clerk's own 自评 row: 缺项 when the evidence is missing altogether, 待完善 when there is any gap,
达标 otherwise. Thresholds come from ``config.thresholds`` (the county's defaults, not an
official standard).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .config import Config, EvaluationItem, Thresholds
from .figures import Figures, compute_figures, format_rate, period_months
from .privacy import redact
from .schema import Activity, SelfAssessment
from .schema.activities import ACTIVITY_CATEGORIES
from .schema.profile import SITE_TYPES
from .schema.projects import PROJECT_TYPES
from .units import UnitData

Status = Literal["达标", "待完善", "缺项"]
STATUSES: tuple[Status, ...] = ("达标", "待完善", "缺项")
CONCLUSION_RANK = {"未达标": 0, "基本达标": 1, "达标": 2}
"""The clerk's 自评结论 values (自评 sheet dropdown), worst first."""


@dataclass
class Finding:
    """What a data check found: facts, gaps (measured sentences) and whether data is absent."""

    evidence: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    absent: bool = False


@dataclass
class ItemResult:
    """One evaluation item of one unit."""

    item: EvaluationItem
    status: Status
    evidence: list[str]
    gaps: list[str]
    assessment: SelfAssessment | None
    entry_gaps: list[str] = field(default_factory=list)
    """Gaps in the 自评 row itself (no 自评情况, no 整改措施), kept apart from data gaps."""
    absent: bool = False
    """The data check found the evidence missing altogether (e.g. no 项目表 rows)."""

    @property
    def conclusion(self) -> str:
        """The clerk's 自评结论, '' when none."""
        return (self.assessment.conclusion or "") if self.assessment else ""

    @property
    def data_conclusion(self) -> str | None:
        """The best 自评结论 the data check allows: 未达标 when its evidence is absent,
        基本达标 when it found a gap, None when it found nothing against the item."""
        if self.absent:
            return "未达标"
        return "基本达标" if self.gaps else None

    @property
    def overstated(self) -> bool:
        """The clerk's 自评结论 is better than the data supports (e.g. 达标 beside a data gap):
        the report shows `data_conclusion` for the clerk to confirm; validate warns."""
        allowed = self.data_conclusion
        return (allowed is not None and self.conclusion in CONCLUSION_RANK
                and CONCLUSION_RANK[self.conclusion] > CONCLUSION_RANK[allowed])


@dataclass
class Checklist:
    """The 五有 checklist of one unit, with the figures behind it."""

    unit: str
    figures: Figures
    items: list[ItemResult]

    def count(self, status: Status) -> int:
        """How many items have ``status``."""
        return sum(1 for r in self.items if r.status == status)

    @property
    def gaps(self) -> list[str]:
        """Every gap of every item, in item order, without repeats."""
        seen: dict[str, None] = {}
        for result in self.items:
            for gap in result.gaps:
                seen.setdefault(gap, None)
        return list(seen)


Check = Callable[[Figures, Thresholds, UnitData], Finding]


def _names(names: list[str], limit: int = 6, unit: str = "处") -> str:
    shown = "、".join(names[:limit])
    return shown + (f"等{len(names)}{unit}" if len(names) > limit else "")


def site_coverage(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有场所 item 1: 实践站 覆盖率 = villages with a 站 ÷ villages (DESIGN §6)."""
    if not unit.sites:
        return Finding(gaps=["未填报阵地（实践所、站）情况"], absent=True)
    f = Finding()
    order = {kind: i for i, kind in enumerate(SITE_TYPES)}
    parts = [f"{k}{v}个" for k, v in sorted(fig.sites_by_type.items(),
                                            key=lambda kv: order.get(kv[0], 99))]
    f.evidence.append("建成" + "、".join(parts))
    if fig.coverage_rate is None:
        f.gaps.append("村（社区）总数不明，无法计算实践站覆盖率")
        return f
    f.evidence.append(f"{fig.villages_total}个村（社区）中已建站{len(fig.villages_with_station)}个，"
                      f"覆盖率{format_rate(fig.coverage_rate)}")
    if fig.coverage_rate < th.coverage_rate:
        missing = fig.villages_without_station
        f.gaps.append(f"实践站覆盖率为{format_rate(fig.coverage_rate)}，未达到{format_rate(th.coverage_rate)}"
                      + (f"，{_names(missing)}尚未建站" if missing else ""))
    return f


def site_key_venues(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有场所 item 2: 阵地 built on 文化礼堂/党群服务中心 etc. (依托场所 column)."""
    if not unit.sites:
        return Finding(absent=True)
    if not fig.sites_by_venue:
        return Finding(gaps=["阵地表未填写依托场所，无法反映文化礼堂等重要阵地建设情况"])
    # “依托党群服务中心建站N个” counts 实践站 only, as the clerks' own sentences do; the
    # other 阵地 (实践所, 基地, 点) are said apart, so the report and its 附件5 give one figure
    evidence = []
    if fig.stations_by_venue:
        evidence.append("实践站中" + "、".join(f"依托{k}建站{v}个"
                                              for k, v in fig.stations_by_venue.most_common()))
    others = fig.sites_by_venue - fig.stations_by_venue
    named = [(k, v) for k, v in others.most_common() if k != "其他"]
    if others:
        evidence.append(f"另有实践所、实践基地（点）{sum(others.values())}个"
                        + ("，其中" + "、".join(f"依托{k}{v}个" for k, v in named) if named else ""))
    return Finding(evidence=evidence)


def site_extension(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有场所 item 3: 实践基地/实践点 extending the network."""
    extra = fig.sites_by_type.get("实践基地", 0) + fig.sites_by_type.get("实践点", 0)
    if not unit.sites:
        return Finding(absent=True)
    if extra == 0:
        return Finding(gaps=["尚未延伸设立文明实践基地（点）"])
    return Finding(evidence=[f"延伸设立实践基地（点）{extra}个"])


def site_management(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有场所 item 5: every 阵地 挂牌, has 开放时间 and 管理员 (DESIGN §6)."""
    if not unit.sites:
        return Finding(absent=True)
    f = Finding(evidence=[f"{len(unit.sites) - len(fig.unsigned_sites)}个阵地已挂牌"])
    if fig.unsigned_sites:
        f.gaps.append(f"{_names(fig.unsigned_sites)}尚未挂牌")
    if fig.sites_without_hours:
        f.gaps.append(f"{_names(fig.sites_without_hours)}未明确开放时间")
    if fig.sites_without_keeper:
        f.gaps.append(f"{_names(fig.sites_without_keeper)}未明确管理员")
    return f


def team_categories(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有队伍 item 2: the “8+N” categories present, 应急救援 named when missing."""
    if not unit.teams:
        return Finding(gaps=["未填报志愿服务队伍"], absent=True)
    f = Finding(evidence=[f"组建志愿服务队{fig.teams}支，涵盖{len(fig.teams_by_category)}个类别"])
    missing = [c for c in th.required_team_categories if c not in fig.teams_by_category]
    others = [c for c in missing if c != "应急救援"]
    if others:
        f.gaps.append("“8+N”志愿服务队伍尚缺" + "、".join(others) + "类别")
    if "应急救援" in missing:
        f.gaps.append("尚未组建应急救援志愿服务队，应急志愿服务力量薄弱")
    return f


def team_village_level(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有队伍 item 4: at least ``min_village_teams`` 村级 teams (队伍下沉)."""
    if not unit.teams:
        return Finding(absent=True)
    village = fig.teams_by_level.get("村级", 0)
    f = Finding(evidence=[f"村级志愿服务队{village}支"])
    if village < th.min_village_teams:
        f.gaps.append(f"村级志愿服务队仅{village}支，队伍下沉村（社区）不够")
    return f


def volunteer_registration(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有队伍 item 5: volunteers and the share registered in the national system."""
    if not unit.volunteers or fig.registered_share is None:
        return Finding(gaps=["未填报志愿者花名册"], absent=True)
    f = Finding(evidence=[f"志愿者{fig.volunteers}人，其中注册志愿者{fig.volunteers_registered}人"
                          f"（占{format_rate(fig.registered_share)}）"])
    if fig.registered_share < th.min_registered_share:
        f.gaps.append(f"注册志愿者占比{format_rate(fig.registered_share)}，"
                      f"低于{format_rate(th.min_registered_share)}")
    return f


def activity_theme(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有活动 item 1: ≥ ``min_theme_activities`` 喜迎二十大 activities held."""
    if not unit.activities:
        return Finding(gaps=["未填报文明实践活动"], absent=True)
    f = Finding(evidence=[f"开展喜迎二十大主题活动{fig.theme_held}场"])
    if fig.theme_held < th.min_theme_activities:
        f.gaps.append("期内未开展喜迎二十大主题活动" if fig.theme_held == 0
                      else f"喜迎二十大主题活动仅{fig.theme_held}场")
    return f


def activity_regular(fig: Figures, th: Thresholds, unit: UnitData, months: list[str]) -> Finding:
    """有活动 item 2: all five categories, every month (常态化), photos for 已开展 activities."""
    if not unit.activities:
        return Finding(absent=True)
    f = Finding(evidence=[f"开展文明实践活动{len(fig.held)}场，服务群众{fig.served_total}人次"])
    missing = [c for c in ACTIVITY_CATEGORIES if c not in fig.held_by_category]
    if missing:
        f.gaps.append("期内未开展" + "、".join(missing) + "类活动")
    if th.every_month and months:
        f.gaps.extend([f"{'、'.join(months)}没有开展活动，常态化不够"])
    if th.photos_required and fig.held_without_photos:
        names = [activity_label(a) for a in fig.held_without_photos]
        shown = [n for n in names if n][:3]
        examples = "、".join(shown) + ("等" if len(names) > len(shown) else "")
        f.gaps.append(f"活动印证资料不全，{len(names)}场已开展活动缺少图片资料"
                      + (f"（{examples}）" if shown else ""))
    return f


def activity_label(activity: Activity) -> str:
    """How a sentence names an activity: its 活动名称, else “3月5日在东关社区开展的活动”, else ''
    (never a spreadsheet row number)."""
    if activity.name:
        return activity.name
    day = f"{activity.held_on.month}月{activity.held_on.day}日" if activity.held_on else ""
    place = f"在{activity.place}" if activity.place else ""
    return f"{day}{place}开展的活动" if day or place else ""


def activity_demo(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有活动 item 3: ≥ ``min_demo_activities`` 集中性示范活动 held."""
    if not unit.activities:
        return Finding(absent=True)
    f = Finding(evidence=[f"开展集中性示范活动{fig.demo_held}场"])
    if fig.demo_held < th.min_demo_activities:
        f.gaps.append("期内未开展集中性示范活动")
    return f


def _project_type(kind: str) -> Check:
    def check(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
        if not unit.projects:
            return Finding(gaps=["未填报志愿服务项目"], absent=True)
        count = fig.projects_by_type.get(kind, 0)
        f = Finding(evidence=[f"{kind}项目{count}个"])
        if count < th.min_projects_per_type:
            f.gaps.append(f"{kind}项目不足{th.min_projects_per_type}个" if count
                          else f"尚无{kind}志愿服务项目")
        if kind == "特惠性" and count and not any(x in fig.special_fields for x in th.special_fields):
            f.gaps.append("特惠性项目未覆盖" + "、".join(th.special_fields) + "等重点领域")
        return f

    check.__doc__ = f"有项目: at least ``min_projects_per_type`` {kind} projects (notice 附件3)."
    return check


def project_matching(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有项目 item 4: projects state how demand is matched (需求对接方式)."""
    if not unit.projects:
        return Finding(absent=True)
    if not fig.projects_by_matching:
        return Finding(gaps=["项目表未填写需求对接方式"])
    return Finding(evidence=["需求对接方式：" + "、".join(
        f"{k}{v}个" for k, v in fig.projects_by_matching.items())])


def project_brand(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有项目 item 5: ≥ ``min_brand_projects`` 品牌项目."""
    if not unit.projects:
        return Finding(absent=True)
    brands = fig.brand_projects
    f = Finding(evidence=[f"品牌项目{len(brands)}个" + (f"（{'、'.join(brands)}）" if brands else "")])
    if len(brands) < th.min_brand_projects:
        f.gaps.append("尚未培育形成品牌志愿服务项目" if not brands else "品牌项目数量不足")
    return f


def three_levels(fig: Figures, th: Thresholds, unit: UnitData) -> Finding:
    """有机制 item 3: a 实践所 and 实践站 in place (“中心—所—站”)."""
    if not unit.sites:
        return Finding(absent=True)
    if not fig.sites_by_type.get("实践所"):
        return Finding(gaps=["阵地表中没有实践所，“中心—所—站”三级体系不完整"])
    return Finding(evidence=[f"实践所{fig.sites_by_type['实践所']}个、实践站{fig.stations}个"])


CHECKS: dict[str, Check] = {
    "site_coverage": site_coverage,
    "site_key_venues": site_key_venues,
    "site_extension": site_extension,
    "site_management": site_management,
    "team_categories": team_categories,
    "team_village_level": team_village_level,
    "volunteer_registration": volunteer_registration,
    "activity_theme": activity_theme,
    "activity_demo": activity_demo,
    "project_general": _project_type("普惠性"),
    "project_special": _project_type("特惠性"),
    "project_mutual": _project_type("互惠性"),
    "project_matching": project_matching,
    "project_brand": project_brand,
    "three_levels": three_levels,
}
"""Named data checks; config items refer to them by name (plus 'activity_regular')."""


def _entry_gaps(item: EvaluationItem, row: SelfAssessment | None) -> list[str]:
    if row is None or not row.narrative:
        return [f"自评表“{item.code} {item.title}”未填写自评情况"]
    if row.conclusion in ("未达标", "基本达标") and not row.measures:
        return [f"自评表“{item.code} {item.title}”自评为{row.conclusion}，但未填写整改措施"]
    return []


def build_checklist(unit: UnitData, config: Config, fig: Figures | None = None) -> Checklist:
    """The 五有 checklist of ``unit`` (items from ``config.items``)."""
    fig = fig or compute_figures(unit, config)
    th = config.thresholds
    held_months = set(fig.held_by_month)
    quiet = [f"{m}月" for (y, m) in period_months(config.period_start, config.period_end)
             if (y, m) not in held_months]
    rows = {a.code: a for a in unit.assessments if a.code}
    results: list[ItemResult] = []
    for item in config.items:
        if item.check == "activity_regular":
            finding = activity_regular(fig, th, unit, quiet)
        elif item.check in CHECKS:
            finding = CHECKS[item.check](fig, th, unit)
        else:
            finding = Finding()
        row = rows.get(item.code)
        entry = _entry_gaps(item, row)
        if finding.absent or (item.check is None and (row is None or not row.narrative)):
            status: Status = "缺项"
        elif finding.gaps or entry or (row is not None and row.conclusion == "未达标"):
            status = "待完善"
        else:
            status = "达标"
        results.append(ItemResult(item, status, [redact(e) for e in finding.evidence],
                                  [redact(g) for g in finding.gaps], row, entry,
                                  absent=finding.absent))
    return Checklist(unit.name, fig, results)


__all__ = ["CHECKS", "PROJECT_TYPES", "STATUSES", "Checklist", "Finding", "ItemResult",
           "build_checklist"]
