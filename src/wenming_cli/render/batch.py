"""`wenming report --all`: every document of every 填报单位, optionally in several processes.

Each unit is read, validated and rendered on its own, so one unit's bad data or failed document
never stops the others. With ``jobs`` > 1 the units are spread over a process pool (one unit is
independent work; a province is then a ``--jobs N`` away).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..issues import Issue
from ..pool import run_unit, worker_count, worker_pool
from ..units import UnitSource


@dataclass(frozen=True)
class Outcome:
    """What happened to one unit: files written, data errors found, or why it failed."""

    unit: str
    paths: tuple[str, ...] = ()
    data_errors: int = 0
    failure: str = ""
    issues: tuple[Issue, ...] = ()
    """Every issue found in the unit (for ``report --all --xlsx``)."""


def render_source(source: UnitSource, config: Config, out: Path, mask: bool,
                  label: str) -> Outcome:
    """Read, validate and render one unit (module-level, so a process pool can run it)."""
    from ..files import OutputError
    from ..issues import Report
    from ..load import few_collections, load_unit
    from .report import render_unit

    report = Report()
    try:
        with few_collections():
            unit = load_unit(source, config, report)
        found = tuple(report.issues)
        if report.unreadable:
            names = "、".join(sorted({Path(i.file).name for i in report.unreadable}))
            return Outcome(source.name, failure=f"{names} 无法读取，请先运行 wenming validate 处理",
                           issues=found)
        if unit.kind == "unknown":
            return Outcome(source.name, failure=f"“{source.name}”不在县里的填报单位名单中，没有生成文档"
                           "（请把文件夹改成单位全称，或在 wenming.toml 的名单中加上它）", issues=found)
        if set(unit.files) <= unit.empty:
            from ..checks import UNIT_EMPTY

            return Outcome(source.name, failure=UNIT_EMPTY, issues=found)
        paths = render_unit(unit, config, out, mask=mask, label=label)
    except OutputError as exc:
        return Outcome(source.name, failure=str(exc), issues=tuple(report.issues))
    return Outcome(source.name, tuple(str(p) for p in paths), len(report.errors), issues=found)


def render_all(sources: list[UnitSource], config: Config, out: Path, mask: bool, label: str,
               jobs: int = 1, done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """`render_source` for every unit, in ``jobs`` processes (0: `validate.auto_jobs`); ``done``
    is called as each ends.

    When a worker process dies (killed for memory) the units not finished are rendered in this
    process. Returns the outcomes in the order of ``sources``.
    """
    outcomes: dict[str, Outcome] = {}

    def finish(outcome: Outcome) -> None:
        outcomes[outcome.unit] = outcome
        if done is not None:
            done(outcome)

    if not jobs:
        from ..validate import auto_jobs

        jobs = auto_jobs(sources)
    if jobs > 1 and len(sources) > 1:
        try:
            with worker_pool(worker_count(jobs, len(sources))) as pool:
                futures = [pool.submit(run_unit, render_source, s, config, out, mask, label)
                           for s in sources]
                for future in as_completed(futures):
                    finish(future.result())
        except (BrokenProcessPool, NotImplementedError, PermissionError):
            pass  # a worker died (or no pool here): the units not done yet are done below
    for source in sources:
        if source.name not in outcomes:
            finish(render_source(source, config, out, mask, label))
    return [outcomes[s.name] for s in sources]
