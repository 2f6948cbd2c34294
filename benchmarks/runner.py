"""One measurement in a fresh process; prints one JSON line (used by bench.py).

    python benchmarks/runner.py exec [--stdout FILE] -- CMD [ARG ...]
        runs CMD once as the only child of this fresh process and reports its wall time
        (perf_counter around start … wait), exit code, peak RSS and CPU time. Because this
        process has exactly one child, getrusage(RUSAGE_CHILDREN).ru_maxrss is that child's own
        peak RSS (not a max over earlier measurements).

    python benchmarks/runner.py calamine DIR
        the baseline: a bare python-calamine read of every cell of every sheet of every .xlsx
        under DIR; reports its own elapsed read time, the number of cells and its own peak RSS.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
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
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    if stdout_path:
        stdout.close()  # type: ignore[union-attr]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "elapsed": elapsed,
        "rc": proc.returncode,
        "maxrss_mb": usage.ru_maxrss * _KB / 2**20,
        "cpu": usage.ru_utime + usage.ru_stime,
        "stderr": err.decode("utf-8", "replace")[-2000:],
    }


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
