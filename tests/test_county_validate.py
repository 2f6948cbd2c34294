"""`wenming validate` of several units: the per-unit summary, grouped problems, 问题清单 files."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import headers, make_id, record, write_sheets
from wenming_cli.cli import app
from wenming_cli.schema import Team, Volunteer

runner = CliRunner()

TEAM = {"name": "理论宣讲志愿服务队", "category": "理论宣讲", "level": "镇级", "leader": "李明",
        "phone": "13891600001", "registered": "是"}


def roster(folder: Path, people: list[dict[str, Any]], offset: int = 0) -> None:
    team = dict(TEAM, name=folder.name + TEAM["name"])
    seq = 100 + offset
    rows = [record(Volunteer, **dict({"name": f"人{i}", "gender": "男" if (seq + i) % 2 else "女",
                                      "id_card": make_id("19900101", seq + i), "politics": "群众",
                                      "phone": f"1389160{i:04d}", "team": team["name"],
                                      "registered": "是"}, **p)) for i, p in enumerate(people)]
    write_sheets(folder / "志愿服务队伍花名册.xlsx", {
        "队伍": [["队伍"], headers(Team), record(Team, **team)],
        "队员": [["队员"], headers(Volunteer), *rows]})


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """Three towns: 城北街道 with 3 numeric IDs and a bad phone, 城南街道 with one bad 政治面貌,
    堰口镇 clean."""
    data = tmp_path / "data"
    for name in ("城北街道", "城南街道", "堰口镇"):
        (data / name).mkdir(parents=True)
    roster(data / "城北街道", [{"id_card": 610724199001011000 + i} for i in range(3)]
           + [{"phone": "12345"}, {}])
    roster(data / "城南街道", [{"politics": "党员"}, {}], offset=10)
    roster(data / "堰口镇", [{}, {}], offset=20)
    return data


def test_several_units_text_summary_then_groups(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "输出"
    result = runner.invoke(app, ["validate", str(county), "--out", str(out)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    start = lines.index("各单位情况（问题多的排在前面）")
    assert lines[start:start + 5] == [
        "各单位情况（问题多的排在前面）",
        "单位\t错误\t警告\t最多的问题\t五有（达标/待完善/缺项）",
        "城北街道\t4\t3\t缺3张表；身份证号存成了数字 3；电话号码无效 1\t0/3/21",
        "城南街道\t1\t3\t缺3张表；不是下拉列表中的值 1\t0/3/21",
        "堰口镇\t0\t3\t缺3张表\t0/3/21",
    ]
    book = str(county / "城北街道" / "志愿服务队伍花名册.xlsx")
    assert book  # the file is named by its name only in the grouped list
    group = lines.index("城北街道：错误 4 个，警告 3 个")
    assert lines[group + 1] == ("  [错误] 队员·身份证号码：身份证号存成了数字 ×3：队员!D3、D4、D5"
                                "（志愿服务队伍花名册.xlsx）")
    assert lines[group + 2].startswith("      如：身份证号码存成了数字。怎么改：Excel 把身份证号当成了数字")
    assert lines[-1] == f"完整问题清单：{out / '问题清单.csv'}"
    with (out / "问题清单.csv").open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["单位", "文件", "工作表", "单元格", "级别", "问题", "怎么改", "代码"]
    assert len(rows) == 1 + 4 + 1 + 9  # errors and warnings of all three units


def test_detail_lists_every_issue(county: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(county), "--detail", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "各单位情况" not in result.stdout and "队员!D3" in result.stdout
    assert not (tmp_path / "o").exists()


def test_xlsx_problem_list_reads_back(county: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "问题清单.xlsx"
    result = runner.invoke(app, ["validate", str(county), "--format", "json", "--xlsx", str(target)])
    assert result.exit_code == 1
    wb = load_workbook(target)
    assert wb.sheetnames == ["全部问题", "城北街道", "城南街道", "堰口镇"]
    ws = wb["全部问题"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 14
    assert [c.value for c in ws[2]] == ["单位", "文件", "工作表", "单元格", "级别", "问题", "怎么改",
                                         "代码"]
    numeric = [r for r in rows if r[7] == "id-card-numeric"]
    assert [r[:5] for r in numeric] == [("城北街道", "志愿服务队伍花名册.xlsx", "队员", f"D{n}", "错误")
                                        for n in (3, 4, 5)]
    text = " ".join(str(v) for r in rows for v in r)
    assert "610724199001011000" not in text and "13891600" not in text
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:H16"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert len(list(wb["城北街道"].iter_rows(min_row=3))) == 7


def test_split_writes_one_list_per_unit(county: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "分发"
    result = runner.invoke(app, ["validate", str(county), "--split", "--out", str(out)])
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "城北街道_问题清单.xlsx", "城南街道_问题清单.xlsx", "堰口镇_问题清单.xlsx"]
    ws = load_workbook(out / "城南街道_问题清单.xlsx")["全部问题"]
    assert {r[0] for r in ws.iter_rows(min_row=3, values_only=True)} == {"城南街道"}


def test_xlsx_cells_are_never_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from wenming_cli.issues import Issue
    from wenming_cli.problem_list import write_problem_csv, write_problem_list

    evil = Issue("=cmd|' /C calc'!A0.xlsx", "=SUM(1)", "A1", 1, "A", "", "workbook-unknown",
                 "警告", "+1", "@x", "=HYPERLINK(\"http://x\")")
    write_problem_list([evil], tmp_path / "p.xlsx", [evil.unit], "问题清单")
    ws = load_workbook(tmp_path / "p.xlsx")["全部问题"]
    assert [c.data_type for c in ws[3]] == ["s"] * 8
    assert ws["A3"].value == "=HYPERLINK(\"http://x\")"
    write_problem_csv([evil], tmp_path / "p.csv")
    text = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'@x" in text


def test_bad_xlsx_name_is_a_usage_error(county: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(county), "--xlsx", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--xlsx 的文件名要以 .xlsx 结尾" in result.output


def test_report_all_writes_the_problem_list_too(county: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "问题清单.xlsx"
    result = runner.invoke(app, ["report", "--all", "--data", str(county), "--out",
                                 str(tmp_path / "out"), "--xlsx", str(target)])
    assert result.exit_code == 1, result.output  # 城北街道 and 城南街道 have errors
    assert f"完整问题清单：{target}" in result.stdout
    rows = list(load_workbook(target)["全部问题"].iter_rows(min_row=3, values_only=True))
    assert sorted({r[0] for r in rows}) == ["城北街道", "城南街道", "堰口镇"]
    assert sum(r[7] == "id-card-numeric" for r in rows) == 3


def test_report_xlsx_needs_all(county: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(county),
                                 "--xlsx", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "--xlsx 与 --all 一起用" in result.output


def test_a_list_that_cannot_be_written_never_hides_the_problems(county: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    import wenming_cli.files as files

    def locked(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    result = runner.invoke(app, ["validate", str(county), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1  # the data's verdict: the default list is a convenience
    assert "各单位情况（问题多的排在前面）" in result.stdout
    assert "问题清单没有保存：文件被占用" in result.output
    asked = runner.invoke(app, ["validate", str(county), "--xlsx", str(tmp_path / "q.xlsx")])
    assert asked.exit_code == 2 and "城北街道：错误 4 个" in asked.stdout


def test_town_finds_its_folder_or_says_it_is_missing(county: Path, tmp_path: Path) -> None:
    (county / "城北街道").rename(county / "城北街道自评材料")
    result = runner.invoke(app, ["validate", str(county), "--town", "城北街道", "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["units"] == ["城北街道"]
    missing = runner.invoke(app, ["validate", str(county), "--town", "城西街道"])
    assert missing.exit_code == 2 and "没有“城西街道”的文件夹" in missing.output


def test_folders_not_on_the_list(county: Path, tmp_path: Path) -> None:
    roster(county / "城东街道", [{}], offset=30)  # no such unit in 西乡县
    status = runner.invoke(app, ["status", "--data", str(county)])
    assert "应报 51 个" in status.stdout
    result = runner.invoke(app, ["report", "--all", "--data", str(county), "--out",
                                 str(tmp_path / "out")])
    assert "失败 1 个" in result.stdout
    assert "城东街道" in result.stdout and "不在县" in "".join(
        ch for ch in result.stdout if ch not in " │\n")
    assert not (tmp_path / "out" / "城东街道").exists()
