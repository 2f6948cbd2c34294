"""The fast path of ``validate --mark``: highlight cells by editing only the parts that change.

openpyxl rebuilds every cell of a workbook to save it again: 2.2 s for a town's 3,000-person
roster, 25 s for the benchmark county's 68 workbooks. A highlighted copy changes little: two fills
and a few cell styles (``xl/styles.xml``), the ``s`` attribute of the problem cells and a
``<legacyDrawing>`` in the sheets that have them, plus one comments part and its VML drawing per
such sheet (ECMA-376 Part 1 §18.7, §18.8; the legacy VML that Excel, WPS and LibreOffice show
comments with). Every other part is copied unchanged.

The XML is parsed and written with lxml; the comments part and its VML are made by openpyxl's own
serialisers (`CommentSheet`, its `ShapeWriter`), so nothing here writes markup by hand. A
workbook this path does not handle — a sheet that already has comments or a legacy drawing, an
unusual package — returns None, and `mark` falls back to openpyxl.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .issues import Issue

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
COMMENTS_TYPE = REL + "/comments"
VML_TYPE = REL + "/vmlDrawing"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CONTENT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")
"""CT_Worksheet children that come after ``legacyDrawing`` (ECMA-376 Part 1 §18.3.1.99)."""


class Unsupported(Exception):
    """This workbook is left to the openpyxl path."""


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def _parse(data: bytes) -> Any:
    from lxml import etree

    # the guard has already refused DTDs, entity bombs and oversized parts before reading
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.fromstring(data, parser)


def _dump(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _split(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    row, col = coordinate_to_tuple(ref)
    return int(row), int(col)


class _Styles:
    """``xl/styles.xml`` with a solid fill per colour and a cell style per (style, colour)."""

    def __init__(self, root: Any) -> None:
        self.root = root
        fills = root.find(_q("fills"))
        xfs = root.find(_q("cellXfs"))
        if fills is None or xfs is None or not len(xfs):
            raise Unsupported("styles")
        self.fills, self.xfs = fills, xfs
        self.fill_ids: dict[str, int] = {}
        self.made: dict[tuple[int, str], int] = {}

    def fill(self, color: str) -> int:
        from lxml import etree

        if color not in self.fill_ids:
            fill = etree.SubElement(self.fills, _q("fill"))
            pattern = etree.SubElement(fill, _q("patternFill"), patternType="solid")
            etree.SubElement(pattern, _q("fgColor"), rgb="FF" + color)
            etree.SubElement(pattern, _q("bgColor"), indexed="64")
            self.fills.set("count", str(len(self.fills)))
            self.fill_ids[color] = len(self.fills) - 1
        return self.fill_ids[color]

    def style(self, base: int, color: str) -> int:
        """Index of a cell style like ``base`` but filled with ``color``."""
        from copy import deepcopy

        key = (base, color)
        if key not in self.made:
            source = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
            xf = deepcopy(source)
            xf.set("fillId", str(self.fill(color)))
            xf.set("applyFill", "1")
            self.xfs.append(xf)
            self.xfs.set("count", str(len(self.xfs)))
            self.made[key] = len(self.xfs) - 1
        return self.made[key]


class _Rows:
    """The ``<row>`` elements of a ``<sheetData>`` by number (found once: a roster has 3,000)."""

    def __init__(self, sheet_data: Any) -> None:
        self.sheet_data = sheet_data
        self.rows = {int(r.get("r", "0") or 0): r for r in sheet_data.findall(_q("row"))}
        if 0 in self.rows:
            raise Unsupported("rows without numbers")

    def row(self, number: int) -> Any:
        """The row element ``number``, created in order when the sheet has none."""
        from bisect import bisect_left

        from lxml import etree

        found = self.rows.get(number)
        if found is not None:
            return found
        new = etree.Element(_q("row"), r=str(number))
        numbers = sorted(self.rows)
        at = bisect_left(numbers, number)
        if at < len(numbers):
            self.rows[numbers[at]].addprevious(new)
        else:
            self.sheet_data.append(new)
        self.rows[number] = new
        return new


def _cell(rows: _Rows, row: int, col: int, ref: str) -> Any:
    """The ``<c>`` element of ``ref``, created in column order when the row has none."""
    from lxml import etree

    target = rows.row(row)
    for c in target.findall(_q("c")):
        found = c.get("r")
        if found is None:
            raise Unsupported("cells without references")
        if found == ref:
            return c
        if _split(found)[1] > col:
            new = etree.Element(_q("c"), r=ref)
            c.addprevious(new)
            return new
    return etree.SubElement(target, _q("c"), r=ref)


def _merged_top_left(root: Any) -> list[tuple[int, int, int, int]]:
    merged = root.find(_q("mergeCells"))
    out = []
    for element in [] if merged is None else merged.findall(_q("mergeCell")):
        first, _, last = str(element.get("ref", "")).partition(":")
        if first and last:
            (r0, c0), (r1, c1) = _split(first), _split(last)
            out.append((r0, c0, r1, c1))
    return out


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def patch(path: Path, by_cell: dict[tuple[str, str], list[Issue]], colour: Callable[[list[Issue]], str],
          comment: Callable[[list[Issue]], tuple[str, int]], author: str) -> Callable[[Path], None]:
    """A function that writes the highlighted copy of ``path`` to the path it is given.

    ``by_cell`` maps (sheet, 'D7') to that cell's issues; ``colour`` gives a fill colour for
    them and ``comment`` the comment text and its height in points.

    Raises:
        Unsupported: this workbook is left to the openpyxl path.
    """
    from lxml import etree
    from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
    from openpyxl.utils import get_column_letter

    from .guard import sheet_parts

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        parts = sheet_parts(zf)
        if "xl/styles.xml" not in names or "[Content_Types].xml" not in names:
            raise Unsupported("package")
        styles = _Styles(_parse(zf.read("xl/styles.xml")))
        types = _parse(zf.read("[Content_Types].xml"))
        changed: dict[str, bytes] = {}
        sheets: dict[str, list[tuple[str, list[Issue]]]] = {}
        for (sheet, ref), issues in by_cell.items():
            if sheet in parts:
                sheets.setdefault(sheet, []).append((ref, issues))
        taken = {n.lower() for n in names}
        number = 0
        for sheet, cells in sheets.items():
            part = parts[sheet]
            rels_name = _rels_name(part)
            rels = (_parse(zf.read(rels_name)) if rels_name in names
                    else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL}))
            if any(str(r.get("Type", "")) in (COMMENTS_TYPE, VML_TYPE) for r in rels):
                raise Unsupported("comments already")
            root = _parse(zf.read(part))
            if root.find(_q("legacyDrawing")) is not None:
                raise Unsupported("legacy drawing")
            sheet_data = root.find(_q("sheetData"))
            if sheet_data is None:
                raise Unsupported("no sheetData")
            merged = _merged_top_left(root)
            index = _Rows(sheet_data)
            records = []
            done: dict[str, list[Issue]] = {}
            for ref, issues in cells:
                try:
                    row, col = _split(ref)
                except (ValueError, TypeError):
                    continue
                for r0, c0, r1, c1 in merged:
                    if r0 <= row <= r1 and c0 <= col <= c1:
                        row, col = r0, c0
                        break
                done.setdefault(f"{get_column_letter(col)}{row}", []).extend(issues)
            for ref, issues in sorted(done.items(), key=lambda item: _split(item[0])):
                row, col = _split(ref)
                element = _cell(index, row, col, ref)
                element.set("s", str(styles.style(int(element.get("s", "0") or 0), colour(issues))))
                text, height = comment(issues)
                record = CommentRecord(ref=ref, author=author, height=height, width=300)
                record.text.t = text
                records.append(record)
            while True:  # part names nobody else uses in this package
                number += 1
                comments_part = f"xl/wenmingComments{number}.xml"
                vml_part = f"xl/drawings/wenmingComments{number}.vml"
                if comments_part.lower() not in taken and vml_part.lower() not in taken:
                    break
            sheet_comments = CommentSheet.from_comments(records)
            changed[comments_part] = _dump(sheet_comments.to_tree())
            vml = sheet_comments.write_shapes(None)
            changed[vml_part] = vml if isinstance(vml, bytes) else str(vml).encode("utf-8")
            ids = {str(r.get("Id", "")) for r in rels}
            vml_id = next(f"rIdWm{n}" for n in range(1, 10_000) if f"rIdWm{n}" not in ids)
            ids.add(vml_id)
            comments_id = next(f"rIdWm{n}" for n in range(1, 10_000) if f"rIdWm{n}" not in ids)
            base = posixpath.dirname(part)
            etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=vml_id, Type=VML_TYPE,
                             Target=posixpath.relpath(vml_part, base))
            etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=comments_id,
                             Type=COMMENTS_TYPE, Target=posixpath.relpath(comments_part, base))
            legacy = etree.Element(_q("legacyDrawing"))
            legacy.set(f"{{{REL}}}id", vml_id)
            later = next((child for child in root if etree.QName(child).localname in _AFTER_LEGACY),
                         None)
            if later is not None:
                later.addprevious(legacy)
            else:
                root.append(legacy)
            changed[part] = _dump(root)
            changed[rels_name] = _dump(rels)
            etree.SubElement(types, f"{{{TYPES}}}Override", PartName="/" + comments_part,
                             ContentType=COMMENTS_CONTENT)
        if not any(str(d.get("Extension", "")).lower() == "vml" for d in types.findall(f"{{{TYPES}}}Default")):
            etree.SubElement(types, f"{{{TYPES}}}Default", Extension="vml", ContentType=VML_CONTENT)
        changed["xl/styles.xml"] = _dump(styles.root)
        changed["[Content_Types].xml"] = _dump(types)
        originals = {info.filename: (info, zf.read(info.filename)) for info in zf.infolist()
                     if info.filename not in changed}

    def write(target: Path) -> None:
        # level 1: a town's roster deflates in a third of the time, the copy ~10% larger
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name in names:  # the package's own order, [Content_Types].xml first
                if name in changed:
                    out.writestr(name, changed[name])
                else:
                    info, data = originals[name]
                    out.writestr(info, data)
            for name, data in changed.items():
                if name not in originals and name not in names:  # the new parts
                    out.writestr(name, data)

    return write


__all__ = ["Unsupported", "patch"]
