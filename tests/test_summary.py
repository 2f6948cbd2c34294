"""半年小结 read back: category/month tables equal a recount; missing narrative → placeholder."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from conftest import MakeBook, as_date, make_id, sheet_records
from wenming_cli.cli import app, bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.render.report import render_summary
from wenming_cli.validate import validate_paths

SAMPLE = bundled_sample_data()
runner = CliRunner()


def test_tables_equal_recount(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--town", "城北街道", "--kind", "半年小结",
                                 "--data", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "城北街道" / "城北街道2022年上半年新时代文明实践志愿服务活动情况小结.docx"
    doc = Document(str(path))
    acts = sheet_records(SAMPLE / "城北街道" / "文明实践项目活动计划一览表.xlsx", "活动")
    held = [a for a in acts if a["开展状态"] == "已开展"
            and date(2022, 1, 1) <= as_date(a["实际开展日期"]) <= date(2022, 6, 30)]  # type: ignore[operator]
    by_category = Counter(a["活动类别"] for a in held)
    by_month = Counter(as_date(a["实际开展日期"]).month for a in held)  # type: ignore[union-attr]
    category_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "活动类别")
    got = {r.cells[0].text: int(r.cells[1].text) for r in category_table.rows[1:]}
    assert got.pop("合计") == len(held)
    assert got == {c: by_category.get(c, 0) for c in got}
    month_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "月份")
    months = {r.cells[0].text: int(r.cells[1].text) for r in month_table.rows[1:]}
    assert months.pop("合计") == len(held)
    assert months == {f"{m}月": by_month.get(m, 0) for m in range(1, 7)}
    text = "\n".join(p.text for p in doc.paragraphs)
    served = sum(int(a["服务群众（人次）"] or 0) for a in held)
    assert f"共开展新时代文明实践志愿服务活动{len(held)}场" in text
    assert f"服务群众{served}人次" in text
    assert "【请补充" not in text  # the sample's 小结 is complete


def test_missing_narrative_is_placeholder_and_warning(tmp_path: Path, config: Config) -> None:
    folder = tmp_path / "县文旅局"
    from conftest import write_sheets

    write_sheets(folder / "基本情况与自评表.xlsx", {
        "基本情况": [["项目", "内容"], ["单位名称", "县文旅局"], ["单位类型", "县级单位"],
                     ["联系人", "刘洋"], ["联系电话", "0916-6321001"], ["落款单位", "西乡县文化和旅游局"]],
        "阵地": [["序号", "阵地名称", "阵地类型", "是否挂牌", "开放时间", "管理员"]],
        "自评": [["序号", "评估项目", "自评情况"]],
        "小结": [["项目", "内容"], ["主要做法", "一是送文化下乡。\n二是全民阅读。"], ["特色亮点", None],
                 ["存在问题", " "], ["下步打算", None]],
    })
    result = validate_paths([folder], config)
    warnings = {(i.code, i.location) for i in result.report.issues if i.code == "summary-missing"}
    assert warnings == {("summary-missing", "小结!B3"), ("summary-missing", "小结!B4"),
                        ("summary-missing", "小结!B5")}
    path = render_summary(result.units[0], config, tmp_path / "out", today=date(2022, 7, 12))
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert "一是送文化下乡。" in texts and "二是全民阅读。" in texts
    for heading in ("特色亮点", "存在问题", "下步打算"):
        placeholder = next(p for p in doc.paragraphs if p.text == f"【请补充：{heading}】")
        styles = [r._r.find(qn("w:rPr")) for r in placeholder.runs if r.text]
        assert [s.find(qn("w:rStyle")).get(qn("w:val")) for s in styles] == ["待补充"]
    assert "西乡县文化和旅游局" in texts and "2022年7月12日" in texts
    assert make_id()  # fixtures module imported for its helpers


def test_unit_report_cli(make_book: MakeBook, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--unit", "不存在局", "--data", str(SAMPLE)])
    assert result.exit_code == 2 and "县文旅局" in result.output
    both = runner.invoke(app, ["report", "--town", "城北街道", "--county", "--data", str(SAMPLE)])
    assert both.exit_code == 2 and "请选择一项" in both.output


def test_chart_embedded_or_left_out_with_a_note(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from wenming_cli.render import chart

    args = ["report", "--unit", "县文旅局", "--data", str(SAMPLE)]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    (doc,) = (tmp_path / "a" / "县文旅局").glob("*.docx")
    media = [n for n in zipfile.ZipFile(doc).namelist() if n.startswith("word/media/")]
    if chart.cjk_font() is not None:
        assert len(media) == 1
    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert result.exit_code == 0 and "没有找到中文字体，统计图已省略" in result.output
    (doc,) = (tmp_path / "b" / "县文旅局").glob("*.docx")
    assert not [n for n in zipfile.ZipFile(doc).namelist() if n.startswith("word/media/")]


def test_chinese_font_installed_after_the_font_cache_is_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A CJK font missing from matplotlib's cached font list (installed after the cache was
    built) is found by scanning the system font folders."""
    from matplotlib import font_manager

    from wenming_cli.render import chart

    chart.cjk_font.cache_clear()
    try:
        if chart.cjk_font() is None:
            pytest.skip("no Chinese font on this machine")
        manager = font_manager.fontManager
        # as if the font files had been installed after the cache: none of their faces listed
        files = {f.fname for f in manager.ttflist if f.name in chart.CJK_FONTS}
        monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist
                                                 if f.fname not in files])
        assert not any(f.name in chart.CJK_FONTS for f in manager.ttflist)
        chart.cjk_font.cache_clear()
        assert chart.cjk_font() in chart.CJK_FONTS
        assert any(f.name in chart.CJK_FONTS for f in manager.ttflist)
    finally:
        chart.cjk_font.cache_clear()
