"""Render documents with docxtpl and write them atomically (DESIGN.md §7).

Templates render in a Jinja sandbox with autoescape; variables a template uses that the context
lacks are reported before rendering. Output goes to ``out/<单位>/<文件名>.docx`` through a temp
file in the same folder and a rename, so a failed write never leaves a half-written document.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..files import OutputError, write_atomic
from ..units import UnitData

if TYPE_CHECKING:
    from ..county import UnitRollup

SELF_ASSESSMENT_TEMPLATE = "自评报告.docx"
_UNSAFE = set('/\\:*?"<>|') | {"\x00"}


class RenderError(OutputError):
    """A document cannot be produced; the message is Chinese and says what to do."""


def bundled_template(name: str) -> Path:
    """Path of a template shipped in the package's ``templates`` folder."""
    return Path(str(resources.files("wenming_cli").joinpath("templates").joinpath(name)))


def safe_component(name: str) -> str:
    """``name`` if it is safe as one path component, else RenderError (no '/', '..', ':' …)."""
    if not name or name in (".", "..") or any(c in _UNSAFE for c in name) or name.startswith("."):
        raise RenderError(f"单位名称“{name}”含有不能用作文件名的字符，请在配置中改用单位全称。")
    return name


BULK_ROWS = 200
"""Table loops longer than this are filled by `bulk` after rendering (docxtpl is slow on them)."""

Images = Callable[[Any], dict[str, Any]]
"""Given the DocxTemplate, returns context entries holding InlineImages (they need the doc)."""


