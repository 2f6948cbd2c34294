"""Documents a county reviewer accepts as they are (issue 11), over the bundled sample data and a
county-sized data set (``benchmarks/make_county.py``): figures recounted from the raw workbooks,
conclusions that agree with the data, prose without machine marks, length and print setup.

The PDF checks (page counts, 28 characters a line, no lost punctuation) need LibreOffice and
poppler's ``pdftotext``; they are skipped where those are not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from conftest import as_date, sheet_records
from wenming_cli.cli import app, bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.figures import format_rate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = bundled_sample_data()
TOWNS = ("城北街道", "城南街道", "堰口镇")
UNITS = ("县文旅局", "县卫健局", "理论宣讲志愿服务队")
runner = CliRunner()
HAVE_PDF = bool(shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo"))
needs_pdf = pytest.mark.skipif(not HAVE_PDF, reason="LibreOffice/poppler not installed")


def report(data: Path, out: Path, *args: str) -> list[Path]:
    """Run `wenming report` and return the .docx files it wrote."""
    result = runner.invoke(app, ["report", *args, "--data", str(data), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output  # 1: the county set has data errors
    return sorted(Path(line.split("：", 1)[1].strip()) for line in result.output.splitlines()
                  if line.startswith("已生成：") and line.strip().endswith(".docx"))


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def section(texts: list[str], start: str, end: str) -> list[str]:
    """The paragraphs after the heading starting with ``start`` up to the one starting with
    ``end``."""
    first = next(i for i, t in enumerate(texts) if t.startswith(start))
    last = next(i for i, t in enumerate(texts[first + 1:], first + 1) if t.startswith(end))
    return texts[first + 1:last]


def people(data: Path, names: tuple[str, ...] | list[str]) -> list[str | None]:
    """One entry per roster line of ``names``: the ID when it is a valid GB 11643 number (an
    independent check-digit recount), else None (a person of their own)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    ids: list[str | None] = []
    for name in names:
        roster = data / name / "志愿服务队伍花名册.xlsx"
        if not roster.exists():
            continue
        from openpyxl import load_workbook

        sheets = load_workbook(roster, read_only=True).sheetnames
        for sheet in (s for s in sheets if s.startswith("队员")):
            for row in sheet_records(roster, sheet):
                raw = row.get("身份证号码")  # spaces inside (610724 19900101 1234) are allowed
                text = re.sub(r"[\s\u3000]", "", raw).upper() if isinstance(raw, str) else ""
                ok = (re.fullmatch(r"\d{17}[\dX]", text) is not None
                      and "10X98765432"[sum(int(c) * w for c, w in zip(text[:17], weights, strict=True)) % 11]
                      == text[-1] and born(text[6:14]))
                ids.append(text if ok else None)
    return ids


def born(digits: str) -> bool:
    """A real date of birth (YYYYMMDD)."""
    from datetime import date

    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def unique(ids: list[str | None]) -> int:
    return len({i for i in ids if i}) + sum(1 for i in ids if i is None)


# ---- the documents ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("sample")
    docs: dict[str, list[Path]] = {"自评报告": [], "半年小结": [], "全县汇总": []}
    for town in TOWNS:
        docs["自评报告"] += report(SAMPLE, out, "--town", town)
        docs["半年小结"] += report(SAMPLE, out, "--town", town, "--kind", "半年小结")
    for unit in UNITS:
        docs["半年小结"] += report(SAMPLE, out, "--unit", unit)
    docs["全县汇总"] = report(SAMPLE, out, "--county")
    assert [len(v) for v in docs.values()] == [3, 6, 1]
    return docs


@pytest.fixture(scope="module")
def county_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("county") / "data"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_county.py"), "--out",
                    str(data), "--writer", "fast", "--jobs", "1"], check=True, capture_output=True)
    return data


