"""Sheet models and workbook kinds (DESIGN.md §3): the single source of truth."""

from __future__ import annotations

from .activities import Activity
from .base import MARKER_SHEET, TEMPLATE_VERSION, Col, SheetRow, WorkbookSpec
from .profile import SelfAssessment, Site, Summary, UnitInfo
from .projects import Project
from .roster import Team, Volunteer

ROSTER = WorkbookSpec(
    "roster", "志愿服务队伍花名册.xlsx", "志愿服务队伍花名册", (Team, Volunteer), ("花名册", "队伍", "志愿者")
)
ACTIVITIES = WorkbookSpec(
    "activities",
    "文明实践项目活动计划一览表.xlsx",
    "文明实践项目活动计划一览表",
    (Activity,),
    ("活动", "计划"),
)
PROJECTS = WorkbookSpec("projects", "志愿服务项目表.xlsx", "志愿服务项目表", (Project,), ("项目",))
PROFILE = WorkbookSpec(
    "profile",
    "基本情况与自评表.xlsx",
    "基本情况与自评表",
    (UnitInfo, Site, SelfAssessment, Summary),
    ("自评", "基本情况", "阵地"),
)
WORKBOOKS: tuple[WorkbookSpec, ...] = (PROFILE, ROSTER, ACTIVITIES, PROJECTS)
"""All workbook kinds, in the order a clerk fills them."""

BY_KIND = {spec.kind: spec for spec in WORKBOOKS}

__all__ = [
    "ACTIVITIES", "BY_KIND", "MARKER_SHEET", "PROFILE", "PROJECTS", "ROSTER", "TEMPLATE_VERSION",
    "WORKBOOKS", "Activity", "Col", "Project", "SelfAssessment", "SheetRow", "Site", "Summary",
    "Team", "UnitInfo", "Volunteer", "WorkbookSpec",
]
