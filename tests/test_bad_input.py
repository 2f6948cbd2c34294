"""A corpus of bad input, every file generated here (openpyxl, zipfile, raw bytes).

Each case asserts the exact issue codes and cells (or the exact error), that every input file
is byte-identical afterwards, and — through the CLI for a representative subset — the exit code
and that no traceback is printed. Hostile files (XML bombs, zip bombs, a value in cell
XFD1048576) must be refused fast and in bounded memory: some of them make python-calamine
abort the whole process, so the checks in `wenming_cli.read` run before it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from conftest import TEAM, MakeBook, headers, make_id, record, volunteer, write_sheets
from wenming_cli.cli import app
from wenming_cli.config import Config
from wenming_cli.guard import CFB_MAGIC
from wenming_cli.issues import UNREADABLE_CODES, Issue
from wenming_cli.read import read_workbook
from wenming_cli.schema import Team, Volunteer
from wenming_cli.validate import validate_paths

runner = CliRunner()

ACTIVITY = {"name": "理论宣讲进社区", "category": "宣传宣讲党的政策", "plan_time": "2022年3月",
            "status": "已开展", "held_on": "2022-3-5", "team": TEAM["name"]}


# ---------------------------------------------------------------- guards used by every case


def hashes(root: Path) -> dict[Path, str]:
    """sha256 of every file under ``root``."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def unchanged(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Call ``freeze()`` once the inputs are written; at teardown every input must be
    byte-identical (new files such as reports may appear, inputs may not change)."""
    frozen: dict[Path, str] = {}

    def freeze() -> None:
        frozen.update(hashes(tmp_path))

    yield freeze
    after = hashes(tmp_path)
    assert {p: after.get(p) for p in frozen} == frozen


def codes_at(issues: list[Issue]) -> set[tuple[str, str]]:
    """(code, '队员!D3') pairs, ignoring workbook-missing noise."""
    return {(i.code, i.location) for i in issues if i.code != "workbook-missing"}


def file_codes(issues: list[Issue]) -> set[tuple[str, str]]:
    """(file name, code) pairs, ignoring workbook-missing noise."""
    return {(Path(i.file).name, i.code) for i in issues if i.code != "workbook-missing"}


def validate(folder: Path, config: Config, freeze: Callable[[], None]) -> list[Issue]:
    """Freeze the inputs, then validate ``folder``; returns every issue."""
    freeze()
    return validate_paths([folder], config).report.issues


def cli(args: list[str], freeze: Callable[[], None] | None = None) -> Any:
    """Run the CLI (inputs frozen first); the output never holds a traceback."""
    if freeze is not None:
        freeze()
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def cli_json(folder: Path, freeze: Callable[[], None]) -> tuple[int, set[tuple[str, str]]]:
    """``validate FOLDER --format json``: (exit code, {(code, location)})."""
    result = cli(["validate", str(folder), "--format", "json"], freeze)
    payload = json.loads(result.stdout)
    found = {(i["code"], f"{i['sheet']}!{i['cell']}" if i["cell"] else i["sheet"])
             for i in payload["issues"] if i["code"] != "workbook-missing"}
    return result.exit_code, found


def roster(make_book: MakeBook, people: list[dict[str, object]]) -> Path:
    return make_book("roster", {"队伍": [TEAM], "队员": people})


# ---------------------------------------------------------------- crafted .xlsx (raw XML)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def cell(ref: str, value: object) -> str:
    """A <c> element: numbers as numbers, text inline."""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_data(rows: list[list[object]], first_row: int = 1) -> str:
    """<row>s with inline values, ``None`` cells left out."""
    out = []
    for r, values in enumerate(rows, start=first_row):
        cells = "".join(cell(f"{_letter(c)}{r}", v) for c, v in enumerate(values) if v is not None)
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def _letter(index: int) -> str:
    from wenming_cli.issues import column_letter

    return column_letter(index)


def crafted_parts(sheets: dict[str, str], shared_xml: str | None = None,
                  prolog: str = _DECL) -> dict[str, bytes]:
    """The parts of a minimal .xlsx: ``sheets`` maps sheet name → <sheetData> content."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    parts = {
        "[Content_Types].xml": _DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
        'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
        'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>",
        "_rels/.rels": _DECL + f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="'
        f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": _DECL + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>' + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, start=1)) + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": _DECL + f'<Relationships xmlns="{_PKG}">' + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)) + (
            f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_xml is not None else "") + "</Relationships>",
    }
    for i, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            prolog + f'<worksheet xmlns="{_MAIN}"><sheetData>{sheets[name]}</sheetData></worksheet>')
    if shared_xml is not None:
        parts["xl/sharedStrings.xml"] = shared_xml
    return {k: v.encode("utf-8") for k, v in parts.items()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def roster_rows(people: list[dict[str, object]]) -> list[list[object]]:
    return [["志愿服务队伍花名册"], headers(Volunteer)] + [record(Volunteer, **p) for p in people]


def team_sheet() -> str:
    return sheet_data([headers(Team), record(Team, **TEAM)])


LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
) + "]>"
"""Billion laughs: &lol9; expands to 10^9 'lol'."""


