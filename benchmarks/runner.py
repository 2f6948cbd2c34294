"""One measurement in a fresh process; prints one JSON line (used by bench.py).

    python benchmarks/runner.py exec [--stdout FILE] -- CMD [ARG ...]
        runs CMD once as the only child of this fresh process and reports its wall time
        (perf_counter around start … wait), exit code, peak RSS and CPU time. Because this
        process has exactly one child, getrusage(RUSAGE_CHILDREN).ru_maxrss is the peak RSS of
        the largest single process of the measurement (the child, or one of its worker
        processes), and the CPU time is that of the child and all its workers. On Linux the RSS
        of the child and all its descendants is also sampled every 20 ms and summed
        (``tree_rss_mb``: what a command that spreads work over processes really holds).

    python benchmarks/runner.py calamine DIR
        the baseline: a bare python-calamine read of every cell of every sheet of every .xlsx
        under DIR; reports its own elapsed read time, the number of cells and its own peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

_KB = 1024 if sys.platform != "darwin" else 1  # ru_maxrss: KiB on Linux, bytes on macOS


def _exec(argv: list[str]) -> dict[str, object]:
    stdout_path = None
    if argv[:1] == ["--stdout"]:
        stdout_path, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if stdout_path:
        stdout.close()  # type: ignore[union-attr]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "elapsed": elapsed,
        "rc": proc.returncode,
        "maxrss_mb": usage.ru_maxrss * _KB / 2**20,
        "cpu": usage.ru_utime + usage.ru_stime,
        "tree_rss_mb": sampler.peak / 2**20 if sampler.peak else None,
        "stderr": err.decode("utf-8", "replace")[-2000:],
    }


class _TreeSampler(threading.Thread):
    """Peak of the summed RSS of process ``root`` and its descendants (Linux /proc; elsewhere
    ``peak`` stays 0)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak, self.stop = root, 0, threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def run(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        while not self.stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self.stop.wait(0.02)

    def _tree_rss(self) -> int:
        """Summed RSS of the tree, walked through /proc/PID/task/TID/children (cheap: the
        sampler must not take CPU from the measured processes on a 2-core machine)."""
        total, todo = 0, [self.root]
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/statm") as statm:
                    total += int(statm.read().split()[1]) * self.page
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
            except (OSError, ValueError):
                continue
        return total


def _calamine(folder: str) -> dict[str, object]:
    started = time.perf_counter()
    from python_calamine import CalamineWorkbook

    imported = time.perf_counter()
    cells = rows = files = 0
    for path in sorted(Path(folder).rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        files += 1
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            data = workbook.get_sheet_by_name(name).to_python()
            rows += len(data)
            cells += sum(len(r) for r in data)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"elapsed": done - started, "read": done - imported, "files": files, "rows": rows,
            "cells": cells, "maxrss_mb": usage.ru_maxrss * _KB / 2**20}


def main() -> int:
    mode, args = sys.argv[1], sys.argv[2:]
    result = _exec(args) if mode == "exec" else _calamine(args[0])
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
