"""Performance benchmark of the wenming CLI against its targets (DESIGN.md §9).

Plain Python, no pytest. Every measurement is a fresh process started through
``benchmarks/runner.py exec``, which reports the wall time and the peak RSS of its only child
and the summed RSS of it and its worker processes. Times are medians over ``--repeat`` runs after one warm-up run.

    (a) baseline: bare python-calamine read of every cell of every sheet (fresh interpreter)
    (b) wenming validate DIR --format json (default --jobs: auto, one process per core for a
        county) and (b′) the same with --jobs 1; (a), (b), (b′) run in rounds, ratios per round
    (c) wenming report --all / --county (recorded as "not available yet" when the option does
        not exist), and wenming report --town T for every town, one process per town
    (d) wenming --help vs python -c "import typer" (9 rounds, ratio per round)

Ratios: (b)/(a) ≤ 1.5, (c)/(a) ≤ 3, help/import typer ≤ 1.3; peak RSS of (b) ≤ 300 MB and
growing no more than linearly (--scale-check: 1× vs 4× data).

Usage::

    python benchmarks/bench.py [--data DIR] [--scale-check] [--repeat N] [--out RESULTS.md]

Missing data folders are generated with make_county.py (benchmarks/county_data, and
benchmarks/county_data_x4 for the scale check). Child processes get bytecode caching switched
on, with the cache in benchmarks/.pycache (nothing is written under src/), so every command is
timed the way it runs from an installed package, not recompiling its modules each time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUNNER = HERE / "runner.py"
MAKE = HERE / "make_county.py"
DEFAULT_DATA = HERE / "county_data"
SCALED_DATA = HERE / "county_data_x4"
STAMP = ".make_county.json"
SERVE_SECTION = "<!-- serve_load.py"
"""Where `serve_load.py`'s section of RESULTS.md starts: kept when this script rewrites the file."""
PY = sys.executable

TARGET_VALIDATE = 1.5
TARGET_REPORT = 3.0
TARGET_HELP = 1.3
TARGET_RSS_MB = 300.0

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = str(HERE / ".pycache")
ENV["COLUMNS"] = "120"
ENV.setdefault("PYTHONIOENCODING", "utf-8")


# ---------------------------------------------------------------- running


def wenming_cmd() -> tuple[list[str], str]:
    """The installed console script next to this interpreter, else ``python -m``."""
    script = Path(PY).parent / "wenming"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)], f"console script {script}"
    return [PY, "-m", "wenming_cli.cli"], f"{PY} -m wenming_cli.cli"


