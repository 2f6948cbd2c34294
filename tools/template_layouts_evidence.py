"""Layouts of the 印证资料 docxtpl templates (used by ``tools/make_templates.py``).

The papers a town keeps ready for the inspectors (notice 二-2): the 志愿服务队伍花名册, the
活动计划一览表, the 项目表 and the 图片资料汇编.  Each has a 公文标题, a 副题 line under it
(填报单位、统计截至…) and "— N —" page numbers; the tables repeat their header row on every page,
never split a row across pages and end with a bold 合计 row.  Context contracts (all strings
already cleaned and masked; rendered with autoescape)::

    印证_花名册.docx                      landscape A4
        title, subtitle: str
        teams: list[{seq, name, category, level, village, leader, phone, registered}]
        team_total: str          合计 row of 一、志愿服务队伍 (one merged, left-aligned cell)
        volunteers: list[{seq, name, gender, id_card, politics, phone, team, village,
                          registered, hours}]                       二、志愿者, on a new page
        volunteer_total: str     合计 row of 二、志愿者

    印证_活动计划一览表.docx              landscape A4
        title, subtitle: str
        activities: list[{seq, name, category, theme, demo, plan_time, date, place, team,
                          volunteers, served, status}]
        totals: {count, volunteers, served}     合计（N项） row

    印证_项目表.docx                      landscape A4
        title, subtitle: str
        projects: list[{seq, name, type, field, target, team, leader, phone, period,
                        frequency, beneficiaries, brand, matching}]
        totals: {count, beneficiaries}          合计（N项） row

    图片资料汇编.docx                     portrait A4
        title, subtitle: str
        rows: list[{left: {image, caption}, right: {image, caption}}]
            image: docxtpl InlineImage (75 mm wide, at most 60 mm high) or '' (an empty
            right cell when the count is odd); caption: str.  One borderless table row per
            pair, never split across pages.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "src", ROOT / "tools"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from template_layouts import C, Column, L, TotalRow, loop_table, para, tail  # noqa: E402

from wenming_cli.render import gbt9704 as g  # noqa: E402

#: Cell margins of the 印证 tables: 1 mm left/right (headers then fit in one or two lines),
#: 0.5 mm top/bottom (a little tighter than 公文表格, so a town's 15 teams fit on the first page).
CELL_MARGIN = Mm(1)
CELL_MARGIN_TB = Mm(0.5)

# Widths are millimetres of the 225 mm landscape 版心: a character is 3.7 mm at 五号 (3.2 mm at
# 小五), a digit half that, plus 2 mm of cell margins and some room for the space LibreOffice and
# Word put between Chinese and digits.  Long headers break by hand so no word wraps in the middle.
TEAMS: list[Column] = [  # 五号
    ("序号", "seq", 10, C),
    ("队伍名称", "name", 79, L),
    ("队伍类别", "category", 26, C),
    ("队伍\n层级", "level", 13, C),
    ("所在村（社区）", "village", 40, C),
    ("负责人", "leader", 17, C),
    ("联系电话", "phone", 26, C),
    ("是否\n注册", "registered", 14, C),
]
VOLUNTEERS: list[Column] = [  # 五号
    ("序号", "seq", 10, C),
    ("姓名", "name", 17, C),
    ("性别", "gender", 10, C),
    ("身份证号码", "id_card", 38, C),
    ("政治面貌", "politics", 19, C),
    ("联系电话", "phone", 23, C),
    ("所属队伍", "team", 52.5, L),
    ("所在村\n（社区）", "village", 24.5, C),
    ("注册\n志愿者", "registered", 14, C),
    ("服务时长\n（小时）", "hours", 17, C),
]
ACTIVITIES: list[Column] = [  # 小五
    ("序号", "seq", 9.5, C),
    ("活动名称", "name", 33, L),
    ("活动类别", "category", 16, C),
    ("喜迎\n二十大", "theme", 13, C),
    ("集中\n示范", "demo", 10, C),
    ("计划时间", "plan_time", 21, C),
    ("开展日期", "date", 17, C),
    ("活动地点", "place", 30, L),
    ("责任队伍", "team", 30.5, L),
    ("志愿者\n（人次）", "volunteers", 16, C),
    ("服务群众\n（人次）", "served", 16, C),
    ("状态", "status", 13, C),
]
PROJECTS: list[Column] = [  # 小五
    ("序号", "seq", 9.5, C),
    ("项目名称", "name", 30, L),
    ("项目\n类型", "type", 13, C),
    ("服务领域", "field", 16, C),
    ("服务对象", "target", 22, L),
    ("实施队伍", "team", 25, L),
    ("负责人", "leader", 15, C),
    ("联系电话", "phone", 20.5, C),
    ("实施期限", "period", 23, C),
    ("服务频次", "frequency", 15, C),
    ("受益\n人数", "beneficiaries", 10, C),
    ("品牌\n项目", "brand", 10, C),
    ("需求对接", "matching", 16, C),
]


def keep_last_row_with_total(table: Table) -> None:
    """Keep the last body row on the page of the 合计 row, so that 合计 never stands alone under
    a repeated header: the body row is doubled as ``{%tr if loop.last %}`` (a copy whose
    paragraphs keep with the next row) ``{%tr else %}`` (the row) ``{%tr endif %}``.  Needs
    one header row and the rows of :func:`template_layouts.loop_table`."""
    for_row, body = table.rows[1]._tr, table.rows[2]._tr

    def tag_row(tag: str) -> BaseOxmlElement:
        row = copy.deepcopy(for_row)
        (text,) = row.iter(qn("w:t"))
        text.text = tag
        return row

    last = copy.deepcopy(body)
    for p in last.iter(qn("w:p")):
        Paragraph(p, table._parent).paragraph_format.keep_with_next = True
    body.addprevious(tag_row("{%tr if loop.last %}"))
    body.addprevious(last)
    body.addprevious(tag_row("{%tr else %}"))
    body.addnext(tag_row("{%tr endif %}"))


def total_row(columns: list[Column], label: str, values: dict[str, str]) -> TotalRow:
    """合计 row: *label* over 序号 and the name column, *values* under their fields."""
    return [label, None] + [values.get(field, "") for _header, field, _width, _align in columns[2:]]


def heading(doc: DocumentObject) -> None:
    """公文标题 and the 副题 line under it."""
    para(doc, "{{ title }}", g.STYLE_TITLE)
    para(doc, "{{ subtitle }}", g.STYLE_SUBTITLE)


def roster_table(
    doc: DocumentObject, items: str, var: str, columns: list[Column], total: str
) -> None:
    """A 花名册 table whose 合计 row is "合计" and one left-aligned cell over the rest showing
    context value *total*."""
    row: TotalRow = ["合计", f"{{{{ {total} }}}}"] + [None] * (len(columns) - 2)
    table = loop_table(doc, items, var, columns, total=row)
    table.rows[-1].cells[1].paragraphs[0].alignment = L
    g.set_table_cell_margins(table, CELL_MARGIN, CELL_MARGIN_TB)
    keep_last_row_with_total(table)


def build_roster(doc: DocumentObject) -> None:
    """花名册: 一、志愿服务队伍 and, from a new page, 二、志愿者."""
    heading(doc)
    para(doc, "一、志愿服务队伍", g.STYLE_PART_HEADING)
    roster_table(doc, "teams", "t", TEAMS, "team_total")
    part = para(doc, "二、志愿者", g.STYLE_PART_HEADING)
    part.paragraph_format.page_break_before = True
    roster_table(doc, "volunteers", "v", VOLUNTEERS, "volunteer_total")
    tail(doc)


def build_activity_plan(doc: DocumentObject) -> None:
    """活动计划一览表: one row per activity and a 合计（N项） row."""
    heading(doc)
    total = total_row(
        ACTIVITIES,
        "合计（{{ totals.count }}项）",
        {"volunteers": "{{ totals.volunteers }}", "served": "{{ totals.served }}"},
    )
    table = loop_table(doc, "activities", "a", ACTIVITIES, total=total, small=True)
    g.set_table_cell_margins(table, CELL_MARGIN, CELL_MARGIN_TB)
    keep_last_row_with_total(table)
    tail(doc)


def build_project_table(doc: DocumentObject) -> None:
    """项目表: one row per project and a 合计（N项） row."""
    heading(doc)
    total = total_row(
        PROJECTS, "合计（{{ totals.count }}项）", {"beneficiaries": "{{ totals.beneficiaries }}"}
    )
    table = loop_table(doc, "projects", "pj", PROJECTS, total=total, small=True)
    g.set_table_cell_margins(table, CELL_MARGIN, CELL_MARGIN_TB)
    keep_last_row_with_total(table)
    tail(doc)


#: Photo grid: two 78 mm columns fill the 156 mm 版心; a 75 mm picture needs some room to spare
#: (in a cell exactly 75 mm wide inside its margins LibreOffice shifts it right and clips it).
PHOTO_CELL_MARGIN = Mm(1)
PHOTO_CELL_MARGIN_TB = Mm(2)


def build_photo_book(doc: DocumentObject) -> None:
    """图片资料汇编: a borderless two-column table, one row per pair of photos, each cell the
    picture (bottom-aligned, so the captions of a row line up) and its caption."""
    heading(doc)
    # Rows: {%tr for %}, the pair, {%tr endfor %}, then an empty row kept only when there
    # are no photos (Word rejects a table without rows).
    table = doc.add_table(rows=6, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    g.set_table_borders_none(table)
    g.set_table_cell_margins(table, PHOTO_CELL_MARGIN, PHOTO_CELL_MARGIN_TB)
    width = Length(g.text_width(doc.sections[-1]) // 2)
    for column in table.columns:
        column.width = width
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(2 * width.twips))
    tbl_w.set(qn("w:type"), "dxa")
    for row in table.rows:
        for cell in row.cells:
            cell.width = width
            cell.paragraphs[0].style = g.STYLE_TABLE_TEXT
    table.rows[0].cells[0].paragraphs[0].add_run("{%tr for r in rows %}")
    table.rows[2].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr if not rows %}")
    table.rows[5].cells[0].paragraphs[0].add_run("{%tr endif %}")
    g.set_cant_split(table.rows[1])
    for cell, side in zip(table.rows[1].cells, ("left", "right"), strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        picture = cell.paragraphs[0]
        picture.style = g.STYLE_PHOTO
        picture.add_run(f"{{{{ r.{side}.image }}}}")
        g.preserve_space(picture)
        caption = cell.add_paragraph(f"{{{{ r.{side}.caption }}}}", g.STYLE_TABLE_TEXT)
        caption.alignment = C
        caption.paragraph_format.space_after = Pt(6)
        g.preserve_space(caption)
    tail(doc)