# ---------------------------------------------------------------- raw zip writing (bombs)


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of already-deflated members (name, raw deflate data, crc32, declared size)."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, len(out)) + encoded
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size,
                           len(encoded), 0) + encoded + data
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                       len(out), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out + central + eocd))
    return path


def deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def zeros_deflated(prefix: bytes, megabytes: int, suffix: bytes) -> tuple[bytes, int, int]:
    """``prefix`` + ``megabytes`` MB of b' ' + ``suffix`` deflated without ever holding it:
    after a full flush the deflate state is reset, so one compressed MB can be repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = bytes(b" " * (1 << 20))
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(suffix) + packer.flush()
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return head + one * megabytes + tail, crc, len(prefix) + (megabytes << 20) + len(suffix)


def members_of(path: Path) -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, *deflated(zf.read(info))) for info in zf.infolist()]


class Budget:
    """Asserts a block finished within ``seconds`` and grew max RSS by less than ``mb``."""

    def __init__(self, seconds: float = 10, mb: int = 500) -> None:
        self.seconds, self.mb = seconds, mb

    def __enter__(self) -> Budget:
        self.start = time.monotonic()
        self.rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = time.monotonic() - self.start
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self.rss) / 1024
        assert elapsed < self.seconds, f"took {elapsed:.1f} s"
        assert grown_mb < self.mb, f"max RSS grew by {grown_mb:.0f} MB"


# ================================================================ 身份证号码 and phones


@pytest.mark.parametrize(("raw", "code"), [
    (610724199001011234, "id-card-numeric"),          # typed as a number
    (6.10724199001011e17, "id-card-numeric"),         # a float, shown as 6.10724E+17
    ("6.10724E+17", "id-card-numeric"),               # the scientific notation as text
    ("6.10724e17", "id-card-numeric"),
    (make_id("19900101", 123)[:-1] + ("0" if make_id("19900101", 123)[-1] != "0" else "1"),
     "id-card-checksum"),
    ("610724900101123", "id-card-old"),               # 15-digit old ID
    (make_id("19900230", 5)[:17] + "1", "id-card-birthdate"),  # 30 February
    (make_id("20230229", 5), "id-card-birthdate"),    # 29 February in a common year
    ("61072419900101123", "id-card-format"),          # 17 characters
])
def test_bad_id_cards(make_book: MakeBook, unit_dir: Path, config: Config, unchanged: Any,
                      raw: object, code: str) -> None:
    roster(make_book, [volunteer(id_card=raw)])
    assert codes_at(validate(unit_dir, config, unchanged)) == {(code, "队员!D3")}


def test_good_id_cards_in_odd_shapes(make_book: MakeBook, unit_dir: Path, config: Config,
                                     unchanged: Any) -> None:
    with_x = next(make_id("19900101", s) for s in range(1, 999) if make_id("19900101", s)[-1] == "X")
    full_width = make_id("19851111", 7).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    roster(make_book, [
        volunteer(id_card=with_x.lower(), gender="女" if int(with_x[16]) % 2 == 0 else "男"),
        volunteer(id_card=" " + make_id("19851111", 9) + "\u3000"),
        volunteer(id_card=full_width, gender="男"),
    ])
    issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == set()
    people = validate_paths([unit_dir], config).units[0].volunteers
    assert [p.id_card for p in people] == [with_x, make_id("19851111", 9), make_id("19851111", 7)]


def test_phones_as_floats(make_book: MakeBook, unit_dir: Path, config: Config,
                          unchanged: Any) -> None:
    roster(make_book, [
        volunteer(phone=13891600002.0),                   # row 3: mobile as float, fine
        volunteer(id_card=make_id("19900101", 13), phone=6321001.0),   # row 4: no area code
        volunteer(id_card=make_id("19900101", 15), phone=1389160000.0),  # row 5: 10 digits
        volunteer(id_card=make_id("19900101", 17), phone=9163216001.0),  # row 6: 0 lost
    ])
    assert codes_at(validate(unit_dir, config, unchanged)) == {
        ("phone-no-area-code", "队员!F4"), ("phone-invalid", "队员!F5"), ("phone-invalid", "队员!F6"),
    }
    phones = [p.phone for p in validate_paths([unit_dir], config).units[0].volunteers]
    assert phones[:2] == ["13891600002", "6321001"]


# ================================================================ dates (DESIGN §4)


FULL_DATES = [date(2022, 3, 5), datetime(2022, 3, 5, 9, 30), 44625, 44625.0, "2022-3-5",
              "2022/3/5", "2022.3.5", "2022年3月5日", "2022 年 3 月 5 日", "20220305",
              "２０２２－３－５", "2022-03-05 "]
MONTHS = ["2022年3月", "2022.3", "2022-03", "2022/3", "2022年3月份", "２０２２年３月"]


@pytest.mark.parametrize(("plan", "held_on"), [(d, d) for d in FULL_DATES]
                         + [(m, "2022-3-5") for m in MONTHS])
def test_every_date_form_is_accepted(make_book: MakeBook, unit_dir: Path, config: Config,
                                     unchanged: Any, plan: object, held_on: object) -> None:
    make_book("activities", {"活动": [{**ACTIVITY, "plan_time": plan, "held_on": held_on,
                                       "team": None}]})
    issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == set()
    activity = validate_paths([unit_dir], config).units[0].activities[0]
    assert (activity.plan_time.year, activity.plan_time.month) == (2022, 3)
    assert activity.held_on == date(2022, 3, 5)


@pytest.mark.parametrize(("plan", "held_on", "expected"), [
    ("2022-2-30", "2022-3-5", {("date-invalid", "活动!F3")}),
    ("2022年13月", "2022-3-5", {("date-invalid", "活动!F3")}),
    ("2022-3-5", "2022.2.29", {("date-invalid", "活动!G3")}),
    ("2022-3-5", "2022年3月", {("date-month-only", "活动!G3")}),
    (2022.1, "2022-3-5", {("date-ambiguous", "活动!F3")}),
    ("2022-3-5", "下周", {("date-invalid", "活动!G3")}),
    ("2022-3-5", 3000000, {("date-invalid", "活动!G3")}),
    ("2021-3-5", "2021-3-5", {("date-out-of-year", "活动!F3"), ("date-out-of-year", "活动!G3")}),
])
def test_impossible_dates(make_book: MakeBook, unit_dir: Path, config: Config, unchanged: Any,
                          plan: object, held_on: object, expected: set[tuple[str, str]]) -> None:
    make_book("activities", {"活动": [{**ACTIVITY, "plan_time": plan, "held_on": held_on,
                                       "team": None}]})
    assert codes_at(validate(unit_dir, config, unchanged)) == expected


# ================================================================ layout: titles, headers, sheets


def test_merged_title_rows_above_header(unit_dir: Path, config: Config, unchanged: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "队员"
    ws["A1"] = "城北街道志愿服务队伍花名册"
    ws.merge_cells("A1:L1")
    ws["A2"] = "填报单位：城北街道（盖章）"
    ws.merge_cells("A2:F2")
    ws["G2"] = "填报日期：2022年6月"
    ws.merge_cells("G2:L3")
    ws.append([])
    ws.append(headers(Volunteer))
    ws.append(record(Volunteer, **volunteer()))
    ws.append(record(Volunteer, **volunteer(id_card=610724199001011234)))
    teams = wb.create_sheet("队伍")
    teams.append(["标题"])
    teams.merge_cells("A1:J1")
    teams.append(headers(Team))
    teams.append(record(Team, **TEAM))
    wb.save(unit_dir / "志愿服务队伍花名册.xlsx")
    assert codes_at(validate(unit_dir, config, unchanged)) == {("id-card-numeric", "队员!D6")}
    data = read_workbook(unit_dir / "志愿服务队伍花名册.xlsx")
    assert data is not None and data.sheets["队员"][0].header_row == 4


def test_header_spaces_brackets_and_synonyms(unit_dir: Path, config: Config,
                                             unchanged: Any) -> None:
    header = ["序\u3000号", "姓 名", "性别＊", "公民身份号码（必填）", "政治面貌*", "电话",
              "所属队伍", "所在村(社区)", " 是否注册志愿者 ", "志愿服务时长(小时)"]
    write_sheets(unit_dir / "花名册.xlsx", {
        "队伍": [["队伍名称", "队伍类别", "队伍层级", "负责人", "手机号码",
                  "是否在全国志愿服务信息系统注册（必填）"],
                 [TEAM["name"], "理论宣讲", "镇级", "李明", "13891600001", "Y"]],
        "队员": [header, [1, "张三", "男", make_id("19900101", 11), "群众", "13891600009",
                          TEAM["name"], "莲花社区", "√", "12小时"]],
    })
    assert codes_at(validate(unit_dir, config, unchanged)) == set()
    unit = validate_paths([unit_dir], config).units[0]
    person = unit.volunteers[0]
    assert (person.village, person.registered, person.hours) == ("莲花社区", "是", 12)
    assert unit.teams[0].registered == "是"


def test_missing_required_column(unit_dir: Path, config: Config, unchanged: Any) -> None:
    header = [h for h in headers(Volunteer) if not h.startswith("身份证号码")]
    row = [v for h, v in zip(headers(Volunteer), record(Volunteer, **volunteer()), strict=True)
           if not h.startswith("身份证号码")]
    write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {
        "队伍": [["标题"], headers(Team), record(Team, **TEAM)],
        "队员": [["标题"], header, row],
    })
    assert codes_at(validate(unit_dir, config, unchanged)) == {("column-missing", "队员!A2")}


def test_missing_sheet(unit_dir: Path, config: Config, unchanged: Any) -> None:
    write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {"队员": roster_rows([volunteer()])})
    assert codes_at(validate(unit_dir, config, unchanged)) == {("sheet-missing", "队伍")}


def test_thousands_of_styled_empty_rows(unit_dir: Path, config: Config, unchanged: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Border, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "队员"
    for row in roster_rows([volunteer()]):
        ws.append(row)
    thin = Side(style="thin")
    fill = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
    for r in range(4, 5004):
        for c in range(1, 13):
            target = ws.cell(r, c)
            target.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            target.fill = fill
            target.number_format = "@"
    teams = wb.create_sheet("队伍")
    teams.append(headers(Team))
    teams.append(record(Team, **TEAM))
    wb.save(unit_dir / "志愿服务队伍花名册.xlsx")
    with Budget(seconds=5):
        issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == set()
    assert len(validate_paths([unit_dir], config).units[0].volunteers) == 1


# ================================================================ formulas


def set_cached(path: Path, member: str, values: dict[str, str | float]) -> None:
    """Give openpyxl's formula cells (<c r><f>…</f><v></v></c>) cached values, as Excel does."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    xml = parts[member].decode()
    for ref, value in values.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        cached = escape(str(value))
        xml, count = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                             rf'<c r="{ref}"\1{kind}><f>\2</f><v>{cached}</v>', xml)
        assert count == 1, ref
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def formula_roster(unit_dir: Path) -> Path:
    """队员 (sheet2.xml) with formulas in 序号 (A3), 姓名 (B3) and 联系电话 (F3)."""
    row = record(Volunteer, **volunteer(seq="=ROW()-2", name='="王"&"小红"', phone="=13891600002"))
    return write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {
        "队伍": [["标题"], headers(Team), record(Team, **TEAM)],
        "队员": [["标题"], headers(Volunteer), row],
    })


