"""Reading and validation on small workbooks built in the test: codes and cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import TEAM, MakeBook, make_id, volunteer, write_sheets
from wenming_cli.config import Config
from wenming_cli.issues import Issue
from wenming_cli.validate import validate_paths


def run(folder: Path, config: Config) -> list[Issue]:
    return validate_paths([folder], config).report.issues


def codes_at(issues: list[Issue]) -> set[tuple[str, str]]:
    """(code, '队员!D3') pairs, ignoring workbook-missing noise."""
    return {(i.code, i.location) for i in issues if i.code != "workbook-missing"}




def test_clean_roster_has_no_issues(make_book: MakeBook, unit_dir: Path, config: Config) -> None:
    make_book("roster", {"队伍": [TEAM], "队员": [volunteer()]})
    result = validate_paths([unit_dir], config)
    assert codes_at(result.report.issues) == set()
    unit = result.units[0]
    assert unit.volunteers[0].id_card == make_id("19900101", 123)
    assert unit.volunteers[0].row == 3  # title row, header row, then data


def test_cell_codes_point_at_real_cells(make_book: MakeBook, unit_dir: Path,
                                       config: Config) -> None:
    bad_check = make_id("19900101", 123)[:-1] + ("0" if make_id()[-1] != "0" else "1")
    make_book("roster", {"队伍": [TEAM], "队员": [
        volunteer(id_card=610724199001011234),                      # row 3: numeric
        volunteer(id_card=bad_check, phone="12345"),                 # row 4
        volunteer(id_card="610724900101123", gender="女"),            # row 5: 15 digits
        volunteer(id_card=make_id("19900230", 5)[:17] + "1"),         # row 6: no such date
        volunteer(id_card=make_id("19851111", 7), politics="党员"),   # row 7: enum
        volunteer(id_card=make_id("19851111", 8), name=None),         # row 8: required
        volunteer(id_card=make_id("19851111", 9), team="不存在的队"),  # row 9: team
        volunteer(id_card=make_id("19851111", 9)),                    # row 10: duplicate
    ]})
    found = codes_at(run(unit_dir, config))
    assert found == {
        ("id-card-numeric", "队员!D3"),
        ("id-card-checksum", "队员!D4"),
        ("phone-invalid", "队员!F4"),
        ("id-card-old", "队员!D5"),
        ("id-card-birthdate", "队员!D6"),
        ("enum-invalid", "队员!E7"),
        ("required-missing", "队员!B8"),
        ("team-unknown", "队员!G9"),
        ("duplicate-id-card", "队员!D10"),
        ("id-card-gender-mismatch", "队员!C8"),  # seq 008: even 17th digit = 女
    }


def test_header_variants_title_rows_and_blank_rows(unit_dir: Path, config: Config) -> None:
    header = ["序 号", "姓名（必填）", "性别*", "身份证号", "政治面貌", "手机号码", "所属队伍",
              "所在村(社区)", "是否注册志愿者"]
    row = [1, "张三", "男", make_id("19900101", 11), "群众", 13891600009.0, TEAM["name"],
           "莲花社区", "√"]
    team_header = ["序号", "队伍名称", "队伍类别", "队伍层级", "所在村（社区）", "负责人",
                   "联系电话", "成立时间", "是否注册"]
    write_sheets(unit_dir / "花名册（改过名字）.xlsx", {
        "队伍": [["城北街道志愿服务队伍花名册"], [], team_header,
                 [1, TEAM["name"], "理论宣讲", "镇级", None, "李明", "0916-6321001",
                  date(2021, 5, 4), "是"]],
        "队员": [["标题"], ["副标题"], ["制表日期"], header, [], [None] * 9, row, [], row[:3] +
                 [make_id("19900101", 13)] + row[4:]],
    })
    result = validate_paths([unit_dir], config)
    assert codes_at(result.report.issues) == set()
    people = result.units[0].volunteers
    assert [p.row for p in people] == [7, 9]
    assert people[0].phone == "13891600009" and people[0].registered == "是"
    assert result.units[0].teams[0].founded == date(2021, 5, 4)


def test_missing_column_and_missing_sheet(unit_dir: Path, config: Config) -> None:
    write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {
        "队员": [["姓名", "性别", "政治面貌", "联系电话", "所属队伍", "是否注册志愿者"],
                 ["张三", "男", "群众", "13891600009", "某队", "是"]],
    })
    found = codes_at(run(unit_dir, config))
    assert ("column-missing", "队员!A1") in found
    assert ("sheet-missing", "队伍") in found


def test_activity_rules(make_book: MakeBook, unit_dir: Path, config: Config) -> None:
    base = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
            "status": "已开展", "held_on": "2022-3-5", "team": TEAM["name"]}
    make_book("roster", {"队伍": [TEAM], "队员": [volunteer()]})
    make_book("activities", {"活动": [
        base,                                                  # row 3 ok
        {**base, "held_on": None},                             # row 4 activity-date-missing
        {**base, "held_on": "2021-3-5"},                        # row 5 date-out-of-year
        {**base, "plan_time": 2022.1},                          # row 6 ambiguous number
        {**base, "plan_time": "2022-2-30"},                     # row 7 date-invalid
        {**base, "team": "别的队"},                              # row 8 team-reference-unknown
        {**base, "photos": "不存在.jpg"},                         # row 9 photo-missing
        {**base, "status": "搞了"},                              # row 10 enum-invalid
    ]})
    found = codes_at(run(unit_dir, config))
    assert found == {
        ("activity-date-missing", "活动!G4"),
        ("date-out-of-year", "活动!G5"),
        ("date-ambiguous", "活动!F6"),
        ("date-invalid", "活动!F7"),
        ("team-reference-unknown", "活动!I8"),
        ("photo-missing", "活动!N9"),
        ("enum-invalid", "活动!L10"),
    }


def test_sites_projects_profile(make_book: MakeBook, unit_dir: Path, config: Config) -> None:
    make_book("profile", {
        "基本情况": [{"unit_name": "城南街道", "unit_type": "街道", "contact": "刘洋",
                      "phone": "6321001", "signature": "城北街道"}],
        "阵地": [{"name": "某站", "site_type": "实践站", "signboard": "是", "hours": "全天",
                  "keeper": "陈静"},
                 {"name": "某站2", "site_type": "实践站", "village": "不存在村", "signboard": "是",
                  "hours": "全天", "keeper": "陈静"}],
        "自评": [{"code": "1.1", "dimension": "有场所", "narrative": "建成"}],
        "小结": [{"practices": "做法"}],
    })
    make_book("projects", {"项目": [
        {"name": "助老", "type": "特惠性", "field": "养老", "target": "老人", "team": "某队",
         "start": "2022-6-1", "end": "2022-1-1"},
    ]})
    found = codes_at(run(unit_dir, config))
    assert found == {
        ("unit-name-mismatch", "基本情况!B3"),
        ("phone-no-area-code", "基本情况!B7"),
        ("village-required", "阵地!D3"),
        ("village-unknown", "阵地!D4"),
        ("assessment-item-missing", ""),
        ("date-order", "项目!J3"),
    }


def test_unreadable_files_are_issues_not_crashes(unit_dir: Path, config: Config) -> None:
    (unit_dir / "志愿服务队伍花名册.xlsx").write_text("这不是 Excel", encoding="utf-8")
    (unit_dir / "活动.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (unit_dir / "~$志愿服务项目表.xlsx").write_bytes(b"lock")
    (unit_dir / "空文件.xlsx").write_bytes(b"")
    issues = run(unit_dir, config)
    by_file = {(Path(i.file).name, i.code) for i in issues if i.code != "workbook-missing"}
    assert by_file == {
        ("志愿服务队伍花名册.xlsx", "file-unreadable"),
        ("活动.csv", "file-format-unsupported"),
        ("空文件.xlsx", "file-unreadable"),
    }


def test_untouched_templates_report_no_data(tmp_path: Path, config: Config) -> None:
    from wenming_cli.schema import WORKBOOKS
    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    for spec in WORKBOOKS:
        write_workbook(tmp_path / "城北街道" / spec.file_name, spec, unit_setup(config, "城北街道"),
                       config)
    result = validate_paths([tmp_path], config)
    assert [i.code for i in result.report.issues] == ["no-data"] * 4 + ["unit-empty"]
    assert not result.report.valid  # the same verdict as report, which refuses such a unit
    unit = result.units[0]
    assert len(unit.assessments) == 24 and unit.volunteers == [] and unit.info is not None
    assert unit.info.village_total == 19


def test_template_round_trip_headers_and_markers(tmp_path: Path, config: Config) -> None:
    from python_calamine import CalamineWorkbook

    from wenming_cli.read import read_workbook
    from wenming_cli.schema import ROSTER
    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    path = tmp_path / "城北街道" / "随便起的名字.xlsx"
    write_workbook(path, ROSTER, unit_setup(config, "城北街道"), config)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["填表说明", "队伍", "队员", "_wenming"]
    data = read_workbook(path)
    assert data is not None and data.spec.kind == "roster"
    assert data.sheets["队员"][0].header_row == 2 and data.sheets["队员"][0].rows == []

    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["队员"]
    assert ws["D2"].value == "身份证号码*" and ws["D10"].number_format == "@"
    assert ws.freeze_panes == "C3"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C3"] == '"男,女"'
    assert lists["G3"].startswith("'队伍'!$B$3")
    assert wb["_wenming"].sheet_state == "hidden"
    villages = [c.value for c in wb["_wenming"]["D"][1:] if c.value]
    assert villages == config.town("城北街道").villages  # type: ignore[union-attr]


def test_merged_team_cells_footer_rows_and_renamed_sheet(unit_dir: Path, config: Config) -> None:
    from openpyxl import Workbook

    from conftest import headers
    from wenming_cli.schema import Team, Volunteer

    wb = Workbook()
    teams = wb.active
    teams.title = "队伍"
    teams.append(["标题"])
    teams.append(headers(Team))
    teams.append([1, TEAM["name"], "理论宣讲", "镇级", None, "李明", "13891600001", None, "是"])
    people = wb.create_sheet("Sheet1")  # renamed by the clerk
    people.append(headers(Volunteer))
    for i in range(3):
        people.append([i + 1, f"张{i}", "男", make_id("19900101", 11 + 2 * i), "群众", "13891600002",
                       TEAM["name"] if i == 0 else None, None, "是"])
    people.merge_cells("G2:G4")  # 所属队伍 merged over the three rows
    people.append(["合计", "3人"])
    people.append(["填表人：刘洋", None, None, "审核人：张华"])
    wb.save(unit_dir / "花名册.xlsx")
    result = validate_paths([unit_dir], config)
    assert codes_at(result.report.issues) == {("sheet-renamed", "Sheet1")}
    volunteers = result.units[0].volunteers
    assert [v.team for v in volunteers] == [TEAM["name"]] * 3
    assert [v.row for v in volunteers] == [2, 3, 4]


def test_workbook_of_another_unit(tmp_path: Path, config: Config) -> None:
    from wenming_cli.schema import ROSTER
    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    folder = tmp_path / "城北街道"
    write_workbook(folder / "花名册.xlsx", ROSTER, unit_setup(config, "城南街道"), config,
                   rows={"队伍": [TEAM], "队员": [volunteer()]})
    issues = validate_paths([folder], config).report.issues
    other = [i for i in issues if i.code == "workbook-other-unit"]
    assert len(other) == 1 and other[0].is_error and "城南街道" in other[0].message


def test_assessment_rows_without_narrative(make_book: MakeBook, unit_dir: Path,
                                           config: Config) -> None:
    rows = [{"code": i.code, "dimension": i.dimension, "narrative": "已完成。", "conclusion": "达标"}
            for i in config.items]
    rows[1] = {**rows[1], "narrative": None}
    rows[5] = {**rows[5], "conclusion": "基本达标"}
    make_book("profile", {"基本情况": [{"unit_name": "城北街道", "unit_type": "街道", "contact": "刘洋",
                                        "phone": "0916-6321001", "signature": "城北街道"}],
                          "阵地": [], "自评": rows, "小结": []})
    found = codes_at(run(unit_dir, config))
    assert found == {("assessment-missing", "自评!D4")}
    from wenming_cli.criteria import build_checklist

    unit = validate_paths([unit_dir], config).units[0]
    item = {r.item.code: r for r in build_checklist(unit, config).items}
    assert item["1.2"].entry_gaps and item["1.6"].entry_gaps  # no 整改措施 for 基本达标
    assert item["1.4"].status == "达标"


def test_photo_unreadable_and_case_insensitive(make_book: MakeBook, unit_dir: Path,
                                               config: Config) -> None:
    from PIL import Image

    photos = unit_dir / "图片资料"
    photos.mkdir()
    Image.new("RGB", (40, 30), "blue").save(photos / "好图.JPG")
    (photos / "坏图.jpg").write_text("不是图片", encoding="utf-8")
    base = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
            "status": "已开展", "held_on": "2022-3-5"}
    make_book("activities", {"活动": [{**base, "photos": "好图.jpg"},
                                      {**base, "photos": "坏图.jpg、没有.jpg"}]})
    found = codes_at(run(unit_dir, config))
    assert found == {("photo-unreadable", "活动!N4"), ("photo-missing", "活动!N4")}


def test_unknown_folder_name_suggests_the_right_one(tmp_path: Path, config: Config) -> None:
    from wenming_cli.checks import _unit_name_hint

    assert _unit_name_hint("城北街道 ", config) == "文件夹名前后多了空格，请改成“城北街道”。"
    assert _unit_name_hint("西乡县文旅局", config).startswith("是不是“县文旅局”")


def test_config_rejects_unknown_category_names(tmp_path: Path) -> None:
    import pytest

    from wenming_cli.config import ConfigError, load_config

    (tmp_path / "wenming.toml").write_text(
        '[thresholds]\nrequired_team_categories = ["党员", "应急"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="“应急”不是可选的名称"):
        load_config(tmp_path)
    (tmp_path / "wenming.toml").write_text("[thresholds]\ncoverage_rate = 90\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="90% 写 0.9"):
        load_config(tmp_path)


def test_build_many_makes_what_model_construct_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming_cli.schema import base
    from wenming_cli.schema.roster import Volunteer

    names = ["row", *(name for name, _ in Volunteer.columns())]
    rows = [[3, "1", "王小红", "女", make_id("19900101", 122), "群众", "13891600002", "队", None,
             "是", 12.5, None, None],
            [4, None, "李四", "男", None, None, None, None, "莲花社区", "否", None, "宣讲", "备注"]]
    expected = [Volunteer.model_construct(set(names), **dict(zip(names, r, strict=True)))
                for r in rows]
    fast = Volunteer.build_many(names, iter(rows))
    assert fast == expected
    assert [repr(v) for v in fast] == [repr(v) for v in expected]
    assert fast[0].model_fields_set == set(names) and fast[1].hours is None
    with pytest.raises(ValueError):  # frozen like every sheet model
        fast[0].name = "改"  # type: ignore[misc]
    assert fast[0].model_dump() == expected[0].model_dump()
    # another pydantic version: the first instance differs, every row is built the slow way
    monkeypatch.setattr(base, "_same_as_construct", lambda item, fields: False)
    assert Volunteer.build_many(names, iter(rows)) == expected
    # a row shape that does not name every field falls back too
    short = Volunteer.build_many(["row", "name"], iter([[5, "张三"]]))
    assert short == [Volunteer.model_construct({"row", "name"}, row=5, name="张三")]


def test_every_issue_knows_its_unit(config: Config) -> None:
    from wenming_cli.cli import bundled_sample_data

    result = validate_paths([bundled_sample_data()], config)
    assert result.report.issues
    names = {u.name for u in result.units}
    for issue in result.report.issues:
        assert issue.unit in names
        assert Path(issue.file).resolve().is_relative_to(
            (bundled_sample_data() / issue.unit).resolve())
        assert issue.to_dict()["unit"] == issue.unit


def test_the_code_registry_decides_the_severity() -> None:
    from wenming_cli.codes import ISSUE_CODES

    wrong = Issue("f.xlsx", "队员", "D7", 7, "D", "身份证号码", "id-card-numeric", "警告", "m", "h")
    assert wrong.severity == ISSUE_CODES["id-card-numeric"][0] == "错误"
    for severity in ("错误", "警告"):  # the one code whose severity depends on the column
        kept = Issue("f.xlsx", "队员", "A3", 3, "A", "", "formula-no-value", severity, "m", "h")
        assert kept.severity == severity


def test_counts_that_are_phone_numbers_and_activities_after_the_period(
        make_book: MakeBook, unit_dir: Path, config: Config) -> None:
    act = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年7月",
           "held_on": "2022-7-14", "status": "已开展", "served": 13891612345}
    make_book("activities", {"活动": [act]})
    found = codes_at(run(unit_dir, config))
    assert found == {("number-invalid", "活动!K3"), ("date-outside-period", "活动!G3")}
