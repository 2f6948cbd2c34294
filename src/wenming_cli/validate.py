"""Validate 填报单位 data (DESIGN.md §4, §5): every unit loaded (`load`), cross-checked (`checks`).

`validate_units` loads every unit, never stops at the first problem, and returns the typed data
with a `Report` of issues (their codes: `codes.ISSUE_CODES`). `list_issues` does the same for
`wenming validate` and `status`, spreading a county's units over worker processes (`pool`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .issues import Issue, Report
from .load import few_collections, load_unit
from .units import UnitData, UnitSource, discover

if TYPE_CHECKING:
    from .county import UnitRollup
    from .criteria import Checklist


@dataclass
class ValidationResult:
    """The units read (in folder order) and every issue found."""

    units: list[UnitData]
    report: Report


def validate_units(sources: list[UnitSource], config: Config) -> ValidationResult:
    """Validate every unit; in county mode (several units) also flag IDs found in several units."""
    report = Report()
    with few_collections():
        units = [load_unit(source, config, report) for source in sources]
    if len(units) > 1:
        from .checks import check_across_units

        check_across_units(units, report)
    return ValidationResult(units, report)


def auto_jobs(sources: list[UnitSource]) -> int:
    """How many processes to use for ``sources`` when the user did not say: one per CPU core
    (at most `MAX_AUTO_JOBS`) when there are several units holding at least `PARALLEL_BYTES` of workbooks —
    a county's data; otherwise 1 (starting processes costs more than a town's data takes)."""
    if len(sources) < 2:
        return 1
    size = sum(map(_size, sources))
    return max(1, min(usable_cores(), MAX_AUTO_JOBS, len(sources))) if size >= PARALLEL_BYTES else 1


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the system has one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


MAX_AUTO_JOBS = 4
"""`auto_jobs` never starts more processes than this: a `report --all` process holds ~350 MB
while it writes a town's 自评报告 (benchmarks/RESULTS.md); 4 stay within a clerk's laptop."""

def _size(source: UnitSource) -> int:
    """Bytes of the unit's workbooks (files gone meanwhile count 0)."""
    total = 0
    for path in source.files:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


PARALLEL_BYTES = 2_000_000
"""Total workbook size from which `auto_jobs` spreads units over processes (the benchmark's
county is 17 MB; a town's own data is well under 1 MB)."""


@dataclass
class Listing:
    """What `wenming validate` shows: every issue, the units read (names, kinds, files; their
    records are not kept) and the 五有 checklist of every fully read town, in folder order."""

    units: list[UnitData]
    report: Report
    checklists: list[Checklist]
    rollups: list[UnitRollup] = field(default_factory=list)


def list_issues(sources: list[UnitSource], config: Config, jobs: int = 0,
                checklists: bool = True, rollups: bool = False) -> Listing:
    """`validate_units` for `wenming validate`, in ``jobs`` processes (one unit at a time each;
    0: `auto_jobs`).

    Each process reads and checks whole units and sends back only their issues, checklists and
    (ID, row) pairs, so the IDs found in several units are flagged here as in `validate_units`.
    With ``jobs`` 1 — or when the process pool cannot be started or a worker dies —
    everything runs in this process; the result is the same either way.
    ``checklists`` False leaves `Listing.checklists` empty (`wenming status` needs none);
    ``rollups`` True fills `Listing.rollups` (what `report --county` needs of every unit).
    """
    from .checks import check_across_units

    done = None
    jobs = jobs or auto_jobs(sources)
    if jobs > 1 and len(sources) > 1:
        done = _in_processes(sources, config, jobs, checklists, rollups)
    if done is None:
        result = validate_units(sources, config)
        return Listing([_without_records(u) for u in result.units], result.report,
                       [c for u in result.units
                        if checklists and (c := _checklist(u, config)) is not None],
                       [_rollup(u, config) for u in result.units] if rollups else [])
    report = Report()
    for part in done:
        report.extend(part.issues)
    units = [part.unit for part in done]
    check_across_units(units, report, [part.ids for part in done])
    return Listing(units, report,
                   [part.checklist for part in done if part.checklist is not None],
                   [part.rollup for part in done if part.rollup is not None])


def _in_processes(sources: list[UnitSource], config: Config, jobs: int, checklists: bool,
                  rollups: bool) -> list[_UnitPart] | None:
    """`_list_unit` of every source in a pool of ``jobs`` processes, in source order; None when
    a worker process died (killed for memory, a crash in a reader) or no pool can be started
    here — the caller then does the work in its own process."""
    from concurrent.futures.process import BrokenProcessPool

    from .pool import run_unit, worker_count, worker_pool

    # largest units first, so that no process is left with a big one at the end
    order = sorted(range(len(sources)), key=lambda i: -_size(sources[i]))
    try:
        with worker_pool(worker_count(jobs, len(sources))) as pool:
            futures = {i: pool.submit(run_unit, _list_unit, sources[i], config, checklists,
                                      rollups) for i in order}
            return [futures[i].result() for i in range(len(sources))]
    except (BrokenProcessPool, NotImplementedError, PermissionError):
        return None


@dataclass
class _UnitPart:
    unit: UnitData
    issues: list[Issue]
    ids: list[tuple[str, int, str]]
    checklist: Checklist | None
    rollup: UnitRollup | None = None


def _list_unit(source: UnitSource, config: Config, checklist: bool = True,
               rollup: bool = False) -> _UnitPart:
    """One unit's share of `list_issues` (module-level, so a process pool can run it)."""
    from .checks import id_rows

    report = Report()
    with few_collections():
        unit = load_unit(source, config, report)
    return _UnitPart(_without_records(unit), report.issues, id_rows(unit),
                     _checklist(unit, config) if checklist else None,
                     _rollup(unit, config) if rollup else None)


def _rollup(unit: UnitData, config: Config) -> UnitRollup:
    """`county.rollup` of ``unit``, holding the unit without its records."""
    from .county import rollup

    part = rollup(unit, config)
    part.unit = _without_records(unit)
    return part


def _checklist(unit: UnitData, config: Config) -> Checklist | None:
    from .criteria import build_checklist

    return build_checklist(unit, config) if unit.kind == "town" and not unit.partial else None


def _without_records(unit: UnitData) -> UnitData:
    """``unit`` with its names, kind, files and 基本情况 (one row: `status` shows its 联系人)
    but none of its other rows (cheap to send back)."""
    return replace(unit, sites=[], assessments=[], summary=None, teams=[],
                   volunteers=[], activities=[], projects=[], bad_cells=set())


def validate_paths(paths: list[Path], config: Config) -> ValidationResult:
    """`validate_units` over whatever `discover` finds under ``paths``.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    return validate_units(discover(paths, config), config)


__all__ = ["Listing", "ValidationResult", "auto_jobs", "list_issues", "usable_cores",
           "validate_paths", "validate_units"]
