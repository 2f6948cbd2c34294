"""Every issue code `wenming validate` can report, with what it means for a clerk (README table;
a test keeps this list and the codes used in the source equal)."""

from __future__ import annotations

ISSUE_CODES: dict[str, tuple[str, str]] = {
    # file level
    "file-unreadable": ("错误", "文件打不开：空文件、只传了一半、不是 Excel 文件。重新从原件另存为 .xlsx。"),
    "file-format-unsupported": ("错误", ".et、.csv 等格式读不了，用 WPS/Excel“另存为”.xlsx。"),
    "file-encrypted": ("错误", "文件加了密码。在 WPS/Excel 中取消密码后再保存。"),
    "file-too-large": ("错误", "文件解压后大得异常（疑似损坏或恶意文件），不读取。"),
    "file-unsafe": ("错误", "文件内部结构异常（疑似恶意文件），不读取。请从模板重新填写。"),
    "sheet-too-many-rows": ("错误", "工作表的行数远超一个单位的数据量（超过 15,000 行），多半是误填的多余行，删掉后再保存。"),
    "sheet-too-large": ("错误", "工作表在很远的单元格（如 XFD1048576）里有内容，删除多余内容后再保存。"),
    "workbook-unknown": ("警告", "认不出是哪张表，请用模板填写并保留表头。"),
    "workbook-duplicate": ("错误", "同一种表有两个文件，只读取了一个，请合并后删除多余的。"),
    "workbook-missing": ("警告", "缺少四张表中的某一张，报告中相应数字为 0。"),
    "workbook-other-unit": ("错误", "文件是别的单位的模板，可能放错了文件夹。"),
    "no-data": ("警告", "表格还没有填写数据（灰色“示例”行不算）。"),
    "unit-empty": ("错误", "单位的表格全都还没有填写（只有模板），无法生成文档；report 也会拒绝。"),
    "unit-unknown": ("警告", "文件夹名不在县里的单位名单中，请用单位全称。"),
    "unit-name-mismatch": ("警告", "基本情况表中的单位名称与文件夹名不一致。"),
    "unit-folder-renamed": ("警告", "文件夹名里含有单位名称（如“城北街道自评材料”），已按该单位读取；建议把文件夹改成单位名称。"),
    # sheets and columns
    "sheet-missing": ("错误", "缺少某个工作表（如“队员”），从模板中复制过来。"),
    "sheet-renamed": ("警告", "工作表改了名，已按表头读取，建议改回原名。"),
    "sheet-other-kind": ("警告", "工作表是另一张表的内容（如花名册里夹了活动表），没有读取：移到对应的文件中。"),
    "sheet-unknown": ("警告", "工作表认不出是哪张表（表头对不上），没有读取。"),
    "sheet-hidden": ("警告", "工作表是隐藏的，没有读取：如有要报送的数据，取消隐藏后再校验。"),
    "sheet-added": ("警告", "另一个工作表的表头与模板的表相同（如“已退出人员”），已一并读取：不该计入的请移出。"),
    "sheet-ambiguous": ("错误", "工作表的表头同时像两张表，没有读取：按模板改表头或改工作表名。"),
    "header-not-found": ("错误", "前 30 行里找不到表头：不要删改表头行；表头上方说明行太多时删掉它们。"),
    "column-missing": ("错误", "缺少必填列，从模板中复制该列表头。"),
    "column-unknown": ("警告", "表头不是模板中的列（如“服务群众人数”），这一列没有读取：改成模板的列名。"),
    "header-duplicated": ("错误", "表头中多列出现两次（两份名单左右并排），右边那份没有读取：移到左边名单下方。"),
    "example-row-edited": ("警告", "模板的“示例”行被改成了实际数据，已按数据读取：删掉 A 列的“示例”。"),
    "column-implied": ("警告", "全国志愿服务信息系统导出的名单没有“是否注册志愿者”列，按全部已注册计算。"),
    "footer-total-mismatch": ("警告", "合计行写的总数与表中实际读到的行数（或合计）不一致，核对是否漏行。"),
    "team-from-title": ("警告", "名单按队伍分段、所属队伍没填，已按段标题计入该队伍；建议逐行填写。"),
    "block-count-mismatch": ("警告", "分段标题写的人数与标题下实际的人数不一致。"),
    "formula-no-value": ("错误或警告", "公式还没有计算出值（必填列为错误，其余为警告）：用 WPS/Excel 打开后保存一次。"),
    # cells
    "required-missing": ("错误", "必填项没有填写。"),
    "enum-invalid": ("错误", "不是下拉列表中的值，提示中列出了可选值。"),
    "number-invalid": ("错误", "应填数字（人次、面积、时长等），不要写文字或负数。"),
    "id-card-numeric": ("错误", "身份证号存成了数字，末几位已丢失：该列设为文本后按原件重新录入。"),
    "id-card-old": ("错误", "15 位旧身份证号，请填 18 位号码。"),
    "id-card-format": ("错误", "身份证号不是 18 位（前 17 位数字，末位数字或 X）。"),
    "id-card-birthdate": ("错误", "身份证号中的出生日期不存在，有数字录错。"),
    "id-card-checksum": ("错误", "身份证号校验位不对（GB 11643-1999），有数字录错。"),
    "id-card-gender-mismatch": ("警告", "性别与身份证号第 17 位不符（奇数为男）。"),
    "phone-invalid": ("错误", "电话号码无效：手机 11 位，固话写成 0916-6323126。"),
    "phone-no-area-code": ("警告", "固定电话没有区号。"),
    "date-invalid": ("错误", "不是有效日期（如 2022-2-30）。"),
    "date-month-only": ("错误", "这一列要具体到日，不能只写月份。"),
    "date-ambiguous": ("警告", "数字 2022.1 可能是 1 月，也可能是 10 月被 Excel 去掉了 0：改成文本“2022年10月”。"),
    "date-out-of-year": ("警告", "日期不在报告年度内，核对年份。"),
    "date-outside-period": ("警告", "已开展活动的日期不在报告期内（如 7 月），不计入本期数字。"),
    "date-number": ("错误", "日期列里是一个小数字（如 3.5），不是日期：写成 2022-3-5。"),
    "date-time-dropped": ("警告", "日期后面带了时间（如 2022-01-20 09:30），只取日期。"),
    "date-year-assumed": ("警告", "日期没有写年份（如 3月5日），按报告年度计算，建议写完整。"),
    "date-order": ("错误", "结束日期早于开始日期。"),
    # cross-references
    "team-unknown": ("错误", "队员的所属队伍不在“队伍”表中（名称须完全一致）。"),
    "team-duplicate": ("错误", "同一支队伍登记了两行。"),
    "team-reference-unknown": ("警告", "活动或项目的队伍不在花名册中，核对名称。"),
    "village-required": ("错误", "村级队伍、实践站必须填写所在村（社区）。"),
    "village-unknown": ("警告", "村（社区）名称不在本镇（街道）的区划名单中。"),
    "duplicate-id-card": ("错误", "同一身份证号在花名册中出现两次。"),
    "duplicate-id-card-across-units": ("警告", "同一志愿者登记在多个单位，全县汇总时只计一次。"),
    "activity-date-missing": ("错误", "“已开展”的活动没有填写实际开展日期。"),
    "photo-missing": ("警告", "活动表引用的照片在“图片资料”文件夹中找不到。"),
    "photo-unreadable": ("警告", "照片打不开（不是图片或已损坏），换成 JPG/PNG。"),
    "assessment-item-missing": ("警告", "“自评”表缺少评估项目行，从新模板复制。"),
    "assessment-missing": ("警告", "评估项目没有填写自评情况，报告中会显示【请补充】。"),
    "assessment-overstated": ("警告", "自评结论好于数据核验结果（如有差距却填“达标”），报告中显示核验结论并标黄待确认。"),
    "summary-missing": ("警告", "“小结”表某部分没有填写，半年小结中会显示【请补充】。"),
}


SEVERITY_OF: dict[str, str] = {code: severity for code, (severity, _) in ISSUE_CODES.items()
                               if severity in ("错误", "警告")}
"""The fixed severity of every code but those whose severity depends on the cell
(formula-no-value: 错误 in a required column): `issues.Issue` takes it from here."""


def codes_markdown() -> str:
    """README table: 代码 · 级别 · 含义与处理."""
    lines = ["| 代码 | 级别 | 含义与处理 |", "|---|---|---|"]
    lines += [f"| `{code}` | {severity} | {meaning} |"
              for code, (severity, meaning) in ISSUE_CODES.items()]
    return "\n".join(lines) + "\n"
