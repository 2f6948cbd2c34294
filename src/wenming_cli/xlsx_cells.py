"""Writing cell values into the .xlsx files we produce, safely (issue 14 point 2).

Every xlsx writer (`init-templates`, `status --xlsx`, the county 汇总表) puts values through
`put`/`set_value`/`append_row`, never ``ws.cell(value=...)`` or ``ws.append`` directly:

- openpyxl turns any string starting with ``=`` into a live formula, so a unit folder named
  ``=HYPERLINK(...)`` or a unit name ``=cmd|' -C calc'!A0`` in wenming.toml would run in the
  clerk's Excel. Text is therefore always a string cell.
- Text starting with ``= + - @`` (and tab / carriage return, the other leads of the OWASP
  CSV-injection guidance) also gets the cell style *quotePrefix* — Excel's own leading
  apostrophe — so it stays text when someone edits the cell and presses Enter.
- Control characters that XML 1.0 cannot carry (openpyxl raises IllegalCharacterError on them,
  and a Linux folder name may hold them) are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel/WPS read typed text as a formula (OWASP CSV injection)."""


def set_value(cell: Any, value: Any) -> Any:
    """Store ``value`` in the openpyxl ``cell``; a ``str`` always as text (see module doc).

    Numbers, dates and None are stored as they are. Returns the cell.
    """
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # openpyxl made it "f" when it starts with "="
        if value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put(ws: Any, row: int, column: int, value: Any = None) -> Any:
    """``ws.cell(row, column)`` holding ``value`` through `set_value`; returns the cell."""
    return set_value(ws.cell(row=row, column=column), value)


def append_row(ws: Any, values: Iterable[Any]) -> int:
    """``ws.append(values)`` through `set_value`; returns the new row's number (1-based)."""
    values = list(values)
    ws.append([None] * len(values))  # openpyxl's own idea of the next row
    row: int = ws.max_row
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row
