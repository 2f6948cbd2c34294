"""Every row a clerk or another program wrote is read, or named (issue: reading).

Each habit of the issue's table is built in tmp_path — from the product's own template and from a
workbook written without it — and asserts the exact figures of the clean workbook or the exact
issue code and cell.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import headers, make_id, record, write_sheets
from wenming_cli.config import Config
from wenming_cli.issues import Issue
from wenming_cli.schema import ROSTER, Activity, Team, Volunteer
from wenming_cli.validate import ValidationResult, validate_paths

TEAMS = [
    {"name": "城北街道党员志愿服务队", "category": "党员", "level": "镇级", "leader": "李明",
     "phone": "13891600001", "registered": "是"},
    {"name": "城北街道理论宣讲志愿服务队", "category": "理论宣讲", "level": "镇级", "leader": "王芳",
     "phone": "13891600003", "registered": "是"},
]


def people(n: int, team: str = TEAMS[0]["name"], start: int = 0) -> list[dict[str, Any]]:
    """``n`` valid volunteers with distinct IDs (gender from the ID's 17th digit)."""
    out = []
    for i in range(start, start + n):
        seq = 100 + i
        out.append({"seq": i + 1, "name": f"队员{i}", "gender": "男" if seq % 2 else "女",
                    "id_card": make_id("19900101", seq), "politics": "群众",
                    "phone": f"1389160{i:04d}", "team": team, "registered": "是"})
    return out


def run(folder: Path, config: Config) -> ValidationResult:
    return validate_paths([folder], config)


def found(result: ValidationResult) -> set[tuple[str, str]]:
    """(code, location) of every issue but the workbook-missing noise."""
    return {(i.code, i.location) for i in result.report.issues if i.code != "workbook-missing"}


def by_code(result: ValidationResult, code: str) -> list[Issue]:
    return [i for i in result.report.issues if i.code == code]


def rows_of(model: type, records: list[dict[str, Any]]) -> list[list[Any]]:
    return [record(model, **r) for r in records]


def roster_sheets(volunteers: list[list[list[Any]]], names: list[str] | None = None
                  ) -> dict[str, list[list[Any]]]:
    """队伍 plus one 队员 sheet per block of rows (title row, header, rows)."""
    sheets: dict[str, list[list[Any]]] = {"队伍": [["队伍"], headers(Team), *rows_of(Team, TEAMS)]}
    names = names or ["队员", "队员（二）", "队员（三）"]
    for name, rows in zip(names, volunteers, strict=False):
        sheets[name] = [["花名册"], headers(Volunteer), *rows]
    return sheets


def unit(tmp_path: Path, name: str = "城北街道") -> Path:
    folder = tmp_path / "data" / name
    folder.mkdir(parents=True)
    return folder


def from_template(folder: Path, config: Config, fill: Any) -> Path:
    """The product's own roster template for 城北街道, changed by ``fill(workbook)``."""
    from openpyxl import load_workbook

    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    path = folder / ROSTER.file_name
    write_workbook(path, ROSTER, unit_setup(config, "城北街道"), config,
                   {"队伍": TEAMS, "队员": []})
    wb = load_workbook(path)
    fill(wb)
    wb.save(path)
    return path


def append(ws: Any, rows: list[list[Any]]) -> None:
    for row in rows:
        ws.append(row)


# ---------------------------------------------------------------- several sheets of one kind


def test_roster_split_over_two_sheets_reads_both(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    first, second = people(150), people(150, TEAMS[1]["name"], start=150)
    write_sheets(folder / ROSTER.file_name,
                 roster_sheets([rows_of(Volunteer, first), rows_of(Volunteer, second)]))
    result = run(folder, config)
    assert found(result) == set()
    volunteers = result.units[0].volunteers
    assert len(volunteers) == 300
    assert {v.sheet for v in volunteers} == {"队员", "队员（二）"}
    lines = [line.text() for line in result.units[0].reading]
    assert "队员：150 人" in lines and "队员（二）：150 人（按“队员”读取）" in lines


def test_split_sheet_from_the_template_and_duplicates_across_sheets(tmp_path: Path,
                                                                    config: Config) -> None:
    folder = unit(tmp_path)
    everyone = people(20)

    def fill(wb: Any) -> None:
        ws = wb["队员"]
        append(ws, rows_of(Volunteer, everyone[:10]))
        second = wb.copy_worksheet(ws)
        second.title = "队员（二）"
        second.delete_rows(3, second.max_row)
        append(second, rows_of(Volunteer, everyone[10:] + [everyone[0]]))

    from_template(folder, config, fill)
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 21
    dup = by_code(result, "duplicate-id-card")
    assert [(i.location, i.message) for i in dup] == [
        ("队员（二）!D13", "身份证号码与“队员”第 3 行重复")]


def test_activities_split_over_two_sheets(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    act = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
           "held_on": "2022-3-5", "status": "已开展", "served": 100}
    sheets = {"一季度": [["活动"], headers(Activity), *rows_of(Activity, [act] * 3)],
              "二季度": [["活动"], headers(Activity), *rows_of(Activity, [act] * 4)]}
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx", sheets)
    result = run(folder, config)
    assert len(result.units[0].activities) == 7
    assert {i.code for i in result.report.issues} <= {"workbook-missing", "sheet-renamed"}


def test_sheet1_sheet2_roster_is_a_roster_not_a_profile(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    write_sheets(folder / "志愿服务队伍花名册.xlsx", {
        "Sheet1": [headers(Team), *rows_of(Team, TEAMS)],
        "Sheet2": [headers(Volunteer), *rows_of(Volunteer, people(30))],
    })
    result = run(folder, config)
    u = result.units[0]
    assert "roster" in u.files and "profile" not in u.files
    assert len(u.teams) == 2 and len(u.volunteers) == 30
    assert found(result) == {("sheet-renamed", "Sheet1"), ("sheet-renamed", "Sheet2")}


def test_sheet_of_another_kind_is_named(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    sheets = roster_sheets([rows_of(Volunteer, people(3))])
    act = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月", "status": "计划中"}
    sheets["活动安排"] = [headers(Activity), *rows_of(Activity, [act])]
    sheets["统计"] = [["随手记的数"], [1, 2, 3]]
    write_sheets(folder / ROSTER.file_name, sheets)
    result = run(folder, config)
    assert found(result) == {("sheet-other-kind", "活动安排"), ("sheet-unknown", "统计")}


# ---------------------------------------------------------------- rows that are not records


FOOTERS = [["合　计", None, None, None, None, None, None, None, None],
           ["共计：300人"],
           ["填表人：张三　　审核人：李四　　填表日期：2022年7月1日"],
           [301, "合计", "300人"]]


@pytest.mark.parametrize("footer", FOOTERS, ids=["full-width", "共计", "填表人", "序号合计"])
def test_footer_rows_are_not_people(tmp_path: Path, config: Config, footer: list[Any]) -> None:
    folder = unit(tmp_path)
    rows = rows_of(Volunteer, people(300)) + [[], footer]
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows]))
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 300
    assert found(result) == set()
    skipped = dict(result.units[0].reading[1].skipped)
    assert sum(skipped.values()) == 2 and skipped["空行"] == 1


def test_footer_total_that_disagrees_is_a_warning(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    rows = rows_of(Volunteer, people(298)) + [["合计", "300人"]]
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows]))
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 298
    [issue] = by_code(result, "footer-total-mismatch")
    assert issue.location == "队员!B301"
    assert issue.message == "合计行写的共 300人，表中实际读到 298人"


