"""Load test of `wenming serve`: a whole county logs in and uploads at the same moment.

Issue "wenming serve", load test: the 51 填报单位 of the bundled config (17 towns, 22 county
units, 12 county teams) each log in and upload their four workbooks at the same moment, then
poll their result, as the unit page does. Measured: the time from the start of the upload to
the moment the unit's result shows the files just sent (p50 / p95 / max; target p95 ≤ 15 s on
the 2-core machine), the login time, the server's peak RSS (the server process and its worker
processes, summed, sampled every 50 ms) and every HTTP status. Checked: every file arrived
intact (the sha256 of each file in ``DATA/<unit>/`` is the one sent), every upload is logged
(table ``events`` of ``DATA/.wenming/server.sqlite3``: one ``upload`` row per file with its
sha256; also through ``GET /api/units/{unit}/events``), the county's board shows every unit,
and no request got a 5xx.

The data: the towns from ``make_county.py --writer fast`` (the benchmark county, ~40,000
volunteers); the county units and teams from the shipped samples of 县文旅局 / 县卫健局 /
理论宣讲志愿服务队, relabelled with each unit's name (their workbooks are small, as a county
unit's are). Photos are not sent. Everything lives in a temporary folder; each round starts a
fresh server (``wenming serve --data DIR --port P``, a free loopback port) on an empty data
folder holding only a ``wenming.toml`` with a far deadline, and the login codes made with
`wenming_cli.serve.accounts.issue_codes`. Only 127.0.0.1 is contacted; every loop is bounded by
``--timeout``; the server is stopped (Ctrl+C, then SIGTERM) at the end of each round.

    python benchmarks/serve_load.py [--units N] [--repeat N] [--keep] [--jobs J] [--scale N]
        [--poll S] [--timeout S] [--out benchmarks/RESULTS.md] [--no-write]

Prints a table and appends one row per round to the ``wenming serve`` section of
``RESULTS.md`` (made at its end when missing; ``bench.py`` keeps it when it rewrites the file).
Exit code 1 when a file or an event is missing or wrong, a request got a 5xx or failed, or a
unit had no result within ``--timeout``; 2 when the server could not be started.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import httpx2  # noqa: E402

from wenming_cli.config import Config, load_config  # noqa: E402
from wenming_cli.serve.accounts import COUNTY, issue_codes  # noqa: E402
from wenming_cli.serve.db import DB_NAME, STATE_DIR, Store  # noqa: E402

SAMPLES = ROOT / "src" / "wenming_cli" / "sample_data"
UNIT_SAMPLES = ("县文旅局", "县卫健局")
TEAM_SAMPLE = "理论宣讲志愿服务队"
TARGET_P95 = 15.0
SECTION = "<!-- serve_load.py appends its rows to this section; bench.py keeps it -->"
DEADLINE = "2099-07-15T12:00:00"
RSS_EVERY = 0.05
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- data


@dataclass
class Unit:
    """One 填报单位 of the test: its name, kind and the files it sends (name → bytes)."""

    name: str
    kind: str
    files: dict[str, bytes]

    @property
    def hashes(self) -> dict[str, str]:
        return {name: hashlib.sha256(data).hexdigest() for name, data in self.files.items()}


def _relabel(source: Path, target: Path, old: str, new: str) -> None:
    """Copy the workbook ``source`` to ``target`` with every ``old`` in its XML (the unit's
    name: the hidden marker, 基本情况, team names, the 小结 text) replaced by ``new``, whether
    written as UTF-8 or as character references (openpyxl writes ``&#21439;…``)."""
    pairs = [(old.encode(), new.encode()), (_refs(old), _refs(new))]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml"):
                for before, after in pairs:
                    data = data.replace(before, after)
            zout.writestr(info, data, compress_type=info.compress_type)


def _refs(text: str) -> bytes:
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def make_data(folder: Path, config: Config, scale: int = 1) -> tuple[list[Unit], float]:
    """The 51 units' workbooks under ``folder`` (the towns' rows × ``scale``); returns (units
    in config order, seconds)."""
    started = time.perf_counter()
    county = folder / "county"
    subprocess.run([sys.executable, str(HERE / "make_county.py"), "--writer", "fast",
                    "--scale", str(scale), "--out", str(county)], check=True,
                   stdout=subprocess.DEVNULL)
    units: list[Unit] = []
    for town in config.towns:
        units.append(Unit(town.name, "town", _workbooks(county / town.name)))
    others = [(n, "unit") for n in config.units] + [(n, "team") for n in config.county_teams]
    for i, (name, kind) in enumerate(others):
        sample = (name if name in (TEAM_SAMPLE, *UNIT_SAMPLES) else TEAM_SAMPLE
                  if kind == "team" else UNIT_SAMPLES[i % len(UNIT_SAMPLES)])
        unit_dir = folder / "others" / name
        unit_dir.mkdir(parents=True, exist_ok=True)
        for book in sorted((SAMPLES / sample).glob("*.xlsx")):
            _relabel(book, unit_dir / book.name, sample, name)
        units.append(Unit(name, kind, _workbooks(unit_dir)))
    return units, time.perf_counter() - started


def _workbooks(folder: Path) -> dict[str, bytes]:
    books = {p.name: p.read_bytes() for p in sorted(folder.glob("*.xlsx"))}
    if len(books) != 4:
        raise SystemExit(f"{folder}: expected 4 workbooks, found {len(books)}")
    return books


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wenming_cmd() -> list[str]:
    script = Path(sys.executable).with_name("wenming")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "wenming_cli.cli"]


