"""Shared fixtures: build small workbooks in tmp_path the way a clerk's Excel looks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from wenming_cli.config import Config, load_config
from wenming_cli.schema import BY_KIND, SheetRow

Rows = Sequence[Sequence[Any]]


def write_sheets(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write an .xlsx with the given sheets (rows of raw values, row 1 first)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def headers(model: type[SheetRow]) -> list[str]:
    """The model's template headers (required ones with '*')."""
    return [col.header + ("*" if col.required else "") for _, col in model.columns()]


def record(model: type[SheetRow], **values: Any) -> list[Any]:
    """A data row in the model's column order."""
    names = [name for name, _ in model.columns()]
    unknown = set(values) - set(names)
    assert not unknown, unknown
    return [values.get(name) for name in names]


@pytest.fixture(scope="session")
def config() -> Config:
    cfg, _ = load_config()
    return cfg


@pytest.fixture
def unit_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "城北街道"
    folder.mkdir(parents=True)
    return folder


MakeBook = Callable[..., Path]


@pytest.fixture
def make_book(unit_dir: Path) -> MakeBook:
    """make_book(kind, {sheet: [records]}) writes that workbook kind into the unit folder.

    Records are dicts of field values; a title row sits above the header like the templates.
    """

    def make(kind: str, data: dict[str, list[dict[str, Any]]], name: str | None = None) -> Path:
        spec = BY_KIND[kind]
        sheets: dict[str, Rows] = {}
        for model in spec.sheets:
            if model.sheet_name not in data:
                continue
            rows = data[model.sheet_name]
            if model.layout == "form":
                values = rows[0] if rows else {}
                sheets[model.sheet_name] = [["标题"], ["项目", "内容"]] + [
                    [col.header, values.get(field)] for field, col in model.columns()
                ]
            else:
                sheets[model.sheet_name] = [["标题"], headers(model)] + [
                    record(model, **r) for r in rows
                ]
        return write_sheets(unit_dir / (name or spec.file_name), sheets)

    return make


def make_id(birth: str = "19900101", seq: int = 123) -> str:
    """A valid 610724 ID (independent check-digit implementation, GB 11643-1999)."""
    body = f"610724{birth}{seq:03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Rows of a template-shaped sheet as dicts keyed by header (without '*'), via openpyxl."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    header = [str(h or "").rstrip("*") for h in rows[1]]
    out = []
    for row in rows[2:]:
        if all(v in (None, "") for v in row) or row[0] == "示例":
            continue
        out.append(dict(zip(header, row, strict=False)))
    return out


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        y, m, d = (int(x) for x in re.split(r"[-/.年月日]", value.strip("日"))[:3])
        return date(y, m, d)
    return None


TEAM = {"name": "城北街道理论宣讲志愿服务队", "category": "理论宣讲", "level": "镇级",
        "leader": "李明", "phone": "13891600001", "registered": "是"}
"""One valid team of 城北街道, as the tests' rosters use it."""


def volunteer(**overrides: object) -> dict[str, object]:
    """One valid volunteer of `TEAM`, with ``overrides``."""
    base: dict[str, object] = {
        "seq": 1, "name": "王小红", "gender": "男", "id_card": make_id("19900101", 123),
        "politics": "群众", "phone": "13891600002", "team": TEAM["name"], "registered": "是",
    }
    base.update(overrides)
    return base
