"""The peers `wenming validate` is compared with (issue "validate for a whole county", point 4).

Run with the benchmark's own interpreter (``benchmarks/.venv-peers``, made by
``bench_validate.py``; pandas, pandera and frictionless are never dependencies of wenming):

    python benchmarks/peers.py pandera DIR
    python benchmarks/peers.py frictionless DIR

Each checks the 队员 sheet of every 志愿服务队伍花名册.xlsx under DIR against a schema of what
those tools can express — types, the dropdown values of 性别/政治面貌/是否注册志愿者 and patterns for
身份证号码 and 联系电话 (no GB 11643 check digit, no cross-references, no other sheets) — and prints
one JSON line: rows checked, failures found, seconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

GENDER = ["男", "女"]
POLITICS = ["中共党员", "中共预备党员", "共青团员", "民主党派", "群众"]
YES_NO = ["是", "否"]
ID_PATTERN = r"^[0-9]{17}[0-9Xx]$"
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|[0-9]{7,8})$"
COLUMNS = ["姓名", "性别", "身份证号码", "政治面貌", "联系电话", "所属队伍", "是否注册志愿者"]


def rosters(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/志愿服务队伍花名册.xlsx"))


def _frame(path: Path) -> Any:
    import pandas as pd

    frame = pd.read_excel(path, sheet_name="队员", header=1, dtype=str, engine="calamine")
    frame.columns = [str(c).rstrip("*") for c in frame.columns]
    return frame[[c for c in COLUMNS if c in frame.columns]]


def run_pandera(folder: Path) -> dict[str, Any]:
    import pandera.pandas as pa

    schema = pa.DataFrameSchema({
        "姓名": pa.Column(str, nullable=False),
        "性别": pa.Column(str, pa.Check.isin(GENDER), nullable=False),
        "身份证号码": pa.Column(str, pa.Check.str_matches(ID_PATTERN), nullable=False),
        "政治面貌": pa.Column(str, pa.Check.isin(POLITICS), nullable=False),
        "联系电话": pa.Column(str, pa.Check.str_matches(PHONE_PATTERN), nullable=False),
        "所属队伍": pa.Column(str, nullable=False),
        "是否注册志愿者": pa.Column(str, pa.Check.isin(YES_NO), nullable=False),
    }, coerce=False)
    rows = failures = 0
    for path in rosters(folder):
        frame = _frame(path)
        rows += len(frame)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            failures += len(exc.failure_cases)
    return {"rows": rows, "failures": failures}


def run_frictionless(folder: Path) -> dict[str, Any]:
    """frictionless reading the workbooks itself (its xlsx reader is openpyxl)."""
    from frictionless import Checklist, Detector, Dialect, Resource, Schema, fields, formats

    def field(name: str, **constraints: Any) -> Any:
        return fields.StringField(name=name + "*", constraints={"required": True, **constraints})

    schema = Schema(fields=[
        field("姓名"), field("性别", enum=GENDER), field("身份证号码", pattern=ID_PATTERN),
        field("政治面貌", enum=POLITICS), field("联系电话", pattern=PHONE_PATTERN), field("所属队伍"),
        field("是否注册志愿者", enum=YES_NO),
    ])
    rows = failures = 0
    for path in rosters(folder):
        dialect = Dialect(header_rows=[2], controls=[formats.ExcelControl(sheet="队员")])
        # frictionless refuses absolute paths unless told the folder is trusted (basepath)
        resource = Resource(path=path.name, basepath=str(path.parent), dialect=dialect,
                            schema=schema, detector=Detector(schema_sync=True))
        report = resource.validate(checklist=Checklist(), limit_errors=10**9)
        task = report.tasks[0]
        rows += task.stats.get("rows", 0) if isinstance(task.stats, dict) else task.stats.rows
        failures += len(report.flatten(["rowNumber"]))
    return {"rows": rows, "failures": failures}


def main() -> int:
    tool, folder = sys.argv[1], Path(sys.argv[2])
    started = time.perf_counter()
    result = {"pandera": run_pandera, "frictionless": run_frictionless}[tool](folder)
    result["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