def test_formulas_with_cached_values_read_their_values(unit_dir: Path, config: Config,
                                                       unchanged: Any) -> None:
    path = formula_roster(unit_dir)
    set_cached(path, "xl/worksheets/sheet2.xml", {"A3": 1, "B3": "王小红", "F3": 13891600002})
    assert codes_at(validate(unit_dir, config, unchanged)) == set()
    person = validate_paths([unit_dir], config).units[0].volunteers[0]
    assert (person.seq, person.name, person.phone) == ("1", "王小红", "13891600002")


def test_formulas_without_values_say_open_and_save(unit_dir: Path, config: Config,
                                                   unchanged: Any) -> None:
    formula_roster(unit_dir)
    issues = validate(unit_dir, config, unchanged)
    formula = {(i.location, i.severity, i.field) for i in issues if i.code == "formula-no-value"}
    assert formula == {("队员!A3", "警告", "序号"), ("队员!B3", "错误", "姓名"),
                       ("队员!F3", "错误", "联系电话")}
    assert all("保存" in i.hint for i in issues if i.code == "formula-no-value")
    data = read_workbook(unit_dir / "志愿服务队伍花名册.xlsx")
    assert data is not None and data.sheets["队员"][0].formula_cells == {(3, 0), (3, 1), (3, 5)}


