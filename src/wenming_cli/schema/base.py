"""Column metadata: one pydantic model per sheet is the single source of truth (DESIGN.md §3).

A sheet model is a `SheetRow` subclass whose fields are annotated with a `Col`:

    name: Annotated[str | None, Col("姓名", required=True, example="张三")] = None

`init-templates` writes headers, widths, dropdowns and the example row from the `Col`s;
`read`/`validate` find headers (with synonyms) and parse cells by `Col.kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal[
    "text", "longtext", "int", "number", "id_card", "phone", "date", "plan_time", "enum", "files"
]
Layout = Literal["table", "form"]


@dataclass(frozen=True)
class Col:
    """Metadata of one column (table sheets) or one 项目 line (form sheets).

    Attributes:
        header: the header text written into the template, e.g. '身份证号码'.
        kind: how cells are parsed (see `cells`).
        required: a blank cell is error `required-missing` (header shows '*').
        synonyms: other headers accepted when reading (e.g. '身份证号').
        options: dropdown values for kind 'enum'.
        dropdown: 'villages' or 'teams' for dropdowns filled per 填报单位 at template time.
        width: column width in Excel characters.
        example: the value shown in the template's example row.
        help: one line for the 填表说明 sheet.
    """

    header: str
    kind: Kind = "text"
    required: bool = False
    synonyms: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    dropdown: Literal["villages", "teams"] | None = None
    width: float = 12
    example: Any = None
    help: str = ""


class SheetRow(BaseModel):
    """Base of every sheet model; ``row`` is the real Excel row number of the record."""

    model_config = ConfigDict(frozen=True)

    sheet_name: ClassVar[str]
    layout: ClassVar[Layout] = "table"
    row: int = 0

    @classmethod
    def columns(cls) -> list[tuple[str, Col]]:
        """(field name, Col) pairs in column order."""
        cached: list[tuple[str, Col]] | None = cls.__dict__.get("_columns_cache")
        if cached is not None:
            return cached
        result: list[tuple[str, Col]] = []
        for name, info in cls.model_fields.items():
            for meta in info.metadata:
                if isinstance(meta, Col):
                    result.append((name, meta))
        cls._columns_cache = result  # type: ignore[attr-defined]
        return result

    @classmethod
    def column(cls, field_name: str) -> Col:
        """The Col of ``field_name``. Raises KeyError for an unknown field."""
        for name, col in cls.columns():
            if name == field_name:
                return col
        raise KeyError(field_name)


@dataclass(frozen=True)
class WorkbookSpec:
    """One workbook kind: its marker kind, default file name, title and sheets."""

    kind: str
    file_name: str
    title: str
    sheets: tuple[type[SheetRow], ...]
    keywords: tuple[str, ...]


TEMPLATE_VERSION = "1"
MARKER_SHEET = "_wenming"
