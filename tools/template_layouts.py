"""Layouts of the 半年小结 and 全县汇总 docxtpl templates (used by ``tools/make_templates.py``).

Both are GB/T 9704 documents built with :mod:`wenming_cli.render.gbt9704`.  Context contracts
(all strings already cleaned and masked; rendered with autoescape)::

    半年小结.docx
        title, opening, signature, report_date: str
        overview, chronicle, projects: list[str]
        by_category: list[{category, count, served, share}]          表1 活动分类统计
        by_month: list[{month, count, served, volunteers}]            表2 月度开展情况
        totals: {count, served, volunteers}                           合计 rows of 表1/表2
        chart: docxtpl.InlineImage | ''                               centred, after 表2
        typical: list[{heading: str, paragraphs: list[str]}]          三、典型活动
        sections: list[{heading: str, paragraphs: list[RichText]}]    五、… (``{{r p }}``)

    全县汇总.docx
        title, opening, signature, report_date, annex_title, annex_note: str
        overview, findings, minzheng, problems, measures, not_submitted: list[str]
        chart: docxtpl.InlineImage | ''                               after 一、总体情况
        key_projects: list[{seq, unit, name, type, field, team}]      after the 民政局 section
        towns: list[{seq, name, stations, villages, covered, coverage, teams, teams_8n, volunteers,
                     registered, activities, projects, general, special, mutual, met,
                     pending, missing, problems, handed_in}]          landscape annex table
        totals: {stations, villages, covered, coverage, teams, volunteers, registered, activities,
                 projects, general, special, mutual, met, pending, missing, problems}

``sections[].paragraphs`` must be docxtpl ``RichText`` values: an ``{{r }}`` tag drops its
run, so a plain ``str`` there would land outside any ``w:r`` and be lost.  Mark a 【请补充：…】
placeholder with ``RichText(text, style="待补充")`` (character style in both templates: yellow
highlight in Word, yellow shading in LibreOffice); ``highlight="yellow"`` writes
``<w:shd w:fill="yellow"/>``, an invalid colour that LibreOffice paints black.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from wenming_cli.render import gbt9704 as g  # noqa: E402

C = WD_ALIGN_PARAGRAPH.CENTER
L = WD_ALIGN_PARAGRAPH.LEFT

#: (header, field, relative width, alignment of the body cells)
Column = tuple[str, str, float, WD_ALIGN_PARAGRAPH]
#: Text of the 合计 row per column; ``None`` merges the cell into the one on its left.
TotalRow = Sequence[str | None]


def para(doc: DocumentObject, text: str = "", style: str = g.STYLE_BODY) -> Paragraph:
    """Add a paragraph; text with Jinja tags keeps its spaces (``xml:space="preserve"``)."""
    paragraph = doc.add_paragraph(text, style=style)
    if "{" in text:
        g.preserve_space(paragraph)
    return paragraph


def loop(doc: DocumentObject, items: str, var: str, style: str = g.STYLE_BODY) -> None:
    """Emit ``{%p for var in items %}`` / ``{{ var }}`` / ``{%p endfor %}``."""
    para(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{ {var} }}}}", style)
    para(doc, "{%p endfor %}")


def tail(doc: DocumentObject) -> None:
    """Word needs a paragraph after a final table: make it 1 pt high so it never adds a page."""
    paragraph = para(doc, "", g.STYLE_TABLE_TEXT)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(1)


def loop_table(
    doc: DocumentObject,
    items: str,
    var: str,
    columns: Sequence[Column],
    *,
    total: TotalRow | None = None,
    groups: Sequence[tuple[str, int]] | None = None,
    small: bool = False,
) -> Table:
    """A 公文表格 over *items*: header, a ``{%tr for %}`` body row and an optional bold 合计
    row.  It spans the 版心 of the current section."""
    header_style = g.STYLE_TABLE_HEADER_SMALL if small else g.STYLE_TABLE_HEADER
    text_style = g.STYLE_TABLE_TEXT_SMALL if small else g.STYLE_TABLE_TEXT
    header_rows = 1 if groups is None else 2
    table = g.add_table(
        doc,
        headers=[c[0] for c in columns],
        widths=[c[2] for c in columns],
        total_width=g.text_width(doc.sections[-1]),
        rows=3 if total is None else 4,
        groups=groups,
        header_style=header_style,
        text_style=text_style,
    )
    rows = table.rows[header_rows:]
    rows[0].cells[0].paragraphs[0].add_run(f"{{%tr for {var} in {items} %}}")
    for cell, (_header, field, _width, align) in zip(rows[1].cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        paragraph.add_run(f"{{{{ {var}.{field} }}}}")
        g.preserve_space(paragraph)
    rows[2].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total is not None:
        if len(total) != len(columns) or total[0] is None:
            raise ValueError("the 合计 row does not match the columns")
        cells = rows[3].cells
        first = 0
        for index in range(1, len(total) + 1):
            if index < len(total) and total[index] is None:
                continue
            cell = cells[first] if index - first == 1 else cells[first].merge(cells[index - 1])
            paragraph = cell.paragraphs[0]
            paragraph.style = header_style
            text = total[first] or ""
            if text:
                paragraph.add_run(text)
                if "{" in text:
                    g.preserve_space(paragraph)
            first = index
    return table


def table_block(
    doc: DocumentObject,
    caption: str,
    items: str,
    var: str,
    columns: Sequence[Column],
    total: TotalRow | None = None,
) -> Table:
    """A 表题 (黑体 四号, fixed text) and a table inside the body."""
    para(doc, caption, g.STYLE_TABLE_CAPTION)
    return loop_table(doc, items, var, columns, total=total)


def spacer(doc: DocumentObject) -> None:
    """Half a line of space between a table and the heading that follows it."""
    paragraph = para(doc)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(14)


def signature(doc: DocumentObject) -> None:
    """Two blank lines kept with the 署名 and date (right-aligned 落款, as in 自评报告)."""
    for _ in range(2):
        para(doc).paragraph_format.keep_with_next = True
    para(doc, "{{ signature }}", g.STYLE_SIGNATURE)
    date = para(doc, "{{ report_date }}", g.STYLE_SIGNATURE)
    date.paragraph_format.keep_with_next = False


# ---- 半年小结 --------------------------------------------------------------------------------
BY_CATEGORY: list[Column] = [
    ("活动类别", "category", 50, C),
    ("开展场次", "count", 32, C),
    ("服务群众（人次）", "served", 42, C),
    ("占比", "share", 32, C),
]
BY_MONTH: list[Column] = [
    ("月份", "month", 34, C),
    ("开展场次", "count", 34, C),
    ("服务群众（人次）", "served", 44, C),
    ("参与志愿者（人次）", "volunteers", 44, C),
]


def build_half_year_summary(doc: DocumentObject) -> None:
    """半年小结: 一、基本情况 with 表1/表2 and the chart, 二～四 from data, then the 小结
    narrative (``sections``, RichText paragraphs) and the 落款."""
    para(doc, "{{ title }}", g.STYLE_TITLE)
    para(doc)
    para(doc, "{{ opening }}")
    para(doc, "一、基本情况", g.STYLE_H1)
    loop(doc, "overview", "p")
    table_block(
        doc,
        "表1  活动分类统计",
        "by_category",
        "c",
        BY_CATEGORY,
        total=["合计", "{{ totals.count }}", "{{ totals.served }}", "100%"],
    )
    table_block(
        doc,
        "表2  月度开展情况",
        "by_month",
        "m",
        BY_MONTH,
        total=["合计", "{{ totals.count }}", "{{ totals.served }}", "{{ totals.volunteers }}"],
    )
    para(doc, "{{ chart }}", g.STYLE_FIGURE)
    para(doc, "二、主要活动开展情况", g.STYLE_H1)
    loop(doc, "chronicle", "p")
    para(doc, "三、典型活动", g.STYLE_H1)
    para(doc, "{%p for t in typical %}")
    para(doc, "{{ t.heading }}", g.STYLE_H2)
    loop(doc, "t.paragraphs", "p")
    para(doc, "{%p endfor %}")
    para(doc, "四、志愿服务项目", g.STYLE_H1)
    loop(doc, "projects", "p")
    # The 小结 narrative: each paragraph is a RichText (a placeholder may be highlighted).
    # The very last paragraph is kept with the 落款, so the 落款 never stands alone on a page.
    para(doc, "{%p for s in sections %}")
    para(doc, "{%p set last_section = loop.last %}")
    para(doc, "{{ s.heading }}", g.STYLE_H1)
    para(doc, "{%p for p in s.paragraphs %}")
    para(doc, "{%p if last_section and loop.last %}")
    para(doc, "{{r p }}").paragraph_format.keep_with_next = True
    para(doc, "{%p else %}")
    para(doc, "{{r p }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    signature(doc)


# ---- 全县汇总 --------------------------------------------------------------------------------
KEY_PROJECTS: list[Column] = [
    ("序号", "seq", 11, C),
    ("实施单位", "unit", 30, L),
    ("项目名称", "name", 43, L),
    ("项目类型", "type", 18, C),
    ("服务领域", "field", 22, C),
    ("实施队伍", "team", 32, L),
]

#: Widths are millimetres at 小五 with 0.5 mm cell margins (scaled to the 225 mm 版心); long
#: headers break by hand so that no word wraps in the middle.
TOWNS: list[Column] = [
    ("序号", "seq", 8, C),
    ("镇（街道）", "name", 17, C),
    ("实践站", "stations", 11, C),
    ("村\n（社区）", "villages", 15, C),
    ("已建站\n村（社区）", "covered", 18, C),
    ("覆盖率", "coverage", 14, C),
    ("队伍", "teams", 9, C),
    ("“8+N”\n类别", "teams_8n", 12, C),
    ("志愿者", "volunteers", 11, C),
    ("注册\n志愿者", "registered", 11, C),
    ("活动\n（场）", "activities", 11, C),
    ("总数", "projects", 9, C),
    ("普惠性", "general", 11, C),
    ("特惠性", "special", 11, C),
    ("互惠性", "mutual", 11, C),
    ("达标", "met", 9, C),
    ("待完善", "pending", 11, C),
    ("缺项", "missing", 9, C),
    ("问题数", "problems", 11, C),
    ("是否\n报送", "handed_in", 9, C),
]
TOWN_GROUPS = [("", 1)] * 11 + [("志愿服务项目（个）", 4), ("“五有”评估（项）", 3)] + [("", 1)] * 2
#: 合计 across 序号 and 镇（街道）; no total for “8+N”类别 and 是否报送.
TOWN_TOTAL: list[str | None] = ["合计", None] + [
    "" if field in ("teams_8n", "handed_in") else f"{{{{ totals.{field} }}}}"
    for _header, field, _width, _align in TOWNS[2:]
]

COUNTY_SECTIONS = [
    ("四、存在问题", "problems"),
    ("五、下一步工作", "measures"),
    ("六、材料报送情况", "not_submitted"),
]


def build_county_summary(doc: DocumentObject) -> None:
    """全县汇总: 一～六 in a portrait body (key projects table after the 民政局 section), 附件
    说明 and 落款, then the landscape annex: one row per town and a 合计 row."""
    para(doc, "{{ title }}", g.STYLE_TITLE)
    para(doc)
    para(doc, "{{ opening }}")
    para(doc, "一、总体情况", g.STYLE_H1)
    loop(doc, "overview", "p")
    para(doc, "{{ chart }}", g.STYLE_FIGURE)
    para(doc, "二、各镇（街道）对标情况", g.STYLE_H1)
    loop(doc, "findings", "p")
    para(doc, "三、志愿者和志愿服务队伍登记注册情况（县民政局）", g.STYLE_H1)
    loop(doc, "minzheng", "p")
    table_block(doc, "重点志愿服务项目", "key_projects", "k", KEY_PROJECTS)
    spacer(doc)
    for heading, items in COUNTY_SECTIONS:
        para(doc, heading, g.STYLE_H1)
        if items == COUNTY_SECTIONS[-1][1]:
            # the last paragraph travels with 附件说明 and 落款: never a page with only those
            para(doc, f"{{%p for p in {items} %}}")
            para(doc, "{%p if loop.last %}")
            para(doc, "{{ p }}").paragraph_format.keep_with_next = True
            para(doc, "{%p else %}")
            para(doc, "{{ p }}")
            para(doc, "{%p endif %}")
            para(doc, "{%p endfor %}")
        else:
            loop(doc, items, "p")
    para(doc).paragraph_format.keep_with_next = True
    note = para(doc, "附件：{{ annex_title }}", g.STYLE_ANNEX_NOTE)
    note.paragraph_format.keep_with_next = True
    signature(doc)

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    g.setup_page(annex, landscape=True, doc_grid=False)
    para(doc, "附件", g.STYLE_ANNEX_LABEL)
    para(doc, "{{ annex_title }}", g.STYLE_TABLE_TITLE)
    # what the 合计 row counts (the handed-in towns; volunteers once per ID): one line above the
    # table, which fills the page when all 17 towns are listed
    para(doc, "{{ annex_note }}", g.STYLE_TABLE_TEXT_SMALL).alignment = L
    table = loop_table(
        doc, "towns", "t", TOWNS, total=TOWN_TOTAL, groups=TOWN_GROUPS, small=True
    )
    g.set_table_cell_margins(table, Mm(0.5), Mm(0.5))  # two-line headers: the 合计 row fits
    tail(doc)
