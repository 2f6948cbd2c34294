"""python-docx helpers for GB/T 9704-2012 (党政机关公文格式) documents.

These helpers set up the page (A4, 版心 156 mm x 225 mm), the paragraph styles of an official
document (公文标题, 正文, 一级/二级标题, 落款, 附件), table styles and the 四号 宋体 "— N —" page
numbers on the outer side of odd/even pages.  They are used by ``tools/make_templates.py`` to
build the docxtpl templates shipped in ``wenming_cli/templates``, and can be reused to build
documents directly.

Chinese fonts are always written to ``w:rFonts/@w:eastAsia``; python-docx's ``font.name`` only
sets the Latin slots, which Word ignores for CJK text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

# ---- fonts and sizes (字号) ---------------------------------------------------------------
FONT_FANGSONG = "仿宋_GB2312"
FONT_XIAOBIAOSONG = "方正小标宋简体"
FONT_HEITI = "黑体"
FONT_KAITI = "楷体_GB2312"
FONT_SONGTI = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_2 = Pt(22)  # 二号
SIZE_SMALL_2 = Pt(18)  # 小二
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号
SIZE_SMALL_5 = Pt(9)  # 小五

#: 22 lines in the 225 mm 版心 -> 28.95 pt (579 twips) fixed line pitch.
BODY_LINE_PITCH = Pt(28.95)
TITLE_LINE_SPACING = Pt(35)
#: 28 characters a line (GB/T 9704 §5.2.2): the 156 mm (442.2 pt) 版心 holds only 27 三号
#: characters at their natural 16 pt, so body text is condensed by 0.25 pt a character
#: (28 × 15.75 pt = 441 pt). A document grid of lines *and* characters would do it in Word, but
#: LibreOffice gives each 16 pt character two 15.79 pt grid cells (14 a line).
CHARS_PER_LINE = 28
BODY_CHAR_SPACING_TWIPS = -5

# ---- page (GB/T 9704-2012 §5.2) -----------------------------------------------------------
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
#: Page number sits about 7 mm below the 版心 (35 mm - 7 mm - one 四号 line ~ 23 mm).
FOOTER_DISTANCE = Mm(23)

# ---- style names --------------------------------------------------------------------------
STYLE_BODY = "Normal"
STYLE_TITLE = "公文标题"
STYLE_H1 = "一级标题"
STYLE_H2 = "二级标题"
STYLE_SIGNATURE = "落款"
STYLE_ANNEX_NOTE = "附件说明"
STYLE_ANNEX_LABEL = "附件标识"
STYLE_TABLE_TITLE = "表格标题"
STYLE_TABLE_TEXT = "表格文字"
STYLE_TABLE_HEADER = "表格表头"
STYLE_TABLE = "公文表格"
STYLE_PAGE_NUMBER = "页码"
# Styles of the 小结/汇总 templates (see setup_summary_styles).
STYLE_TABLE_CAPTION = "表题"
STYLE_FIGURE = "图片"
STYLE_TABLE_TEXT_SMALL = "表格文字小五"
STYLE_TABLE_HEADER_SMALL = "表格表头小五"
STYLE_PLACEHOLDER = "待补充"  # character style: yellow highlight for 【请补充：…】
# Styles of the 印证资料 templates (see setup_evidence_styles).  Not "副标题": Chinese Word shows
# the built-in Subtitle style under that name.
STYLE_SUBTITLE = "副题"
STYLE_PART_HEADING = "分表标题"
STYLE_PHOTO = "照片"

EM_DASH = "\u2014"


# ---- low-level XML helpers ----------------------------------------------------------------
def set_rfonts(
    rpr: BaseOxmlElement, east_asia: str, latin: str = FONT_LATIN, *, hint_east_asia: bool = False
) -> None:
    """Set ``w:rFonts`` on a ``w:rPr`` element: Latin slots to *latin*, ``w:eastAsia`` to
    *east_asia*, and drop theme-font attributes (which would otherwise win)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rfonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if hint_east_asia:
        rfonts.set(qn("w:hint"), "eastAsia")


