"""Write the Excel templates of DESIGN.md §3 from the sheet models (`wenming init-templates`).

Each workbook gets a 填表说明 sheet, a merged title row, a styled header (required columns end
in '*'), frozen panes, column widths, dropdown validation (fixed options, the town's 村（社区）,
the roster's 队伍), text-formatted ID/phone columns, one grey example row (序号 '示例', skipped
when reading) and a hidden ``_wenming`` sheet with kind/version marker and dropdown lists.
The same writer fills sample data (``rows``), so templates and data never drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .config import Config
from .schema import MARKER_SHEET, TEMPLATE_VERSION, Col, SelfAssessment, SheetRow, WorkbookSpec
from .schema.profile import UnitInfo
from .xlsx_cells import put, set_value

EXAMPLE_MARK = "示例"
TEMPLATE_ROWS = 5000
"""Rows below the header that get dropdowns and text format in a blank template."""


@dataclass(frozen=True)
class UnitSetup:
    """What a template needs to know of its 填报单位."""

    name: str
    unit_type: str  # 街道/镇/县级单位/志愿服务队
    villages: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


def unit_setup(config: Config, name: str) -> UnitSetup:
    """The UnitSetup of ``name`` from the config (town → its villages)."""
    town = config.town(name)
    if town is not None:
        return UnitSetup(name, "街道" if name.endswith("街道") else "镇", tuple(town.villages))
    kind = config.unit_kind(name)
    return UnitSetup(name, "志愿服务队" if kind == "team" else "县级单位")


def header_text(col: Col) -> str:
    """Header as written in the template: required columns end in '*'."""
    return col.header + ("*" if col.required else "")


def write_workbook(
    path: Path,
    spec: WorkbookSpec,
    unit: UnitSetup,
    config: Config,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> None:
    """Write one workbook of kind ``spec`` for ``unit`` to ``path`` (overwrites).

    Args:
        rows: per sheet name, records as {field name: value}; None writes a blank template with
            an example row. Form sheets (基本情况, 小结) take one record.
    Raises:
        OSError: the file cannot be written.
    """
    from openpyxl import Workbook

    wb = Workbook()
    guide = wb.active
    guide.title = "填表说明"
    lists = wb.create_sheet(MARKER_SHEET)
    lists.sheet_state = "hidden"
    for row, (key, value) in enumerate(
            (("kind", spec.kind), ("version", TEMPLATE_VERSION), ("unit", unit.name)), start=1):
        put(lists, row, 1, key)
        put(lists, row, 2, value)
    list_refs = _write_lists(lists, unit)
    for model in spec.sheets:
        ws = wb.create_sheet(model.sheet_name, index=len(wb.sheetnames) - 1)
        records = None if rows is None else rows.get(model.sheet_name, [])
        if model.layout == "form":
            record = records[0] if records else _form_defaults(model, unit, config)
            _write_form(ws, model, spec, unit, record)
        else:
            if model is SelfAssessment and not records:
                records = [
                    {"code": i.code, "dimension": i.dimension, "content": i.content}
                    for i in config.items
                ]
            _write_table(ws, model, spec, unit, records, list_refs)
    _write_guide(guide, spec, unit)
    wb.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# ------------------------------------------------------------------ styles

def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "title": Font(name="黑体", size=16, bold=True),
        "header_font": Font(name="宋体", size=11, bold=True),
        "header_fill": PatternFill("solid", fgColor="D9E1F2"),
        "required_font": Font(name="宋体", size=11, bold=True, color="C00000"),
        "example_font": Font(name="宋体", size=10, italic=True, color="808080"),
        "example_fill": PatternFill("solid", fgColor="F2F2F2"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap": Alignment(vertical="top", wrap_text=True),
    }


def _write_lists(ws: Any, unit: UnitSetup) -> dict[str, str]:
    """Write dropdown lists into the hidden sheet; return {list name: absolute range}."""
    refs: dict[str, str] = {}
    for col_index, (key, values) in enumerate(
        (("villages", unit.villages), ("teams", unit.teams)), start=4
    ):
        if not values:
            continue
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(col_index)
        put(ws, 1, col_index, key)
        for i, value in enumerate(values, start=2):
            put(ws, i, col_index, value)
        refs[key] = f"'{MARKER_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _print_setup(ws: Any, landscape: bool, title_rows: str | None) -> None:
    """A4, fit all columns on one page width, repeat the title/header rows on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _title(spec: WorkbookSpec, unit: UnitSetup, model: type[SheetRow]) -> str:
    return f"{unit.name}{spec.title}（{model.sheet_name}）"


