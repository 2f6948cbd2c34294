"""全县汇总 and status: figures equal an independent recount (incl. cross-town dedup)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import as_date, sheet_records
from wenming_cli.cli import app, bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.county import build_county
from wenming_cli.validate import validate_paths

SAMPLE = bundled_sample_data()
TOWNS = ("城北街道", "城南街道", "堰口镇")
runner = CliRunner()


def recount_town(name: str, config: Config) -> dict[str, int]:
    folder = SAMPLE / name
    villages = set(config.town(name).villages)  # type: ignore[union-attr]
    sites = sheet_records(folder / "基本情况与自评表.xlsx", "阵地")
    people = sheet_records(folder / "志愿服务队伍花名册.xlsx", "队员")
    acts = sheet_records(folder / "文明实践项目活动计划一览表.xlsx", "活动")
    projects = sheet_records(folder / "志愿服务项目表.xlsx", "项目")
    held = [a for a in acts if a["开展状态"] == "已开展"
            and as_date(a["实际开展日期"]).year == 2022  # type: ignore[union-attr]
            and as_date(a["实际开展日期"]).month <= 6]  # type: ignore[union-attr]
    return {
        "stations": sum(1 for s in sites if s["阵地类型"] == "实践站"),
        "covered": len({s["所在村（社区）"] for s in sites if s["阵地类型"] == "实践站"} & villages),
        "villages": len(villages),
        "teams": len(sheet_records(folder / "志愿服务队伍花名册.xlsx", "队伍")),
        "volunteers": len(people),
        "registered": sum(1 for p in people if p["是否注册志愿者"] == "是"),
        "activities": len(held),
        "projects": len(projects),
        "special": sum(1 for p in projects if p["项目类型"] == "特惠性"),
    }


def all_ids() -> list[str]:
    ids = []
    for folder in sorted(p for p in SAMPLE.iterdir() if p.is_dir()):
        roster = folder / "志愿服务队伍花名册.xlsx"
        if roster.exists():
            ids += [str(p["身份证号码"]) for p in sheet_records(roster, "队员")]
    return ids


def county_unique_town_volunteers() -> int:
    return len({str(p["身份证号码"]) for n in TOWNS
                for p in sheet_records(SAMPLE / n / "志愿服务队伍花名册.xlsx", "队员")})


@pytest.fixture(scope="module")
def county(config: Config):  # type: ignore[no-untyped-def]
    result = validate_paths([SAMPLE], config)
    return build_county(result.units, config, result.report)


def test_town_rows_equal_recount(county, config: Config) -> None:  # type: ignore[no-untyped-def]
    rows = {r.name: r for r in county.rows}
    assert len(county.rows) == 17
    for name in TOWNS:
        expected = recount_town(name, config)
        row = rows[name]
        got = {k: getattr(row, k) for k in expected}
        assert got == expected, name
        assert row.handed_in
    assert not rows["大河镇"].handed_in and rows["大河镇"].villages == 9
    total_villages = sum(len(t.villages) for t in config.towns)
    assert county.villages_all == total_villages == 215
    # the 合计 row describes the towns that handed in: its rate is its own columns' quotient
    recounts = [recount_town(n, config) for n in TOWNS]
    assert county.total.villages == sum(r["villages"] for r in recounts) == 58
    assert county.total.covered == sum(r["covered"] for r in recounts) == 54
    assert county.total.stations == sum(r["stations"] for r in recounts)
    assert county.total.coverage == county.total.covered / county.total.villages
    # volunteers: once per ID across the towns; the raw sum kept apart
    ids = [str(p["身份证号码"]) for n in TOWNS
           for p in sheet_records(SAMPLE / n / "志愿服务队伍花名册.xlsx", "队员")]
    assert county.town_volunteers_listed == len(ids) == 420
    assert county.total.volunteers == len(set(ids))


def test_volunteers_deduplicated_across_units(county) -> None:  # type: ignore[no-untyped-def]
    ids = all_ids()
    assert county.volunteers_unique == len(set(ids))
    assert county.duplicates == len(ids) - len(set(ids)) == 2


def test_county_documents(tmp_path: Path, config: Config) -> None:
    result = runner.invoke(app, ["report", "--county", "--data", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "全县汇总"
    docx = folder / "西乡县新时代文明实践所（站）建设情况汇总报告.docx"
    xlsx = folder / "西乡县新时代文明实践所（站）建设情况汇总表.xlsx"
    assert docx.is_file() and xlsx.is_file()
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    ids = all_ids()
    assert (f"累计登记志愿者{len(ids)}人次，按身份证号码去重后{len(set(ids))}人"
            f"（{len(ids) - len(set(ids))}人在多个单位重复登记，只计一次）") in text
    assert "人次在多个单位" not in text
    assert "大河镇" in text  # listed as not handed in
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    ws = wb["汇总"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)}
    chengbei = recount_town("城北街道", config)
    assert rows["城北街道"]["实践站"] == chengbei["stations"]
    assert rows["城北街道"]["志愿者"] == chengbei["volunteers"]
    assert rows["城北街道"]["覆盖率"] == 17 / 19
    assert rows["大河镇"]["是否报送"] == "否"
    total = rows["合计"]
    assert total["村（社区）"] == 58 and total["已建站村（社区）"] == 54
    assert total["覆盖率"] == pytest.approx(54 / 58)
    assert total["志愿者"] == county_unique_town_volunteers()
    missing = [r[1] for r in wb["未报送单位"].iter_rows(min_row=2, values_only=True)]
    assert "大河镇" in missing and "城北街道" not in missing


def make_status_folder(tmp_path: Path) -> Path:
    from openpyxl import load_workbook

    data = tmp_path / "data"
    for name in TOWNS:
        shutil.copytree(SAMPLE / name, data / name)
    roster = data / "城南街道" / "志愿服务队伍花名册.xlsx"
    wb = load_workbook(roster)
    wb["队员"]["D3"] = 610724199001011234  # a numeric ID: error
    wb.save(roster)
    on_time = datetime(2022, 7, 14, 18, 0).timestamp()
    late = datetime(2022, 7, 15, 16, 30).timestamp()
    for name in TOWNS:
        for path in (data / name).glob("*.xlsx"):
            stamp = late if name == "堰口镇" else on_time
            os.utime(path, (stamp, stamp))
    return data


def test_status_missing_errors_late(tmp_path: Path) -> None:
    data = make_status_folder(tmp_path)
    result = runner.invoke(app, ["status", "--data", str(data), "--format", "json"])
    assert result.exit_code == 0, result.output
    statuses = json.loads(result.stdout)
    by_name = {s["name"]: s for s in statuses}
    assert len(statuses) == 17 + 22 + 12
    assert by_name["城北街道"]["state"] == "合格" and by_name["城北街道"]["on_time"] is True
    assert by_name["城南街道"]["state"] == "有错误" and by_name["城南街道"]["errors"] == 1
    assert by_name["堰口镇"]["state"] == "逾期" and by_name["堰口镇"]["on_time"] is False
    assert by_name["大河镇"]["state"] == "未报送" and by_name["大河镇"]["present"] is False
    assert by_name["县文旅局"]["kind"] == "县级单位"
    order = [s["state"] for s in statuses]
    assert order == sorted(order, key=["未报送", "逾期", "有错误", "待补全", "合格"].index)
    assert order[-1] == "合格"


def test_status_text_and_xlsx(tmp_path: Path) -> None:
    data = make_status_folder(tmp_path)
    target = tmp_path / "跟踪表.xlsx"
    result = runner.invoke(app, ["status", "--data", str(data), "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    assert "需要电话联系 50 个" in result.output
    from openpyxl import load_workbook

    ws = load_workbook(target)["报送情况"]
    states = {r[0]: r[2] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert states["堰口镇"] == "逾期" and states["城北街道"] == "合格"
