"""文明实践项目活动计划一览表 (kind ``activities``): sheet 活动 (DESIGN.md §3.2)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ..cells import PlanTime
from .base import Col, SheetRow
from .roster import YES_NO

ACTIVITY_CATEGORIES = (
    "学习实践科学理论", "宣传宣讲党的政策", "培育践行主流价值", "丰富活跃文化生活", "持续深入移风易俗",
)
"""The five regular activity kinds of notice 附件3, 有活动 item 2."""

ACTIVITY_STATUS = ("已开展", "计划中", "已取消")


class Activity(SheetRow):
    """One planned or held activity. 已开展 requires 实际开展日期."""

    sheet_name = "活动"
    attribute = "activities"
    counted_as = "场"

    seq: Annotated[str | None, Col("序号", width=6, example="示例")] = None
    name: Annotated[
        str | None, Col("活动名称", required=True, width=28, example="“喜迎二十大 永远跟党走”主题宣讲")
    ] = None
    category: Annotated[
        str | None,
        Col("活动类别", "enum", required=True, options=ACTIVITY_CATEGORIES, width=18,
            example="宣传宣讲党的政策"),
    ] = None
    theme_20th: Annotated[
        str | None, Col("喜迎二十大主题活动", "enum", options=YES_NO,
                        synonyms=("是否喜迎二十大主题活动", "喜迎二十大"), width=10, example="是")
    ] = None
    demo: Annotated[
        str | None, Col("集中性示范活动", "enum", options=YES_NO,
                        synonyms=("是否集中性示范活动", "示范活动"), width=10, example="否")
    ] = None
    plan_time: Annotated[
        PlanTime | None,
        Col("计划时间", "plan_time", required=True, width=12, example="2022年3月",
            help="写月份（2022年3月）或日期（2022-3-5）"),
    ] = None
    held_on: Annotated[
        date | None,
        Col("实际开展日期", "date", synonyms=("开展日期", "活动日期", "实际开展时间", "开展时间"),
            width=12, example="2022-3-5",
            help="已开展的活动必填"),
    ] = None
    place: Annotated[str | None, Col("活动地点", width=16, example="莲花社区新时代文明实践站")] = None
    team: Annotated[
        str | None,
        Col("责任队伍", dropdown="teams", width=24, example="城北街道理论宣讲志愿服务队",
            help="应为花名册“队伍”表中的队伍"),
    ] = None
    volunteers: Annotated[
        int | None, Col("参与志愿者（人次）", "int", synonyms=("参与志愿者", "参与志愿者人数", "志愿者人次", "参与人次"), width=10, example=12)
    ] = None
    served: Annotated[
        int | None, Col("服务群众（人次）", "int", synonyms=("服务群众", "服务群众人数", "受益群众（人次）", "受益群众", "服务人次"), width=10, example=120)
    ] = None
    status: Annotated[
        str | None,
        Col("开展状态", "enum", required=True, options=ACTIVITY_STATUS, width=10, example="已开展"),
    ] = None
    summary: Annotated[
        str | None,
        Col("活动简介", "longtext", width=36, example="组织宣讲员深入社区宣讲党的政策……"),
    ] = None
    photos: Annotated[
        tuple[str, ...] | None,
        Col("图片资料", "files", synonyms=("活动照片", "照片", "图片"), width=22, example="0305宣讲1.jpg、0305宣讲2.jpg",
            help="图片资料文件夹中的文件名，多个用“、”隔开"),
    ] = None
    note: Annotated[str | None, Col("备注", width=12)] = None