def test_activity_footer_sums_are_checked_against_the_column(tmp_path: Path,
                                                             config: Config) -> None:
    folder = unit(tmp_path)
    act = {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
           "held_on": "2022-3-5", "status": "已开展", "served": 100}
    footer = record(Activity, seq="合计", served=350)
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx",
                 {"活动": [["活动"], headers(Activity), *rows_of(Activity, [act] * 3), footer]})
    result = run(folder, config)
    assert len(result.units[0].activities) == 3
    [issue] = by_code(result, "footer-total-mismatch")
    assert issue.message == "合计行写的“服务群众（人次）”合计 350，表中实际读到“服务群众（人次）”合计 300"


def test_roster_pasted_team_by_team(tmp_path: Path, config: Config) -> None:
    """A block title row (merged across) and a repeated header before each team; 所属队伍 blank
    under the title: the rows are that team's, with a warning per block."""
    from openpyxl import Workbook

    folder = unit(tmp_path)
    first = [dict(p, team=None) for p in people(49)]
    second = people(22, TEAMS[1]["name"], start=49)
    wb = Workbook()
    ws = wb.active
    ws.title = "队伍"
    append(ws, [headers(Team), *rows_of(Team, TEAMS)])
    ws = wb.create_sheet("队员")
    ws.append(["城北街道志愿者花名册"])
    ws.append(headers(Volunteer))
    for title, block in ((f"{TEAMS[0]['name']}（49人）", first), (f"{TEAMS[1]['name']}（20人）", second)):
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=12)
        ws.append(headers(Volunteer))
        append(ws, rows_of(Volunteer, block))
    ws.append(["合计", "71人"])
    wb.save(folder / ROSTER.file_name)
    result = run(folder, config)
    u = result.units[0]
    assert len(u.volunteers) == 71
    assert sum(v.team == TEAMS[0]["name"] for v in u.volunteers) == 49
    assert found(result) == {("team-from-title", "队员!A3"), ("block-count-mismatch", "队员!A54")}
    assert dict(u.reading[1].skipped) == {"合计行": 1, "标题行": 2, "重复表头": 2}
    assert not by_code(result, "enum-invalid")