def test_formulas_without_values_are_not_required_missing(unit_dir: Path, config: Config,
                                                          unchanged: Any) -> None:
    formula_roster(unit_dir)
    assert codes_at(validate(unit_dir, config, unchanged)) == {
        ("formula-no-value", "队员!A3"), ("formula-no-value", "队员!B3"),
        ("formula-no-value", "队员!F3")}


def test_many_formulas_without_values_are_summarised(unit_dir: Path, config: Config,
                                                     unchanged: Any) -> None:
    rows = [record(Volunteer, **volunteer(seq="=ROW()-2", id_card=make_id("19900101", i)))
            for i in range(1, 31)]
    write_sheets(unit_dir / "志愿服务队伍花名册.xlsx", {
        "队伍": [["标题"], headers(Team), record(Team, **TEAM)],
        "队员": [["标题"], headers(Volunteer), *rows],
    })
    issues = [i for i in validate(unit_dir, config, unchanged) if i.code == "formula-no-value"]
    assert [i.cell for i in issues] == [f"A{r}" for r in range(3, 23)] + [""]
    assert "另有 10 个" in issues[-1].message and not any(i.is_error for i in issues)


# ================================================================ special characters → .docx


def test_special_characters_validate_and_render(make_book: MakeBook, unit_dir: Path,
                                                tmp_path: Path, config: Config,
                                                unchanged: Any) -> None:
    from docx import Document

    from wenming_cli.render.report import render_self_assessment

    team = 'A&B <理论> "宣讲" \'队\' 🎉'
    narrative = "第一行 & <b>粗</b>\n第二行 “引号” 'x' > 😀\n第三行"
    make_book("roster", {"队伍": [{**TEAM, "name": team}],
                         "队员": [volunteer(team=team, name="张<三>&😀")]})
    make_book("profile", {
        "基本情况": [{"unit_name": "城北街道", "unit_type": "街道", "contact": "刘洋",
                      "phone": "0916-6321001", "signature": "中共西乡县委城北街道工作委员会"}],
        "阵地": [],
        "自评": [{"code": item.code, "dimension": item.dimension, "narrative": narrative}
                 for item in config.items],
        "小结": [],
    })
    issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == set()
    unit = validate_paths([unit_dir], config).units[0]
    path = render_self_assessment(unit, config, tmp_path / "out", today=date(2022, 7, 1),
                                  full_lists=True)
    doc = Document(str(path))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert team in cells and "张<三>&😀" in cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert narrative in text