@pytest.fixture(scope="module")
def county_docs(county_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("county-out")
    return {"自评报告": report(county_data, out, "--town", "城北街道"),
            "半年小结": report(county_data, out, "--town", "城北街道", "--kind", "半年小结"),
            "全县汇总": report(county_data, out, "--county")}


@pytest.fixture(params=["sample", "county"])
def docs(request: pytest.FixtureRequest) -> dict[str, list[Path]]:
    return request.getfixturevalue(f"{request.param}_docs")  # type: ignore[no-any-return]


# ---- figures that contradict each other ---------------------------------------------------------
@pytest.mark.parametrize("which", ["sample", "county"])
def test_deduplicated_volunteers_are_the_headline(which: str, request: pytest.FixtureRequest,
                                                  config: Config) -> None:
    data = SAMPLE if which == "sample" else request.getfixturevalue("county_data")
    docs = request.getfixturevalue(f"{which}_docs")
    towns = [t.name for t in config.towns if (data / t.name).is_dir()]
    town_ids = people(data, towns)
    all_ids = people(data, sorted(p.name for p in data.iterdir() if p.is_dir()))
    assert len(town_ids) > unique(town_ids)  # both sets have people listed twice
    (county,) = docs["全县汇总"]
    text = "\n".join(paragraphs(county))
    overview = "\n".join(section(paragraphs(county), "一、", "二、"))
    assert f"累计登记志愿者{len(town_ids)}人次，按身份证号码去重后{unique(town_ids)}人" in overview
    assert f"累计登记志愿者{len(all_ids)}人次，按身份证号码去重后{unique(all_ids)}人" in text
    # a raw sum never stands as 登记志愿者N人
    for raw in (len(town_ids), len(all_ids)):
        assert not re.search(f"(?<!累计)登记志愿者{raw}人(?!次)", text)
    assert "人次在多个单位" not in text
    from openpyxl import load_workbook

    ws = load_workbook(county.parent / county.name.replace("汇总报告", "汇总表").replace(
        ".docx", ".xlsx"))["汇总"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)
            if r[1]}
    assert rows["合计"]["志愿者"] == unique(town_ids)


def test_total_rows_describe_one_set(docs: dict[str, list[Path]]) -> None:
    """合计 row of the .xlsx and of the .docx annex: its rate is its own columns' quotient, and
    every count is the sum over the towns that handed in."""
    (county,) = docs["全县汇总"]
    from openpyxl import load_workbook

    ws = load_workbook(county.parent / county.name.replace("汇总报告", "汇总表").replace(
        ".docx", ".xlsx"))["汇总"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)
            if r[1]]
    total = next(r for r in rows if r["镇（街道）"] == "合计")
    handed = [r for r in rows if r["是否报送"] == "是"]
    for column in ("实践站", "村（社区）", "已建站村（社区）", "队伍", "活动（场）", "项目"):
        assert total[column] == sum(r[column] for r in handed), column
    assert total["覆盖率"] == total["已建站村（社区）"] / total["村（社区）"]
    table = Document(str(county)).tables[-1]
    cells = [c.text for c in table.rows[-1].cells]
    head = [c.text.replace("\n", "") for c in table.rows[1].cells]
    got = dict(zip(head, cells, strict=False))
    assert got["覆盖率"] == format_rate(total["已建站村（社区）"] / total["村（社区）"])
    assert got["已建站村（社区）"] == str(total["已建站村（社区）"])


def test_chart_counts_what_the_sentence_counts(sample_docs: dict[str, list[Path]],
                                               config: Config) -> None:
    from wenming_cli.county import build_county
    from wenming_cli.render.county import county_activity_table
    from wenming_cli.validate import validate_paths

    result = validate_paths([SAMPLE], config)
    table = county_activity_table(build_county(result.units, config, result.report), config)
    charted = sum(int(r["count"]) for r in table["by_month"])
    held = 0
    for town in TOWNS:
        acts = sheet_records(SAMPLE / town / "文明实践项目活动计划一览表.xlsx", "活动")
        held += sum(1 for a in acts if a["开展状态"] == "已开展"
                    and as_date(a["实际开展日期"]).year == 2022  # type: ignore[union-attr]
                    and as_date(a["实际开展日期"]).month <= 6)  # type: ignore[union-attr]
    overview = "\n".join(section(paragraphs(sample_docs["全县汇总"][0]), "一、", "二、"))
    assert charted == held == 100 and f"开展文明实践活动{held}场" in overview


def test_one_definition_of_stations_by_venue(sample_docs: dict[str, list[Path]]) -> None:
    """依托党群服务中心建站N个 counts 实践站 in the text and in 附件 (the 对标情况 table)."""
    for path in sample_docs["自评报告"]:
        town = path.parent.name
        sites = sheet_records(SAMPLE / town / "基本情况与自评表.xlsx", "阵地")
        stations = Counter(s["依托场所"] for s in sites if s["阵地类型"] == "实践站")
        annex = [c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells]
        assert any(f"依托党群服务中心建站{stations['党群服务中心']}个" in c for c in annex), town
        text = "\n".join(paragraphs(path))
        for count in re.findall(r"依托党群服务中心建站(\d+)个", text):
            assert int(count) == stations["党群服务中心"], town


# ---- conclusions that contradict the data -------------------------------------------------------
def test_no_item_pairs_a_gap_with_dabiao(docs: dict[str, list[Path]]) -> None:
    flagged = [t for path in docs["自评报告"] for t in section(paragraphs(path), "二、", "三、")
               if "经数据核验" in t]
    assert flagged
    for text in flagged:
        assert "自评结论：达标" not in text, text
        assert re.search(r"自评结论：(基本达标|未达标|【请确认：(基本达标|未达标))", text), text