def test_numbered_empty_rows_are_not_people(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    rows = rows_of(Volunteer, people(5)) + [[n] for n in range(6, 30)]
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows]))
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 5 and found(result) == set()
    assert dict(result.units[0].reading[1].skipped) == {"只有序号的空行": 24}


# ---------------------------------------------------------------- dates as people type them


def activity_book(folder: Path, held: list[Any]) -> None:
    rows = [record(Activity, name=f"活动{i}", category="宣传宣讲党的政策", plan_time="2022年3月",
                   held_on=value, status="已开展") for i, value in enumerate(held)]
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx", {"活动": [["活动"], headers(Activity), *rows]})


def test_dates_as_people_type_them(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    activity_book(folder, [3.5, 20220318, "2022-07-14 00:00:00", "2022-01-20 09:30", "3月5日"])
    result = run(folder, config)
    held = [a.held_on for a in result.units[0].activities]
    assert held == [None, date(2022, 3, 18), date(2022, 7, 14), date(2022, 1, 20), date(2022, 3, 5)]
    assert found(result) == {("date-number", "活动!G3"), ("date-time-dropped", "活动!G6"),
                             ("date-year-assumed", "活动!G7"),
                             ("date-outside-period", "活动!G5")}  # 7月14日: not in 上半年
    [number] = by_code(result, "date-number")
    assert number.message == "单元格是数字 3.5，不是日期"
    assert not by_code(result, "activity-date-missing")  # the cell already has its error


# ---------------------------------------------------------------- forms and headers


def test_form_sheets_behind_an_index_column(tmp_path: Path, config: Config) -> None:
    """基本情况 and 小结 written by pandas ``to_excel(index=True)``: an index in column A."""
    folder = unit(tmp_path)
    info = [["单位名称", "城北街道"], ["单位类型", "街道"], ["联系人", "刘洋"],
            ["联系电话", "0916-6321001"], ["落款单位", "中共西乡县委城北街道工作委员会"]]
    summary = [["主要做法", "做法"], ["特色亮点", "亮点"], ["存在问题", "问题"], ["下步打算", "打算"]]
    write_sheets(folder / "基本情况与自评表.xlsx", {
        "基本情况": [[None, "项目", "内容"], *([i, *row] for i, row in enumerate(info))],
        "小结": [[None, "项目", "内容"], *([i, *row] for i, row in enumerate(summary))],
    })
    result = run(folder, config)
    u = result.units[0]
    assert u.info is not None and u.info.unit_name == "城北街道" and u.info.contact == "刘洋"
    assert u.summary is not None and u.summary.problems == "问题"
    assert not by_code(result, "required-missing") and not by_code(result, "summary-missing")


def test_form_value_errors_point_at_the_real_cell(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    write_sheets(folder / "基本情况与自评表.xlsx", {"基本情况": [
        [None, "项目", "内容"], [0, "单位名称", "城北街道"], [1, "单位类型", "街道"],
        [2, "联系人", "刘洋"], [3, "联系电话", "12345"], [4, "落款单位", "城北街道"]]})
    result = run(folder, config)
    assert ("phone-invalid", "基本情况!C5") in found(result)


def test_header_below_many_note_lines(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    notes = [[f"填表说明第{i}条"] for i in range(14)]
    write_sheets(folder / ROSTER.file_name, {
        "队伍": [headers(Team), *rows_of(Team, TEAMS)],
        "队员": [*notes, headers(Volunteer), *rows_of(Volunteer, people(3))]})
    assert len(run(folder, config).units[0].volunteers) == 3
    write_sheets(folder / ROSTER.file_name, {
        "队伍": [headers(Team), *rows_of(Team, TEAMS)],
        "队员": [*notes * 3, headers(Volunteer), *rows_of(Volunteer, people(3))]})
    result = run(folder, config)
    [issue] = by_code(result, "header-not-found")
    assert issue.location == "队员!A43"
    assert "删除表头上方的说明行" in issue.hint


def test_national_system_export_headers(tmp_path: Path, config: Config) -> None:
    """证件号码/所属组织/联系方式/*姓名 and 志愿者编号 without 是否注册志愿者."""
    folder = unit(tmp_path)
    header = ["序号", "*姓名", "性别", "证件号码", "政治面貌", "联系方式", "所属组织", "志愿者编号"]
    rows = [[p["seq"], p["name"], p["gender"], p["id_card"], p["politics"], p["phone"], p["team"],
             f"V{i:06d}"] for i, p in enumerate(people(12))]
    write_sheets(folder / ROSTER.file_name, {"队伍": [headers(Team), *rows_of(Team, TEAMS)],
                                             "队员": [header, *rows]})
    result = run(folder, config)
    volunteers = result.units[0].volunteers
    assert len(volunteers) == 12 and all(v.registered == "是" for v in volunteers)
    assert found(result) == {("column-implied", "队员!A1")}
    assert "12 人都计为“是”" in by_code(result, "column-implied")[0].message


def test_ods_renamed_xlsx_is_named(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    path = folder / ROSTER.file_name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    result = run(folder, config)
    [issue] = by_code(result, "file-format-unsupported")
    assert "ODS" in issue.message and "另存为" in issue.hint


def test_folder_named_after_the_unit_with_more_words(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path, "城北街道自评材料")
    from_template(folder, config, lambda wb: append(wb["队员"], rows_of(Volunteer, people(4))))
    result = run(folder, config)
    assert result.units[0].name == "城北街道" and result.units[0].kind == "town"
    assert {i.code for i in result.report.issues} == {"unit-folder-renamed", "workbook-missing"}
    assert len(result.units[0].volunteers) == 4


# ---------------------------------------------------------------- accounting invariant


def _non_blank_below(path: Path, sheet: str, header_row: int) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)
    return sum(1 for row in rows[header_row:]
               if any(v not in (None, "") and (not isinstance(v, str) or v.strip()) for v in row))


def assert_accounted(folder: Path, config: Config) -> int:
    """Every non-blank row below a table's header is a record or a counted skip."""
    from wenming_cli.read import read_workbook
    from wenming_cli.rows import SKIP_BLANK

    checked = 0
    for path in sorted(folder.glob("*.xlsx")):
        book = read_workbook(path)
        if book is None:
            continue
        for data in book.all_sheets():
            if data.model.layout == "form":
                continue
            skipped = sum(n for reason, n in data.skipped.items() if reason != SKIP_BLANK)
            assert _non_blank_below(path, data.sheet_name, data.header_row) == len(data.rows) + skipped, \
                (path.name, data.sheet_name)
            checked += 1
    return checked


def test_every_row_accounted_in_the_sample_data(config: Config) -> None:
    from wenming_cli.cli import bundled_sample_data

    total = sum(assert_accounted(folder, config) for folder in sorted(bundled_sample_data().iterdir())
                if folder.is_dir())
    assert total == 6 * 6  # 阵地, 自评, 队伍, 队员, 活动, 项目 in each of the six units


def test_every_row_accounted_in_the_habits(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    rows = rows_of(Volunteer, people(20)) + [[], ["城北街道理论宣讲志愿服务队"], headers(Volunteer),
                                            *rows_of(Volunteer, people(5, start=20)), [], FOOTERS[0],
                                            FOOTERS[2], [31]]
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows, rows_of(Volunteer, people(3, start=40))]))
    assert assert_accounted(folder, config) == 3


# ---------------------------------------------------------------- property: layout never changes records


def _key(result: ValidationResult) -> list[tuple[Any, ...]]:
    return sorted(tuple(map(str, (v.name, v.gender, v.id_card, v.politics, v.phone, v.team,
                                  v.registered))) for v in result.units[0].volunteers)


SPACES = st.sampled_from(["", " ", "\u3000", "  "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(list(range(len(Volunteer.columns())))),
       pad=st.lists(SPACES, min_size=len(Volunteer.columns()), max_size=len(Volunteer.columns())),
       split=st.integers(min_value=0, max_value=12), names=st.sampled_from(
           [("队员", "队员（二）"), ("Sheet2", "Sheet3"), ("花名册一", "花名册二")]),
       teams_last=st.booleans(), extras=st.lists(st.sampled_from(
           ["blank", "footer", "title", "header", "signature"]), max_size=4))
def test_layout_never_changes_the_records(tmp_path_factory: pytest.TempPathFactory, config: Config,
                                          order: list[int], pad: list[str], split: int,
                                          names: tuple[str, str], teams_last: bool,
                                          extras: list[str]) -> None:
    folder = unit(tmp_path_factory.mktemp("layout"))
    header = [pad[i] + text[:1] + pad[i] + text[1:] for i, text in enumerate(headers(Volunteer))]
    body = rows_of(Volunteer, people(12))
    moved = [[row[i] for i in order] for row in body]
    head = [header[i] for i in order]
    extra_rows = {"blank": [], "footer": ["合　计", "12人"], "title": ["城北街道志愿者名单（续）"],
                  "header": head, "signature": ["填表人：张三"]}
    first = moved[:split] + [extra_rows[e] for e in extras if e in ("blank", "title", "header")]
    second = moved[split:] + [extra_rows[e] for e in extras if e in ("footer", "signature", "blank")]
    sheets: dict[str, list[list[Any]]] = {names[0]: [["花名册"], head, *first]}
    if second:
        sheets[names[1]] = [head, *second]
    teams = [headers(Team), *rows_of(Team, TEAMS)]
    sheets = {**sheets, "队伍": teams} if teams_last else {"队伍": teams, **sheets}
    write_sheets(folder / ROSTER.file_name, sheets)
    clean = unit(tmp_path_factory.mktemp("clean"))
    write_sheets(clean / ROSTER.file_name, roster_sheets([body]))
    assert _key(run(folder, config)) == _key(run(clean, config))


# ---------------------------------------------------------------- second round: a fresh tester's cases


ACT = {"category": "宣传宣讲党的政策", "plan_time": "2022年3月", "held_on": "2022-3-5", "status": "已开展",
       "served": 100}


@pytest.mark.parametrize("name", ["累计服务时长表彰会", "共计划生育政策宣讲", "总计算机技能培训",
                                  "审核通过的志愿者培训", "小计划大梦想", "注册志愿者培训"])
def test_records_whose_name_starts_with_a_footer_word(tmp_path: Path, config: Config,
                                                      name: str) -> None:
    folder = unit(tmp_path)
    rows = [record(Activity, seq=i + 1, name=name if i == 1 else f"活动{i}", **ACT) for i in range(3)]
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx", {"活动": [headers(Activity), *rows]})
    result = run(folder, config)
    assert len(result.units[0].activities) == 3
    assert not by_code(result, "footer-total-mismatch")


@pytest.mark.parametrize("footer", [
    [7, "　合　计", "6人"], ["本页小计：6人"], ["以上共计6人"], ["人数合计", 6], ["总人数：6"], ["【合计】"],
    ["（盖章）"], ["（注：本表不含已退出人员）"], ["Total", 6], [None] * 8 + [date(2022, 7, 1)]])
def test_more_footer_shapes(tmp_path: Path, config: Config, footer: list[Any]) -> None:
    folder = unit(tmp_path)
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows_of(Volunteer, people(6)) + [footer]]))
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 6
    assert found(result) == set()


