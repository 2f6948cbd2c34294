"""Render documents with docxtpl and write them atomically (DESIGN.md §7).

Templates render in a Jinja sandbox with autoescape; variables a template uses that the context
lacks are reported before rendering. Output goes to ``out/<单位>/<文件名>.docx`` through a temp
file in the same folder and a rename, so a failed write never leaves a half-written document.
"""

from __future__ import annotations

import html
import re
import tempfile
import traceback
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


class RenderError(OutputError):
    """A document cannot be produced; the message is Chinese and says what to do."""


def bundled_template(name: str) -> Path:
    """Path of a template shipped in the package's ``templates`` folder."""
    return Path(str(resources.files("wenming_cli").joinpath("templates").joinpath(name)))


def safe_component(name: str) -> str:
    """``name`` if it is safe as one path component, else RenderError (`files.safe_component`:
    no '/', '..', ':', control characters, CON/NUL …)."""
    from ..files import safe_component as checked

    try:
        return checked(name)
    except OutputError as exc:
        raise RenderError(str(exc)) from exc


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

    from .bulk import fill_loops, find_loops

    if not template.is_file():
        raise RenderError(f"找不到模板文件 {template}。")
    env = jinja_environment()
    try:
        doc = DocxTemplate(str(template))
        doc.init_docx()
    except Exception as exc:  # a .docx docxtpl/python-docx cannot open
        raise RenderError(f"模板 {template} 不是可用的 .docx 文件，请用 Word/WPS 另存为 .docx。") from exc
    try:
        used = _template_variables(doc, template, env)
    except Exception as exc:  # a tag Jinja cannot parse, or a limit (see `sandbox`)
        raise template_failure(template, exc, env.last_source) from exc
    if images is not None:
        context = {**context, **images(doc)}
    unknown = sorted(set(used) - set(context))
    if unknown:
        raise RenderError(f"模板 {template} 使用了数据中没有的变量：{'、'.join(unknown)}。"
                          f"可用的变量：{'、'.join(sorted(context))}。")
    loops = find_loops(doc.docx, {k for k, v in context.items()
                                  if isinstance(v, list) and len(v) > BULK_ROWS})
    try:
        doc.render({**context, **{loop.key: [] for loop in loops}}, jinja_env=env,
                   autoescape=True)
        if loops and not fill_loops(doc.docx, loops, context):
            doc = DocxTemplate(str(template))  # table moved by the template: render it all
            doc.render(context, jinja_env=env, autoescape=True)
    except Exception as exc:  # anything a user's template can raise: a Chinese message
        raise template_failure(template, exc, env.last_source) from exc
    from .layout import finish_layout

    finish_layout(doc.docx)  # title broken at a meaning boundary, 落款 centred over the date
    return save_output(target, lambda temp: doc.save(str(temp)))


_PARAGRAPH = re.compile(r"<w:p[ >]")


