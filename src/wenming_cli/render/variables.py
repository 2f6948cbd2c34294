"""Every variable each .docx template receives, with its meaning — the one list the README's
template section is generated from (``tools/template_vars.py``) and that tests hold the
templates and the context builders to.
"""

from __future__ import annotations

TEMPLATE_VARIABLES: dict[str, dict[str, str]] = {
    "自评报告.docx": {
        "title": "标题，如“城北街道新时代文明实践所建设情况自评报告”",
        "opening": "开头段（根据……通知要求……现将自评情况报告如下：）",
        "basic": "一、基本情况：段落列表（阵地与覆盖率、队伍与志愿者、活动、项目）",
        "dimensions": "二、对标情况：列表，每项有 heading（如“（一）有场所”）和 paragraphs（RichText 段落，"
                      "须用 {{r p }}；【请补充：…】为黄色）",
        "problems": "三、存在问题：RichText 段落列表（须用 {{r p }}；每个评估项目一条：数据核验出的差距，"
                    "否则自评填报的问题；都没有时为黄色【请补充：…】）",
        "measures": "四、下一步整改措施：RichText 段落列表（须用 {{r p }}；首段“下一步，我街道将……”，"
                    "其后与三、的问题逐条对应，未填措施的为黄色【请补充：…】）",
        "signature": "落款单位（基本情况表“落款单位”）",
        "report_date": "成文日期，如“2022年7月14日”（基本情况表“报告日期”，否则配置的 report_date，"
                       "否则报送截止日）",
        "teams": "附件1 队伍表行：seq name category level village members leader phone registered"
                 "（members 为该队花名册人数）",
        "volunteers": "花名册行（仅 --full-lists 时有内容）：seq name gender id_card politics phone "
                      "team village registered hours（身份证号、手机号已遮挡）",
        "activity_stats": "活动开展情况统计表行（默认附件）：month c1 c2 c3 c4 c5（五类活动场次）count "
                          "served volunteers，最后一行为合计",
        "activities": "活动表行（仅 --full-lists 时有内容）：seq name category plan_time date place team volunteers "
                      "served status",
        "projects": "项目表行：seq name type field target team leader phone brand",
        "checklist": "对标表行：code dimension title status conclusion evidence",
        "annex_titles": "附件标题：teams volunteers activities activity_stats projects checklist",
        "annex_numbers": "附件序号（键同 annex_titles；不附的为空）",
        "annex_list": "附件说明各行，如“1．城北街道志愿服务队伍一览表”",
        "full_lists": "是否附完整花名册和活动计划一览表（--full-lists），否则附队伍一览表和活动统计表",
    },
    "半年小结.docx": {
        "title": "标题，如“县文旅局2022年上半年新时代文明实践志愿服务活动情况小结”",
        "opening": "开头段",
        "overview": "一、基本情况：段落列表",
        "by_category": "表1 行：category count served share",
        "by_month": "表2 行：month count served volunteers",
        "totals": "合计：count served volunteers",
        "chart": "活动统计图（图片；系统无中文字体时为空）",
        "chronicle": "二、主要活动开展情况：按活动类别的段落列表（场次、服务群众和2～3个典型活动）",
        "typical": "三、典型活动：列表，每项有 heading 和 paragraphs",
        "projects": "四、志愿服务项目：段落列表",
        "sections": "五至八、主要做法/特色亮点/存在问题/下步打算：列表，每项有 heading 和 "
                    "paragraphs（RichText，须用 {{r p }}；未填写的为黄色【请补充：…】）",
        "signature": "落款单位",
        "report_date": "成文日期",
    },
    "全县汇总.docx": {
        "title": "标题，如“西乡县新时代文明实践所（站）建设情况汇总报告”",
        "opening": "开头段",
        "overview": "一、总体情况：段落列表",
        "chart": "全县各月、各类活动统计图（图片；系统无中文字体时为空）",
        "towns": "附件汇总表行：seq name stations villages covered coverage teams teams_8n volunteers "
                 "registered activities projects general special mutual met pending missing "
                 "problems handed_in",
        "totals": "汇总表合计行（已报送镇街之和，志愿者去重；键同 towns）",
        "findings": "二、各镇（街道）对标情况：段落列表",
        "minzheng": "三、志愿者和队伍登记注册情况（县民政局）：段落列表",
        "key_projects": "重点（品牌）项目表行：seq unit name type field team",
        "problems": "四、存在问题：段落列表",
        "measures": "五、下一步工作：段落列表",
        "not_submitted": "六、材料报送情况：段落列表",
        "signature": "落款单位（县新时代文明实践中心）",
        "report_date": "成文日期",
        "annex_title": "附件汇总表标题",
        "annex_note": "附件汇总表上方的注：合计行统计的范围、志愿者去重",
    },
    "印证_花名册.docx": {
        "title": "标题，如“城北街道志愿服务队伍花名册”",
        "subtitle": "副标题（填报单位、统计截至日期）",
        "teams": "队伍表行（键同自评报告 teams）",
        "team_total": "队伍合计说明",
        "volunteers": "志愿者表行（键同自评报告 volunteers）",
        "volunteer_total": "志愿者合计说明",
    },
    "印证_活动计划一览表.docx": {
        "title": "标题",
        "subtitle": "副标题",
        "activities": "活动表行：seq name category theme demo plan_time date place team "
                      "volunteers served status",
        "totals": "合计：count volunteers served",
    },
    "印证_项目表.docx": {
        "title": "标题",
        "subtitle": "副标题",
        "projects": "项目表行：seq name type field target team leader phone period frequency "
                    "beneficiaries brand matching",
        "totals": "合计：count beneficiaries",
    },
    "图片资料汇编.docx": {
        "title": "标题，如“城北街道新时代文明实践活动图片资料汇编”",
        "subtitle": "副标题（含照片张数）",
        "rows": "照片行：每行 left、right 两张，各有 image（图片）和 caption（日期、活动、地点）",
    },
}


def variables_markdown() -> str:
    """The README section listing every template's variables (a Markdown table per template)."""
    lines: list[str] = []
    for template, variables in TEMPLATE_VARIABLES.items():
        lines += [f"**{template}**", "", "| 变量 | 含义 |", "|---|---|"]
        lines += [f"| `{name}` | {meaning} |" for name, meaning in variables.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
