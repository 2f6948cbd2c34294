"""志愿服务队伍花名册 (kind ``roster``): sheets 队伍 and 队员 (DESIGN.md §3.1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from .base import Col, SheetRow

TEAM_CATEGORIES = (
    "党员", "道德宣讲", "理论宣讲", "青年", "普法宣讲", "教育体育", "文化艺术", "卫生健康",
    "科技与科普", "巾帼", "实用技术培训", "退役军人", "应急救援", "其他",
)
"""队伍类别: the seed's 12 county teams (notice 附件2) plus 应急救援 and 其他 (DESIGN §4)."""

TEAM_LEVELS = ("县级", "镇级", "村级")
POLITICAL_STATUS = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")
YES_NO = ("是", "否")


class Team(SheetRow):
    """One volunteer team (sheet 队伍). 所在村（社区） is required for 村级 teams."""

    sheet_name = "队伍"
    attribute = "teams"
    counted_as = "支"

    seq: Annotated[str | None, Col("序号", width=6, example="示例")] = None
    name: Annotated[
        str | None,
        Col("队伍名称", required=True, width=26, example="城北街道理论宣讲志愿服务队",
            help="全称，队员表“所属队伍”要与此一致"),
    ] = None
    category: Annotated[
        str | None,
        Col("队伍类别", "enum", required=True, options=TEAM_CATEGORIES, width=12, example="理论宣讲",
            help="“8+N”队伍类别，下拉选择"),
    ] = None
    level: Annotated[
        str | None,
        Col("队伍层级", "enum", required=True, options=TEAM_LEVELS, width=10, example="镇级"),
    ] = None
    village: Annotated[
        str | None,
        Col("所在村（社区）", dropdown="villages", width=14, example="",
            help="村级队伍必填，下拉选择本镇（街道）的村（社区）"),
    ] = None
    leader: Annotated[str | None, Col("负责人", required=True, width=10, example="李明")] = None
    phone: Annotated[
        str | None,
        Col("联系电话", "phone", required=True, synonyms=("手机号码", "电话", "联系方式", "手机", "手机号"), width=15,
            example="13891600001"),
    ] = None
    founded: Annotated[
        date | None, Col("成立时间", "date", width=12, example="2021-5-4")
    ] = None
    registered: Annotated[
        str | None,
        Col("是否在全国志愿服务信息系统注册", "enum", required=True, options=YES_NO,
            synonyms=("是否注册", "是否在全国志愿服务信息系统注册队伍"), width=14, example="是"),
    ] = None
    note: Annotated[str | None, Col("备注", width=16)] = None


class Volunteer(SheetRow):
    """One volunteer (sheet 队员). 所属队伍 must name a team on sheet 队伍."""

    sheet_name = "队员"
    attribute = "volunteers"
    counted_as = "人"
    implied_by = {"志愿者编号": ("registered", "是")}
    """An export of the national volunteer system (全国志愿服务信息系统) has 志愿者编号 and no
    是否注册志愿者: everyone in it is registered."""

    seq: Annotated[str | None, Col("序号", width=6, example="示例")] = None
    name: Annotated[str | None, Col("姓名", required=True, width=10, example="王小红")] = None
    gender: Annotated[
        str | None, Col("性别", "enum", required=True, options=("男", "女"), width=6, example="女")
    ] = None
    id_card: Annotated[
        str | None,
        Col("身份证号码", "id_card", required=True, synonyms=("身份证号", "公民身份号码", "证件号码", "身份证", "身份证号码（18位）"),
            width=22,
            example="610724199003150028", help="18 位，本列已设为文本格式，请勿改成数字"),
    ] = None
    politics: Annotated[
        str | None,
        Col("政治面貌", "enum", required=True, options=POLITICAL_STATUS, width=12, example="共青团员"),
    ] = None
    phone: Annotated[
        str | None,
        Col("联系电话", "phone", required=True, synonyms=("手机号码", "电话", "联系方式", "手机", "手机号"), width=15,
            example="13891600002"),
    ] = None
    team: Annotated[
        str | None,
        Col("所属队伍", required=True, dropdown="teams", synonyms=("所属组织", "所在队伍"),
            width=26, example="城北街道理论宣讲志愿服务队",
            help="必须是“队伍”表中已有的队伍名称"),
    ] = None
    village: Annotated[
        str | None, Col("所在村（社区）", dropdown="villages", width=14, example="莲花社区")
    ] = None
    registered: Annotated[
        str | None,
        Col("是否注册志愿者", "enum", required=True, options=YES_NO,
            synonyms=("是否注册", "是否已注册", "是否为注册志愿者"), width=10, example="是",
            help="是否已在全国志愿服务信息系统注册"),
    ] = None
    hours: Annotated[
        float | None, Col("志愿服务时长（小时）", "number", synonyms=("服务时长",), width=10, example=12)
    ] = None
    skills: Annotated[str | None, Col("特长", width=12, example="宣讲")] = None
    note: Annotated[str | None, Col("备注", width=14)] = None
