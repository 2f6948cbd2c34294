"""Fill very long table loops after docxtpl has rendered, instead of through Jinja.

docxtpl post-processes the whole rendered XML with regexes and an lxml round trip; for a
3,000-row volunteer annex that costs seconds per document (benchmarks/RESULTS.md). A table loop
whose body row is plain — every cell exactly ``{{ v.field }}`` — is therefore rendered empty by
docxtpl and filled here by copying that row once per record. Any other row shape (a user
template with formatting tags in the row) is left to docxtpl unchanged.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

_FOR = re.compile(r"\{%\s*tr\s+for\s+(\w+)\s+in\s+(\w+)\s*%\}")
_FIELD = r"\{\{\s*%s\.(\w+)\s*\}\}"


@dataclass
class TableLoop:
    """A plain ``{%tr for var in key %}`` loop found in the template."""

    key: str
    table_index: int  # position among the body's top-level tables
    row_index: int  # index of the ``{%tr for %}`` row (= rows kept before the records)
    fields: list[str]  # per cell of the body row
    prototype: Any  # deep copy of the body row (w:tr)
    header: list[str]  # texts of the rows before the loop, to find the table again


def _cell_text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def _row_text(row: Any) -> str:
    return "|".join(_cell_text(tc) for tc in row.findall(qn("w:tc")))


def find_loops(document: Any, keys: set[str]) -> list[TableLoop]:
    """Plain table loops over ``keys`` in ``document`` (the unrendered template)."""
    loops: list[TableLoop] = []
    for t_index, table in enumerate(document.element.body.iter(qn("w:tbl"))):
        rows = table.findall(qn("w:tr"))
        for r_index, row in enumerate(rows[:-2]):
            match = _FOR.search("".join(_cell_text(tc) for tc in row.findall(qn("w:tc"))))
            if not match or match.group(2) not in keys:
                continue
            var, key = match.groups()
            body = rows[r_index + 1]
            pattern = re.compile(_FIELD % re.escape(var))
            fields = []
            for tc in body.findall(qn("w:tc")):
                found = pattern.fullmatch(_cell_text(tc).strip())
                if found is None:
                    break
                fields.append(found.group(1))
            else:
                header = [_row_text(r) for r in rows[:r_index]]
                loops.append(TableLoop(key, t_index, r_index, fields, copy.deepcopy(body), header))
    return loops


def fill_loops(document: Any, loops: list[TableLoop], context: dict[str, Any]) -> bool:
    """Insert one copy of each loop's body row per record of ``context[loop.key]``.

    Returns False (and changes nothing) when a loop's table cannot be found again in the
    rendered document by its header rows — the caller then renders the ordinary way.
    """
    tables = list(document.element.body.iter(qn("w:tbl")))
    for loop in loops:
        if loop.table_index >= len(tables):
            return False
        rows = tables[loop.table_index].findall(qn("w:tr"))
        if [_row_text(r) for r in rows[:loop.row_index]] != loop.header:
            return False
    for loop in loops:
        table = tables[loop.table_index]
        rows = table.findall(_TR)
        anchor = rows[loop.row_index - 1] if loop.row_index else None
        prototype, slots = _prepared(loop)
        clone = prototype.__deepcopy__  # lxml's C copy, without copy.deepcopy's memo machinery
        for record in reversed(context[loop.key]):
            row = clone(None)
            texts = list(row.iter(_T))
            for index, name in slots:
                texts[index].text = str(record.get(name, "")).replace("\n", " ")
            if anchor is not None:
                anchor.addnext(row)
            else:
                table.insert(table.index(rows[0]), row)
    return True


def _prepared(loop: TableLoop) -> tuple[Any, list[tuple[int, str]]]:
    """A copy of the loop's body row whose cells hold no text, and for each cell the position of
    its first ``w:t`` among the row's ``w:t`` elements (where the record's value goes)."""
    prototype = copy.deepcopy(loop.prototype)
    texts = list(prototype.iter(_T))
    slots: list[tuple[int, str]] = []
    for tc, name in zip(prototype.findall(_TC), loop.fields, strict=True):
        cell_texts = list(tc.iter(_T))
        for text in cell_texts:
            text.text = ""
        slots.append((texts.index(cell_texts[0]), name))
    return prototype, slots


_TR, _TC, _T = qn("w:tr"), qn("w:tc"), qn("w:t")
