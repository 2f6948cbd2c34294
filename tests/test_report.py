"""The rendered 自评报告 read back with python-docx: figures recomputed independently, masking,
fonts on w:eastAsia, page setup, escaping."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from conftest import MakeBook, as_date, make_id, sheet_records
from wenming_cli.cli import bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.render.report import render_self_assessment
from wenming_cli.validate import validate_paths

SAMPLE = bundled_sample_data() / "城北街道"


def rate(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator * 100:.2f}".rstrip("0").rstrip(".") + "%"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wenming_cli.config import load_config

    config, _ = load_config()
    unit = validate_paths([SAMPLE], config).units[0]
    return render_self_assessment(unit, config, tmp_path_factory.mktemp("out"), full_lists=True)


def body_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_figures_equal_independent_recomputation(rendered: Path, config: Config) -> None:
    sites = sheet_records(SAMPLE / "基本情况与自评表.xlsx", "阵地")
    villages = config.town("城北街道").villages  # type: ignore[union-attr]
    stations = [s for s in sites if s["阵地类型"] == "实践站"]
    covered = {s["所在村（社区）"] for s in stations} & set(villages)
    teams = sheet_records(SAMPLE / "志愿服务队伍花名册.xlsx", "队伍")
    people = sheet_records(SAMPLE / "志愿服务队伍花名册.xlsx", "队员")
    registered = sum(1 for p in people if p["是否注册志愿者"] == "是")
    acts = sheet_records(SAMPLE / "文明实践项目活动计划一览表.xlsx", "活动")
    held = [a for a in acts if a["开展状态"] == "已开展"
            and date(2022, 1, 1) <= as_date(a["实际开展日期"]) <= date(2022, 6, 30)]  # type: ignore[operator]
    served = sum(int(a["服务群众（人次）"] or 0) for a in held)
    projects = sheet_records(SAMPLE / "志愿服务项目表.xlsx", "项目")
    by_type = {t: sum(1 for p in projects if p["项目类型"] == t) for t in ("普惠性", "特惠性", "互惠性")}

    text = body_text(rendered)
    assert f"全街道共有村（社区）{len(villages)}个" in text
    assert f"实践站{len(stations)}个，实践站覆盖率为{rate(len(covered), len(villages))}" in text
    assert f"组建志愿服务队{len(teams)}支" in text
    assert f"登记志愿者{len(people)}人（其中注册志愿者{registered}人" in text
    assert f"共开展文明实践活动{len(held)}场，服务群众{served}人次" in text
    assert (f"设计实施志愿服务项目{len(projects)}个（普惠性{by_type['普惠性']}个、"
            f"特惠性{by_type['特惠性']}个、互惠性{by_type['互惠性']}个）") in text
    missing = [v for v in villages if v not in covered]
    assert f"{'、'.join(missing)}尚未建站" in text
    assert "尚未组建应急救援志愿服务队" in text


def test_structure_and_headings(rendered: Path) -> None:
    doc = Document(str(rendered))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "城北街道新时代文明实践所建设情况自评报告"
    for heading in ("一、基本情况", "二、对照“五有”标准自评情况", "三、存在问题", "四、下一步整改措施",
                    "（一）有场所", "（五）有机制"):
        assert heading in texts
    assert any(t.startswith("根据") and "现将自评情况报告如下：" in t for t in texts)
    assert any(t.startswith("下一步，我街道将") for t in texts)
    assert "中共西乡县委城北街道工作委员会" in texts
    assert "{{" not in "\n".join(texts) and "{%" not in "\n".join(texts)


def test_annex_tables_are_masked(rendered: Path) -> None:
    doc = Document(str(rendered))
    volunteer_table = next(t for t in doc.tables if t.rows[0].cells[3].text == "身份证号码")
    people = sheet_records(SAMPLE / "志愿服务队伍花名册.xlsx", "队员")
    assert len(volunteer_table.rows) == len(people) + 1
    first = volunteer_table.rows[1].cells
    raw_id = str(people[0]["身份证号码"])
    assert first[3].text == raw_id[:6] + "********" + raw_id[-4:]
    assert re.fullmatch(r"1\d\d\*{4}\d{4}", first[5].text)
    from zipfile import ZipFile

    xml = ZipFile(rendered).read("word/document.xml").decode("utf-8")
    assert not re.search(r"\d{17}[\dX]", xml), "an unmasked ID number is in the document"
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", xml), "an unmasked mobile is in the document"


def test_gbt9704_page_and_fonts(rendered: Path) -> None:
    doc = Document(str(rendered))
    section = doc.sections[0]
    assert abs(section.top_margin - Mm(37)) < Mm(0.5)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.5)
    assert abs(section.left_margin - Mm(28)) < Mm(0.5)
    assert abs(section.right_margin - Mm(26)) < Mm(0.5)
    fonts = {}
    for name in ("Normal", "公文标题", "一级标题", "二级标题"):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        fonts[name] = rfonts.get(qn("w:eastAsia"))
    assert fonts == {"Normal": "仿宋_GB2312", "公文标题": "方正小标宋简体", "一级标题": "黑体",
                     "二级标题": "楷体_GB2312"}
    assert doc.styles["Normal"].font.size.pt == 16
    assert doc.styles["公文标题"].font.size.pt == 22
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "—" in footer_xml


def test_masking_can_be_turned_off(tmp_path: Path, config: Config) -> None:
    unit = validate_paths([SAMPLE], config).units[0]
    path = render_self_assessment(unit, config, tmp_path, mask=False, full_lists=True)
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[3].text == "身份证号码")
    assert table.rows[1].cells[3].text == unit.volunteers[0].id_card


def test_special_characters_survive(make_book: MakeBook, unit_dir: Path, tmp_path: Path,
                                    config: Config) -> None:
    name = 'A&B <队> "引号" 🎉'
    make_book("roster", {
        "队伍": [{"name": name, "category": "党员", "level": "镇级", "leader": "李",
                  "phone": "13891600001", "registered": "是"}],
        "队员": [{"name": "张三", "gender": "男", "id_card": make_id("19900101", 11),
                  "politics": "群众", "phone": "13891600002", "team": name, "registered": "是"}],
    })
    make_book("profile", {"基本情况": [{"unit_name": "城北街道", "unit_type": "街道"}],
                          "自评": [{"code": "1.1", "dimension": "有场所",
                                    "narrative": "第一行\n第二行 & <b>"}], "阵地": [],
                          "小结": []})
    unit = validate_paths([unit_dir], config).units[0]
    path = render_self_assessment(unit, config, tmp_path / "out", today=date(2022, 7, 1))
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert name in cells
    text = body_text(path)
    assert "第一行\n第二行 & <b>" in text
    assert "2022年7月1日" in text
    assert "【请补充：" in text


def test_placeholders_are_highlighted(make_book: MakeBook, unit_dir: Path, tmp_path: Path,
                                      config: Config) -> None:
    make_book("profile", {"基本情况": [{"unit_name": "城北街道", "unit_type": "街道"}],
                          "自评": [{"code": "1.1", "dimension": "有场所"}], "阵地": [],
                          "小结": []})
    unit = validate_paths([unit_dir], config).units[0]
    doc = Document(str(render_self_assessment(unit, config, tmp_path)))
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【请补充：")]
    assert runs, "no placeholder rendered"
    styles = {r._r.rPr.find(qn("w:rStyle")).get(qn("w:val")) for r in runs}
    assert styles == {"待补充"}


def test_bulk_filled_tables_equal_jinja_rendering(tmp_path: Path, config: Config,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from wenming_cli.render import report

    unit = validate_paths([SAMPLE], config).units[0]
    assert len(unit.volunteers) > report.BULK_ROWS  # the sample exercises the bulk path
    fast = render_self_assessment(unit, config, tmp_path / "fast", full_lists=True)
    bulk_rows = report.BULK_ROWS
    monkeypatch.setattr(report, "BULK_ROWS", 10**9)
    slow = render_self_assessment(unit, config, tmp_path / "slow", full_lists=True)

    def cells(path: Path) -> list[list[str]]:
        return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows]

    def tables_xml(path: Path) -> list[bytes]:  # canonical XML: same elements, attributes, text
        from lxml import etree

        return [etree.tostring(t._tbl, method="c14n") for t in Document(str(path)).tables]

    assert cells(fast) == cells(slow)
    assert len(cells(fast)) > bulk_rows
    assert tables_xml(fast) == tables_xml(slow)


def test_leftover_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    import os
    import time

    from wenming_cli.files import STALE_SECONDS, TEMP_PREFIX, write_atomic

    old = tmp_path / f"{TEMP_PREFIX}abc.docx"
    fresh = tmp_path / f"{TEMP_PREFIX}def.docx"  # another run writing right now
    for path in (old, fresh):
        path.write_bytes(b"half")
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    write_atomic(tmp_path / "报告.docx", lambda temp: temp.write_bytes(b"doc"))
    assert not old.exists() and fresh.exists()
    assert (tmp_path / "报告.docx").read_bytes() == b"doc"