@pytest.mark.parametrize("seq", [1, "一", "（一）"])
def test_numbered_merged_block_titles(tmp_path: Path, config: Config, seq: object) -> None:
    from openpyxl import Workbook

    folder = unit(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "队伍"
    append(ws, [headers(Team), *rows_of(Team, TEAMS)])
    ws = wb.create_sheet("队员")
    ws.append(headers(Volunteer))
    ws.append([seq, f"{TEAMS[1]['name']}（3人）"])
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=12)
    append(ws, rows_of(Volunteer, [dict(p, team=None) for p in people(3)]))
    wb.save(folder / ROSTER.file_name)
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 3
    assert {v.team for v in result.units[0].volunteers} == {TEAMS[1]["name"]}
    assert found(result) == {("team-from-title", "队员!A2")}


def test_half_filled_rows_are_records_with_errors(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    sheets = roster_sheets([rows_of(Volunteer, people(2))])
    sheets["队伍"].append([None, "城北街道应急救援志愿服务队"])
    write_sheets(folder / ROSTER.file_name, sheets)
    result = run(folder, config)
    assert len(result.units[0].teams) == 3
    assert ("required-missing", "队伍!C5") in found(result)


def test_side_by_side_rosters_are_an_error(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    left, right = rows_of(Volunteer, people(5)), rows_of(Volunteer, people(5, start=5))
    write_sheets(folder / ROSTER.file_name, {
        "队伍": [headers(Team), *rows_of(Team, TEAMS)],
        "队员": [headers(Volunteer) + [None] + headers(Volunteer),
                 *(a + [None] + b for a, b in zip(left, right, strict=True))]})
    result = run(folder, config)
    [issue] = by_code(result, "header-duplicated")
    assert issue.location == "队员!N1" and issue.is_error


def test_unknown_columns_with_data_are_named(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    header = [*headers(Activity), "所在单位"]
    rows = [record(Activity, seq=1, name="宣讲", **ACT) + ["城北街道"]]
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx", {"活动": [header, *rows]})
    result = run(folder, config)
    [issue] = by_code(result, "column-unknown")
    assert issue.location == "活动!P1" and "所在单位" in issue.message


@pytest.mark.parametrize("served_header", ["服务群众人数", "受益群众（人次）", "服务群众（人次）"])
def test_more_header_synonyms(tmp_path: Path, config: Config, served_header: str) -> None:
    folder = unit(tmp_path)
    header = ["序号", "活动名称", "活动类别", "是否喜迎二十大主题活动", "计划时间", "实际开展时间", "开展状态",
              served_header, "活动照片"]
    rows = [[1, "宣讲", "宣传宣讲党的政策", "是", "2022年3月", "2022-3-5", "已开展", 120, None]]
    write_sheets(folder / "文明实践项目活动计划一览表.xlsx", {"活动": [header, *rows]})
    result = run(folder, config)
    [act] = result.units[0].activities
    assert (act.served, act.theme_20th, act.held_on) == (120, "是", date(2022, 3, 5))
    assert not by_code(result, "column-unknown")


def test_annotated_headers(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    header = ["序号", "姓名", "性别（男/女）", "公民身份号码(18位)", "政治面貌", "联系电话", "所属队伍",
              "是否注册(是/否)"]
    rows = [[p["seq"], p["name"], p["gender"], p["id_card"], p["politics"], p["phone"], p["team"], "是"]
            for p in people(4)]
    write_sheets(folder / ROSTER.file_name, {"队伍": [headers(Team), *rows_of(Team, TEAMS)],
                                             "队员": [header, *rows]})
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 4 and found(result) == set()


def test_data_typed_over_the_example_row(tmp_path: Path, config: Config) -> None:
    from openpyxl import load_workbook

    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    folder = unit(tmp_path)
    path = folder / ROSTER.file_name
    write_workbook(path, ROSTER, unit_setup(config, "城北街道"), config)  # blank, with 示例 rows
    wb = load_workbook(path)
    ws = wb["队员"]
    person = people(1)[0]
    for c, value in enumerate(record(Volunteer, **dict(person, seq="示例")), start=1):
        ws.cell(row=3, column=c, value=value)
    wb.save(path)
    result = run(folder, config)
    assert [v.name for v in result.units[0].volunteers] == [person["name"]]
    assert ("example-row-edited", "队员!A3") in found(result)


def test_hidden_and_added_sheets_are_named(tmp_path: Path, config: Config) -> None:
    from openpyxl import load_workbook

    folder = unit(tmp_path)
    path = folder / ROSTER.file_name
    sheets = roster_sheets([rows_of(Volunteer, people(6))])
    sheets["2021年队员"] = [headers(Volunteer), *rows_of(Volunteer, people(6, start=10))]
    sheets["已退出人员"] = [headers(Volunteer), *rows_of(Volunteer, people(2, start=20))]
    write_sheets(path, sheets)
    wb = load_workbook(path)
    wb["2021年队员"].sheet_state = "hidden"
    wb.save(path)
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 8
    assert found(result) == {("sheet-hidden", "2021年队员"), ("sheet-added", "已退出人员")}


def test_subtotals_per_block_are_checked_against_their_block(tmp_path: Path, config: Config) -> None:
    folder = unit(tmp_path)
    rows = [[f"{TEAMS[0]['name']}（5人）"], *rows_of(Volunteer, people(5)), ["小　计", "5人"],
            [f"{TEAMS[1]['name']}（9人）"], *rows_of(Volunteer, people(9, TEAMS[1]["name"], start=5)),
            ["小　计", "9人"], ["合　计", "14人"]]
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows]))
    result = run(folder, config)
    assert len(result.units[0].volunteers) == 14
    assert not by_code(result, "footer-total-mismatch") and not by_code(result, "block-count-mismatch")


def test_item_codes_typed_otherwise(tmp_path: Path, config: Config) -> None:
    from wenming_cli.cells import parse_item_code

    assert [parse_item_code(v)[0] for v in ("1．2", "2、1", "1-1", "4.50", 4.5)] == [
        "1.2", "2.1", "1.1", "4.5", "4.5"]


def test_messages_keep_dates_and_photo_names_readable() -> None:
    from wenming_cli.cells import parse_date, parse_phone
    from wenming_cli.privacy import redact

    assert redact("照片 IMG_20220305_093012.jpg 找不到") == "照片 IMG_20220305_093012.jpg 找不到"
    assert redact("13812345678 与 610724199001011234") == "138****5678 与 610724********1234"
    assert parse_date("2022031")[1][0].message == "“2022 031”不是有效日期"
    assert parse_phone("2022-03-05")[1][0].message == "“2022 03 05”像是日期，不是电话号码"


# ---------------------------------------------------------------- the same habits in our own template


def _in_template(folder: Path, config: Config, rows: list[list[Any]]) -> None:
    from_template(folder, config, lambda wb: append(wb["队员"], rows))


def _plain(folder: Path, config: Config, rows: list[list[Any]]) -> None:
    write_sheets(folder / ROSTER.file_name, roster_sheets([rows]))


@pytest.mark.parametrize("write", [_in_template, _plain], ids=["template", "plain"])
def test_habits_in_the_template_and_without(tmp_path: Path, config: Config, write: Any) -> None:
    folder = unit(tmp_path)
    rows = [[f"{TEAMS[0]['name']}（4人）"], *rows_of(Volunteer, [dict(p, team=None) for p in people(4)]),
            headers(Volunteer), *rows_of(Volunteer, people(3, TEAMS[1]["name"], start=4)), [],
            ["合　计", "7人"], ["填表人：张三　　审核人：李四"], [8], [9]]
    write(folder, config, rows)
    result = run(folder, config)
    volunteers = result.units[0].volunteers
    assert len(volunteers) == 7
    assert sum(v.team == TEAMS[0]["name"] for v in volunteers) == 4
    assert {code for code, _ in found(result)} == {"team-from-title"}
    skipped = dict(next(line for line in result.units[0].reading if line.model == "队员").skipped)
    assert {k: v for k, v in skipped.items() if k != "示例行"} == {
        "合计行": 1, "签名注释行": 1, "标题行": 1, "重复表头": 1, "只有序号的空行": 2, "空行": 1}


def test_a_roster_split_over_sheets_is_capped_as_a_whole(tmp_path: Path, config: Config) -> None:
    """The guard refuses a sheet over 15,000 rows; split over two sheets the same rows are
    refused too (the memory budget of a report is per unit, not per sheet)."""
    folder = unit(tmp_path)
    rows = [record(Volunteer, name=f"人{i}") for i in range(8000)]
    write_sheets(folder / ROSTER.file_name, {"队伍": [headers(Team), *rows_of(Team, TEAMS)],
                                             "队员": [headers(Volunteer), *rows],
                                             "队员（二）": [headers(Volunteer), *rows]})
    result = run(folder, config)
    [issue] = by_code(result, "sheet-too-many-rows")
    assert issue.sheet == "队员、队员（二）" and "合计 16,000 行" in issue.message
    assert result.units[0].volunteers == [] and result.report.unreadable