def _get_or_add(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    """Return the first child *tag* of *parent*, appending a new one if absent."""
    child: BaseOxmlElement | None = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.append(child)
    return child


def set_indent_chars(
    ppr: BaseOxmlElement, *, first_line: int | None = None, right: int | None = None
) -> None:
    """Set character-unit indents on a ``w:pPr`` (``w:firstLineChars``/``w:rightChars``, in
    hundredths of a character: 200 = 两字).  ``0`` is written explicitly so that a derived style
    cancels an inherited character indent (which would otherwise override ``w:firstLine``)."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    if first_line is not None:
        ind.set(qn("w:firstLineChars"), str(first_line))
    if right is not None:
        ind.set(qn("w:rightChars"), str(right))


#: ``w:pPr`` children that must follow ``w:snapToGrid`` (schema order; Word is strict).
_AFTER_SNAP_TO_GRID = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def set_snap_to_grid(ppr: BaseOxmlElement, value: bool) -> None:
    """Write ``w:snapToGrid`` on a ``w:pPr`` (off for tables, so rows do not snap to the body
    grid pitch)."""
    snap = ppr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    snap.set(qn("w:val"), "1" if value else "0")


def set_outline_level(ppr: BaseOxmlElement, level: int) -> None:
    """Give a heading style an outline level (0 = 一级) so it shows in the navigation pane."""
    outline = ppr.find(qn("w:outlineLvl"))
    if outline is None:
        outline = OxmlElement("w:outlineLvl")
        ppr.insert_element_before(outline, *_AFTER_SNAP_TO_GRID[10:])
    outline.set(qn("w:val"), str(level))


# ---- document defaults and styles ---------------------------------------------------------
def setup_document_defaults(doc: DocumentObject) -> None:
    """Make the document Chinese: default fonts 仿宋_GB2312/Times New Roman without theme fonts,
    language zh-CN, compressed punctuation, lines ending in a manual break not stretched when
    justified, and odd/even page headers and footers."""
    styles_el = doc.styles.element
    rpr = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        set_rfonts(rpr, FONT_FANGSONG)
        lang = _get_or_add(rpr, "w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
    if ppr is not None:
        for spacing in ppr.findall(qn("w:spacing")):
            ppr.remove(spacing)
        keep_line_end_punctuation(ppr)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    csc = settings.find(qn("w:characterSpacingControl"))
    if csc is not None:
        csc.set(qn("w:val"), "compressPunctuation")
    compat = _get_or_add(settings, "w:compat")
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # A value's "\n" becomes <w:br/>; do not stretch that line across a justified page.
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    doc.settings.odd_and_even_pages_header_footer = True


def _paragraph_style(doc: DocumentObject, name: str) -> ParagraphStyle:
    """Return paragraph style *name*, creating it (based on Normal, shown in the gallery)."""
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[STYLE_BODY]
        style.quick_style = True
    assert isinstance(style, ParagraphStyle)
    return style


def configure_style(
    style: ParagraphStyle,
    *,
    east_asia: str,
    size: Length,
    latin: str = FONT_LATIN,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: int | None = None,
    right_chars: int | None = None,
    line_spacing: Length | None = None,
    space_after: Length | None = None,
) -> None:
    """Set fonts, size, alignment, character indents and exact line spacing on *style*."""
    font = style.font
    font.size = size
    font.bold = bold
    set_rfonts(style.element.get_or_add_rPr(), east_asia, latin)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    ppr = style.element.get_or_add_pPr()
    if first_line_chars is not None:
        pf.first_line_indent = Pt(size.pt * first_line_chars / 100)
        set_indent_chars(ppr, first_line=first_line_chars)
    if right_chars is not None:
        pf.right_indent = Pt(size.pt * right_chars / 100)
        set_indent_chars(ppr, right=right_chars)
    if line_spacing is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line_spacing
    if space_after is not None:
        pf.space_after = space_after


_AFTER_OVERFLOW_PUNCT = (
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def keep_line_end_punctuation(ppr: BaseOxmlElement) -> None:
    """``<w:overflowPunct w:val="1"/>`` on a ``w:pPr`` (schema order).

    Why (issue 11, `--pdf` lost 3 line-end marks in 8 pages): LibreOffice hangs a line-end
    mark (，、。) past the 版心 and, in justified CJK lines, does not draw it. LibreOffice
    (checked with 7.x) imports ``overflowPunct`` inverted — absent or ``0`` gives hanging
    punctuation, ``1`` gives none — while for Word ``1`` is its default (marks may hang and are
    drawn). So ``1`` keeps Word as it is and makes LibreOffice keep every mark inside the line;
    `tests/test_documents.py` checks the PDF text against the .docx text.
    """
    element = ppr.find(qn("w:overflowPunct"))
    if element is None:
        element = OxmlElement("w:overflowPunct")
        if ppr.tag == qn("w:pPr") and hasattr(ppr, "insert_element_before"):
            ppr.insert_element_before(element, *_AFTER_OVERFLOW_PUNCT)
        else:
            ppr.insert(0, element)
    element.set(qn("w:val"), "1")


def setup_styles(doc: DocumentObject) -> None:
    """Create/adjust every GB/T 9704 style used by the templates (see ``STYLE_*``)."""
    normal = doc.styles[STYLE_BODY]
    assert isinstance(normal, ParagraphStyle)
    configure_style(
        normal,
        east_asia=FONT_FANGSONG,
        size=SIZE_3,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line_chars=200,
        line_spacing=BODY_LINE_PITCH,
    )
    keep_line_end_punctuation(normal.element.get_or_add_pPr())
    spacing = _get_or_add(normal.element.get_or_add_rPr(), "w:spacing")
    spacing.set(qn("w:val"), str(BODY_CHAR_SPACING_TWIPS))
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = False

    title = _paragraph_style(doc, STYLE_TITLE)
    configure_style(
        title,
        east_asia=FONT_XIAOBIAOSONG,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        line_spacing=TITLE_LINE_SPACING,
    )
    title.next_paragraph_style = normal

    h1 = _paragraph_style(doc, STYLE_H1)
    configure_style(h1, east_asia=FONT_HEITI, size=SIZE_3, first_line_chars=200)
    h1.paragraph_format.keep_with_next = True
    set_outline_level(h1.element.get_or_add_pPr(), 0)
    h1.next_paragraph_style = normal

    h2 = _paragraph_style(doc, STYLE_H2)
    configure_style(h2, east_asia=FONT_KAITI, size=SIZE_3, first_line_chars=200)
    h2.paragraph_format.keep_with_next = True
    set_outline_level(h2.element.get_or_add_pPr(), 1)
    h2.next_paragraph_style = normal

    signature = _paragraph_style(doc, STYLE_SIGNATURE)
    configure_style(
        signature,
        east_asia=FONT_FANGSONG,
        size=SIZE_3,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        first_line_chars=0,
        right_chars=400,
    )
    signature.paragraph_format.keep_with_next = True  # 署名 and date stay together

    # 附件说明: "附件：1．…" starts two characters in; later items (after line breaks) and
    # wrapped lines align with "1" five characters in.  Based on no style, so that Normal's
    # w:firstLineChars cannot override the hanging indent.
    note = _paragraph_style(doc, STYLE_ANNEX_NOTE)
    note.base_style = None
    configure_style(
        note,
        east_asia=FONT_FANGSONG,
        size=SIZE_3,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        line_spacing=BODY_LINE_PITCH,
    )
    keep_line_end_punctuation(note.element.get_or_add_pPr())
    note.paragraph_format.left_indent = Pt(SIZE_3.pt * 5)
    note.paragraph_format.first_line_indent = Pt(-SIZE_3.pt * 3)
    ind = note.element.get_or_add_pPr().find(qn("w:ind"))
    assert ind is not None
    ind.set(qn("w:leftChars"), "500")
    ind.set(qn("w:hangingChars"), "300")

    label = _paragraph_style(doc, STYLE_ANNEX_LABEL)
    configure_style(
        label, east_asia=FONT_HEITI, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=0
    )
    label.paragraph_format.keep_with_next = True

    table_title = _paragraph_style(doc, STYLE_TABLE_TITLE)
    configure_style(
        table_title,
        east_asia=FONT_XIAOBIAOSONG,
        size=SIZE_SMALL_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        line_spacing=TITLE_LINE_SPACING,
        space_after=Pt(12),
    )
    table_title.paragraph_format.keep_with_next = True

    _table_cell_style(doc, STYLE_TABLE_TEXT, SIZE_5, bold=False)
    _table_cell_style(doc, STYLE_TABLE_HEADER, SIZE_5, bold=True)

    page_number = _paragraph_style(doc, STYLE_PAGE_NUMBER)
    page_number.base_style = None
    configure_style(page_number, east_asia=FONT_SONGTI, size=SIZE_4, latin=FONT_SONGTI)
    set_rfonts(page_number.element.get_or_add_rPr(), FONT_SONGTI, FONT_SONGTI, hint_east_asia=True)
    page_number.paragraph_format.space_before = Pt(0)
    page_number.paragraph_format.space_after = Pt(0)
    page_number.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_snap_to_grid(page_number.element.get_or_add_pPr(), False)

    setup_table_style(doc)


def _table_cell_style(doc: DocumentObject, name: str, size: Length, bold: bool) -> None:
    """A table-cell paragraph style: 仿宋 *size*, single spacing, not snapped to the grid;
    headers bold and centred, text left-aligned."""
    cell = _paragraph_style(doc, name)
    configure_style(
        cell,
        east_asia=FONT_FANGSONG,
        size=size,
        bold=bold,
        align=WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT,
        first_line_chars=0,
    )
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_snap_to_grid(cell.element.get_or_add_pPr(), False)


def setup_summary_styles(doc: DocumentObject) -> None:
    """Extra styles of the 半年小结/全县汇总 templates, on top of :func:`setup_styles`.

    表题 (黑体 四号, centred, kept with the table below) titles a table inside the body;
    图片 holds an inline picture (centred, single spacing, so an exact line pitch does not
    clip it); 表格文字小五/表格表头小五 are the 小五 cell styles of wide annex tables.  Kept
    out of :func:`setup_styles` so that templates built before them stay byte-identical."""
    caption = _paragraph_style(doc, STYLE_TABLE_CAPTION)
    configure_style(
        caption,
        east_asia=FONT_HEITI,
        size=SIZE_4,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        space_after=Pt(6),
    )
    caption.paragraph_format.space_before = Pt(12)
    caption.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    caption.paragraph_format.keep_with_next = True
    set_snap_to_grid(caption.element.get_or_add_pPr(), False)
    caption.next_paragraph_style = doc.styles[STYLE_BODY]

    figure = _paragraph_style(doc, STYLE_FIGURE)
    configure_style(
        figure,
        east_asia=FONT_FANGSONG,
        size=SIZE_3,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        space_after=Pt(6),
    )
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_snap_to_grid(figure.element.get_or_add_pPr(), False)
    figure.next_paragraph_style = doc.styles[STYLE_BODY]

    _table_cell_style(doc, STYLE_TABLE_TEXT_SMALL, SIZE_SMALL_5, bold=False)
    _table_cell_style(doc, STYLE_TABLE_HEADER_SMALL, SIZE_SMALL_5, bold=True)

    add_placeholder_style(doc)


def add_placeholder_style(doc: DocumentObject) -> None:
    """Character style 待补充 for 【请补充：…】 placeholders (yellow in Word and LibreOffice)."""
    # docxtpl ``RichText(text, style="待补充")`` -> <w:rStyle w:val="待补充"/>: a real yellow
    # highlight the clerk can clear in Word (RichText's own ``highlight=`` writes w:shd).
    placeholder = doc.styles.add_style(STYLE_PLACEHOLDER, WD_STYLE_TYPE.CHARACTER)
    assert isinstance(placeholder, CharacterStyle)
    placeholder.base_style = doc.styles["Default Paragraph Font"]
    placeholder.quick_style = True
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
    # LibreOffice ignores w:highlight in a character style; it does show run shading.
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "FFFF00")
    placeholder.element.get_or_add_rPr().insert_element_before(
        shd, "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
        "w:specVanish", "w:oMath",
    )


def setup_evidence_styles(doc: DocumentObject) -> None:
    """Extra styles of the 印证资料 templates (花名册, 活动计划一览表, 项目表, 图片资料汇编), on
    top of :func:`setup_styles`.

    副题 (仿宋 四号, centred) is the line under the 公文标题 (填报单位、统计截至…);
    分表标题 (黑体 三号, flush left, shown in the navigation pane) heads one table of several
    ("一、志愿服务队伍"); 照片 holds an inline picture in a table cell (centred, single spacing:
    an exact line pitch would crop it; no keep-with-next, which in a table row keeps the row
    with the next one).  Also the 小五 cell styles of :func:`setup_summary_styles`."""
    subtitle = _paragraph_style(doc, STYLE_SUBTITLE)
    configure_style(
        subtitle,
        east_asia=FONT_FANGSONG,
        size=SIZE_4,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        space_after=Pt(8),
    )
    subtitle.paragraph_format.space_before = Pt(0)
    subtitle.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    subtitle.paragraph_format.keep_with_next = True
    set_snap_to_grid(subtitle.element.get_or_add_pPr(), False)

    part = _paragraph_style(doc, STYLE_PART_HEADING)
    configure_style(
        part,
        east_asia=FONT_HEITI,
        size=SIZE_3,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        first_line_chars=0,
        space_after=Pt(6),
    )
    part.paragraph_format.space_before = Pt(0)
    part.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    part.paragraph_format.keep_with_next = True
    set_snap_to_grid(part.element.get_or_add_pPr(), False)
    set_outline_level(part.element.get_or_add_pPr(), 0)

    photo = _paragraph_style(doc, STYLE_PHOTO)
    configure_style(
        photo,
        east_asia=FONT_FANGSONG,
        size=SIZE_5,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first_line_chars=0,
        space_after=Pt(3),
    )
    photo.paragraph_format.space_before = Pt(0)
    photo.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # python-docx (so docxtpl's InlineImage) writes <wp:inline> without distL/distR, and
    # LibreOffice then keeps ~3 mm of space beside the picture: a picture as wide as the cell
    # would be pushed right and clipped.  Let the (centred) paragraph reach into the margins.
    photo.paragraph_format.left_indent = Mm(-4)
    photo.paragraph_format.right_indent = Mm(-4)
    set_snap_to_grid(photo.element.get_or_add_pPr(), False)

    _table_cell_style(doc, STYLE_TABLE_TEXT_SMALL, SIZE_SMALL_5, bold=False)
    _table_cell_style(doc, STYLE_TABLE_HEADER_SMALL, SIZE_SMALL_5, bold=True)


def setup_table_style(doc: DocumentObject) -> None:
    """Create table style 公文表格: single 0.5 pt borders everywhere, centred, cell margins."""
    try:
        style = doc.styles[STYLE_TABLE]
    except KeyError:
        style = doc.styles.add_style(STYLE_TABLE, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    tbl_pr = _get_or_add(style.element, "w:tblPr")
    _get_or_add(tbl_pr, "w:jc").set(qn("w:val"), "center")
    borders = _get_or_add(tbl_pr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = _get_or_add(borders, f"w:{edge}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), "4")
        border.set(qn("w:space"), "0")
        border.set(qn("w:color"), "000000")
    margins = _get_or_add(tbl_pr, "w:tblCellMar")
    for edge, twips in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
        mar = _get_or_add(margins, f"w:{edge}")
        mar.set(qn("w:w"), str(twips))
        mar.set(qn("w:type"), "dxa")


# ---- page setup and footers ---------------------------------------------------------------
def setup_page(section: Section, *, landscape: bool = False, doc_grid: bool = True) -> None:
    """A4 with GB/T 9704 margins.  A landscape section turns the portrait page a quarter turn,
    so the 37/35 mm margins become left/right and 28/26 mm top/bottom."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.footer_distance = Mm(12)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.footer_distance = FOOTER_DISTANCE
    section.header_distance = Mm(15)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    if doc_grid:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(BODY_LINE_PITCH.pt * 20)))
    else:
        grid.set(qn("w:linePitch"), "312")