def children_of(pid: int) -> list[int]:
    """Every descendant of ``pid`` (/proc/<pid>/task/<tid>/children, else a scan of /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        kids: list[int] = []
        try:
            for task in Path(f"/proc/{parent}/task").iterdir():
                text = (task / "children").read_text()
                kids += [int(x) for x in text.split()]
        except OSError:
            kids = _scan_children(parent)
        found += kids
        todo += kids
    return found


def _scan_children(parent: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            kids.append(int(entry.name))
    return kids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Peak of the summed RSS of the server and all its descendants, every `RSS_EVERY` s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.peak_processes = 0
        self.pids: set[int] = set()
        self.each: dict[int, float] = {}  # pid → its own peak
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            pids = [self.pid, *children_of(self.pid)]
            self.pids.update(pids)
            sizes = {p: rss_mb(p) for p in pids}
            for p, size in sizes.items():
                self.each[p] = max(self.each.get(p, 0.0), size)
            total = sum(sizes.values())
            if total > self.peak:
                self.peak, self.peak_processes = total, len(pids)
            self.halt.wait(RSS_EVERY)

    def breakdown(self) -> str:
        """Each process's own peak: the server first, then its descendants, largest first."""
        others = sorted((v for p, v in self.each.items() if p != self.pid), reverse=True)
        return (f"server {self.each.get(self.pid, 0):.0f} MB"
                + "".join(f", {v:.0f}" for v in others) + " MB")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path


