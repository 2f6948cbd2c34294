"""志愿服务项目表 (kind ``projects``): sheet 项目 (DESIGN.md §3.3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from .base import Col, SheetRow
from .roster import YES_NO

PROJECT_TYPES = ("普惠性", "特惠性", "互惠性")
"""Notice 附件3, 有项目 items 1–3."""

SERVICE_FIELDS = (
    "养老", "育幼", "帮困", "疫情防控", "抢险救援", "互帮互助", "邻里守望", "理论宣讲", "文化文艺",
    "医疗健康", "科普", "法律", "环境保护", "其他",
)
MATCHING = ("群众点单", "中心派单", "定期服务", "其他")


class Project(SheetRow):
    """One volunteer service project."""

    sheet_name = "项目"
    attribute = "projects"
    counted_as = "个"

    seq: Annotated[str | None, Col("序号", width=6, example="示例")] = None
    name: Annotated[str | None, Col("项目名称", required=True, width=24, example="“银龄守护”助老服务")] = None
    type: Annotated[
        str | None,
        Col("项目类型", "enum", required=True, options=PROJECT_TYPES, width=10, example="特惠性"),
    ] = None
    field: Annotated[
        str | None,
        Col("服务领域", "enum", required=True, options=SERVICE_FIELDS, width=10, example="养老"),
    ] = None
    target: Annotated[
        str | None, Col("服务对象", required=True, width=16, example="辖区独居、空巢老人")
    ] = None
    team: Annotated[
        str | None,
        Col("实施队伍", required=True, dropdown="teams", width=24, example="城北街道巾帼志愿服务队"),
    ] = None
    leader: Annotated[str | None, Col("负责人", width=10, example="赵芳")] = None
    phone: Annotated[
        str | None, Col("联系电话", "phone", synonyms=("手机号码", "电话", "联系方式", "手机", "手机号"), width=15, example="13891600003")
    ] = None
    start: Annotated[date | None, Col("开始日期", "date", width=12, example="2022-1-1")] = None
    end: Annotated[date | None, Col("结束日期", "date", width=12, example="2022-12-31")] = None
    frequency: Annotated[str | None, Col("服务频次", width=10, example="每周1次")] = None
    beneficiaries: Annotated[
        int | None, Col("受益人数", "int", width=10, example=86)
    ] = None
    brand: Annotated[
        str | None, Col("是否品牌项目", "enum", options=YES_NO, width=10, example="是")
    ] = None
    matching: Annotated[
        str | None, Col("需求对接方式", "enum", options=MATCHING, width=12, example="群众点单")
    ] = None
    summary: Annotated[
        str | None, Col("项目简介", "longtext", width=36, example="为独居老人提供上门探访……")
    ] = None