def _write_table(
    ws: Any,
    model: type[SheetRow],
    spec: WorkbookSpec,
    unit: UnitSetup,
    records: Sequence[Mapping[str, Any]] | None,
    list_refs: Mapping[str, str],
) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    st = _styles()
    columns = model.columns()
    last = get_column_letter(len(columns))
    ws.merge_cells(f"A1:{last}1")
    set_value(ws["A1"], _title(spec, unit, model))
    ws["A1"].font = st["title"]
    ws["A1"].alignment = st["center"]
    ws.row_dimensions[1].height = 30
    for index, (_, col) in enumerate(columns, start=1):
        cell = put(ws, 2, index, header_text(col))
        cell.font = st["required_font"] if col.required else st["header_font"]
        cell.fill = st["header_fill"]
        cell.border = st["border"]
        cell.alignment = st["center"]
        ws.column_dimensions[get_column_letter(index)].width = col.width
    ws.row_dimensions[2].height = 36
    ws.freeze_panes = "C3" if len(columns) > 6 else "A3"
    _print_setup(ws, landscape=len(columns) > 6, title_rows="1:2")

    is_blank = records is None
    data: list[Mapping[str, Any]] = []
    if is_blank:
        data = [{name: col.example for name, col in columns}]
    else:
        data = list(records or [])
    for r, record in enumerate(data, start=3):
        for c, (name, col) in enumerate(columns, start=1):
            value = record.get(name)
            if isinstance(value, (list, tuple)):
                value = "、".join(str(v) for v in value)
            cell = put(ws, r, c, value)
            if col.kind in ("id_card", "phone"):
                cell.number_format = "@"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if col.kind == "longtext" or (model is SelfAssessment and name != "code"):
                cell.alignment = st["wrap"]
            if is_blank:
                cell.font = st["example_font"]
                cell.fill = st["example_fill"]
        if model is SelfAssessment:
            ws.row_dimensions[r].height = 64
    last_row = 2 + max(len(data), 1) + (TEMPLATE_ROWS if is_blank else 0)
    for c, (_, col) in enumerate(columns, start=1):
        letter = get_column_letter(c)
        if is_blank and col.kind in ("id_card", "phone"):
            for r in range(3 + len(data), last_row + 1):
                ws.cell(row=r, column=c).number_format = "@"
        formula = _dropdown_formula(model, col, list_refs)
        if formula is None:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = "请从下拉列表中选择"
        dv.errorTitle = col.header
        dv.showErrorMessage = col.dropdown is None  # villages/teams may still be typed
        dv.add(f"{letter}3:{letter}{max(last_row, 2 + len(data) + TEMPLATE_ROWS)}")
        ws.add_data_validation(dv)


def _dropdown_formula(model: type[SheetRow], col: Col, refs: Mapping[str, str]) -> str | None:
    if col.kind == "enum" and col.options:
        return '"' + ",".join(col.options) + '"'
    if col.dropdown == "teams" and model.sheet_name == "队员":
        return f"'队伍'!$B$3:$B${3 + TEMPLATE_ROWS}"
    if col.dropdown is not None:
        return refs.get(col.dropdown)
    return None


def _form_defaults(model: type[SheetRow], unit: UnitSetup, config: Config) -> dict[str, Any]:
    if model is not UnitInfo:
        return {}
    values: dict[str, Any] = {"unit_name": unit.name, "unit_type": unit.unit_type}
    if unit.villages:
        values["village_total"] = len(unit.villages)
    values.update(unit.extra)
    return values


def _write_form(
    ws: Any, model: type[SheetRow], spec: WorkbookSpec, unit: UnitSetup, record: Mapping[str, Any]
) -> None:
    st = _styles()
    ws.merge_cells("A1:C1")
    set_value(ws["A1"], _title(spec, unit, model))
    ws["A1"].font = st["title"]
    ws["A1"].alignment = st["center"]
    for c, text in enumerate(("项目", "内容", "说明"), start=1):
        cell = put(ws, 2, c, text)
        cell.font = st["header_font"]
        cell.fill = st["header_fill"]
        cell.border = st["border"]
        cell.alignment = st["center"]
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80 if model.sheet_name == "小结" else 40
    ws.column_dimensions["C"].width = 36
    for r, (name, col) in enumerate(model.columns(), start=3):
        label = put(ws, r, 1, header_text(col))
        label.font = st["required_font"] if col.required else st["header_font"]
        label.border = st["border"]
        value = record.get(name)
        cell = put(ws, r, 2, value)
        cell.border = st["border"]
        cell.alignment = st["wrap"]
        if col.kind == "phone":
            cell.number_format = "@"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        note = col.help or ("可选：" + "、".join(col.options) if col.options else "")
        if col.example is not None and not note:
            note = f"如：{col.example}"
        put(ws, r, 3, note).alignment = st["wrap"]
        if col.kind == "longtext":
            ws.row_dimensions[r].height = 120
    ws.freeze_panes = "B3"
    _print_setup(ws, landscape=False, title_rows="2:2")


def _write_guide(ws: Any, spec: WorkbookSpec, unit: UnitSetup) -> None:
    st = _styles()
    set_value(ws["A1"], f"{unit.name}{spec.title} 填表说明")
    ws["A1"].font = st["title"]
    lines = [
        "1. 标题行、表头行不要删改；表头带 * 的列为必填。",
        "2. 灰色斜体的“示例”行只作示范，可以直接覆盖或删除；序号为“示例”的行不会被读取。",
        "3. 有下拉箭头的列请从下拉列表中选择；身份证号码、联系电话列已设为文本格式，请勿改成数字。",
        "4. 日期写成 2022-3-5 或 2022年3月5日；计划时间可只写月份（2022年3月）。",
        "5. 填好后运行 wenming validate 检查，按提示逐项修改。",
    ]
    for r, line in enumerate(lines, start=2):
        put(ws, r, 1, line)
    header_row = len(lines) + 3
    for c, text in enumerate(("工作表", "列", "必填", "说明 / 可选值", "示例"), start=1):
        cell = put(ws, header_row, c, text)
        cell.font = st["header_font"]
        cell.fill = st["header_fill"]
    r = header_row + 1
    for model in spec.sheets:
        for _, col in model.columns():
            note = col.help
            if col.options:
                note = (note + "；" if note else "") + "可选：" + "、".join(col.options)
            put(ws, r, 1, model.sheet_name)
            put(ws, r, 2, col.header)
            put(ws, r, 3, "是" if col.required else "")
            put(ws, r, 4, note).alignment = st["wrap"]
            put(ws, r, 5, None if col.example is None else str(col.example))
            r += 1
    for letter, width in zip("ABCDE", (10, 28, 6, 60, 28), strict=True):
        ws.column_dimensions[letter].width = width
    _print_setup(ws, landscape=False, title_rows=f"{header_row}:{header_row}")
