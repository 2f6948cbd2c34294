"""Profile `wenming validate DIR --format json` in-process with cProfile (for bench hotspots).

    python benchmarks/prof_validate.py [DIR] [--top N] [--save FILE.prof]

Prints the functions with the most own time (tottime) and the most inclusive time (cumtime),
each as a share of the whole command. For a wall-clock call tree use pyinstrument instead:

    pyinstrument -r text -m wenming_cli.cli validate DIR --format json > /dev/null
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=HERE / "county_data")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    from wenming_cli.cli import app

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        try:
            app(["validate", str(args.data), "--format", "json"], standalone_mode=False)
        except BaseException:  # noqa: BLE001 - typer.Exit / SystemExit end every command
            pass
    profiler.disable()
    wall = time.perf_counter() - started
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"wall {wall:.2f} s under cProfile, profiled total {total:.2f} s")
    root = str(Path(__file__).resolve().parents[1] / "src") + os.sep
    for key, title in (("tottime", "own time"), ("cumtime", "inclusive time")):
        print(f"\n== top {args.top} by {title} ==")
        print(f"{'own s':>7} {'own %':>6} {'cum s':>7} {'cum %':>6} {'calls':>9}  function")
        entries = sorted(stats.stats.items(),  # type: ignore[attr-defined]
                         key=lambda kv: kv[1][2 if key == "tottime" else 3], reverse=True)
        for (file, line, name), (_, ncalls, tt, ct, _) in entries[: args.top]:
            where = file.replace(root, "") if file.startswith(root) else Path(file).name
            print(f"{tt:7.2f} {100 * tt / total:5.1f}% {ct:7.2f} {100 * ct / total:5.1f}% "
                  f"{ncalls:9d}  {where}:{line}:{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