# ================================================================ files that cannot be read


def test_empty_file(unit_dir: Path, config: Config, unchanged: Any) -> None:
    (unit_dir / "志愿服务队伍花名册.xlsx").write_bytes(b"")
    issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unreadable")}
    assert "0 字节" in issues[0].message


def test_truncated_xlsx(make_book: MakeBook, unit_dir: Path, config: Config,
                        unchanged: Any) -> None:
    path = roster(make_book, [volunteer()])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unreadable")}
    assert "不完整" in issues[0].message


def test_text_and_html_renamed_to_excel(unit_dir: Path, config: Config, unchanged: Any) -> None:
    (unit_dir / "志愿服务队伍花名册.xlsx").write_text("姓名,身份证号\n张三,610724\n",
                                                    encoding="utf-8")
    (unit_dir / "活动.xls").write_text("<html><table><tr><td>活动</td></tr></table></html>",
                                     encoding="utf-8")
    issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unreadable"),
                                  ("活动.xls", "file-unreadable")}
    assert all("改了扩展名" in i.message for i in issues if i.code == "file-unreadable")


def test_xlsx_renamed_to_xls_is_read_by_content(make_book: MakeBook, unit_dir: Path,
                                                 config: Config, unchanged: Any) -> None:
    path = roster(make_book, [volunteer(id_card="610724900101123")])
    path.rename(path.with_suffix(".xls"))
    assert codes_at(validate(unit_dir, config, unchanged)) == {("id-card-old", "队员!D3")}


def test_input_without_read_permission(make_book: MakeBook, unit_dir: Path, config: Config,
                                       unchanged: Any) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    path = roster(make_book, [volunteer()])
    unchanged()
    path.chmod(0)
    try:
        issues = validate_paths([unit_dir], config).report.issues
    finally:
        path.chmod(0o600)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unreadable")}