def _template_line(exc: BaseException) -> int | None:
    """The template line an error happened on: the syntax error's, else the innermost frame of
    the compiled template in the traceback (Jinja rewrites those to template line numbers)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None


def template_paragraph(source: str, lineno: int | None) -> str:
    """'第 N 段（“text”）' for a template line: docxtpl starts a line at every ``<w:p``, so line
    N is a paragraph (of the body, a table cell, a header); its text is quoted, tags stripped."""
    lines = source.splitlines()
    if lineno is None or not 1 <= lineno <= len(lines):
        return ""
    number = sum(1 for line in lines[:lineno] if _PARAGRAPH.match(line))
    text = html.unescape(re.sub(r"<[^>]+>", "", lines[lineno - 1])).strip()
    if len(text) > 60:
        text = text[:60] + "…"
    where = f"第 {number} 段" if number else "开头"
    return f"{where}（“{text}”）" if text else where


_SYNTAX = (
    ("unexpected end of template", "缺少结束标签（如 {% endfor %}、{% endif %}），或 {{ }} / {% %} 没有成对"),
    ("Encountered unknown tag", "用了不认识的标签"),
    ("unexpected '}'", "{{ }} 或 {% %} 没有成对"),
    ("expected token", "标签没有写完整，或多了、少了符号"),
    ("unexpected char", "标签里有不能用的字符（如中文引号、全角括号）"),
)


def template_reason(exc: BaseException) -> str:
    """What went wrong in a user's template, in Chinese (no English reaches the clerk)."""
    from jinja2 import TemplateNotFound, TemplatesNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from .sandbox import TemplateLimit

    if isinstance(exc, TemplateLimit):
        return str(exc)
    if isinstance(exc, (TemplateNotFound, TemplatesNotFound)):
        return ("不能使用 {% include %}、{% import %}、{% extends %}：模板的全部内容要写在"
                "这一个 .docx 文件里")
    if isinstance(exc, SecurityError):
        return "用到了模板中不允许的操作（模板只能读取数据，不能调用内部属性和方法）"
    if isinstance(exc, UndefinedError):
        name = re.search(r"'(\w+)' is undefined|attribute '(\w+)'", str(exc))
        shown = next((g for g in name.groups() if g), "") if name else ""
        return "用到了数据中没有的变量或属性" + (f"“{shown}”" if shown else "")
    if isinstance(exc, TemplateSyntaxError):
        message = str(exc)
        return "标签写法有误：" + next((zh for en, zh in _SYNTAX if en in message),
                                  "请检查 {{ }} 和 {% %} 是否成对、里面的写法是否正确")
    if isinstance(exc, ZeroDivisionError):
        return "除数为 0"
    if isinstance(exc, RecursionError):
        return "嵌套太深：宏调用自身的层数太多，或括号、标签嵌套太多层"
    if isinstance(exc, MemoryError):
        return "生成的内容太大，内存不足"
    if isinstance(exc, OverflowError):
        return "数字太大"
    if isinstance(exc, TypeError):
        return "把不能一起运算的内容放在了一起（如文字加数字、对数字取长度）"
    if isinstance(exc, (ValueError, ArithmeticError, LookupError)):
        return "数值或下标不合适"
    return "模板运行出错"


def template_failure(template: Path, exc: BaseException, source: str) -> RenderError:
    """The RenderError for any exception raised while parsing or rendering ``template``:
    Chinese reason, the paragraph it happened in, and what to do."""
    where = template_paragraph(source, _template_line(exc))
    return RenderError(f"模板 {template} {where}有误：{template_reason(exc)}。"
                       "请在 Word/WPS 中打开模板修改这一处后重新生成；用软件自带的模板可去掉 --template。")


_ENVIRONMENT: list[Any] = []


def jinja_environment() -> Any:
    """The process's sandboxed Jinja environment (`sandbox.LimitedEnvironment`: autoescape,
    limits on operators, range, time and output) that compiles each template text once:
    docxtpl hands it the same XML for every town of `report --all`, and compiling it is ~40% of
    docxtpl's render time. Templates come from `from_string` only; ``last_source`` keeps the
    text compiled last, so an error can be traced to its paragraph."""
    if not _ENVIRONMENT:
        from jinja2 import Template

        from .sandbox import LimitedEnvironment

        class CompilingOnce(LimitedEnvironment):
            compiled: dict[str, Template] = {}
            last_source = ""

            def parse(self, source: str, name: str | None = None,
                      filename: str | None = None) -> Any:
                # docxtpl lists the variables on the XML as one line; a line per paragraph
                # (as docxtpl renders it) lets a syntax error name its paragraph
                source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
                self.last_source = source
                return super().parse(source, name, filename)

            def from_string(self, source: Any, globals: Any = None,
                            template_class: Any = None) -> Template:
                if isinstance(source, str):
                    self.last_source = source
                if globals or template_class or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                if source not in self.compiled:
                    if len(self.compiled) >= 64:
                        self.compiled.clear()
                    self.compiled[source] = super().from_string(source)
                return self.compiled[source]

        _ENVIRONMENT.append(CompilingOnce())
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