def test_overstated_conclusion_is_highlighted_and_kept_in_annex(
        sample_docs: dict[str, list[Path]]) -> None:
    path = next(p for p in sample_docs["自评报告"] if p.parent.name == "城北街道")
    doc = Document(str(path))
    item = next(p for p in doc.paragraphs if p.text.startswith("二是常态化五类活动"))
    confirm = [r for r in item.runs if r.text.startswith("【请确认：基本达标")]
    assert confirm and confirm[0].style.name == "待补充"
    annex = next(t for t in doc.tables if t.rows[0].cells[4].text == "自评结论")
    row = next(r for r in annex.rows if r.cells[0].text == "3.2")
    assert (row.cells[3].text, row.cells[4].text) == ("待完善", "达标（自评原填，待确认）")


def test_every_problem_has_a_measure(docs: dict[str, list[Path]]) -> None:
    for path in docs["自评报告"]:
        texts = paragraphs(path)
        problems = section(texts, "三、存在问题", "四、")
        measures = section(texts, "四、", "附件：")[1:]  # after the 下一步，我街道将… lead
        assert problems and len(problems) == len(measures), path.parent.name
        said = [re.sub(r"^[一二三四五六七八九十]+是", "", t) for t in problems]
        assert len(set(said)) == len(said), said  # a problem written for several items: once
        for measure in measures:
            assert "前完成" in measure or "起" in measure or "【请补充：针对" in measure, measure
        assert not any("暂未发现明显问题" in t for t in problems)


def test_no_gap_town_lists_real_shortcomings_or_asks(sample_docs: dict[str, list[Path]]) -> None:
    path = next(p for p in sample_docs["自评报告"] if p.parent.name == "城南街道")
    problems = section(paragraphs(path), "三、存在问题", "四、")
    assert len(problems) == 1 and problems[0].startswith("【请补充：对照“五有”标准查找的实际不足")
    for hint in ("阵地利用率不高", "活动形式单一", "群众参与不够", "志愿者专业化不足", "项目特色不多",
                 "台账资料不规范"):
        assert hint in problems[0]


# ---- prose a person would not write -------------------------------------------------------------
DOUBLED = ("活动活动", "活动”活动", "行动活动", "人次在多个单位", "互惠性0个", "普惠性0个", "特惠性0个",
           "起长期坚持完成")


def test_prose_has_no_machine_marks(docs: dict[str, list[Path]]) -> None:
    for kind, paths in docs.items():
        for path in paths:
            text = "\n".join(paragraphs(path))
            assert not re.search(r"第\d+行", text), (kind, path.name)
            assert not re.search(r"(^|[。；：\n])\d+是", text), (kind, path.name)
            for word in DOUBLED:
                assert word not in text, (kind, path.name, word)


def test_summary_groups_activities_by_category(docs: dict[str, list[Path]]) -> None:
    from wenming_cli.schema.activities import ACTIVITY_CATEGORIES

    for path in docs["半年小结"]:
        grouped = section(paragraphs(path), "二、", "三、")
        assert 1 <= len(grouped) <= len(ACTIVITY_CATEGORIES), path.name
        for paragraph in grouped:
            assert re.match(r"[一二三四五]是(" + "|".join(ACTIVITY_CATEGORIES) + ")。", paragraph)
            assert len(re.findall(r"\d+月\d+日", paragraph)) <= 3


def test_county_problems_grouped_and_next_steps_from_data(sample_docs: dict[str, list[Path]],
                                                          config: Config) -> None:
    texts = paragraphs(sample_docs["全县汇总"][0])
    problems = section(texts, "四、存在问题", "五、")
    assert problems[0] == "一是实践站覆盖率未达到100%的有城北街道、堰口镇2个镇（街道），共4个村（社区）尚未建站。"
    steps = section(texts, "五、", "六、")
    assert any("督促城北街道、堰口镇加快尚未建站的4个村（社区）实践站建设" in s for s in steps)
    assert any("7月15日12时前报齐" in s for s in steps)
    assert texts[texts.index(config.centre) + 1] == "2022年7月15日"  # config, not today


