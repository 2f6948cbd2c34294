"""印证资料, 图片资料汇编, --zip and --pdf: documents read back, totals, photos, masking."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from conftest import MakeBook, make_id, sheet_records
from wenming_cli.cli import app, bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.render import package
from wenming_cli.render.package import render_evidence
from wenming_cli.validate import validate_paths

SAMPLE = bundled_sample_data()
runner = CliRunner()


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from wenming_cli.config import load_config

    config, _ = load_config()
    unit = validate_paths([SAMPLE / "城北街道"], config).units[0]
    notes: list[str] = []
    paths = render_evidence(unit, config, tmp_path_factory.mktemp("ev"), notes=notes)
    assert notes == []
    return {p.name: p for p in paths}


def test_roster_tables_and_totals(evidence: dict[str, Path]) -> None:
    doc = Document(str(evidence["城北街道志愿服务队伍花名册（印证资料）.docx"]))
    people = sheet_records(SAMPLE / "城北街道" / "志愿服务队伍花名册.xlsx", "队员")
    teams = sheet_records(SAMPLE / "城北街道" / "志愿服务队伍花名册.xlsx", "队伍")
    team_table, volunteer_table = doc.tables[0], doc.tables[1]
    assert len(team_table.rows) == len(teams) + 2  # header + rows + 合计
    assert len(volunteer_table.rows) == len(people) + 2
    registered = sum(1 for p in people if p["是否注册志愿者"] == "是")
    assert volunteer_table.rows[-1].cells[0].text == "合计"
    assert f"共{len(people)}人，其中注册志愿者{registered}人" in volunteer_table.rows[-1].cells[1].text
    xml = zipfile.ZipFile(evidence["城北街道志愿服务队伍花名册（印证资料）.docx"]).read(
        "word/document.xml").decode()
    assert str(people[0]["身份证号码"]) not in xml
    assert volunteer_table.rows[1].cells[3].text.startswith("610724********")


def test_activity_and_project_totals(evidence: dict[str, Path]) -> None:
    acts = sheet_records(SAMPLE / "城北街道" / "文明实践项目活动计划一览表.xlsx", "活动")
    doc = Document(str(evidence["城北街道2022年文明实践项目活动计划一览表（印证资料）.docx"]))
    table = doc.tables[0]
    assert len(table.rows) == len(acts) + 2
    last = [c.text for c in table.rows[-1].cells]
    assert f"合计（{len(acts)}项）" in last
    assert str(sum(int(a["服务群众（人次）"] or 0) for a in acts)) in last
    projects = sheet_records(SAMPLE / "城北街道" / "志愿服务项目表.xlsx", "项目")
    table = Document(str(evidence["城北街道志愿服务项目表（印证资料）.docx"])).tables[0]
    assert len(table.rows) == len(projects) + 2


def test_album_has_every_photo_two_per_row(evidence: dict[str, Path]) -> None:
    acts = sheet_records(SAMPLE / "城北街道" / "文明实践项目活动计划一览表.xlsx", "活动")
    referenced = [n for a in acts if a["图片资料"] for n in str(a["图片资料"]).split("、")]
    path = evidence["城北街道图片资料汇编.docx"]
    doc = Document(str(path))
    assert f"共{len(referenced)}张" in doc.paragraphs[1].text
    table = doc.tables[0]
    assert len(table.rows) == (len(referenced) + 1) // 2
    assert len(table.rows[0].cells) == 2
    images = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/media/")]
    assert len(images) == len(referenced)
    assert path.stat().st_size < 3_000_000


def test_album_rotates_and_downscales(make_book: MakeBook, unit_dir: Path, tmp_path: Path,
                                      config: Config) -> None:
    from PIL import Image

    photos = unit_dir / "图片资料"
    photos.mkdir()
    big = Image.new("RGB", (4000, 3000), "red")
    exif = big.getexif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    big.save(photos / "大图.JPG", exif=exif)
    (photos / "坏图.jpg").write_bytes(b"not a jpeg")
    make_book("activities", {"活动": [
        {"name": "宣讲", "category": "宣传宣讲党的政策", "plan_time": "2022年3月", "status": "已开展",
         "held_on": "2022-3-5", "photos": "大图.jpg、坏图.jpg"}]})
    unit = validate_paths([unit_dir], config).units[0]
    from wenming_cli.render.evidence import prepare_photos

    notes: list[str] = []
    prepared = prepare_photos(unit, config, tmp_path, notes)
    assert len(prepared) == 1 and notes == ["图片资料“坏图.jpg”无法打开，汇编中已略过（活动!第3行）。"]
    with Image.open(prepared[0].path) as image:
        assert image.size == (1200, 1600)  # upright (portrait) and at most 1600 px
    assert prepared[0].caption.startswith("3月5日　宣讲")
    assert make_id()


def test_zip_and_missing_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "find_soffice", lambda: None)
    result = runner.invoke(app, ["report", "--town", "城北街道", "--kind", "全部", "--data",
                                 str(SAMPLE), "--out", str(tmp_path), "--zip", "--pdf"])
    assert result.exit_code == 0, result.output
    assert "未安装 LibreOffice" in result.output
    (archive,) = tmp_path.glob("城北街道_自评材料_*.zip")
    names = sorted(zipfile.ZipFile(archive).namelist())
    assert names == sorted(p.name for p in (tmp_path / "城北街道").glob("*.docx"))
    assert len(names) == 6  # 自评报告, 半年小结, 3 印证资料 tables, 图片资料汇编


def test_failed_pdf_conversion_never_leaves_an_old_pdf(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setattr(package, "find_soffice", lambda: str(fake))
    out = tmp_path / "out"
    folder = out / "城北街道"
    folder.mkdir(parents=True)
    old = folder / "城北街道新时代文明实践所建设情况自评报告.pdf"
    old.write_bytes(b"%PDF old")
    result = runner.invoke(app, ["report", "--town", "城北街道", "--data", str(SAMPLE), "--out",
                                 str(out), "--pdf", "--zip"])
    assert result.exit_code == 2 and "没有生成" in result.output
    assert not old.exists() and not list(out.glob("*.zip"))
    (kept,) = (folder / "旧版").glob("*.pdf")
    assert kept.read_bytes() == b"%PDF old"
