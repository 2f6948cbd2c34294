"""The county roll-up (全县汇总, DESIGN.md §1, §7): one row per town, county totals, the
县民政局 figures, with volunteers deduplicated by 身份证号码 across all 填报单位.

Rows exist for every configured town, handed in or not (a town without data is a row of zeros
marked 未报送). The 合计 row describes one set, the towns that handed in (issue 11): its 村（社区）,
已建站村（社区） and 覆盖率 are over those towns, and its 志愿者/注册志愿者 are counted once per
身份证号码 across them (the raw sum is kept as ``town_volunteers_listed``, for the
“累计登记N人次，去重后N人” wording).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .criteria import Checklist, build_checklist
from .figures import Figures, compute_figures
from .issues import Report
from .units import UnitData


@dataclass
class TownRow:
    """One town's line in the 全县汇总 table."""

    name: str
    handed_in: bool
    stations: int = 0
    villages: int = 0
    covered: int = 0
    coverage: float | None = None
    teams: int = 0
    categories_8n: int = 0
    volunteers: int = 0
    registered: int = 0
    activities: int = 0
    served: int = 0
    projects: int = 0
    general: int = 0
    special: int = 0
    mutual: int = 0
    met: int = 0
    pending: int = 0
    missing: int = 0
    problems: int = 0
    errors: int = 0


@dataclass
class CountySummary:
    """The whole county: town rows, totals, deduplicated volunteer figures, key projects."""

    rows: list[TownRow]
    total: TownRow
    volunteers_unique: int
    registered_unique: int
    duplicates: int  # volunteers listed by more than one unit (counted once)
    teams_all: int
    teams_registered: int
    activities_all: int
    served_all: int
    key_projects: list[tuple[str, str, str, str, str]]  # unit, name, type, field, team
    missing_units: dict[str, list[str]] = field(default_factory=dict)  # kind label → names
    checklists: dict[str, Checklist] = field(default_factory=dict)
    figures: dict[str, Figures] = field(default_factory=dict)  # every unit read, by name
    villages_all: int = 0  # villages of every configured town, handed in or not
    town_volunteers_listed: int = 0  # roster lines of the towns that handed in (raw sum)


KIND_LABELS = {"town": "镇（街道）", "unit": "县级单位", "team": "县级专业志愿服务队"}


@dataclass
class UnitRollup:
    """What the county roll-up needs of one unit — small enough to send back from a worker
    process (`validate.list_issues`), so the records themselves need not travel.

    Attributes:
        unit: the unit's names, kind, folder and files (records may have been dropped).
        figures: `compute_figures` of the unit.
        checklist: the 五有 checklist, for a configured town that handed in data; else None.
        people: (身份证号码 or None, registered) of every volunteer, in roster order.
        key_projects: (unit, name, type, field, team) of every 品牌 project.
    """

    unit: UnitData
    figures: Figures
    checklist: Checklist | None
    people: list[tuple[str | None, bool]]
    key_projects: list[tuple[str, str, str, str, str]]


def _filled(unit: UnitData) -> bool:
    return not set(unit.files) <= unit.empty


def rollup(unit: UnitData, config: Config) -> UnitRollup:
    """`UnitRollup` of a fully read unit (figures computed once, checklist from them)."""
    fig = compute_figures(unit, config)
    town = config.town(unit.name) is not None and _filled(unit)
    return UnitRollup(
        unit, fig, build_checklist(unit, config, fig) if town else None,
        [(person.id_card, person.registered == "是") for person in unit.volunteers],
        [(unit.name, p.name or "", p.type or "", p.field or "", p.team or "")
         for p in unit.projects if p.brand == "是"],
    )


def _town_row(unit: UnitData, fig: Figures, checklist: Checklist, config: Config,
              errors: int) -> TownRow:
    required = config.thresholds.required_team_categories
    row = TownRow(
        unit.name, True, fig.stations, fig.villages_total, len(fig.villages_with_station),
        fig.coverage_rate, fig.teams, sum(1 for c in required if c in fig.teams_by_category),
        fig.volunteers, fig.volunteers_registered, len(fig.held), fig.served_total, fig.projects,
        fig.projects_by_type.get("普惠性", 0), fig.projects_by_type.get("特惠性", 0),
        fig.projects_by_type.get("互惠性", 0), checklist.count("达标"), checklist.count("待完善"),
        checklist.count("缺项"), len(checklist.gaps), errors,
    )
    return row