# ---- length, layout and print setup -------------------------------------------------------------
def test_spreadsheets_print_setup(sample_docs: dict[str, list[Path]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    county = sample_docs["全县汇总"][0]
    xlsx = county.parent / county.name.replace("汇总报告", "汇总表").replace(".docx", ".xlsx")
    status = tmp_path / "报送情况.xlsx"
    result = runner.invoke(app, ["status", "--data", str(SAMPLE), "--xlsx", str(status)])
    assert result.exit_code in (0, 1), result.output
    for path in (xlsx, status):
        ws = load_workbook(path).worksheets[0]
        assert ws.page_setup.orientation == "landscape", path.name
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:")


def pdf_of(path: Path, out: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={(out / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(path)], check=True,
                   capture_output=True, timeout=300)
    return out / path.with_suffix(".pdf").name


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@needs_pdf
def test_county_sized_town_page_counts(county_docs: dict[str, list[Path]], tmp_path: Path) -> None:
    assert pages(pdf_of(county_docs["自评报告"][0], tmp_path)) < 30
    assert pages(pdf_of(county_docs["半年小结"][0], tmp_path)) < 15


CJK_LINE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’·—…]+")


@needs_pdf
def test_28_characters_a_line_and_no_lost_punctuation(sample_docs: dict[str, list[Path]],
                                                      tmp_path: Path) -> None:
    for path in (sample_docs["自评报告"][0], sample_docs["半年小结"][0]):
        pdf = pdf_of(path, tmp_path)
        text = subprocess.run(["pdftotext", "-l", "6", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        # body lines of CJK text: '·' is half as wide as a character
        widths = Counter(int(sum(0.5 if c == "·" else 1 for c in line))
                         for line in text.splitlines() if CJK_LINE.fullmatch(line))
        assert max(widths) == 28 and widths[28] >= 8, widths  # full lines; first lines 26
        flat = re.sub(r"\s+|—\s*\d+\s*—", "", subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
        for paragraph in paragraphs(path):
            assert re.sub(r"\s+", "", paragraph) in flat, paragraph  # no mark left out


def test_titles_break_at_a_meaning_boundary_and_signature_is_centred_over_the_date(
        sample_docs: dict[str, list[Path]]) -> None:
    from docx.oxml.ns import qn

    from wenming_cli.render.layout import title_break, width

    assert title_break("县文旅局2022年上半年新时代文明实践志愿服务活动情况小结") == len("县文旅局2022年上半年新时代文明实践")
    assert title_break("西乡县新时代文明实践所（站）建设情况汇总报告") == len("西乡县新时代文明实践所（站）")
    assert title_break("城北街道新时代文明实践所建设情况自评报告") is None  # 20 characters fit
    for paths in sample_docs.values():
        for path in paths:
            doc = Document(str(path))
            title = doc.paragraphs[0]
            lines = title.text.split("\n")
            assert all(width(line) <= 20 for line in lines), title.text
            name, day = [p for p in doc.paragraphs if p.style.name == "落款"][-2:]

            def right(p: object) -> float:
                return int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) / 100  # type: ignore[attr-defined]

            assert right(day) == 4  # 成文日期右空四字 (GB/T 9704 §7.3.5.1)
            # the name's centre is the date's centre, unless the name is too long (flush right)
            centre = right(day) + width(day.text) / 2
            assert right(name) == max(0, centre - width(name.text) / 2), path.name


def test_status_xlsx_has_contacts(tmp_path: Path) -> None:
    """联系人/联系电话: from a unit's 基本情况 where handed in, else from [contacts] in
    wenming.toml; a mobile is masked unless --no-mask."""
    from openpyxl import load_workbook

    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "城北街道", data / "城北街道")
    (data / "wenming.toml").write_text(
        '[contacts."杨河镇"]\nperson = "王五"\nphone = "13891600099"\n', encoding="utf-8")
    form = load_workbook(SAMPLE / "城北街道" / "基本情况与自评表.xlsx", read_only=True)["基本情况"]
    fields = {str(row[0]).rstrip("*"): row[1] for row in form.iter_rows(values_only=True)
              if row and row[0]}
    for mask in (True, False):
        target = tmp_path / f"报送情况{mask}.xlsx"
        args = ["status", "--data", str(data), "--xlsx", str(target)] + ([] if mask else ["--no-mask"])
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), result.output
        ws = load_workbook(target).active
        header = [c.value for c in ws[2]]
        rows = {r[0]: dict(zip(header, r, strict=True))
                for r in ws.iter_rows(min_row=3, values_only=True)}
        assert (rows["城北街道"]["联系人"], rows["城北街道"]["联系电话"]) == (
            fields["联系人"], fields["联系电话"])
        assert rows["杨河镇"]["联系人"] == "王五"
        assert rows["杨河镇"]["联系电话"] == ("138****0099" if mask else "13891600099")


def test_county_report_with_no_town_handed_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "县文旅局", data / "县文旅局")
    (county,) = report(data, tmp_path / "out", "--county")
    texts = paragraphs(county)
    assert texts[texts.index("一、总体情况") + 1].endswith("尚无镇（街道）报送材料。")
    assert "注：尚无镇（街道）报送材料。" in texts and not any("0÷0" in t for t in texts)
    assert "覆盖率—" not in "\n".join(texts)
