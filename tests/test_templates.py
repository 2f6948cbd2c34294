"""Templates are code: their variables match the context builders and the README; user
templates render sandboxed and unknown variables are reported before rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from typer.testing import CliRunner

from wenming_cli.cli import app, bundled_sample_data
from wenming_cli.config import Config
from wenming_cli.render.report import RenderError, bundled_template, render_self_assessment
from wenming_cli.render.variables import TEMPLATE_VARIABLES, variables_markdown
from wenming_cli.validate import validate_paths

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = bundled_sample_data()


@pytest.mark.parametrize("name", sorted(TEMPLATE_VARIABLES))
def test_template_uses_exactly_the_documented_variables(name: str) -> None:
    used = DocxTemplate(str(bundled_template(name))).get_undeclared_template_variables(
        SandboxedEnvironment(autoescape=True))
    assert used == set(TEMPLATE_VARIABLES[name])


def test_readme_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert variables_markdown() in readme, "run: python tools/template_vars.py"


def test_context_builders_give_exactly_the_documented_keys(config: Config) -> None:
    from wenming_cli.county import build_county
    from wenming_cli.criteria import build_checklist
    from wenming_cli.render.context import self_assessment_context
    from wenming_cli.render.county import county_context
    from wenming_cli.render.evidence import (
        activities_context,
        album_context,
        projects_context,
        roster_context,
    )
    from wenming_cli.render.summary import summary_context

    result = validate_paths([SAMPLE], config)
    town = next(u for u in result.units if u.name == "城北街道")
    keys = {
        "自评报告.docx": set(self_assessment_context(town, build_checklist(town, config), config)),
        "半年小结.docx": set(summary_context(town, config)) | {"chart"},
        "全县汇总.docx": set(county_context(build_county(result.units, config, result.report),
                                             config)) | {"chart"},
        "印证_花名册.docx": set(roster_context(town, config)),
        "印证_活动计划一览表.docx": set(activities_context(town, config)),
        "印证_项目表.docx": set(projects_context(town, config)),
        "图片资料汇编.docx": set(album_context(town, config, 0)) | {"rows"},
    }
    assert keys == {name: set(v) for name, v in TEMPLATE_VARIABLES.items()}


def user_template(path: Path, *lines: str) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def test_unknown_variables_reported_before_rendering(tmp_path: Path, config: Config) -> None:
    template = user_template(tmp_path / "我的模板.docx", "{{ title }}", "{{ 书记姓名 }}{{ fax }}")
    unit = validate_paths([SAMPLE / "城北街道"], config).units[0]
    with pytest.raises(RenderError) as caught:
        render_self_assessment(unit, config, tmp_path / "out", template=template)
    assert "fax、书记姓名" in str(caught.value) and "我的模板.docx" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_user_template_is_sandboxed(tmp_path: Path, config: Config) -> None:
    template = user_template(tmp_path / "坏模板.docx",
                             "{{ title.__class__.__mro__[1].__subclasses__() }}")
    unit = validate_paths([SAMPLE / "城北街道"], config).units[0]
    with pytest.raises(RenderError) as caught:
        render_self_assessment(unit, config, tmp_path / "out", template=template)
    assert "第 1 段" in str(caught.value) and "不允许的操作" in str(caught.value)


def test_user_template_broken_tag(tmp_path: Path) -> None:
    template = user_template(tmp_path / "断开.docx", "{{ title ", "{% for x in basic %}")
    result = CliRunner().invoke(app, ["report", "--town", "城北街道", "--data", str(SAMPLE),
                                      "--out", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 2 and "标签写法有误" in result.output
    assert "Traceback" not in result.output


def test_user_template_renders(tmp_path: Path) -> None:
    template = user_template(tmp_path / "简版.docx", "{{ title }}", "{{ report_date }}")
    result = CliRunner().invoke(app, ["report", "--town", "城北街道", "--data", str(SAMPLE),
                                      "--out", str(tmp_path / "out"), "--template", str(template)])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out" / "城北街道").glob("*.docx")
    texts = [p.text for p in Document(str(written)).paragraphs]
    assert texts == ["城北街道新时代文明实践所建设情况自评报告", "2022年7月14日"]


def test_init_report_templates_copies_all(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init-templates", "--out", str(tmp_path),
                                      "--report-templates"])
    assert result.exit_code == 0, result.output
    copied = sorted(p.name for p in (tmp_path / "报告模板").iterdir())
    assert copied == sorted(TEMPLATE_VARIABLES)


def test_issue_codes_registry_matches_the_source() -> None:
    import re

    from wenming_cli.codes import ISSUE_CODES, codes_markdown

    source = ROOT / "src" / "wenming_cli"
    literals: set[str] = set()
    for path in source.rglob("*.py"):
        # serve/: HTTP header names and event actions (login-failed), never an issue code
        if path.name != "codes.py" and "serve" not in path.relative_to(source).parts:
            literals |= set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)"', path.read_text("utf-8")))
    not_codes = {"init-templates", "yyyy-mm-dd"} | {c for c in literals if c.startswith("utf-")}
    assert literals - not_codes == set(ISSUE_CODES)
    assert codes_markdown() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_shipped_templates_equal_their_generator(tmp_path: Path) -> None:
    """The .docx templates are generated (tools/make_templates.py, deterministic): a template
    edited by hand, or a generator change without regenerating, fails here."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_templates
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert make_templates.main(["--out", str(tmp_path)]) == 0
    for name in make_templates.TEMPLATES:
        assert (tmp_path / name).read_bytes() == bundled_template(name).read_bytes(), (
            f"{name} is stale: run python tools/make_templates.py")


def test_table_rows_use_only_fields_the_context_gives(config: Config) -> None:
    """Every ``{{ v.field }}`` of a ``{%tr for v in rows %}`` loop names a key the context's rows
    have (a missing one would render as a blank cell, silently)."""
    import re
    import zipfile

    from wenming_cli.county import build_county
    from wenming_cli.criteria import build_checklist
    from wenming_cli.render.context import self_assessment_context
    from wenming_cli.render.county import county_context
    from wenming_cli.render.summary import summary_context

    result = validate_paths([SAMPLE], config)
    town = next(u for u in result.units if u.name == "城北街道")
    contexts = {
        "自评报告.docx": self_assessment_context(town, build_checklist(town, config), config,
                                               full_lists=True),
        "半年小结.docx": summary_context(town, config),
        "全县汇总.docx": county_context(build_county(result.units, config, result.report), config),
    }
    for name, context in contexts.items():
        xml = zipfile.ZipFile(bundled_template(name)).read("word/document.xml").decode()
        text = re.sub(r"<[^>]+>", "", xml)
        loops = re.findall(r"\{%\s*tr\s+for\s+(\w+)\s+in\s+(\w+)\s*%\}(.*?)\{%\s*tr\s+endfor", text,
                           flags=re.S)
        assert loops, name
        for var, key, body in loops:
            fields = set(re.findall(r"\{\{\s*" + re.escape(var) + r"\.(\w+)\s*\}\}", body))
            rows = context[key]
            assert rows, (name, key)
            for row in rows:
                assert fields <= set(row), (name, key, fields - set(row))
