"""Column metadata: one pydantic model per sheet is the single source of truth (DESIGN.md §3).

A sheet model is a `SheetRow` subclass whose fields are annotated with a `Col`:

    name: Annotated[str | None, Col("姓名", required=True, example="张三")] = None

`init-templates` writes headers, widths, dropdowns and the example row from the `Col`s;
`read`/`validate` find headers (with synonyms) and parse cells by `Col.kind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, ClassVar, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict

Kind = Literal[
    "text", "longtext", "int", "number", "id_card", "phone", "date", "plan_time", "enum", "files",
    "item_code",
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


R = TypeVar("R", bound="SheetRow")


class SheetRow(BaseModel):
    """Base of every sheet model; ``row`` is the real Excel row number of the record."""

    model_config = ConfigDict(frozen=True)

    sheet_name: ClassVar[str]
    layout: ClassVar[Layout] = "table"
    attribute: ClassVar[str]
    """The `UnitData` attribute holding this sheet's records (a list; one record for forms)."""
    counted_as: ClassVar[str] = "条"
    """The measure word of a record in the reading summary (队员 300 人, 活动 56 场)."""
    implied_by: ClassVar[dict[str, tuple[str, str]]] = {}
    """Header text → (field, value): when the field's column is absent but this header is
    present, every record gets that value (a warning says so)."""
    row: int = 0
    sheet: str = ""
    """The real name of the sheet the record was read from ('' for records built in code)."""

    @classmethod
    def implied_by_headers(cls) -> dict[str, tuple[str, str]]:
        """`implied_by` (a method, so that the reader need not know which models have one)."""
        return cls.implied_by

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
    def build_many(cls: type[R], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[R]:
        """Instances from already-parsed values, without validation: one per row of ``rows``,
        each a sequence of values in the order of ``names`` (which must name every field).

        The same objects `model_construct` makes, about twice as fast: validate builds one per
        data row (40,000 volunteers in a county). The first instance is compared with
        `model_construct`'s; on any difference (another pydantic version) every row is built with
        `model_construct` instead.
        """
        fields_set = set(names)
        if fields_set != set(cls.model_fields):
            return cls._construct_all(names, rows)
        new, assign = cls.__new__, object.__setattr__
        out: list[R] = []
        for values in rows:
            item = new(cls)
            assign(item, "__dict__", dict(zip(names, values, strict=True)))
            assign(item, "__pydantic_fields_set__", set(fields_set))
            assign(item, "__pydantic_extra__", None)
            assign(item, "__pydantic_private__", None)
            if not out and not _same_as_construct(item, fields_set):
                return cls._construct_all(names, chain([values], rows))
            out.append(item)
        return out

    @classmethod
    def _construct_all(cls: type[R], names: Sequence[str],
                       rows: Iterable[Sequence[Any]]) -> list[R]:
        fields_set = set(names)
        build = cast(Callable[..., R], cls.model_construct)
        return [build(fields_set, **dict(zip(names, v, strict=True))) for v in rows]

    @classmethod
    def column(cls, field_name: str) -> Col:
        """The Col of ``field_name``. Raises KeyError for an unknown field."""
        for name, col in cls.columns():
            if name == field_name:
                return col
        raise KeyError(field_name)


def _same_as_construct(item: SheetRow, fields_set: set[str]) -> bool:
    """True when ``item`` equals what `model_construct` builds from the same values."""
    try:
        reference = type(item).model_construct(fields_set, **item.__dict__)
        return bool(
            item == reference
            and item.model_fields_set == reference.model_fields_set
            and all(getattr(item, slot, None) == getattr(reference, slot, None)
                    for slot in getattr(type(item), "__slots__", ()))
            and repr(item) == repr(reference)
        )
    except Exception:  # noqa: BLE001 - any difference means: use model_construct
        return False


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