def cfb(*stream_names: str) -> bytes:
    """An OLE/CFB-looking file: the signature, then directory-entry names in UTF-16LE."""
    body = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in stream_names)
    return CFB_MAGIC + bytes(504) + body + bytes(1024)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("志愿服务队伍花名册.xlsx", cfb("EncryptionInfo", "EncryptedPackage"), "file-encrypted"),
    ("志愿服务队伍花名册.xlsx", CFB_MAGIC + b"junk" * 100, "file-encrypted"),
    ("志愿服务队伍花名册.xlsm", cfb("EncryptedPackage"), "file-encrypted"),
    ("志愿服务队伍花名册.xls", CFB_MAGIC + b"junk" * 100, "file-unreadable"),  # a broken .xls
    ("志愿服务队伍花名册.xlsx", cfb("WordDocument", "1Table"), "file-unreadable"),  # a .doc renamed
    ("志愿服务队伍花名册.xlsx", cfb("Workbook"), "file-unreadable"),  # a (broken) .xls renamed
])
def test_cfb_files(unit_dir: Path, config: Config, unchanged: Any, name: str, content: bytes,
                   code: str) -> None:
    (unit_dir / name).write_bytes(content)
    issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {(name, code)}
    if code == "file-encrypted":
        assert "密码" in issues[0].message and "取消密码" in issues[0].hint


@pytest.mark.parametrize("name", ["活动.et", "活动.csv", "活动.ods", "活动.numbers"])
def test_save_as_formats(unit_dir: Path, config: Config, unchanged: Any, name: str) -> None:
    (unit_dir / name).write_bytes(b"a,b\n1,2\n")
    issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {(name, "file-format-unsupported")}
    assert ".xlsx" in issues[0].hint


def test_lock_files_and_marked_copies_are_skipped(make_book: MakeBook, unit_dir: Path,
                                                  config: Config, unchanged: Any) -> None:
    path = roster(make_book, [volunteer()])
    (unit_dir / "~$志愿服务队伍花名册.xlsx").write_bytes(b"\x0bwenming  " + bytes(150))
    (unit_dir / "志愿服务队伍花名册_问题标注.xlsx").write_bytes(path.read_bytes())
    (unit_dir / ".~wenming-abc.xlsx").write_bytes(b"")
    issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == set()
    exit_code, found = cli_json(unit_dir, unchanged)
    assert (exit_code, found) == (0, set())


# ================================================================ hostile files


@pytest.mark.parametrize("where", ["sharedStrings", "sheet"])
def test_billion_laughs(unit_dir: Path, config: Config, unchanged: Any, where: str) -> None:
    shared = (_DECL + LAUGHS + f'<sst xmlns="{_MAIN}" count="2" uniqueCount="2"><si><t>姓名</t>'
              "</si><si><t>&lol9;</t></si></sst>")
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    if where == "sheet":
        parts = crafted_parts({"队员": rows.replace('t="s"><v>1</v>', 't="inlineStr"><is><t>&lol9;'
                                                   "</t></is>")},
                              shared_xml=_DECL + f'<sst xmlns="{_MAIN}"><si><t>姓名</t></si></sst>',
                              prolog=_DECL + LAUGHS)
    else:
        parts = crafted_parts({"队员": rows}, shared_xml=shared)
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx", parts)
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unsafe")}
    assert "实体" in issues[0].message


def test_external_entity(unit_dir: Path, config: Config, unchanged: Any) -> None:
    shared = (_DECL + '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              f'<sst xmlns="{_MAIN}"><si><t>&x;</t></si></sst>')
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx",
                crafted_parts({"队员": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}, shared))
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unsafe")}


def test_dtd_after_a_long_comment_is_still_found(unit_dir: Path, config: Config,
                                                 unchanged: Any) -> None:
    prolog = _DECL + "<!--" + "x" * 200_000 + "-->" + LAUGHS
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx",
                crafted_parts({"队员": sheet_data([["姓名"]])}, prolog=prolog))
    assert file_codes(validate(unit_dir, config, unchanged)) == {
        ("志愿服务队伍花名册.xlsx", "file-unsafe")}


def test_dtd_in_a_utf16_part(unit_dir: Path, config: Config, unchanged: Any) -> None:
    parts = crafted_parts({"队员": sheet_data([["姓名"]])})
    shared = ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS
              + f'<sst xmlns="{_MAIN}"><si><t>&lol9;</t></si></sst>')
    parts["xl/sharedStrings.xml"] = b"\xff\xfe" + shared.encode("utf-16-le")
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx", parts)
    assert file_codes(validate(unit_dir, config, unchanged)) == {
        ("志愿服务队伍花名册.xlsx", "file-unsafe")}