def render_docx(template: Path, context: dict[str, Any], target: Path,
                images: Images | None = None) -> Path:
    """Render ``template`` with ``context`` into ``target`` (sandboxed Jinja, autoescape).

    Raises:
        RenderError: the template cannot be read, uses variables the context lacks, or fails
            to render (message names the template and the variables/tag).
    """
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    from .bulk import fill_loops, find_loops

    if not template.is_file():
        raise RenderError(f"找不到模板文件 {template}。")
    env = jinja_environment()
    try:
        doc = DocxTemplate(str(template))
        used = _template_variables(doc, template, env)
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        line = f"（第 {lineno} 行）" if lineno else ""
        raise RenderError(f"模板 {template} 中的标签写法有误{line}：{exc}。"
                          "请检查 {{ }} 和 {% %} 是否成对。") from exc
    except Exception as exc:  # a .docx docxtpl/python-docx cannot open
        raise RenderError(f"模板 {template} 不是可用的 .docx 文件，请用 Word/WPS 另存为 .docx。") from exc
    if images is not None:
        context = {**context, **images(doc)}
    unknown = sorted(set(used) - set(context))
    if unknown:
        raise RenderError(f"模板 {template} 使用了数据中没有的变量：{'、'.join(unknown)}。"
                          f"可用的变量：{'、'.join(sorted(context))}。")
    doc.init_docx()
    loops = find_loops(doc.docx, {k for k, v in context.items()
                                  if isinstance(v, list) and len(v) > BULK_ROWS})
    try:
        doc.render({**context, **{loop.key: [] for loop in loops}}, jinja_env=env,
                   autoescape=True)
        if loops and not fill_loops(doc.docx, loops, context):
            doc = DocxTemplate(str(template))  # table moved by the template: render it all
            doc.render(context, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise RenderError(f"模板 {template} 渲染失败：{exc}") from exc
    from .layout import finish_layout

    finish_layout(doc.docx)  # title broken at a meaning boundary, 落款 centred over the date
    return save_output(target, lambda temp: doc.save(str(temp)))


_ENVIRONMENT: list[Any] = []


def jinja_environment() -> Any:
    """The process's sandboxed Jinja environment (autoescape on) that compiles each template
    text once: docxtpl hands it the same XML for every town of `report --all`, and compiling it
    is ~40% of docxtpl's render time. Templates come from `from_string` only."""
    if not _ENVIRONMENT:
        from jinja2 import Template
        from jinja2.sandbox import SandboxedEnvironment

        class CompilingOnce(SandboxedEnvironment):
            compiled: dict[str, Template] = {}

            def from_string(self, source: Any, globals: Any = None,
                            template_class: Any = None) -> Template:
                if globals or template_class or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                if source not in self.compiled:
                    if len(self.compiled) >= 64:
                        self.compiled.clear()
                    self.compiled[source] = super().from_string(source)
                return self.compiled[source]

        _ENVIRONMENT.append(CompilingOnce(autoescape=True))
    return _ENVIRONMENT[0]


_VARIABLES: dict[tuple[str, int, int], frozenset[str]] = {}
"""Variables used by a template, by (path, mtime_ns, size): `report --all` renders one template
for every town, and docxtpl opens and parses the whole template again to list them."""


def _template_variables(doc: Any, template: Path, env: Any) -> frozenset[str]:
    """``doc.get_undeclared_template_variables(env)``, once per version of the template file.

    Raises what docxtpl raises (TemplateError, or any error of a file it cannot open).
    """
    info = template.stat()
    key = (str(template.resolve()), info.st_mtime_ns, info.st_size)
    if key not in _VARIABLES:
        _VARIABLES[key] = frozenset(doc.get_undeclared_template_variables(env))
    return _VARIABLES[key]


def save_output(target: Path, save: Callable[[Path], None]) -> Path:
    """`files.write_atomic` with its OutputError reported as a RenderError."""
    try:
        return write_atomic(target, save)
    except OutputError as exc:
        raise RenderError(str(exc)) from exc


def file_label(mask: bool, sample: bool) -> str:
    """What goes after a document's name: 示例数据 and unmasked copies are marked in the name."""
    return ("（示例数据）" if sample else "") + ("" if mask else "（内部留存，未遮挡）")


def render_self_assessment(unit: UnitData, config: Config, out: Path, mask: bool = True,
                           template: Path | None = None, today: date | None = None,
                           label: str = "", full_lists: bool = False) -> Path:
    """Write ``out/<town>/<town>新时代文明实践所建设情况自评报告.docx``; returns its path.

    ``full_lists`` annexes the whole 花名册 (default: the teams with member counts).

    Raises:
        RenderError: see `render_docx` and `write_atomic`.
    """
    from ..criteria import build_checklist
    from .context import self_assessment_context

    checklist = build_checklist(unit, config)
    context = self_assessment_context(unit, checklist, config, mask=mask, today=today,
                                      full_lists=full_lists)
    name = safe_component(unit.name)
    target = out / name / f"{name}新时代文明实践所建设情况自评报告{label}.docx"
    return render_docx(template or bundled_template(SELF_ASSESSMENT_TEMPLATE), context, target)


SUMMARY_TEMPLATE = "半年小结.docx"
COUNTY_TEMPLATE = "全县汇总.docx"


def render_summary(unit: UnitData, config: Config, out: Path, template: Path | None = None,
                   today: date | None = None, label: str = "",
                   notes: list[str] | None = None) -> Path:
    """Write ``out/<unit>/<unit>…情况小结.docx`` (半年小结) with its activity chart; returns its path.

    Args:
        notes: receives Chinese notes for the user (e.g. chart left out: no Chinese font).
    Raises:
        RenderError: see `render_docx` and `write_atomic`.
    """
    from .summary import summary_context, summary_title

    context = summary_context(unit, config, today=today)
    name = safe_component(unit.name)
    target = out / name / f"{summary_title(unit, config)}{label}.docx"
    with tempfile.TemporaryDirectory(prefix="wenming-") as tmp:
        images = _chart_images(context, Path(tmp) / "chart.png", notes)
        return render_docx(template or bundled_template(SUMMARY_TEMPLATE), context, target, images)


def _chart_images(context: dict[str, Any], png: Path, notes: list[str] | None) -> Images:
    """The ``chart`` image hook from a context's ``by_month``/``by_category`` rows."""
    from .chart import activity_chart

    months = [(r["month"], int(r["count"])) for r in context["by_month"]]
    categories = [(r["category"], int(r["count"])) for r in context["by_category"]]
    drawn = activity_chart(png, months, categories, "") if any(c for _, c in months) else None
    if drawn is None and any(c for _, c in months) and notes is not None:
        notes.append("系统中没有找到中文字体，统计图已省略（安装“黑体”等中文字体后重新生成即可）。")

    def images(doc: Any) -> dict[str, Any]:
        if drawn is None:
            return {"chart": ""}
        from docx.shared import Mm
        from docxtpl import InlineImage

        return {"chart": InlineImage(doc, str(drawn), width=Mm(150))}

    return images


def render_county(rollups: list[UnitRollup], config: Config, report: Any, out: Path,
                  template: Path | None = None, today: date | None = None,
                  label: str = "", notes: list[str] | None = None) -> list[Path]:
    """Write the 全县汇总 .docx and .xlsx into ``out/全县汇总/``; returns both paths.

    Args:
        rollups, report: `validate.list_issues(..., rollups=True)`'s rollups and report for the
            whole data folder (or `county.rollup` of each unit `validate_units` read).
    Raises:
        RenderError: see `render_docx` and `write_atomic`.
    """
    from ..county import summarise_county
    from .county import county_activity_table, county_context, county_title, write_county_xlsx

    summary = summarise_county(rollups, config, report)
    folder = out / "全县汇总"
    title = county_title(config)
    context = county_context(summary, config, today=today)
    with tempfile.TemporaryDirectory(prefix="wenming-") as tmp:
        images = _chart_images(county_activity_table(summary, config), Path(tmp) / "chart.png",
                               notes)
        docx = render_docx(template or bundled_template(COUNTY_TEMPLATE), context,
                           folder / f"{title}{label}.docx", images)
    xlsx = save_output(folder / f"{config.county}新时代文明实践所（站）建设情况汇总表{label}.xlsx",
                        lambda temp: write_county_xlsx(summary, config, temp))
    return [docx, xlsx]


def render_unit(unit: UnitData, config: Config, out: Path, mask: bool = True,
                today: date | None = None, label: str = "",
                notes: list[str] | None = None) -> list[Path]:
    """Every document of one 填报单位: towns get the 自评报告, units and teams the 半年小结."""
    if unit.kind == "town":
        return [render_self_assessment(unit, config, out, mask=mask, today=today, label=label)]
    return [render_summary(unit, config, out, today=today, label=label, notes=notes)]
