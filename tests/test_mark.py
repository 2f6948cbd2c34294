"""``validate --mark`` backend: highlighted copies read back with openpyxl."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import MakeBook, make_id
from wenming_cli.config import Config
from wenming_cli.issues import ERROR, WARNING, Issue
from wenming_cli.mark import (
    AUTHOR,
    ERROR_FILL,
    WARNING_FILL,
    MarkError,
    comment_text,
    mark_all,
    mark_workbook,
    marked_path,
)
from wenming_cli.read import is_skipped_file
from wenming_cli.validate import validate_paths

TEAM = {"name": "城北街道理论宣讲志愿服务队", "category": "理论宣讲", "level": "镇级",
        "leader": "李明", "phone": "13891600001", "registered": "是"}


def person(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {"name": "王小红", "gender": "男", "id_card": make_id("19900101", 123),
                               "politics": "群众", "phone": "13891600002", "team": TEAM["name"],
                               "registered": "是"}
    base.update(overrides)
    return base


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issue(file: Path, sheet: str, cell: str, code: str = "x", severity: str = ERROR,
          message: str = "不对", hint: str = "改一下") -> Issue:
    return Issue(str(file), sheet, cell, 0, "", "", code, severity, message, hint)  # type: ignore[arg-type]


def fill_of(path: Path, sheet: str, ref: str) -> str:
    wb = load_workbook(path)
    color = wb[sheet][ref].fill.fgColor.rgb
    return str(color)[-6:] if wb[sheet][ref].fill.fill_type == "solid" else ""


@pytest.fixture
def bad_roster(make_book: MakeBook) -> Path:
    """队员!D3 numeric ID (error), 队员!F4 phone without area code (warning)."""
    return make_book("roster", {"队伍": [TEAM], "队员": [
        person(id_card=610724199001011234),
        person(id_card=make_id("19900101", 125), phone="6321001"),
    ]})


def test_two_bad_cells_are_filled_and_commented(bad_roster: Path, unit_dir: Path,
                                                config: Config) -> None:
    before = sha(bad_roster)
    issues = validate_paths([unit_dir], config).report.issues
    assert {(i.code, i.location) for i in issues if i.cell} == {
        ("id-card-numeric", "队员!D3"), ("phone-no-area-code", "队员!F4")}
    (copy,) = mark_all(issues)
    assert copy == unit_dir / "志愿服务队伍花名册_问题标注.xlsx"
    assert sha(bad_roster) == before
    wb = load_workbook(copy)
    ws = wb["队员"]
    assert ws["D3"].fill.fill_type == "solid" and ws["D3"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert ws["F4"].fill.fgColor.rgb.endswith(WARNING_FILL)
    assert ws["D3"].comment.author == AUTHOR and ws["F4"].comment.author == AUTHOR
    numeric = next(i for i in issues if i.code == "id-card-numeric")
    assert ws["D3"].comment.text == f"【错误】{numeric.message}\n怎么改：{numeric.hint}"
    assert ws["F4"].comment.text.startswith("【警告】")
    assert ws["B3"].comment is None and ws["B3"].fill.fill_type is None
    assert ws["D3"].value == load_workbook(bad_roster)["队员"]["D3"].value  # data untouched
    assert [p.name for p in unit_dir.iterdir() if p.name.startswith(".")] == []


def test_several_issues_on_one_cell_are_joined_errors_first(bad_roster: Path) -> None:
    first = issue(bad_roster, "队员", "G3", severity=WARNING, message="警告一", hint="提示一")
    second = issue(bad_roster, "队员", "G3", message="错误二", hint="提示二")
    copy = mark_workbook(bad_roster, [first, second])
    ws = load_workbook(copy)["队员"]
    assert ws["G3"].comment.text == "【错误】错误二\n怎么改：提示二\n【警告】警告一\n怎么改：提示一"
    assert ws["G3"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert comment_text([first]) == "【警告】警告一\n怎么改：提示一"


def test_issues_without_cell_or_sheet_are_skipped(bad_roster: Path, unit_dir: Path) -> None:
    before = sha(bad_roster)
    copy = mark_workbook(bad_roster, [
        issue(bad_roster, "", "", code="no-data"),
        issue(bad_roster, "不存在的表", "A1"),
        issue(bad_roster, "队员", "not-a-cell"),
        issue(bad_roster, "队员", "B3"),
    ])
    wb = load_workbook(copy)
    commented = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
                 if c.comment is not None]
    assert commented == [("队员", "B3")]
    assert sha(bad_roster) == before
    assert mark_all([issue(bad_roster, "", ""), issue(unit_dir, "", "")]) == []


def test_remarking_overwrites_the_previous_copy(bad_roster: Path, unit_dir: Path) -> None:
    mark_workbook(bad_roster, [issue(bad_roster, "队员", "B3")])
    copy = mark_workbook(bad_roster, [issue(bad_roster, "队员", "C4", severity=WARNING)])
    ws = load_workbook(copy)["队员"]
    assert ws["B3"].comment is None and ws["B3"].fill.fill_type is None
    assert ws["C4"].fill.fgColor.rgb.endswith(WARNING_FILL)
    assert sorted(p.name for p in unit_dir.iterdir()) == [
        "志愿服务队伍花名册.xlsx", "志愿服务队伍花名册_问题标注.xlsx", "旧版"]
    (kept,) = (unit_dir / "旧版").iterdir()  # the first copy (maybe typed into) is kept
    assert load_workbook(kept)["队员"]["B3"].comment is not None


def test_validate_again_skips_the_marked_copy(bad_roster: Path, unit_dir: Path,
                                              config: Config) -> None:
    first = validate_paths([unit_dir], config).report.issues
    copies = mark_all(first)
    assert is_skipped_file(copies[0])
    again = validate_paths([unit_dir], config).report.issues
    assert again == first  # no workbook-duplicate, nothing read from the copy
    assert mark_all(again) == copies
    assert mark_all([issue(copies[0], "队员", "B3")]) == []  # never marks a marked copy
    assert sorted(p.name for p in unit_dir.iterdir()) == [
        "志愿服务队伍花名册.xlsx", "志愿服务队伍花名册_问题标注.xlsx", "旧版"]


def test_marked_copies_are_skipped_but_look_alikes_are_not() -> None:
    assert is_skipped_file(Path("花名册_问题标注.xlsx"))
    assert is_skipped_file(Path("花名册_问题标注.XLSM"))
    assert is_skipped_file(Path("~$花名册.xlsx")) and is_skipped_file(Path(".~wenming-1.xlsx"))
    assert not is_skipped_file(Path("花名册_问题标注说明.xlsx"))
    assert not is_skipped_file(Path("问题标注.xlsx")) and not is_skipped_file(Path("花名册.xlsx"))
    assert marked_path(Path("a/花名册.XLSX")) == Path("a/花名册_问题标注.xlsx")


def test_xls_and_missing_files(tmp_path: Path) -> None:
    legacy = tmp_path / "花名册.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(MarkError, match="另存为 .xlsx"):
        mark_workbook(legacy, [issue(legacy, "队员", "B3")])
    assert mark_all([issue(legacy, "队员", "B3"), issue(tmp_path / "没有.xlsx", "队员", "B3"),
                     issue(tmp_path / "活动.csv", "活动", "A1")]) == []
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(MarkError, match="无法打开"):
        mark_workbook(broken, [issue(broken, "队员", "B3")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["坏.xlsx", "花名册.xls"]


def test_xlsm_keeps_its_suffix(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "队员"
    wb.active["B3"] = "张三"
    path = tmp_path / "花名册.xlsm"
    wb.save(path)
    before = sha(path)
    copy = mark_workbook(path, [issue(path, "队员", "B3")])
    assert copy.name == "花名册_问题标注.xlsm" and sha(path) == before
    marked = load_workbook(copy, keep_vba=True)
    marked.vba_archive.close()
    assert marked["队员"]["B3"].comment.author == AUTHOR


def test_merged_cells_and_existing_comments(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws["B3"] = "合并"
    ws.merge_cells("B3:B5")
    ws["C3"] = "x"
    ws["C3"].comment = Comment("原来的说明", "李明")
    path = tmp_path / "活动.xlsx"
    wb.save(path)
    copy = mark_workbook(path, [issue(path, "活动", "B4"), issue(path, "活动", "C3")])
    ws = load_workbook(copy)["活动"]
    assert ws["B3"].comment.text.startswith("【错误】")
    assert ws["C3"].comment.text.endswith("——原批注——\n原来的说明")


def test_locked_copy_gives_a_clear_error(bad_roster: Path, unit_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import wenming_cli.files as files

    def locked(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(MarkError, match="文件被占用，请关闭后重试") as info:
        mark_all([issue(bad_roster, "队员", "B3")])
    assert info.value.written == []
    assert sorted(p.name for p in unit_dir.iterdir()) == ["志愿服务队伍花名册.xlsx"]


def test_template_workbook_keeps_dropdowns(tmp_path: Path, config: Config) -> None:
    from wenming_cli.schema import ROSTER
    from wenming_cli.xlsx_templates import unit_setup, write_workbook

    path = tmp_path / "城北街道" / "志愿服务队伍花名册.xlsx"
    write_workbook(path, ROSTER, unit_setup(config, "城北街道"), config)
    before = sha(path)
    copy = mark_workbook(path, [issue(path, "队员", "C3", severity=WARNING)])
    assert sha(path) == before
    original, marked = load_workbook(path), load_workbook(copy)
    assert len(marked["队员"].data_validations.dataValidation) == len(
        original["队员"].data_validations.dataValidation) > 0
    assert marked.sheetnames == original.sheetnames
    assert fill_of(copy, "队员", "C3") == WARNING_FILL


def test_fast_path_edits_only_what_changes(bad_roster: Path, tmp_path: Path) -> None:
    """Without comments of its own, a workbook is marked by editing its parts (mark_xml): the
    comment part is new, every other sheet's XML is byte for byte the original's, cells that
    did not exist (H20, far below the data) are created, and openpyxl reads every value back."""
    import zipfile

    issues = [issue(bad_roster, "队员", "D3"), issue(bad_roster, "队员", "H20", severity=WARNING),
              issue(bad_roster, "队伍", "A1", severity=WARNING)]
    copy = mark_workbook(bad_roster, issues)
    with zipfile.ZipFile(bad_roster) as a, zipfile.ZipFile(copy) as b:
        new = set(b.namelist()) - set(a.namelist())
        assert {n.rsplit("/", 1)[-1] for n in new} == {
            "wenmingComments1.xml", "wenmingComments1.vml", "wenmingComments2.xml",
            "wenmingComments2.vml", "sheet1.xml.rels", "sheet2.xml.rels"}
        untouched = [n for n in a.namelist() if n.startswith("xl/worksheets/sheet")
                     and "xl/worksheets/" in n and a.read(n) != b.read(n)]
        assert len(untouched) == 2  # the two sheets with issues, nothing else
    ws = load_workbook(copy)["队员"]
    assert ws["H20"].fill.fgColor.rgb.endswith(WARNING_FILL) and ws["H20"].value is None
    assert ws["H20"].comment.text == "【警告】不对\n怎么改：改一下"
    original = load_workbook(bad_roster)
    marked = load_workbook(copy)
    for name in original.sheetnames:
        for a_row, b_row in zip(original[name].iter_rows(), marked[name].iter_rows(), strict=False):
            for a, b in zip(a_row, b_row, strict=False):
                assert (a.value, a.number_format) == (b.value, b.number_format)


def test_marking_in_several_processes_is_the_same(tmp_path: Path, config: Config) -> None:
    import zipfile

    from conftest import headers, record, write_sheets
    from wenming_cli.schema import Volunteer

    paths = []
    for n in range(3):
        path = tmp_path / f"u{n}" / "志愿服务队伍花名册.xlsx"
        write_sheets(path, {"队员": [headers(Volunteer), *[record(Volunteer, name=f"人{i}")
                                                           for i in range(5)]]})
        paths.append(path)
    issues = [issue(p, "队员", f"C{r}") for p in paths for r in range(2, 7)]
    serial = [zipfile.ZipFile(p).read("xl/worksheets/sheet1.xml") for p in mark_all(issues, 1)]
    parallel = [zipfile.ZipFile(p).read("xl/worksheets/sheet1.xml") for p in mark_all(issues, 2)]
    assert serial == parallel and len(serial) == 3