def build_county(units: list[UnitData], config: Config, report: Report) -> CountySummary:
    """Roll up every unit read (``units`` from `validate_units`, ``report`` its issues)."""
    return summarise_county([rollup(unit, config) for unit in units], config, report)


def summarise_county(rollups: list[UnitRollup], config: Config,
                     report: Report) -> CountySummary:
    """Roll up every unit read, from their `UnitRollup`s (``report``: all their issues)."""
    units = [r.unit for r in rollups]
    errors_by_folder: dict[str, int] = {}
    for issue in report.errors:
        errors_by_folder[issue.unit] = errors_by_folder.get(issue.unit, 0) + 1
    by_name = {r.unit.name: r for r in rollups}
    figures = {r.unit.name: r.figures for r in rollups}
    rows: list[TownRow] = []
    checklists: dict[str, Checklist] = {}
    for town in config.towns:
        found = by_name.get(town.name)
        if found is None or found.checklist is None:  # nothing, or blank templates
            rows.append(TownRow(town.name, False, villages=len(town.villages)))
            continue
        rows.append(_town_row(found.unit, found.figures, found.checklist, config,
                              errors_by_folder.get(town.name, 0)))
        checklists[town.name] = found.checklist
    handed = [r for r in rows if r.handed_in]
    total = TownRow("合计", all(r.handed_in for r in rows))
    for name in ("stations", "villages", "covered", "teams", "volunteers", "registered",
                 "activities", "served", "projects", "general", "special", "mutual", "met",
                 "pending", "missing", "problems", "errors"):
        setattr(total, name, sum(getattr(r, name) for r in handed))
    # the others' stations are unknown, not zero: rate and its columns are the handed-in towns'
    total.coverage = total.covered / total.villages if total.villages else None
    town_names = {r.name for r in handed}
    listed = total.volunteers
    total.volunteers, total.registered, _ = _unique_people(
        [r for r in rollups if r.unit.name in town_names])
    volunteers_unique, registered_unique, duplicates = _unique_people(rollups)
    key_projects = [project for part in rollups for project in part.key_projects]
    missing: dict[str, list[str]] = {}
    expected = ([(t.name, "town") for t in config.towns] + [(n, "unit") for n in config.units]
                + [(n, "team") for n in config.county_teams])
    filled = {u.name for u in units if _filled(u)}
    for name, kind in expected:
        if name not in filled:
            missing.setdefault(KIND_LABELS[kind], []).append(name)
    return CountySummary(
        rows, total,
        volunteers_unique=volunteers_unique,
        registered_unique=registered_unique,
        duplicates=duplicates,
        teams_all=sum(f.teams for f in figures.values()),
        teams_registered=sum(f.teams_registered for f in figures.values()),
        activities_all=sum(len(f.held) for f in figures.values()),
        served_all=sum(f.served_total for f in figures.values()),
        key_projects=key_projects,
        missing_units=missing,
        checklists=checklists,
        figures=figures,
        villages_all=sum(r.villages for r in rows),
        town_volunteers_listed=listed,
    )


def _unique_people(rollups: list[UnitRollup]) -> tuple[int, int, int]:
    """(people, registered people, repeated lines) of ``rollups``' rosters, one person per
    身份证号码 (a line without an ID counts as a person of its own); a person is registered
    when any of their lines says so."""
    seen: dict[str, bool] = {}
    unnamed = unnamed_registered = duplicates = 0
    for part in rollups:
        for id_card, registered in part.people:
            if not id_card:
                unnamed += 1
                unnamed_registered += registered
            elif id_card in seen:
                duplicates += 1
                seen[id_card] = seen[id_card] or registered
            else:
                seen[id_card] = registered
    return len(seen) + unnamed, sum(seen.values()) + unnamed_registered, duplicates