def test_too_many_parts(unit_dir: Path, config: Config, unchanged: Any) -> None:
    parts = crafted_parts({"队员": sheet_data([["姓名"]])})
    parts.update({f"xl/media/x{i}.bin": b"" for i in range(10_001)})
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx", parts)
    with Budget():
        assert file_codes(validate(unit_dir, config, unchanged)) == {
            ("志愿服务队伍花名册.xlsx", "file-unsafe")}


def test_zip_bomb_declared_size(make_book: MakeBook, unit_dir: Path, config: Config,
                                unchanged: Any) -> None:
    path = roster(make_book, [volunteer()])
    members = members_of(path)
    data, crc, _ = deflated(b"<x/>")
    raw_zip(path, [*members, ("xl/media/image1.bin", data, crc, 3_000_000_000)])
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-too-large")}


def test_zip_bomb_600_mb_of_zeros(make_book: MakeBook, unit_dir: Path, config: Config,
                                  unchanged: Any) -> None:
    path = roster(make_book, [volunteer()])
    members = members_of(path)
    raw_zip(path, [*members, ("xl/media/zeros.bin", *zeros_deflated(b"", 600, b""))])
    assert path.stat().st_size < 2_000_000
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-too-large")}


def test_zip_bomb_lying_about_its_size(unit_dir: Path, config: Config, unchanged: Any) -> None:
    parts = crafted_parts({"队员": sheet_data([["姓名"], ["张三"]])})
    head = parts["xl/worksheets/sheet1.xml"].decode()
    prefix, suffix = head.split("</sheetData>")
    data, crc, _ = zeros_deflated(prefix.encode(), 600, ("</sheetData>" + suffix).encode())
    members = [(n, *deflated(d)) for n, d in parts.items() if n != "xl/worksheets/sheet1.xml"]
    path = raw_zip(unit_dir / "志愿服务队伍花名册.xlsx",
                   [*members, ("xl/worksheets/sheet1.xml", data, crc, 4096)])
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert path.is_file()
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unsafe")}


def test_shared_string_count_bomb(unit_dir: Path, config: Config, unchanged: Any) -> None:
    """calamine reserves memory for uniqueCount strings up front: 2e9 aborts the process."""
    shared = _DECL + f'<sst xmlns="{_MAIN}" count="2000000000" uniqueCount="2000000000"><si><t>姓名</t></si></sst>'
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx",
                crafted_parts({"队员": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}, shared))
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert file_codes(issues) == {("志愿服务队伍花名册.xlsx", "file-unsafe")}


@pytest.mark.parametrize(("far", "location"), [
    ('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
     "队员!XFD1048576"),
    ('<row r="3"><c r="XFD3"><v>1</v></c></row>', "队员!XFD3"),           # with 14,000 rows
    ('<row r="1048576"><c r="L1048576"><v>1</v></c></row>', "队员!L1048576"),
    ('<row r="1048576"><x:c xmlns:x="urn:any" r="XFD1048576"><x:v>1</x:v></x:c></row>',
     "队员!XFD1048576"),                                                # calamine ignores prefixes
    ('<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>', "队员!XFD1048576"),
])
def test_value_in_a_far_cell(unit_dir: Path, config: Config, unchanged: Any, far: str,
                             location: str) -> None:
    """A dense grid up to the last used cell: XFD1048576 alone would abort calamine."""
    people = sheet_data(roster_rows([volunteer()]))
    if "XFD3" in far:
        people += "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(4, 14_004))
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx",
                crafted_parts({"队伍": team_sheet(), "队员": people + far}))
    with Budget():
        issues = validate(unit_dir, config, unchanged)
    assert codes_at(issues) == {("sheet-too-large", location)}


def test_styled_empty_far_cells_are_fine(unit_dir: Path, config: Config, unchanged: Any) -> None:
    people = sheet_data(roster_rows([volunteer()]))
    people += '<row r="1048576"><c r="XFD1048576" s="1"/><c r="A1048576" s="1"/></row>'
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx",
                crafted_parts({"队伍": team_sheet(), "队员": people}))
    with Budget(seconds=5):
        assert codes_at(validate(unit_dir, config, unchanged)) == set()


# ================================================================ output paths (report)


@pytest.mark.parametrize("name", ["城北/街道", "..", "城北:街道", "城北\\街道", ".隐藏", ""])
def test_unsafe_unit_names_for_output(name: str, unchanged: Any) -> None:
    from wenming_cli.render.report import RenderError, safe_component

    unchanged()
    with pytest.raises(RenderError, match="不能用作文件名"):
        safe_component(name)