def run_once(cmd: list[str], stdout: Path | None = None) -> dict[str, Any]:
    """One fresh-process measurement of ``cmd`` through runner.py."""
    argv = [PY, str(RUNNER), "exec"]
    if stdout is not None:
        argv += ["--stdout", str(stdout)]
    argv += ["--", *cmd]
    proc = subprocess.run(argv, capture_output=True, text=True, env=ENV, check=True)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def measure(cmd: list[str], repeat: int, warmup: int = 1, stdout: Path | None = None,
            ok: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
    """Median wall time, median/max peak RSS over ``repeat`` runs (after ``warmup`` runs)."""
    runs = []
    for i in range(warmup + repeat):
        result = run_once(cmd, stdout)
        if result["rc"] not in ok:
            return {"failed": True, **result}
        if i >= warmup:
            runs.append(result)
    return summarise(runs)


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians (and max RSS) of several successful runs of one command."""
    times = [r["elapsed"] for r in runs]
    rss = [r["tree_rss_mb"] or r["maxrss_mb"] for r in runs]
    return {
        "failed": False, "rc": runs[-1]["rc"], "elapsed": statistics.median(times),
        "times": times, "rss": statistics.median(rss), "rss_max": max(rss),
        "cpu": statistics.median(r["cpu"] for r in runs), "stderr": runs[-1]["stderr"],
    }


def measure_rounds(cmds: dict[str, tuple[list[str], Path | None]], repeat: int,
                   warmup: int = 1) -> dict[str, dict[str, Any]]:
    """Run the commands in turn, round after round (a, b, b′, a, b, b′, …), so that a busy
    moment of a shared machine slows all of them alike; each result also gets ``per_round``
    (its wall time in each round) for ratios taken within a round."""
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in cmds}
    failed: dict[str, dict[str, Any]] = {}
    for i in range(warmup + repeat):
        for key, (cmd, stdout) in cmds.items():
            if key in failed:
                continue
            result = run_once(cmd, stdout)
            if result["rc"] not in (0, 1):
                failed[key] = {"failed": True, **result}
            elif i >= warmup:
                runs[key].append(result)
    out: dict[str, dict[str, Any]] = {}
    for key in cmds:
        if key in failed:
            out[key] = failed[key]
        else:
            out[key] = summarise(runs[key])
            out[key]["per_round"] = [r["elapsed"] for r in runs[key]]
    return out


def round_ratio(result: dict[str, Any], base: dict[str, Any]) -> float:
    """Median over rounds of (result's wall time / base's wall time in the same round)."""
    return statistics.median(x / y for x, y in zip(result["per_round"], base["per_round"],
                                                    strict=True))


def availability(cmd: list[str]) -> tuple[str, dict[str, Any]]:
    """('ok' | 'missing' | 'failed', first run) — missing = Typer usage error 'No such option'."""
    result = run_once(cmd)
    if result["rc"] == 2 and "No such option" in result["stderr"]:
        return "missing", result
    if result["rc"] not in (0, 1):
        return "failed", result
    return "ok", result


# ---------------------------------------------------------------- data


def ensure_data(folder: Path, scale: int) -> float | None:
    """Generate ``folder`` at ``scale`` unless a matching stamp is there; returns seconds."""
    stamp = folder / STAMP
    source = MAKE.stat().st_mtime
    if stamp.is_file():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("scale") == scale and info.get("source_mtime") == source:
            return None
    print(f"generating {folder} (scale {scale}) …", flush=True)
    started = time.perf_counter()
    subprocess.run([PY, str(MAKE), "--scale", str(scale), "--out", str(folder)], check=True,
                   env=ENV)
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps({"scale": scale, "source_mtime": source,
                                 "seconds": round(seconds, 1)}), encoding="utf-8")
    return seconds


def town_names() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from wenming_cli.config import load_config

    return [t.name for t in load_config()[0].towns]


def read_and_validate(data: Path, repeat: int, tmp: Path) -> tuple[dict[str, Any], ...]:
    """(a) the bare read, (b) validate (default jobs) and (b′) validate --jobs 1, in rounds."""
    outs = {key: tmp / f"{key}.json" for key in ("a", "b", "b1")}
    validate = [*WENMING, "validate", str(data), "--format", "json"]
    results = measure_rounds({
        "a": ([PY, str(RUNNER), "calamine", str(data)], outs["a"]),
        "b": (validate, outs["b"]),
        "b1": ([*validate, "--jobs", "1"], outs["b1"]),
    }, repeat)
    a = results["a"]
    if not a["failed"]:
        a["inner"] = json.loads(outs["a"].read_text(encoding="utf-8"))
    for key in ("b", "b1"):
        result = results[key]
        if result["failed"]:
            continue
        if not a["failed"]:
            result["ratio"] = round_ratio(result, a)
        try:
            parsed = json.loads(outs[key].read_text(encoding="utf-8"))
            result["issues"] = len(parsed.get("issues", []))
            result["errors"] = parsed.get("errors")
            result["warnings"] = parsed.get("warnings")
        except (ValueError, AttributeError) as exc:
            result["issues"] = f"unparsable JSON ({exc})"
    return a, results["b"], results["b1"]


# ---------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    versions = []
    for dist in ("wenming", "python-calamine", "openpyxl", "pydantic", "pydantic-core",
                 "docxtpl", "typer", "rich"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return {
        "CPU": cpu, "cores": f"{os.cpu_count()} logical ({affinity} usable)", "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()} ({PY})",
        "packages": ", ".join(versions),
    }


# ---------------------------------------------------------------- report


def cores_used() -> int:
    """What `wenming`'s auto ``--jobs`` picks for a county on this machine (CPU cores, ≤ 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def verdict(value: float, limit: float) -> str:
    return "✅ met" if value <= limit else "❌ missed"


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def failed_text(result: dict[str, Any]) -> str:
    message = next((line.strip(" │┃") for line in result["stderr"].splitlines()
                    if line.strip(" │┃╭╰─")), "")
    return f"failed (exit {result['rc']}: {message[:80]})"


def main(argv: list[str] | None = None) -> int:
    global WENMING
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None,
                        help=f"county data folder (default {DEFAULT_DATA}, generated if missing)")
    parser.add_argument("--scale-check", action="store_true",
                        help="also generate 4× data and compare validate at 1× and 4×")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()
    WENMING, how = wenming_cmd()
    generated: dict[str, float | None] = {}
    data = args.data
    if data is None:
        data = DEFAULT_DATA
        generated["1×"] = ensure_data(data, 1)
    elif not data.is_dir():
        parser.error(f"{data} is not a folder")
    towns = town_names()
    rep = args.repeat

    with tempfile.TemporaryDirectory(prefix="wenming-bench-") as tmp_name:
        tmp = Path(tmp_name)
        out_dir = tmp / "输出"
        print("(a) bare python-calamine read and (b) wenming validate, in rounds …", flush=True)
        a, b, b1 = read_and_validate(data, rep, tmp)
        if a["failed"]:
            print(f"baseline failed: {a['stderr']}")
            return 1
        print(f"    (a) {fmt_s(a['elapsed'])}, {a['rss']:.0f} MB", flush=True)
        if not b["failed"]:
            print(f"    (b) {fmt_s(b['elapsed'])}, {b['rss']:.0f} MB, {b.get('issues')} issues, "
                  f"{b['ratio']:.2f} × (a)", flush=True)
        c: dict[str, tuple[str, dict[str, Any]]] = {}
        for option in ("--all", "--all --jobs 1", "--county"):
            print(f"(c) wenming report {option} …", flush=True)
            cmd = [*WENMING, "report", *option.split(), "--data", str(data), "--out", str(out_dir)]
            state, first = availability(cmd)
            c[option] = (state, measure(cmd, rep, warmup=0) if state == "ok" else first)
            print(f"    {state}", flush=True)
        print(f"(c) wenming report --town T for {len(towns)} towns …", flush=True)
        loop = []
        for town in towns:
            loop.append(run_once([*WENMING, "report", "--town", town, "--data", str(data),
                                  "--out", str(out_dir)]))
        loop_failed = [t for t, r in zip(towns, loop, strict=True) if r["rc"] not in (0, 1)]
        print("(d) wenming --help vs import typer …", flush=True)
        small = measure_rounds({
            "help": ([*WENMING, "--help"], None),
            "typer": ([PY, "-c", "import typer"], None),
            "bare": ([PY, "-c", "pass"], None),
            "cli": ([PY, "-c", "import wenming_cli.cli"], None),
        }, 9)
        helps, typer_, bare, import_cli = (small[k] for k in ("help", "typer", "bare", "cli"))
        module_ok = run_once([PY, "-m", "wenming_cli.cli", "--help"])["rc"] == 0

        scale: dict[str, Any] = {}
        if args.scale_check:
            try:
                generated["4×"] = ensure_data(SCALED_DATA, 4)
            except subprocess.CalledProcessError as exc:
                print(f"scale check skipped: make_county.py --scale 4 failed ({exc})")
            else:
                print("scale check: (a) and (b) on 4× data …", flush=True)
                scale["a4"], scale["b4"], scale["b4_1"] = read_and_validate(SCALED_DATA, rep, tmp)

    # ------------------------------------------------------------ markdown
    lines: list[str] = []
    add = lines.append
    inner = a["inner"]
    add("# wenming performance benchmark")
    add("")
    add(f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `python benchmarks/bench.py"
        + (" --scale-check" if args.scale_check else "") + f" --repeat {rep}`.")
    add("")
    add("## Machine")
    add("")
    for key, value in machine().items():
        add(f"- **{key}**: {value}")
    load_after = os.getloadavg()
    add(f"- **load average** (1 min) at start / end: {load_before[0]:.2f} / {load_after[0]:.2f}"
        + (" — other processes were busy; expect ±20% noise on times" if max(
            load_before[0], load_after[0]) > 1.5 else ""))
    add("")
    add("## Data")
    add("")
    stamp = data / STAMP
    made = json.loads(stamp.read_text(encoding="utf-8")) if stamp.is_file() else {}
    add(f"`{data.relative_to(ROOT) if data.is_relative_to(ROOT) else data}`: {inner['files']} "
        f"workbooks, {inner['rows']:,} sheet rows, {inner['cells']:,} cells (as read by "
        "calamine, incl. title/header rows and the marker sheet)"
        + (f"; generated by make_county.py in {made['seconds']} s" if made else "") + ".")
    if not b["failed"]:
        add(f"`wenming validate` finds {b.get('issues')} issues ({b.get('errors')} errors, "
            f"{b.get('warnings')} warnings).")
    add("")
    add("## Results")
    add("")
    add(f"Wall time = median of {rep} fresh-process runs after one warm-up (help/import: median "
        "of 9). (a), (b) and (b′) run in turn, round after round (so do the four (d) commands), "
        "and their ratio is the median "
        "of the ratios within a round (a shared machine's busy moments hit both sides); the "
        "(c) ratios divide by the median of (a). CPU = user + system time of the command and all its worker processes (median); "
        "peak RSS = the peak of the summed RSS of the command and its worker processes, sampled "
        "every 20 ms (median; on systems without /proc: the largest single process). "
        "`validate` and `report --all` spread the units over one process per CPU core by "
        "default (`--jobs 0`, auto) when the data is county-sized, so on this machine they "
        f"run {cores_used()} processes; the `--jobs 1` rows are the same work in one process. "
        f"wenming is run as {how}; `python -m wenming_cli.cli --help` "
        + ("works too." if module_ok else "does NOT work."))
    add("")
    add(row("measurement", "wall time", "ratio", "target", "", "CPU", "peak RSS"))
    add(row("---", "---:", "---:", "---", "---", "---:", "---:"))
    add(row("(a) baseline: calamine `to_python()` of every sheet (fresh python)",
            fmt_s(a["elapsed"]), "1.00 × (a)", "", "", fmt_s(a["cpu"]),
            f"{a['rss']:.0f} MB"))
    add(row("    of which the read itself (in-process)", fmt_s(inner["read"]), "", "", "", "", ""))
    for label, result, main_row in (("(b) `wenming validate DIR --format json`", b, True),
                                    ("(b′) `… --jobs 1` (one process)", b1, False)):
        if result["failed"]:
            add(row(label, failed_text(result), "", "≤ 1.5 × (a)", "", "", ""))
            continue
        rb = result["ratio"]
        memory = f"{result['rss']:.0f} MB"
        if main_row:
            memory += f" ({verdict(result['rss'], TARGET_RSS_MB)} ≤ {TARGET_RSS_MB:.0f})"
        add(row(label, fmt_s(result["elapsed"]), f"{rb:.2f} × (a)",
                f"≤ {TARGET_VALIDATE} × (a)", verdict(rb, TARGET_VALIDATE),
                fmt_s(result["cpu"]), memory))
    for option, (state, result) in c.items():
        label = f"(c) `wenming report {option}`"
        if state == "missing":
            add(row(label, "not available yet", "", f"≤ {TARGET_REPORT:.0f} × (a)", "", "", ""))
        elif state == "failed" or result["failed"]:
            add(row(label, failed_text(result), "", f"≤ {TARGET_REPORT:.0f} × (a)", "", "", ""))
        else:
            rc_ = result["elapsed"] / a["elapsed"]
            add(row(label, fmt_s(result["elapsed"]), f"{rc_:.2f} × (a)",
                    f"≤ {TARGET_REPORT:.0f} × (a)", verdict(rc_, TARGET_REPORT),
                    fmt_s(result["cpu"]), f"{result['rss']:.0f} MB"))
    loop_total = sum(r["elapsed"] for r in loop)
    loop_note = f" ({len(loop_failed)} failed: {'、'.join(loop_failed)})" if loop_failed else ""
    add(row(f"(c′) stand-in: `wenming report --town T` × {len(towns)} towns, one process each"
            + loop_note, fmt_s(loop_total), f"{loop_total / a['elapsed']:.2f} × (a)",
            "(no target)", "", fmt_s(sum(r["cpu"] for r in loop)),
            f"max {max(r['tree_rss_mb'] or r['maxrss_mb'] for r in loop):.0f} MB"))
    add(row("    per town (median / max)", f"{fmt_s(statistics.median(r['elapsed'] for r in loop))}"
            f" / {fmt_s(max(r['elapsed'] for r in loop))}", "", "", "", "", ""))
    rh = round_ratio(helps, typer_)
    add(row("(d) `wenming --help`", fmt_s(helps["elapsed"]), f"{rh:.2f} × import typer",
            f"≤ {TARGET_HELP} × import typer", verdict(rh, TARGET_HELP),
            fmt_s(helps["cpu"]), f"{helps['rss']:.0f} MB"))
    add(row("(d) `python -c \"import typer\"`", fmt_s(typer_["elapsed"]), "1.00", "", "",
            fmt_s(typer_["cpu"]), f"{typer_['rss']:.0f} MB"))
    add(row("    for reference: `python -c \"import wenming_cli.cli\"`",
            fmt_s(import_cli["elapsed"]), f"{round_ratio(import_cli, typer_):.2f} × "
            "import typer", "", "", fmt_s(import_cli["cpu"]), f"{import_cli['rss']:.0f} MB"))
    add(row("    for reference: `python -c pass`", fmt_s(bare["elapsed"]), "", "", "",
            fmt_s(bare["cpu"]), f"{bare['rss']:.0f} MB"))
    add("")
    if scale:
        a4, b4 = scale["a4"], scale["b4"]
        inner4 = a4["inner"]
        add("## Scale check (validate at 1× and 4× data)")
        add("")
        add(row("", "1×", "4×", "4× / 1×", "target"))
        add(row("---", "---:", "---:", "---:", "---"))
        add(row("cells read by calamine", f"{inner['cells']:,}", f"{inner4['cells']:,}",
                f"{inner4['cells'] / inner['cells']:.2f}", ""))
        add(row("(a) baseline time", fmt_s(a["elapsed"]), fmt_s(a4["elapsed"]),
                f"{a4['elapsed'] / a['elapsed']:.2f}", ""))
        add(row("(a) baseline peak RSS", f"{a['rss']:.0f} MB", f"{a4['rss']:.0f} MB",
                f"{a4['rss'] / a['rss']:.2f}", ""))
        if b["failed"] or b4["failed"]:
            add(row("(b) validate", "failed" if b["failed"] else fmt_s(b["elapsed"]),
                    failed_text(b4) if b4["failed"] else fmt_s(b4["elapsed"]), "", ""))
        else:
            growth = b4["rss"] / b["rss"]
            add(row("(b) validate time", fmt_s(b["elapsed"]), fmt_s(b4["elapsed"]),
                    f"{b4['elapsed'] / b['elapsed']:.2f}", "≈ linear (≤ 4)"))
            add(row("(b) validate / (a), within rounds", f"{b['ratio']:.2f}",
                    f"{b4['ratio']:.2f}", "", f"≤ {TARGET_VALIDATE}"))
            if not scale["b4_1"]["failed"]:
                add(row("(b′) validate --jobs 1 / (a), within rounds", f"{b1['ratio']:.2f}",
                        f"{scale['b4_1']['ratio']:.2f}", "", ""))
            add(row("(b) validate peak RSS", f"{b['rss']:.0f} MB", f"{b4['rss']:.0f} MB",
                    f"{growth:.2f}",
                    f"≤ {TARGET_RSS_MB:.0f} MB at 1×: {verdict(b['rss'], TARGET_RSS_MB)}; "
                    f"growth ≤ 4: {verdict(growth, 4.0)}"))
            add(row("(b) issues found", b.get("issues"), b4.get("issues"),
                    f"{b4['issues'] / b['issues']:.2f}" if isinstance(b4.get("issues"), int)
                    and b.get("issues") else "", ""))
        add("")
    add("Where the time goes, and what limits the targets marked missed: "
        "[benchmarks/README.md](README.md#where-the-time-goes-and-what-limits-the-missed-targets).")
    add("")
    gen = ", ".join(f"{k} {v:.1f} s" for k, v in generated.items() if v is not None)
    add(f"Benchmark wall time: {time.perf_counter() - started:.0f} s"
        + (f" (including data generation: {gen})" if gen else "") + ".")
    add("")
    text = "\n".join(lines)
    kept = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    if SERVE_SECTION in kept:  # serve_load.py's rows, from its marker on
        text = text.rstrip("\n") + "\n\n" + kept[kept.index(SERVE_SECTION):]
    args.out.write_text(text, encoding="utf-8")
    print()
    print(text)
    return 0


WENMING: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