def text_width(section: Section) -> Length:
    """Width of the 版心 of *section*."""
    assert section.page_width is not None
    assert section.left_margin is not None and section.right_margin is not None
    return Length(section.page_width - section.left_margin - section.right_margin)


def add_page_field(paragraph: Paragraph) -> None:
    """Append a ``PAGE`` field (begin/instr/separate/"1"/end runs) to *paragraph*."""

    def fld_char(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run("1")
    fld_char("end")


def _page_number_paragraph(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.style = STYLE_PAGE_NUMBER
    paragraph.alignment = align
    # 一字: keep the number one 四号 character in from the outer edge.
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = SIZE_4
    else:
        paragraph.paragraph_format.left_indent = SIZE_4
    paragraph.add_run(f"{EM_DASH} ")
    add_page_field(paragraph)
    paragraph.add_run(f" {EM_DASH}")


def setup_page_number_footers(section: Section) -> None:
    """Put "— N —" in 四号 宋体 on the outer side: right on odd pages, left on even pages.

    Needs ``settings.odd_and_even_pages_header_footer`` (set by
    :func:`setup_document_defaults`).  Later sections inherit these footers."""
    section.footer.is_linked_to_previous = False
    _page_number_paragraph(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


# ---- paragraphs and tables ----------------------------------------------------------------
def preserve_space(paragraph: Paragraph) -> None:
    """Mark every ``w:t`` of *paragraph* ``xml:space="preserve"`` (keeps spaces in values)."""
    for t in paragraph._p.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")


def set_table_cell_margins(table: Table, left_right: Length, top_bottom: Length) -> None:
    """Override the 公文表格 cell margins of one table (narrower for wide annex tables)."""
    tbl_pr = table._tbl.tblPr
    margins = tbl_pr.find(qn("w:tblCellMar"))
    if margins is None:
        margins = OxmlElement("w:tblCellMar")
        tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for edge, length in (
        ("top", top_bottom), ("left", left_right), ("bottom", top_bottom), ("right", left_right)
    ):
        mar = _get_or_add(margins, f"w:{edge}")
        mar.set(qn("w:w"), str(length.twips))
        mar.set(qn("w:type"), "dxa")


def set_table_borders_none(table: Table) -> None:
    """Draw no borders at all on *table* (a layout grid, e.g. of photos)."""
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    if borders is None:
        borders = OxmlElement("w:tblBorders")
        successors = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
        tbl_pr.insert_element_before(borders, *successors, "w:tblDescription")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = _get_or_add(borders, f"w:{edge}")
        border.set(qn("w:val"), "nil")


def mark_header_row(row: _Row) -> None:
    """Repeat *row* at the top of every page the table spans (``w:tblHeader``)."""
    tr_pr = row._tr.get_or_add_trPr()
    _get_or_add(tr_pr, "w:tblHeader").set(qn("w:val"), "1")


def set_cant_split(row: _Row) -> None:
    """Keep *row* on one page (``w:cantSplit``)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))


def add_table(
    doc: DocumentObject,
    headers: Sequence[str],
    widths: Sequence[float],
    total_width: Length,
    rows: int = 1,
    *,
    groups: Sequence[tuple[str, int]] | None = None,
    header_style: str = STYLE_TABLE_HEADER,
    text_style: str = STYLE_TABLE_TEXT,
) -> Table:
    """Add a 公文表格 with a bold repeating header plus *rows* body rows.

    *widths* are relative column widths, scaled to *total_width* (the 版心 width).  With
    *groups* — ``(label, span)`` pairs covering every column in order — the header has two
    rows: a group spanning several columns shows *label* above its columns' *headers*; a
    one-column group is merged vertically and shows the column's header (its label is
    ignored).  Both header rows repeat on every page."""
    if len(headers) != len(widths):
        raise ValueError("headers and widths differ in length")
    if groups is not None and sum(span for _label, span in groups) != len(headers):
        raise ValueError("groups do not cover the columns")
    header_rows = 1 if groups is None else 2
    table: Table = doc.add_table(rows=header_rows + rows, cols=len(headers))
    table.style = doc.styles[STYLE_TABLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = total_width / sum(widths)
    col_widths = [Length(int(w * scale)) for w in widths]
    for column, width in zip(table.columns, col_widths, strict=True):
        column.width = width
    tbl_pr = table._tbl.tblPr
    tbl_w = _get_or_add(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in col_widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for index, row in enumerate(table.rows):
        set_cant_split(row)
        for cell, width in zip(row.cells, col_widths, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = header_style if index < header_rows else text_style
    for row in table.rows[:header_rows]:
        mark_header_row(row)
    if groups is None:
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(text)
        return table
    top, bottom = table.rows[0].cells, table.rows[1].cells
    start = 0
    for label, span in groups:
        if span == 1:
            top[start].merge(bottom[start]).paragraphs[0].add_run(headers[start])
        else:
            top[start].merge(top[start + span - 1]).paragraphs[0].add_run(label)
            for column in range(start, start + span):
                bottom[column].paragraphs[0].add_run(headers[column])
        start += span
    return table


# ---- packaging ----------------------------------------------------------------------------
FIXED_TIME = datetime(2022, 1, 1, tzinfo=timezone.utc)


def prepare_package(doc: DocumentObject, title: str) -> None:
    """Fixed core properties and no stale thumbnail, so the output is reproducible."""
    props = doc.core_properties
    props.title = title
    props.author = "wenming"
    props.last_modified_by = "wenming"
    props.comments = ""
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[r_id]


def save_deterministic(doc: DocumentObject, path: Path) -> None:
    """Save *doc* to *path* with fixed zip timestamps (byte-identical across runs)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2022, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