def test_read_only_output_folder(tmp_path: Path, unchanged: Any) -> None:
    from wenming_cli.render.report import RenderError, write_atomic

    if os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root from writing "
                    "(the locked-file path is covered by test_locked_output_file)")
    folder = tmp_path / "输出"
    folder.mkdir()
    unchanged()
    folder.chmod(0o500)
    try:
        with pytest.raises(RenderError, match="无法在|文件被占用"):
            write_atomic(folder / "报告.docx", lambda p: p.write_bytes(b"x"))
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_unwritable_output_folder_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               unchanged: Any) -> None:
    from wenming_cli import files

    folder = tmp_path / "输出"
    folder.mkdir()
    unchanged()

    def denied(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    with pytest.raises(files.OutputError, match="无法在 .* 中写文件"):
        files.write_atomic(folder / "报告.docx", lambda p: p.write_bytes(b"x"))
    assert list(folder.iterdir()) == []


def test_locked_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           unchanged: Any) -> None:
    """Word keeps an open .docx locked: os.replace fails with PermissionError on Windows."""
    from wenming_cli import files
    from wenming_cli.render import report

    folder = tmp_path / "输出"
    folder.mkdir()
    target = folder / "报告.docx"
    target.write_bytes(b"old")
    unchanged()

    def locked(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(report.RenderError) as info:
        report.save_output(target, lambda p: p.write_bytes(b"new"))
    assert "文件被占用，请关闭后重试" in str(info.value)
    assert not [p for p in folder.rglob("*") if p.name.startswith(".~wenming")]  # no temp file
    assert target.read_bytes() == b"old"


# ================================================================ the CLI on a representative mix


def test_cli_clean_folder_exits_0(make_book: MakeBook, unit_dir: Path, unchanged: Any) -> None:
    roster(make_book, [volunteer(phone=13891600002.0)])
    assert cli_json(unit_dir, unchanged) == (0, set())


def test_cli_data_errors_exit_1(make_book: MakeBook, unit_dir: Path, unchanged: Any) -> None:
    roster(make_book, [volunteer(id_card="6.10724E+17"), volunteer(id_card="610724900101123")])
    assert cli_json(unit_dir, unchanged) == (1, {("id-card-numeric", "队员!D3"),
                                                 ("id-card-old", "队员!D4")})
    text = cli(["validate", str(unit_dir)])
    assert text.exit_code == 1 and "队员!D3" in text.output


@pytest.mark.parametrize(("name", "content", "code"), [
    ("志愿服务队伍花名册.xlsx", b"", "file-unreadable"),
    ("志愿服务队伍花名册.xlsx", b"not excel at all", "file-unreadable"),
    ("志愿服务队伍花名册.xlsx", CFB_MAGIC + bytes(600), "file-encrypted"),
    ("活动.et", b"\x00" * 10, "file-format-unsupported"),
])
def test_cli_unreadable_files_no_traceback(unit_dir: Path, unchanged: Any, name: str,
                                           content: bytes, code: str) -> None:
    (unit_dir / name).write_bytes(content)
    exit_code, found = cli_json(unit_dir, unchanged)
    assert (exit_code, found) == (2, {(code, "")})
    assert code in UNREADABLE_CODES
    text = cli(["validate", str(unit_dir)])
    assert text.exit_code == exit_code and name in text.output


def test_cli_hostile_files_no_traceback(unit_dir: Path, unchanged: Any) -> None:
    write_parts(unit_dir / "志愿服务队伍花名册.xlsx", crafted_parts(
        {"队伍": team_sheet(),
         "队员": sheet_data([["姓名"]]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'}))
    write_parts(unit_dir / "文明实践项目活动计划一览表.xlsx", crafted_parts(
        {"活动": sheet_data([["活动名称"]])}, prolog=_DECL + LAUGHS))
    with Budget():
        exit_code, found = cli_json(unit_dir, unchanged)
    assert exit_code == 2 and found == {("sheet-too-large", "队员!XFD1048576"), ("file-unsafe", "")}


def test_cli_single_workbook_path(make_book: MakeBook, unit_dir: Path, unchanged: Any) -> None:
    path = roster(make_book, [volunteer(id_card=6.10724199001011e17)])
    result = cli(["validate", str(path), "--format", "json"], unchanged)
    assert result.exit_code == 1
    assert [(i["code"], i["cell"]) for i in json.loads(result.stdout)["issues"]
            if i["code"] != "workbook-missing"] == [("id-card-numeric", "D3")]
