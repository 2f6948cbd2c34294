"""Build the docxtpl templates in ``src/wenming_cli/templates`` with python-docx.

Templates: 自评报告.docx (laid out here), 半年小结.docx and 全县汇总.docx (laid out in
``tools/template_layouts.py``, which also documents their context contracts), and the 印证资料
印证_花名册.docx, 印证_活动计划一览表.docx, 印证_项目表.docx and 图片资料汇编.docx (laid out in
``tools/template_layouts_evidence.py``, with their contracts).  The output is
deterministic (fixed core properties and zip timestamps), so re-running the script on an
unchanged tree gives byte-identical files.  Usage::

    python tools/make_templates.py [--out DIR]

Context contract of 自评报告.docx (all values already masked; rendered with autoescape)::

    title, opening, signature, report_date: str
    basic: list[str]
    problems, measures: list[RichText]   (``{{r p }}``; placeholders highlighted)
    dimensions: list[{heading: str, paragraphs: list[str]}]
    teams: list[{seq, name, category, level, village, members, leader, phone, registered}]
    volunteers: list[{seq, name, gender, id_card, politics, phone, team, village,
                      registered, hours}]
    activities: list[{seq, name, category, plan_time, date, place, team, volunteers,
                      served, status}]
    projects: list[{seq, name, type, field, target, team, leader, phone, brand}]
    checklist: list[{code, dimension, title, status, conclusion, evidence}]
    activity_stats: list[{month, c1..c5, count, served, volunteers}]  by month, 合计 last
    annex_titles: {teams, volunteers, activities, activity_stats, projects, checklist}: str
    annex_numbers: same keys: str  ('' = not annexed)
    annex_list: list[str]   ("1．城北街道志愿服务队伍一览表", …) for the 附件说明
    full_lists: bool       the full 花名册 and 活动 annexes instead of the summaries
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "src", ROOT / "tools"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from template_layouts import (  # noqa: E402
    C,
    Column,
    L,
    build_county_summary,
    build_half_year_summary,
    loop,
    para,
    tail,
)
from template_layouts_evidence import (  # noqa: E402
    build_activity_plan,
    build_photo_book,
    build_project_table,
    build_roster,
)

from wenming_cli.render import gbt9704 as g  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "wenming_cli" / "templates"

# (context list = annex_titles key, loop variable, [(header, field, width, align)]);
# widths are millimetres of the 225 mm landscape 版心 (scaled to fit if they do not add up).
ANNEXES: list[tuple[str, str, list[Column]]] = [
    (
        "teams",
        "t",
        [
            ("序号", "seq", 12, C),
            ("队伍名称", "name", 54, L),
            ("队伍类别", "category", 26, C),
            ("队伍层级", "level", 20, C),
            ("所在村（社区）", "village", 30, C),
            ("队员人数", "members", 20, C),
            ("负责人", "leader", 18, C),
            ("联系电话", "phone", 26, C),
            ("是否注册", "registered", 20, C),
        ],
    ),
    (
        "volunteers",
        "v",
        [
            ("序号", "seq", 10, C),
            ("姓名", "name", 18, C),
            ("性别", "gender", 10, C),
            ("身份证号码", "id_card", 40, C),
            ("政治面貌", "politics", 27, C),
            ("联系电话", "phone", 24, C),
            ("所属队伍", "team", 47, L),
            ("所在村（社区）", "village", 24, C),
            ("注册志愿者", "registered", 12, C),
            ("服务时长（小时）", "hours", 13, C),
        ],
    ),
    (
        "activities",
        "a",
        [
            ("序号", "seq", 12, C),
            ("活动名称", "name", 44, L),
            ("活动类别", "category", 20, C),
            ("计划时间", "plan_time", 25, C),
            ("开展日期", "date", 24, C),
            ("活动地点", "place", 27, L),
            ("责任队伍", "team", 30, L),
            ("志愿者（人次）", "volunteers", 15, C),
            ("服务群众（人次）", "served", 15, C),
            ("状态", "status", 15, C),
        ],
    ),
    (
        "activity_stats",
        "m",
        [
            ("月份", "month", 18, C),
            ("学习实践\n科学理论", "c1", 22, C),
            ("宣传宣讲\n党的政策", "c2", 22, C),
            ("培育践行\n主流价值", "c3", 22, C),
            ("丰富活跃\n文化生活", "c4", 22, C),
            ("持续深入\n移风易俗", "c5", 22, C),
            ("开展场次", "count", 22, C),
            ("服务群众\n（人次）", "served", 28, C),
            ("参与志愿者\n（人次）", "volunteers", 28, C),
        ],
    ),
    (
        "projects",
        "pj",
        [
            ("序号", "seq", 12, C),
            ("项目名称", "name", 46, L),
            ("项目类型", "type", 20, C),
            ("服务领域", "field", 20, C),
            ("服务对象", "target", 28, L),
            ("实施队伍", "team", 34, L),
            ("负责人", "leader", 18, C),
            ("联系电话", "phone", 26, C),
            ("品牌项目", "brand", 21, C),
        ],
    ),
    (
        "checklist",
        "c",
        [
            ("序号", "code", 12, C),
            ("评估项目", "dimension", 20, C),
            ("评估内容", "title", 55, L),
            ("数据核验", "status", 18, C),
            ("自评结论", "conclusion", 20, C),
            ("佐证与差距", "evidence", 100, L),
        ],
    ),
]

FULL_ONLY = ("volunteers", "activities")
"""Annexed only on request (``--full-lists``): the full roster and activity list are 印证资料
documents of their own, and hundreds of pages for a county-sized town (issue 11)."""
SUMMARY_ONLY = ("activity_stats",)
"""Annexed by default in their place (the teams annex carries the member counts)."""

SECTIONS = [
    ("三、存在问题", "problems"),
    ("四、下一步整改措施", "measures"),
]


def rich_loop(doc: DocumentObject, items: str, var: str) -> None:
    """A paragraph loop whose items are docxtpl RichText (``{{r var }}``): placeholders in them
    carry the 待补充 highlight."""
    para(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{r {var} }}}}")
    para(doc, "{%p endfor %}")


def build_body(doc: DocumentObject) -> None:
    """The report itself: title, opening, 一～四, 附件说明, 落款 and date."""
    para(doc, "{{ title }}", g.STYLE_TITLE)
    para(doc)
    para(doc, "{{ opening }}")
    para(doc, "一、基本情况", g.STYLE_H1)
    loop(doc, "basic", "p")
    para(doc, "二、对照“五有”标准自评情况", g.STYLE_H1)
    para(doc, "{%p for d in dimensions %}")
    para(doc, "{{ d.heading }}", g.STYLE_H2)
    rich_loop(doc, "d.paragraphs", "p")
    para(doc, "{%p endfor %}")
    for heading, items in SECTIONS:
        para(doc, heading, g.STYLE_H1)
        if items == "measures":
            # the last paragraph travels with 附件说明 and 落款: never a page with only the 落款
            para(doc, "{%p for p in measures %}")
            para(doc, "{%p if loop.last %}")
            para(doc, "{{r p }}").paragraph_format.keep_with_next = True
            para(doc, "{%p else %}")
            para(doc, "{{r p }}")
            para(doc, "{%p endif %}")
            para(doc, "{%p endfor %}")
        else:
            rich_loop(doc, items, "p")  # a problem may hold a 【请补充：…】 placeholder
    para(doc).paragraph_format.keep_with_next = True
    # 附件说明 (GB/T 9704 §7.3.3): "附件：1．…" two characters in, later items aligned with the
    # "1" (left indent 5 characters); the list is the context's, as the roster annex is optional.
    # 附件说明, the blank lines and 署名/日期 move to a new page together, never 署名 alone.
    para(doc, "{%p for a in annex_list %}")
    para(doc, "{%p if loop.first %}")
    para(doc, "附件：{{ a }}", g.STYLE_ANNEX_NOTE).paragraph_format.keep_with_next = True
    para(doc, "{%p else %}")
    later = para(doc, "{{ a }}", g.STYLE_ANNEX_NOTE)
    later.paragraph_format.keep_with_next = True
    later.paragraph_format.left_indent = Pt(g.SIZE_3.pt * 5)
    later.paragraph_format.first_line_indent = Pt(0)
    ind = later._p.get_or_add_pPr().find(qn("w:ind"))
    assert ind is not None
    ind.set(qn("w:leftChars"), "500")
    ind.set(qn("w:firstLineChars"), "0")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    for _ in range(2):
        para(doc).paragraph_format.keep_with_next = True
    para(doc, "{{ signature }}", g.STYLE_SIGNATURE)
    date = para(doc, "{{ report_date }}", g.STYLE_SIGNATURE)
    date.paragraph_format.keep_with_next = False


def build_annex(
    doc: DocumentObject, number: int, items: str, var: str, columns: Sequence[Column]
) -> None:
    """附件N, the table title and a table whose body row repeats with ``{%tr for %}``."""
    label = para(doc, f"附件{{{{ annex_numbers.{items} }}}}", g.STYLE_ANNEX_LABEL)
    if number > 1:
        label.paragraph_format.page_break_before = True
    para(doc, f"{{{{ annex_titles.{items} }}}}", g.STYLE_TABLE_TITLE)
    table = g.add_table(
        doc,
        headers=[c[0] for c in columns],
        widths=[c[2] for c in columns],
        total_width=g.text_width(doc.sections[-1]),
        rows=3,
    )
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {var} in {items} %}}")
    for cell, (_header, field, _width, align) in zip(table.rows[2].cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        paragraph.add_run(f"{{{{ {var}.{field} }}}}")
        g.preserve_space(paragraph)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def build_self_assessment(doc: DocumentObject) -> None:
    """自评报告: the report in portrait, then its annex tables on landscape pages."""
    build_body(doc)
    # Annex tables on landscape pages; the footers are inherited from the body section.
    annex_section = doc.add_section(WD_SECTION.NEW_PAGE)
    g.setup_page(annex_section, landscape=True, doc_grid=False)
    for number, (items, var, columns) in enumerate(ANNEXES, start=1):
        condition = ("full_lists" if items in FULL_ONLY
                     else "not full_lists" if items in SUMMARY_ONLY else None)
        if condition:
            para(doc, f"{{%p if {condition} %}}")
        build_annex(doc, number, items, var, columns)
        if condition:
            para(doc, "{%p endif %}")
    tail(doc)


Layout = Callable[[DocumentObject], None]


class Template(NamedTuple):
    """How to build one template file."""

    title: str  # document title in the core properties
    layout: Layout
    extra_styles: Layout | None = None  # styles on top of g.setup_styles
    landscape: bool = False  # the first section is landscape A4 too


SUMMARY = g.setup_summary_styles
EVIDENCE = g.setup_evidence_styles

#: file name -> how to build it
TEMPLATES: dict[str, Template] = {
    "自评报告.docx": Template(
        "新时代文明实践所建设情况自评报告（模板）", build_self_assessment, g.add_placeholder_style
    ),
    "半年小结.docx": Template(
        "新时代文明实践志愿服务活动情况小结（模板）", build_half_year_summary, SUMMARY
    ),
    "全县汇总.docx": Template(
        "新时代文明实践所（站）建设情况汇总报告（模板）", build_county_summary, SUMMARY
    ),
    "印证_花名册.docx": Template("志愿服务队伍花名册（模板）", build_roster, EVIDENCE, True),
    "印证_活动计划一览表.docx": Template(
        "文明实践项目活动计划一览表（模板）", build_activity_plan, EVIDENCE, True
    ),
    "印证_项目表.docx": Template("志愿服务项目表（模板）", build_project_table, EVIDENCE, True),
    "图片资料汇编.docx": Template("活动图片资料汇编（模板）", build_photo_book, EVIDENCE),
}


def build(name: str, out: Path) -> None:
    """Build template *name* (a key of ``TEMPLATES``) and save it to *out*."""
    spec = TEMPLATES[name]
    doc = Document()
    g.setup_document_defaults(doc)
    g.setup_styles(doc)
    if spec.extra_styles is not None:
        spec.extra_styles(doc)
    body_section = doc.sections[0]
    if spec.landscape:
        g.setup_page(body_section, landscape=True, doc_grid=False)
    else:
        g.setup_page(body_section)
    g.setup_page_number_footers(body_section)
    spec.layout(doc)
    g.prepare_package(doc, spec.title)
    g.save_deterministic(doc, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for name in TEMPLATES:
        build(name, args.out / name)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