def start_server(data: Path, jobs: int, log: Path, wait: float = 60.0) -> Server:
    """``wenming serve`` on a free loopback port, once it answers ``GET /api/session``."""
    port = free_port()
    cmd = [*wenming_cmd(), "serve", "--data", str(data), "--port", str(port)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    out = log.open("wb")
    process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    out.close()
    url = f"http://127.0.0.1:{port}"
    until = time.monotonic() + wait
    while time.monotonic() < until:
        if process.poll() is not None:
            break
        try:
            if httpx2.get(url + "/api/session", timeout=2, trust_env=False).status_code == 200:
                return Server(process, url, log)
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    stop_server(process, set())
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise RuntimeError(f"the server did not answer within {wait:.0f} s:\n{tail}")


def stop_server(process: subprocess.Popen[bytes], seen: set[int]) -> str:
    """Ctrl+C (uvicorn shuts down, the pool's workers end), SIGTERM after 30 s, SIGKILL after
    10 more; then, after 5 s, any process still alive among ``seen`` (the pids the sampler saw
    under the server). Returns how it went ('' when the server stopped cleanly on Ctrl+C)."""
    notes = []
    for sig, grace in ((signal.SIGINT, 30.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        if sig != signal.SIGINT:
            notes.append(f"the server needed {sig.name}")
        process.send_signal(sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    if process.returncode not in (0, None):
        notes.append(f"the server exited with {process.returncode}")
    left = {pid: _cmdline(pid) for pid in seen - {process.pid}}
    until = time.monotonic() + 5
    while time.monotonic() < until and any(_alive(pid, cmd) for pid, cmd in left.items()):
        time.sleep(0.1)
    for pid, cmd in left.items():
        if cmd and _alive(pid, cmd):
            notes.append(f"process {pid} ({cmd[:80]}) outlived the server by 5 s")
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
    return "; ".join(notes)


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def _alive(pid: int, cmd: str) -> bool:
    """``pid`` still runs the same command (not a reused pid) and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and _cmdline(pid) == cmd


# ---------------------------------------------------------------- clients


@dataclass
class Outcome:
    """What one unit's client saw."""

    unit: str
    login_s: float | None = None
    accepted_s: float | None = None  # upload sent → 202
    result_s: float | None = None  # upload sent → result showing the files sent
    polls: int = 0
    stale: int = 0  # polls answering checking=false with a result that is not of this upload
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    result_files: dict[str, str] = field(default_factory=dict)
    api_events: list[dict[str, Any]] = field(default_factory=list)


class Client:
    """One unit's browser: its own connection and cookie jar; every status is counted."""

    def __init__(self, url: str, outcome: Outcome, timeout: float) -> None:
        self.http = httpx2.Client(base_url=url, timeout=timeout, trust_env=False,
                                  follow_redirects=False)
        self.outcome = outcome

    def request(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        response = self.http.request(method, path, **kwargs)
        self.outcome.statuses[response.status_code] += 1
        return response

    def session(self) -> dict[str, Any]:
        response = self.request("GET", "/api/session")
        response.raise_for_status()
        return dict(response.json())

    def login(self, unit: str, code: str) -> None:
        token = self.session()["csrf_token"]
        response = self.request("POST", "/login", data={"code": code, "unit": unit,
                                                        "csrf_token": token})
        if response.status_code != 303:
            raise RuntimeError(f"login answered {response.status_code}")
        if self.session().get("account") != unit:
            raise RuntimeError("logged in, but the session is not the unit's")

    def close(self) -> None:
        self.http.close()


def run_unit(unit: Unit, code: str, url: str, barriers: tuple[threading.Barrier, ...],
             poll: float, deadline: float, outcome: Outcome) -> None:
    """Log in (all units at once), upload (all at once), poll the result, read the events."""
    login_gate, upload_gate = barriers
    client = Client(url, outcome, timeout=max(1.0, deadline - time.monotonic()))
    path = f"/api/units/{unit.name}"
    try:
        login_gate.wait()
        started = time.perf_counter()
        try:
            client.login(unit.name, code)
            outcome.login_s = time.perf_counter() - started
            token = client.session()["csrf_token"]
        finally:
            upload_gate.wait()  # a failed login still lets the others go
        files = [("files", (name, data, XLSX)) for name, data in unit.files.items()]
        started = time.perf_counter()
        response = client.request("POST", path + "/files", params={"wait": "false"},
                                  files=files, headers={"X-CSRF-Token": token})
        outcome.accepted_s = time.perf_counter() - started
        if response.status_code != 202:
            raise RuntimeError(f"upload answered {response.status_code}: {response.text[:200]}")
        sent = unit.hashes
        while time.monotonic() < deadline:
            time.sleep(poll)
            response = client.request("GET", path)
            outcome.polls += 1
            if response.status_code != 200 or response.json().get("checking"):
                continue
            payload = response.json()
            shown = {f["name"]: f.get("sha256", "") for f in payload.get("files", [])}
            if sorted(shown.values()) == sorted(sent.values()):
                outcome.result_s = time.perf_counter() - started
                outcome.result_files = shown
                break
            # not checking, yet not the files sent: the job refused a file or failed (only the
            # events tell), or it has not started yet
            done = _job_events(client.request("GET", path + "/events"))
            if done:
                outcome.result_s = time.perf_counter() - started
                outcome.result_files = shown
                outcome.problems += [f"the server's check refused {e['file']}: {e['detail']}"
                                     for e in done if e["action"] == "refused"]
                outcome.problems += [f"the upload job failed ({e['detail']})"
                                     for e in done if e["action"] == "upload-failed"]
                break
            outcome.stale += 1  # a client trusting `checking` alone would stop here
        else:
            raise RuntimeError(f"no result with the files sent within the time limit "
                               f"({outcome.polls} polls)")
        response = client.request("GET", path + "/events")
        if response.status_code == 200:
            outcome.api_events = list(response.json())
    except threading.BrokenBarrierError:
        outcome.problems.append("the start barrier broke (another client failed to start)")
    except Exception as exc:  # counted, the other units go on
        outcome.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        client.close()


def _job_events(response: httpx2.Response) -> list[dict[str, Any]]:
    """The events the upload job logged after the unit's newest ``upload-received`` (newest
    first from the API), [] when the job has logged nothing yet."""
    if response.status_code != 200:
        return []
    mine = []
    for event in response.json():
        if event["action"] == "upload-received":
            break
        if event["action"] in ("upload", "refused", "upload-failed"):
            mine.append(event)
    return mine


def county_board(url: str, code: str, timeout: float) -> tuple[dict[str, Any], Outcome]:
    """The county's board after the rounds: name → row of ``GET /api/status``."""
    outcome = Outcome(COUNTY)
    client = Client(url, outcome, timeout)
    try:
        client.login(COUNTY, code)
        response = client.request("GET", "/api/status")
        response.raise_for_status()
        return {row["name"]: row for row in response.json()}, outcome
    except Exception as exc:
        outcome.problems.append(f"county board: {type(exc).__name__}: {exc}")
        return {}, outcome
    finally:
        client.close()


# ---------------------------------------------------------------- checks


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_disk(data: Path, units: list[Unit]) -> list[str]:
    """Every file sent is in DATA/<unit>/ with the sha256 sent, and nothing else is there."""
    problems = []
    for unit in units:
        folder = data / unit.name
        kept = {p.name: sha256_file(p) for p in folder.glob("*")
                if p.is_file() and not p.name.startswith(".")} if folder.is_dir() else {}
        for name, digest in unit.hashes.items():
            if name not in kept:
                problems.append(f"{unit.name}/{name}: not on disk")
            elif kept[name] != digest:
                problems.append(f"{unit.name}/{name}: sha256 {kept[name][:12]} ≠ sent {digest[:12]}")
        for name in sorted(set(kept) - set(unit.files)):
            problems.append(f"{unit.name}/{name}: on disk but not sent")
    return problems


def check_events(data: Path, units: list[Unit]) -> tuple[list[str], Counter[str]]:
    """One ``upload`` event per file sent, with its sha256; returns (problems, actions)."""
    db = sqlite3.connect(f"file:{data / STATE_DIR / DB_NAME}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT unit, action, file, sha256 FROM events").fetchall()
    finally:
        db.close()
    actions = Counter(action for _, action, _, _ in rows)
    uploads = Counter((unit, digest) for unit, action, _, digest in rows if action == "upload")
    problems = []
    for unit in units:
        for name, digest in unit.hashes.items():
            n = uploads.get((unit.name, digest), 0)
            if n != 1:
                problems.append(f"{unit.name}/{name}: {n} upload events with its sha256")
    expected = {(u.name, d) for u in units for d in u.hashes.values()}
    for key in sorted(set(uploads) - expected):
        problems.append(f"{key[0]}: an upload event for a sha256 not sent ({key[1][:12]})")
    return problems, actions


# ---------------------------------------------------------------- one round


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 51 values is the 49th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def run_round(n: int, units: list[Unit], config_text: str, work: Path, args: argparse.Namespace
              ) -> dict[str, Any]:
    data = work / f"round-{n}" / "data"
    data.mkdir(parents=True)
    (data / "wenming.toml").write_text(config_text, encoding="utf-8")
    config, _ = load_config(data)
    codes = {c.name: c.code for c in issue_codes(Store(data), config)}
    server = start_server(data, args.jobs, work / f"round-{n}" / "server.log")
    sampler = RssSampler(server.process.pid)
    sampler.start()
    load = os.getloadavg()[0]
    outcomes = [Outcome(u.name) for u in units]
    deadline = time.monotonic() + args.timeout
    barriers = (threading.Barrier(len(units), timeout=args.timeout),
                threading.Barrier(len(units), timeout=args.timeout))
    threads = [threading.Thread(target=run_unit, args=(u, codes[u.name], server.url, barriers,
                                                       args.poll, deadline, o), daemon=True)
               for u, o in zip(units, outcomes, strict=True)]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + 5)
        wall = time.perf_counter() - started
        board, county = county_board(server.url, codes[COUNTY], 30)
    finally:
        sampler.halt.set()
        sampler.join()
        stopped = stop_server(server.process, sampler.pids)
    log_text = server.log.read_text(encoding="utf-8", errors="replace")
    disk = check_disk(data, units)
    events, actions = check_events(data, units)
    statuses = sum((o.statuses for o in outcomes), Counter[int]()) + county.statuses
    for unit, outcome in zip(units, outcomes, strict=True):
        events += [f"{unit.name}: upload event for {name} not in GET …/events"
                   for name, digest in unit.hashes.items()
                   if not any(e.get("action") == "upload" and e.get("sha256") == digest
                              for e in outcome.api_events)]
    missing_on_board = [u.name for u in units if not (board.get(u.name) or {}).get("last_upload")]
    problems = [f"{o.unit}: {p}" for o in outcomes for p in o.problems] + county.problems
    results = [o.result_s for o in outcomes if o.result_s is not None]
    logins = [o.login_s for o in outcomes if o.login_s is not None]
    accepted = [o.accepted_s for o in outcomes if o.accepted_s is not None]
    return {
        "round": n, "data": data, "units": len(units), "load": load, "commit": commit(),
        "files": sum(len(u.files) for u in units),
        "mb": sum(len(d) for u in units for d in u.files.values()) / 2**20,
        "p50": statistics.median(results) if results else float("nan"),
        "p95": percentile(results, 0.95), "max": max(results, default=float("nan")),
        "min": min(results, default=float("nan")),
        "accepted_p95": percentile(accepted, 0.95), "login_p95": percentile(logins, 0.95),
        "login_max": max(logins, default=float("nan")),
        "results": len(results), "rss": sampler.peak, "rss_processes": sampler.peak_processes,
        "rss_each": sampler.breakdown(),
        "requests": sum(statuses.values()), "statuses": statuses,
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "client_problems": problems, "disk": disk, "events": events, "actions": actions,
        "board_missing": missing_on_board,
        "server_errors_logged": log_text.count("服务器内部错误") + log_text.count("Traceback"),
        "wall": wall, "polls": sum(o.polls for o in outcomes),
        "stale": sum(o.stale for o in outcomes), "stopped": stopped,
    }


def failed(r: dict[str, Any]) -> bool:
    return bool(r["errors_5xx"] or r["client_problems"] or r["disk"] or r["events"]
                or r["board_missing"] or r["server_errors_logged"] or r["results"] < r["units"])


# ---------------------------------------------------------------- report


COLUMNS = ("date", "commit", "machine", "load", "server workers", "units", "files", "MB sent", "upload→result p50",
           "p95", "max", "login p95", "peak RSS (server + workers)", "requests", "5xx",
           "other failures", "sha256 mismatches", "events missing", "p95 ≤ 15 s, nothing lost")


def table_row(r: dict[str, Any], args: argparse.Namespace, when: str) -> list[str]:
    cores = os.cpu_count() or 0
    workers = str(args.jobs) if args.jobs else f"auto ({usable()})"
    other = len(r["client_problems"]) + len(r["board_missing"]) + r["server_errors_logged"]
    ok = not failed(r) and r["p95"] <= TARGET_P95
    units = str(r["units"]) + (f" (towns ×{args.scale})" if args.scale > 1 else "")
    return [when, r["commit"], f"nproc {cores}", f"{r['load']:.2f}", workers, units, str(r["files"]), f"{r['mb']:.1f}",
            f"{r['p50']:.1f} s", f"{r['p95']:.1f} s", f"{r['max']:.1f} s",
            f"{r['login_p95']:.2f} s", f"{r['rss']:.0f} MB ({r['rss_processes']} processes)",
            str(r["requests"]), str(r["errors_5xx"]), str(other), str(len(r["disk"])),
            str(len(r["events"])), "✅" if ok else "❌"]


def commit() -> str:
    """The worktree's commit (short), with ``+`` when src/ or benchmarks/ has changes."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src",
                                "benchmarks/serve_load.py"], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"`{head}{'+' if dirty else ''}`"


def usable() -> int:
    from wenming_cli.validate import usable_cores

    return usable_cores()


def md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def write_results(path: Path, rows: list[list[str]], note: str) -> None:
    """Append ``rows`` to the serve section of ``path`` (the section made when missing)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if SECTION not in text:
        header = [
            "", SECTION, "", "## `wenming serve` under load (`benchmarks/serve_load.py`)", "",
            "Every 填报单位 of the config (17 towns with the benchmark county's workbooks, 22 county "
            "units and 12 teams with relabelled sample workbooks) logs in at the same moment, then "
            "uploads its four workbooks at the same moment (`POST /api/units/{unit}/files?wait=false`) "
            "and polls `GET /api/units/{unit}` until the result shows the files sent. "
            "upload→result: from sending the upload to the first poll showing the result, so it "
            "includes up to one poll interval; p95 is nearest-rank (of 51: the 49th). Peak RSS: "
            "VmRSS of the server process and all its descendants (the worker pool, "
            "multiprocessing's resource tracker) summed, sampled every 50 ms. sha256 mismatches: "
            "files in `DATA/<unit>/` that differ from, or are missing against, what was sent; "
            "events missing: files without exactly one `upload` row with their sha256 in "
            "`server.sqlite3` (or missing from `GET …/events`); other failures: failed or "
            "refused requests, units missing from the county board, errors in the server's log. "
            "The 51 clients (threads, one cookie jar each) run on the same 2 cores as the "
            "server. load: the 1-minute load average as the round starts (the machine is "
            "shared; commit `+`: uncommitted changes).", "",
            md_row(list(COLUMNS)),
            md_row(["---"] * 3 + ["---:", "---"] + ["---:"] * 13 + ["---"]),
        ]
        text = text.rstrip("\n") + "\n" + "\n".join(header) + "\n"
    lines = text.rstrip("\n").split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith(SECTION))
    while not lines[end].startswith("| "):  # the table's header
        end += 1
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    lines[end:end] = [md_row(r) for r in rows]
    lines = [line for line in lines if not line.startswith("Last run: ")]
    while lines and not lines[-1].strip():
        lines.pop()
    lines.append("")
    lines.append("Last run: " + note)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def print_round(r: dict[str, Any]) -> None:
    verdict = "FAILED" if failed(r) else "ok"
    target = "met" if r["p95"] <= TARGET_P95 else "MISSED"
    print(f"round {r['round']}: {r['units']} units, {r['files']} files, {r['mb']:.1f} MB; "
          f"upload→result min {r['min']:.1f} / p50 {r['p50']:.1f} / p95 {r['p95']:.1f} / "
          f"max {r['max']:.1f} s (p95 ≤ {TARGET_P95:.0f} s {target}); 202 p95 "
          f"{r['accepted_p95']:.2f} s; login p95 {r['login_p95']:.2f} / max "
          f"{r['login_max']:.2f} s; peak RSS {r['rss']:.0f} MB over {r['rss_processes']} "
          f"processes (each one's own peak: {r['rss_each']}); {r['requests']} requests "
          f"({', '.join(f'{k}×{v}' for k, v in sorted(r['statuses'].items()))}), "
          f"{r['polls']} polls ({r['stale']} stale: checking false, older files); round {r['wall']:.1f} s — {verdict}")
    print(f"  events: {dict(sorted(r['actions'].items()))}")
    for label, items in (("client", r["client_problems"]), ("disk", r["disk"]),
                         ("events", r["events"]), ("not on the county board",
                                                   r["board_missing"])):
        for item in items[:10]:
            print(f"  {label}: {item}")
        if len(items) > 10:
            print(f"  {label}: … {len(items) - 10} more")
    if r["stopped"]:
        print(f"  stopping the server: {r['stopped']}")
    if r["server_errors_logged"]:
        print(f"  the server logged {r['server_errors_logged']} errors (see {r['data'].parent})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=51,
                        help="how many of the config's units take part, in config order "
                             "(towns, county units, teams); default all 51")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, each on a fresh server")
    parser.add_argument("--keep", action="store_true", help="keep the data folders (printed)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="the server's worker processes (wenming serve --jobs; 0 = auto)")
    parser.add_argument("--scale", type=int, default=1,
                        help="the towns' rows × N (make_county.py --scale)")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds a round may take from the logins on")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    if not 1 <= args.units <= 51 or args.repeat < 1 or args.poll <= 0 or args.timeout <= 0 \
            or args.scale < 1:
        parser.error("--units 1…51, --repeat and --scale ≥ 1, --poll and --timeout > 0")
    config, _ = load_config()
    config_text = f"deadline = {DEADLINE}\n"
    work = Path(tempfile.mkdtemp(prefix="wenming-serve-load-"))
    exit_code = 0
    rows = []
    try:
        units, seconds = make_data(work / "source", config, args.scale)
        units = units[: args.units]
        print(f"data: {len(units)} units ({Counter(u.kind for u in units)}), "
              f"{sum(len(u.files) for u in units)} workbooks, "
              f"{sum(len(d) for u in units for d in u.files.values()) / 2**20:.1f} MB, "
              f"made in {seconds:.1f} s under {work}")
        when = datetime.now().strftime("%Y-%m-%d %H:%M")
        reports = []
        for n in range(1, args.repeat + 1):
            try:
                report = run_round(n, units, config_text, work, args)
            except RuntimeError as exc:
                print(f"round {n}: {exc}", file=sys.stderr)
                return 2
            print_round(report)
            reports.append(report)
            rows.append(table_row(report, args, when))
            if failed(report):
                exit_code = 1
        print()
        print(md_row(list(COLUMNS)))
        for row in rows:
            print(md_row(row))
        if not args.no_write:
            load = os.getloadavg()[0]
            note = (f"{when}, `python benchmarks/serve_load.py --units {args.units} --repeat "
                    f"{args.repeat}{f' --jobs {args.jobs}' if args.jobs else ''}"
                    f"{f' --scale {args.scale}' if args.scale > 1 else ''} --poll "
                    f"{args.poll:g}`, load average (1 min) at the end {load:.2f}.")
            write_results(args.out, rows, note)
            print(f"\nappended {len(rows)} row(s) to {args.out}")
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
