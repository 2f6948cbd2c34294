"""The numbers a 填报单位's data gives (DESIGN.md §6, §7): counts, coverage, by-category tallies.

One `Figures` per unit, computed once from `UnitData`; the 五有 checklist and every document use
the same figures, so a number in a report is always the number the data gives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .checks import normalise_village
from .config import Config
from .schema import Activity
from .schema.activities import ACTIVITY_CATEGORIES
from .schema.projects import PROJECT_TYPES
from .units import UnitData


def format_rate(rate: float) -> str:
    """A share as the reports write it: 1.0 → '100%', 0.894736 → '89.47%'."""
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return text + "%"


def period_months(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month from ``start`` to ``end`` inclusive."""
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass
class Figures:
    """Computed figures of one unit. Rates are 0–1 floats; None when the denominator is 0."""

    as_of: date
    sites_by_type: Counter[str] = field(default_factory=Counter)
    stations: int = 0
    villages_total: int = 0
    villages_with_station: list[str] = field(default_factory=list)
    villages_without_station: list[str] = field(default_factory=list)
    coverage_rate: float | None = None
    sites_by_venue: Counter[str] = field(default_factory=Counter)
    stations_by_venue: Counter[str] = field(default_factory=Counter)  # 实践站 only: “依托…建站”
    unsigned_sites: list[str] = field(default_factory=list)
    sites_without_hours: list[str] = field(default_factory=list)
    sites_without_keeper: list[str] = field(default_factory=list)
    teams: int = 0
    teams_by_category: Counter[str] = field(default_factory=Counter)
    teams_by_level: Counter[str] = field(default_factory=Counter)
    teams_registered: int = 0
    volunteers: int = 0
    volunteers_registered: int = 0
    party_members: int = 0
    registered_share: float | None = None
    held: list[Activity] = field(default_factory=list)
    planned: int = 0
    held_by_category: Counter[str] = field(default_factory=Counter)
    held_by_month: Counter[tuple[int, int]] = field(default_factory=Counter)
    theme_held: int = 0
    demo_held: int = 0
    served_total: int = 0
    volunteer_turnout: int = 0
    held_without_photos: list[Activity] = field(default_factory=list)
    projects: int = 0
    projects_by_type: Counter[str] = field(default_factory=Counter)
    special_fields: Counter[str] = field(default_factory=Counter)
    brand_projects: list[str] = field(default_factory=list)
    projects_by_matching: Counter[str] = field(default_factory=Counter)


def compute_figures(unit: UnitData, config: Config) -> Figures:
    """All figures of ``unit`` for the configured period (activities held within it count)."""
    fig = Figures(as_of=config.period_end)
    _site_figures(unit, fig)
    fig.teams = len(unit.teams)
    fig.teams_by_category = Counter(t.category for t in unit.teams if t.category)
    fig.teams_by_level = Counter(t.level for t in unit.teams if t.level)
    fig.teams_registered = sum(1 for t in unit.teams if t.registered == "是")
    fig.volunteers = len(unit.volunteers)
    fig.volunteers_registered = sum(1 for v in unit.volunteers if v.registered == "是")
    fig.party_members = sum(1 for v in unit.volunteers if v.politics in ("中共党员", "中共预备党员"))
    if fig.volunteers:
        fig.registered_share = fig.volunteers_registered / fig.volunteers
    _activity_figures(unit, config, fig)
    fig.projects = len(unit.projects)
    fig.projects_by_type = Counter(p.type for p in unit.projects if p.type)
    fig.special_fields = Counter(p.field for p in unit.projects if p.type == "特惠性" and p.field)
    fig.brand_projects = [p.name or "" for p in unit.projects if p.brand == "是"]
    fig.projects_by_matching = Counter(p.matching for p in unit.projects if p.matching)
    return fig


def _site_figures(unit: UnitData, fig: Figures) -> None:
    fig.sites_by_type = Counter(s.site_type for s in unit.sites if s.site_type)
    fig.sites_by_venue = Counter(s.venue for s in unit.sites if s.venue)
    fig.stations_by_venue = Counter(s.venue for s in unit.sites
                                    if s.venue and s.site_type == "实践站")
    fig.stations = fig.sites_by_type.get("实践站", 0)
    covered = {normalise_village(s.village) for s in unit.sites
               if s.site_type == "实践站" and s.village}
    villages = unit.villages
    fig.villages_with_station = [v for v in villages if v in covered]
    fig.villages_without_station = [v for v in villages if v not in covered]
    total = unit.info.village_total if unit.info and unit.info.village_total else len(villages)
    fig.villages_total = total
    if total:
        count = len(fig.villages_with_station) if villages else len(covered)
        fig.coverage_rate = min(count / total, 1.0)
    for site in unit.sites:
        # a sentence names the 阵地, never its spreadsheet row (issue 11)
        kind = site.site_type or "阵地"
        label = site.name or (f"{site.village}{kind}" if site.village else f"1个未填名称的{kind}")
        if site.signboard == "否":
            fig.unsigned_sites.append(label)
        if not site.hours:
            fig.sites_without_hours.append(label)
        if not site.keeper:
            fig.sites_without_keeper.append(label)


def in_period(activity: Activity, config: Config) -> bool:
    """已开展 with 实际开展日期 inside the configured period."""
    return (
        activity.status == "已开展"
        and activity.held_on is not None
        and config.period_start <= activity.held_on <= config.period_end
    )


def _activity_figures(unit: UnitData, config: Config, fig: Figures) -> None:
    fig.held = sorted((a for a in unit.activities if in_period(a, config)),
                      key=lambda a: (a.held_on or config.period_start, a.row))
    fig.planned = sum(1 for a in unit.activities if a.status == "计划中")
    fig.held_by_category = Counter(a.category for a in fig.held if a.category)
    fig.held_by_month = Counter((a.held_on.year, a.held_on.month) for a in fig.held if a.held_on)
    fig.theme_held = sum(1 for a in fig.held if a.theme_20th == "是")
    fig.demo_held = sum(1 for a in fig.held if a.demo == "是")
    fig.served_total = sum(a.served or 0 for a in fig.held)
    fig.volunteer_turnout = sum(a.volunteers or 0 for a in fig.held)
    # an activity has photo evidence when one of the photos it names is in 图片资料 (a name
    # typed for a photo that is not there is no evidence: photo-missing warns about it)
    found: set[str] = set()
    if any(a.photos for a in fig.held):
        from .photos import photo_folder

        found = set(photo_folder(unit.photo_dir, unit.folder).photos)
    fig.held_without_photos = [a for a in fig.held
                               if not any(name.lower() in found for name in a.photos or ())]


__all__ = ["ACTIVITY_CATEGORIES", "PROJECT_TYPES", "Figures", "compute_figures", "format_rate",
           "in_period", "period_months"]
