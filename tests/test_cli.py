"""The CLI through typer's CliRunner: exit codes, messages, JSON shape."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MakeBook, make_id
from wenming_cli.cli import app, bundled_sample_data

runner = CliRunner()
SAMPLE = bundled_sample_data()


def test_help_is_chinese() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init-templates", "validate", "report"):
        assert command in result.output
    assert "校验" in result.output


def test_validate_sample_json_shape() -> None:
    result = runner.invoke(app, ["validate", "--data", str(SAMPLE), "--town", "城北街道",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"valid", "errors", "warnings", "units", "reading", "issues",
                            "checklists"}
    assert payload["valid"] is True and payload["errors"] == 0
    # the one warning of the sample: 3.2 自评 达标 although 5 activities lack photos
    assert [(i["code"], i["cell"]) for i in payload["issues"]] == [
        ("assessment-overstated", "F15")]
    assert "5场已开展活动缺少图片资料" in payload["issues"][0]["message"]
    assert payload["units"] == ["城北街道"]
    reading = {(r["sheet"], r["records"]) for r in payload["reading"]}
    assert {("队伍", 11), ("队员", 300), ("活动", 80), ("项目", 15), ("阵地", 20)} <= reading
    assert set(payload["reading"][0]) == {"unit", "file", "sheet", "model", "records", "skipped"}
    (checklist,) = payload["checklists"]
    assert len(checklist["items"]) == 24
    item = {i["code"]: i for i in checklist["items"]}
    assert item["1.1"]["status"] == "待完善"
    assert any("古元村、枣园村尚未建站" in gap for gap in item["1.1"]["gaps"])
    assert item["2.2"]["status"] == "待完善"
    assert any("应急救援" in gap for gap in item["2.2"]["gaps"])
    assert set(item["1.1"]) == {"code", "dimension", "title", "status", "self_conclusion",
                                "evidence", "gaps", "entry_gaps"}


def test_validate_text_shows_the_reading_summary() -> None:
    result = runner.invoke(app, ["validate", "--data", str(SAMPLE), "--town", "城北街道"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("读取情况（请核对与表格中的行数是否一致）：")
    assert lines[start + 1:start + 5] == [
        "  基本情况与自评表.xlsx：基本情况：已填 8 项；阵地：20 个；自评：24 项；小结：已填 4 项",
        "  志愿服务队伍花名册.xlsx：队伍：11 支；队员：300 人",
        "  文明实践项目活动计划一览表.xlsx：活动：80 场",
        "  志愿服务项目表.xlsx：项目：15 个",
    ]


def test_validate_whole_sample_county_mode() -> None:
    result = runner.invoke(app, ["validate", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert len(payload["units"]) >= 3
    codes = {i["code"] for i in payload["issues"]}
    assert codes == {"duplicate-id-card-across-units", "assessment-overstated"}


def test_validate_text_names_cell_and_exit_1(make_book: MakeBook, unit_dir: Path) -> None:
    team = {"name": "队", "category": "党员", "level": "镇级", "leader": "李", "phone": "13891600001",
            "registered": "是"}
    person = {"name": "张三", "gender": "男", "id_card": 610724199001011234, "politics": "群众",
              "phone": "13891600002", "team": "队", "registered": "是"}
    make_book("roster", {"队伍": [team], "队员": [person]})
    result = runner.invoke(app, ["validate", str(unit_dir)])
    assert result.exit_code == 1
    assert "队员!D3" in result.output
    assert "身份证号码存成了数字" in result.output
    assert "共发现 1 个错误" in result.output


def test_json_messages_do_not_leak_ids(make_book: MakeBook, unit_dir: Path) -> None:
    good = make_id("19900101", 123)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    team = {"name": "队", "category": "党员", "level": "镇级", "leader": "李", "phone": "13891600001",
            "registered": "是"}
    person = {"name": "张三", "gender": "男", "id_card": bad, "politics": "群众",
              "phone": "13891600002", "team": "队", "registered": "是"}
    make_book("roster", {"队伍": [team], "队员": [person]})
    result = runner.invoke(app, ["validate", str(unit_dir), "--format", "json"])
    assert result.exit_code == 1
    assert bad not in result.stdout and "610724********" in result.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "找不到" in missing.output
    empty = runner.invoke(app, ["validate", str(tmp_path)])
    assert empty.exit_code == 2 and "没有找到 Excel" in empty.output
    town = runner.invoke(app, ["report", "--town", "不存在镇", "--data", str(SAMPLE)])
    assert town.exit_code == 2 and "不是配置中的镇" in town.output
    no_target = runner.invoke(app, ["init-templates", "--out", str(tmp_path)])
    assert no_target.exit_code == 2 and "--town" in no_target.output


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "城北街道").mkdir()
    (tmp_path / "wenming.toml").write_text('[thresholds]\ncoverage = 0.9\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "thresholds.coverage" in result.output and "无法识别" in result.output
    (tmp_path / "wenming.toml").write_text('county = 西乡县\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "不是有效的 TOML" in result.output


def test_config_override_changes_threshold(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(SAMPLE / "城北街道", tmp_path / "城北街道")
    (tmp_path / "wenming.toml").write_text(
        '[thresholds]\ncoverage_rate = 0.8\nrequired_team_categories = ["党员"]\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(tmp_path), "--format", "json"])
    item = {i["code"]: i for i in json.loads(result.stdout)["checklists"][0]["items"]}
    assert not any("覆盖率" in g for g in item["1.1"]["gaps"])
    assert item["2.2"]["gaps"] == []


def test_init_templates_then_validate(tmp_path: Path) -> None:
    out = tmp_path / "模板"
    result = runner.invoke(app, ["init-templates", "--out", str(out), "--town", "城北街道"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "城北街道").iterdir())
    assert files == ["基本情况与自评表.xlsx", "志愿服务队伍花名册.xlsx", "志愿服务项目表.xlsx",
                     "文明实践项目活动计划一览表.xlsx"]
    again = runner.invoke(app, ["init-templates", "--out", str(out), "--town", "城北街道"])
    assert again.exit_code == 0 and again.output.count("已存在，未覆盖") == 4
    checked = runner.invoke(app, ["validate", str(out), "--format", "json"])
    assert checked.exit_code == 1  # blank templates: an error, as report refuses them
    payload = json.loads(checked.stdout)
    assert [i["code"] for i in payload["issues"]] == ["no-data"] * 4 + ["unit-empty"]
    assert payload["checklists"][0]["counts"] == {"达标": 0, "待完善": 0, "缺项": 24}


def test_init_templates_unknown_town(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init-templates", "--out", str(tmp_path), "--town", "火星镇"])
    assert result.exit_code == 2 and "城北街道" in result.output


@pytest.mark.parametrize("town", ["城北街道", "城南街道"])
def test_report_writes_docx(tmp_path: Path, town: str) -> None:
    result = runner.invoke(app, ["report", "--town", town, "--data", str(SAMPLE),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    target = tmp_path / town / f"{town}新时代文明实践所建设情况自评报告.docx"
    assert target.is_file() and "已生成" in result.output
    assert [p.name for p in (tmp_path / town).iterdir()] == [target.name]  # no temp files left


def test_implicit_sample_data_is_labelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "--town", "城北街道"])
    assert result.exit_code == 0, result.output
    assert "示例数据" in result.output
    written = list((tmp_path / "输出" / "城北街道").glob("*.docx"))
    assert [p.name for p in written] == ["城北街道新时代文明实践所建设情况自评报告（示例数据）.docx"]


def test_rerun_keeps_previous_version_and_unmasked_copy_is_named(tmp_path: Path) -> None:
    args = ["report", "--town", "城北街道", "--data", str(SAMPLE), "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "上一版已备份到" in again.output
    backups = list((tmp_path / "城北街道" / "旧版").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("城北街道新时代文明实践所建设情况自评报告_")
    internal = runner.invoke(app, [*args, "--no-mask"])
    assert internal.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "城北街道").glob("*.docx"))
    assert names == ["城北街道新时代文明实践所建设情况自评报告.docx",
                     "城北街道新时代文明实践所建设情况自评报告（内部留存，未遮挡）.docx"]


def test_unreadable_file_exits_2(unit_dir: Path) -> None:
    (unit_dir / "志愿服务队伍花名册.xlsx").write_text("不是 Excel", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(unit_dir), "--format", "json"])
    assert result.exit_code == 2
    codes = [i["code"] for i in json.loads(result.stdout)["issues"]]
    assert codes == ["file-unreadable"]  # no misleading 'workbook-missing' next to it


def test_report_refuses_blank_templates(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init-templates", "--out", str(tmp_path), "--town", "城北街道"]).exit_code == 0
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(tmp_path),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "还没有填写数据" in result.output
    assert not (tmp_path / "out").exists()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("wenming ")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_all_every_unit(tmp_path: Path, jobs: str) -> None:
    result = runner.invoke(app, ["report", "--all", "--jobs", jobs, "--data", str(SAMPLE),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    units = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())
    assert f"共 {len(units)} 个填报单位，失败 0 个，数据有错误的 0 个。" in result.output
    written = sorted(p.parent.name for p in tmp_path.rglob("*.docx"))
    assert written == units  # one document per unit: 自评报告 for towns, 半年小结 for the others
    assert (tmp_path / "县文旅局" / "县文旅局2022年上半年新时代文明实践志愿服务活动情况小结.docx").is_file()


def test_report_all_keeps_going_after_a_bad_unit(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道")
    (data / "城南街道").mkdir()
    (data / "城南街道" / "志愿服务队伍花名册.xlsx").write_text("坏文件", encoding="utf-8")
    result = runner.invoke(app, ["report", "--all", "--data", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "失败 1 个" in result.output or "数据有错误的 1 个" in result.output
    assert (tmp_path / "o" / "城北街道").is_dir()


def test_option_combinations_refused(tmp_path: Path) -> None:
    base = ["report", "--data", str(SAMPLE), "--out", str(tmp_path)]
    cases = {
        ("--town", "城北街道", "--no-mask", "--zip"): "不能打包报送",
        ("--all", "--pdf"): "请对单个单位使用",
        ("--county", "--zip"): "--zip 用于单个填报单位",
        ("--unit", "县文旅局", "--kind", "自评报告"): "不写自评报告",
    }
    for args, message in cases.items():
        result = runner.invoke(app, [*base, *args])
        assert result.exit_code == 2 and message in result.output, args
    assert not any(tmp_path.iterdir())


def test_report_refuses_unreadable_workbook(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道")
    (data / "城北街道" / "志愿服务项目表.xlsx").write_bytes(b"PK\x03\x04 truncated")
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(data),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "志愿服务项目表.xlsx 无法读取" in result.output
    assert not (tmp_path / "o").exists()


def test_force_keeps_the_filled_workbook(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(SAMPLE / "城北街道", tmp_path / "城北街道")
    filled = (tmp_path / "城北街道" / "志愿服务队伍花名册.xlsx").read_bytes()
    result = runner.invoke(app, ["init-templates", "--out", str(tmp_path), "--town", "城北街道",
                                 "--force"])
    assert result.exit_code == 0 and "原文件备份到" in result.output
    (kept,) = (tmp_path / "城北街道" / "旧版").glob("志愿服务队伍花名册_*.xlsx")
    assert kept.read_bytes() == filled


def test_free_text_personal_data_is_masked_in_documents(tmp_path: Path) -> None:
    import shutil
    import zipfile

    from openpyxl import load_workbook

    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道")
    path = data / "城北街道" / "基本情况与自评表.xlsx"
    wb = load_workbook(path)
    wb["自评"]["D3"] = "联系人电话13812345678，身份证610724199111217848。"
    wb.save(path)
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(data),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    (doc,) = (tmp_path / "o" / "城北街道").glob("*.docx")
    xml = zipfile.ZipFile(doc).read("word/document.xml").decode()
    assert "13812345678" not in xml and "610724199111217848" not in xml
    assert "138****5678" in xml and "610724********7848" in xml


def test_usage_errors_are_introduced_in_chinese() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from wenming_cli.cli import main; main()",
                           "report", "--town", "城北街道", "--kind", "错的"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("错误：选项的值不对：") and "Traceback" not in done.stderr


@pytest.mark.parametrize(("value", "said"), [("-1", "--jobs 的值不能小于 0"),
                                             ("65", "--jobs 的值不能大于 64"),
                                             ("abc", "--jobs 后面要填一个整数")])
def test_bad_jobs_values_are_said_in_chinese(value: str, said: str) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from wenming_cli.cli import main; main()",
                           "validate", f"--jobs={value}"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert done.stderr.startswith(f"错误：{said}。") and "Invalid" not in done.stderr


def test_template_needs_a_single_kind_and_spaced_folders_are_named(tmp_path: Path) -> None:
    import shutil

    template = tmp_path / "t.docx"
    template.write_bytes(b"x")
    result = runner.invoke(app, ["report", "--town", "城北街道", "--kind", "全部", "--template",
                                 str(template), "--data", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "一次只用于一种文档" in result.output
    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道 ")
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(data), "--out",
                                 str(tmp_path / "o")])
    assert result.exit_code == 0, result.output  # read as 城北街道, as validate does
    assert list((tmp_path / "o" / "城北街道").glob("*自评报告*.docx"))
    checked = runner.invoke(app, ["validate", "--data", str(data), "--town", "城北街道",
                                  "--format", "json"])
    codes = {i["code"] for i in json.loads(checked.stdout)["issues"]}
    assert "unit-folder-renamed" in codes


def test_report_all_fails_a_unit_with_an_unreadable_workbook(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道")
    (data / "城北街道" / "志愿服务项目表.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64)
    result = runner.invoke(app, ["report", "--all", "--data", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "失败 1 个" in result.output
    assert not list((tmp_path / "o").rglob("*.docx"))


def _county_with_problems(tmp_path: Path) -> Path:
    """The sample county with bad cells in two towns and an unreadable file in a third."""
    from openpyxl import load_workbook

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    for town, cell, value in (("城北街道", "D5", "610724199001011230"),
                              ("城南街道", "F6", "12345")):
        path = next((data / town).glob("*花名册*.xlsx"))
        book = load_workbook(path)
        book["队员"][cell] = value
        book.save(path)
    (data / "堰口镇" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return data


def test_validate_in_several_processes_finds_the_same(tmp_path: Path) -> None:
    data = _county_with_problems(tmp_path)
    one = runner.invoke(app, ["validate", str(data), "--format", "json", "--jobs", "1"])
    two = runner.invoke(app, ["validate", str(data), "--format", "json", "--jobs", "2"])
    assert one.exit_code == two.exit_code == 2  # the unreadable file decides
    assert one.stdout == two.stdout
    payload = json.loads(one.stdout)
    found = {(Path(i["file"]).parent.name, i["code"], i["cell"]) for i in payload["issues"]}
    assert ("城北街道", "id-card-checksum", "D5") in found
    assert ("城南街道", "phone-invalid", "F6") in found
    assert ("堰口镇", "file-unreadable", "") in found
    assert sum(i["code"] == "duplicate-id-card-across-units" for i in payload["issues"]) == 2
    assert [c["unit"] for c in payload["checklists"]] == ["城北街道", "城南街道", "堰口镇"]


def test_auto_jobs_only_for_county_sized_data(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming_cli import validate
    from wenming_cli.units import discover

    sources = discover([SAMPLE])
    assert validate.auto_jobs(sources) == 1  # the sample county is far below 2 MB
    assert validate.auto_jobs(sources[:1]) == 1
    monkeypatch.setattr(validate, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(validate.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert validate.auto_jobs(sources) == 3
    assert validate.auto_jobs(sources[:2]) == 2  # never more processes than units
    assert validate.auto_jobs(sources[:1]) == 1
    monkeypatch.setattr(validate.os, "sched_getaffinity", lambda pid: set(range(64)),
                        raising=False)
    assert validate.auto_jobs(sources) == validate.MAX_AUTO_JOBS == 4


_PARENT: list[int] = []


def _dies_in_a_worker(*args: Any) -> Any:
    """Stands in for validate._list_unit: a worker process dies as an out-of-memory kill would."""
    import os

    from wenming_cli import validate

    if not _PARENT or os.getpid() != _PARENT[0]:  # a worker, forked or started afresh
        os._exit(9)
    return validate.__dict__["_real_list_unit"](*args)


def test_validate_goes_on_in_one_process_when_a_worker_dies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from wenming_cli import validate

    data = _county_with_problems(tmp_path)
    expected = runner.invoke(app, ["validate", str(data), "--format", "json", "--jobs", "1"])
    _PARENT[:] = [os.getpid()]
    monkeypatch.setitem(validate.__dict__, "_real_list_unit", validate._list_unit)
    monkeypatch.setattr(validate, "_list_unit", _dies_in_a_worker)
    result = runner.invoke(app, ["validate", str(data), "--format", "json", "--jobs", "2"])
    assert result.exit_code == expected.exit_code == 2
    assert result.stdout == expected.stdout


def _render_dies_in_a_worker(*args: Any) -> Any:
    """Stands in for batch.render_source: a worker process dies."""
    import os

    from wenming_cli.render import batch

    if not _PARENT or os.getpid() != _PARENT[0]:
        os._exit(9)
    return batch.__dict__["_real_render_source"](*args)


def test_report_all_goes_on_in_one_process_when_a_worker_dies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from wenming_cli.render import batch

    _PARENT[:] = [os.getpid()]
    monkeypatch.setitem(batch.__dict__, "_real_render_source", batch.render_source)
    monkeypatch.setattr(batch, "render_source", _render_dies_in_a_worker)
    result = runner.invoke(app, ["report", "--all", "--jobs", "2", "--data", str(SAMPLE),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    units = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())
    assert sorted(p.parent.name for p in tmp_path.rglob("*.docx")) == units


def test_county_report_in_several_processes_is_the_same(tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    data = _county_with_problems(tmp_path)
    (data / "堰口镇" / "坏文件.xlsx").unlink()  # --county renders whatever it can read anyway
    texts = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(app, ["report", "--county", "--jobs", jobs, "--data", str(data),
                                     "--out", str(out)])
        assert result.exit_code == 1, result.output  # the bad cells are data errors
        assert "数据中有 2 个错误" in result.output
        docx = next(out.rglob("*.docx"))
        doc = Document(str(docx))
        book = load_workbook(next(out.rglob("*.xlsx")))
        texts.append((
            [p.text for p in doc.paragraphs],
            [[c.text for c in row.cells] for table in doc.tables for row in table.rows],
            [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book],
        ))
    assert texts[0] == texts[1]
    assert any("城北街道" in line for table in texts[0][1] for line in table)


def test_a_stray_workbook_beside_the_unit_folders_does_not_hide_them(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    status = runner.invoke(app, ["status", "--data", str(data), "--xlsx",
                                 str(data / "报送情况.xlsx")])
    assert status.exit_code == 0, status.output
    result = runner.invoke(app, ["validate", str(data), "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["units"] == sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())
    assert not any("报送情况" in i["file"] for i in payload["issues"])
    again = runner.invoke(app, ["status", "--data", str(data), "--format", "json"])
    assert again.exit_code == 0, again.output


def test_a_folder_that_cannot_be_listed_is_a_chinese_issue(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from wenming_cli import units

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    real = units._workbook_files

    def refuse(folder: Path) -> list[Path]:  # chmod 000 does not stop root, so pretend
        if folder.name == "城南街道":
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(folder)

    monkeypatch.setattr(units, "_workbook_files", refuse)
    for args in (["validate", str(data), "--format", "json"],
                 ["status", "--data", str(data), "--format", "json"],
                 ["report", "--county", "--data", str(data), "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, args)
        assert result.exit_code == (0 if args[0] == "status" else 2), (args, result.output)
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["validate", str(data), "--format", "json"])
    issue = next(i for i in json.loads(result.stdout)["issues"] if i["code"] == "file-unreadable")
    assert Path(issue["file"]).name == "城南街道"
    assert issue["message"] == "文件夹无法打开：没有权限读取"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_into_a_relative_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out 输出` (relative, the default) with --pdf: LibreOffice's profile needs a file URI."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "--unit", "县文旅局", "--data", str(SAMPLE), "--pdf",
                                 "--out", "输出"])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "输出" / "县文旅局").glob("*.pdf"))


def test_a_defect_of_ours_is_one_chinese_line(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import wenming_cli.cli as cli

    def broken(**_: object) -> None:
        raise ValueError("610724199001011234 in a message")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("WENMING_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "程序内部出错（ValueError）" in err and "Traceback" not in err and "610724" not in err
