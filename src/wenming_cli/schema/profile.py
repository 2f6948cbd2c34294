"""基本情况与自评表 (kind ``profile``): sheets 基本情况, 阵地, 自评, 小结 (DESIGN.md §3.4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from .base import Col, SheetRow
from .roster import YES_NO

UNIT_TYPES = ("街道", "镇", "县级单位", "志愿服务队")
SITE_TYPES = ("实践所", "实践站", "实践基地", "实践点")
VENUES = ("党群服务中心", "文化礼堂", "综合文化服务中心", "农家书屋", "学校", "其他")
CONCLUSIONS = ("达标", "基本达标", "未达标")


class UnitInfo(SheetRow):
    """Sheet 基本情况: two columns 项目 | 内容, one line per field (form layout)."""

    sheet_name = "基本情况"
    attribute = "info"
    counted_as = "项"
    layout = "form"

    unit_name: Annotated[str | None, Col("单位名称", required=True, width=20, example="城北街道")] = None
    unit_type: Annotated[
        str | None, Col("单位类型", "enum", required=True, options=UNIT_TYPES, example="街道")
    ] = None
    head: Annotated[str | None, Col("实践所（站）负责人", example="张华")] = None
    contact: Annotated[str | None, Col("联系人", required=True, example="刘洋")] = None
    phone: Annotated[
        str | None, Col("联系电话", "phone", required=True, synonyms=("手机号码", "电话", "联系方式", "手机", "手机号"),
                        example="0916-6321001")
    ] = None
    village_total: Annotated[
        int | None, Col("村（社区）总数", "int", help="留空则按县里配置的区划名单计算")
    ] = None
    signature: Annotated[
        str | None,
        Col("落款单位", required=True, example="中共西乡县委城北街道工作委员会",
            help="报告末尾署名的单位全称"),
    ] = None
    report_date: Annotated[
        date | None, Col("报告日期", "date", example="2022-7-14", help="留空则用县里配置的报告日期（不是生成当天）")
    ] = None


class Site(SheetRow):
    """One 阵地 (sheet 阵地). 实践站 must name its 村（社区）; every 阵地 挂牌, 开放时间, 管理员."""

    sheet_name = "阵地"
    attribute = "sites"
    counted_as = "个"

    seq: Annotated[str | None, Col("序号", width=6, example="示例")] = None
    name: Annotated[
        str | None, Col("阵地名称", required=True, width=28, example="莲花社区新时代文明实践站")
    ] = None
    site_type: Annotated[
        str | None, Col("阵地类型", "enum", required=True, options=SITE_TYPES, width=10, example="实践站")
    ] = None
    village: Annotated[
        str | None,
        Col("所在村（社区）", dropdown="villages", width=14, example="莲花社区", help="实践站必填"),
    ] = None
    venue: Annotated[
        str | None, Col("依托场所", "enum", options=VENUES, width=16, example="党群服务中心")
    ] = None
    signboard: Annotated[
        str | None, Col("是否挂牌", "enum", required=True, options=YES_NO, width=8, example="是")
    ] = None
    area: Annotated[float | None, Col("面积（平方米）", "number", width=10, example=260)] = None
    functions: Annotated[
        str | None, Col("主要功能", width=24, example="理论宣讲、文体活动、志愿服务")
    ] = None
    hours: Annotated[
        str | None, Col("开放时间", required=True, width=18, example="周一至周五 9:00-17:30")
    ] = None
    keeper: Annotated[str | None, Col("管理员", required=True, width=10, example="陈静")] = None
    phone: Annotated[
        str | None, Col("联系电话", "phone", synonyms=("手机号码", "电话", "联系方式", "手机", "手机号"), width=15, example="13891600004")
    ] = None
    note: Annotated[str | None, Col("备注", width=12)] = None


class SelfAssessment(SheetRow):
    """One of the evaluation items (sheet 自评), pre-filled from config (notice 附件3)."""

    sheet_name = "自评"
    attribute = "assessments"
    counted_as = "项"

    code: Annotated[str | None, Col("序号", "item_code", required=True, width=6)] = None
    dimension: Annotated[str | None, Col("评估项目", required=True, width=9)] = None
    content: Annotated[str | None, Col("评估内容", "longtext", width=30)] = None
    narrative: Annotated[
        str | None,
        Col("自评情况", "longtext", width=48, help="用几句话写明做了什么、数量多少、效果如何"),
    ] = None
    evidence: Annotated[str | None, Col("佐证材料", "longtext", width=20)] = None
    conclusion: Annotated[
        str | None, Col("自评结论", "enum", options=CONCLUSIONS, width=10)
    ] = None
    problems: Annotated[str | None, Col("存在问题", "longtext", width=24)] = None
    measures: Annotated[str | None, Col("整改措施", "longtext", width=24)] = None
    deadline: Annotated[str | None, Col("整改时限", width=12)] = None


class Summary(SheetRow):
    """Sheet 小结: the narrative of the 半年小结 (form layout, free text)."""

    sheet_name = "小结"
    attribute = "summary"
    counted_as = "项"
    layout = "form"

    practices: Annotated[str | None, Col("主要做法", "longtext", width=80)] = None
    highlights: Annotated[str | None, Col("特色亮点", "longtext")] = None
    problems: Annotated[str | None, Col("存在问题", "longtext")] = None
    plans: Annotated[str | None, Col("下步打算", "longtext")] = None
