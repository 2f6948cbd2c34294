"""Worker processes: how many, and what Ctrl+C does to them."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from wenming_cli.pool import end_workers, run_unit, worker_count, worker_pool


def _slow(value: int) -> int:
    time.sleep(0.3)
    return value


def test_worker_count_is_bounded_by_units() -> None:
    assert worker_count(64, 17) == 17
    assert worker_count(2, 17) == 2
    assert worker_count(4, 1) == 1
    assert worker_count(0, 5) == 1


def test_results_come_back_in_order() -> None:
    with worker_pool(2) as pool:
        futures = [pool.submit(run_unit, _slow, i) for i in range(4)]
        assert [f.result() for f in futures] == [0, 1, 2, 3]


def test_interrupt_cancels_the_rest_and_ends_the_workers() -> None:
    started = time.perf_counter()
    futures = []
    with pytest.raises(KeyboardInterrupt):
        with worker_pool(2) as pool:
            futures = [pool.submit(run_unit, _slow, i) for i in range(30)]
            time.sleep(0.4)
            raise KeyboardInterrupt
    end_workers(grace=1.0)
    assert not multiprocessing.active_children()
    ran = [f for f in futures if f.done() and not f.cancelled() and f.exception() is None]
    assert len(ran) <= 8  # cancelled or failed with the pool, not 30 × 0.3 s of work
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------- every start method (issue 14)
# Windows starts workers by spawn, Python 3.14 on Linux by forkserver: the pool is run under
# each method this machine has, chosen through WENMING_START_METHOD as a clerk's system would.

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from concurrent.futures.process import BrokenProcessPool  # noqa: E402
from pathlib import Path  # noqa: E402

from wenming_cli.pool import START_METHOD_VARIABLE  # noqa: E402

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "wenming_cli" / "sample_data"


@pytest.fixture(params=METHODS)
def method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(START_METHOD_VARIABLE, request.param)
    return str(request.param)


def _die() -> None:
    os._exit(9)  # a worker killed (out of memory, ended by the system)


def test_each_start_method_is_used(method: str) -> None:
    with worker_pool(2) as pool:
        assert pool._mp_context.get_start_method() == method  # type: ignore[attr-defined]
        assert [f.result() for f in [pool.submit(run_unit, _slow, i) for i in range(4)]] == \
            [0, 1, 2, 3]


def test_a_dead_worker_breaks_the_pool_not_the_program(method: str) -> None:
    with worker_pool(2) as pool:
        dead = pool.submit(run_unit, _die)
        with pytest.raises(BrokenProcessPool):
            dead.result(timeout=60)
    end_workers(grace=1.0)
    assert not multiprocessing.active_children()


def test_interrupt_under_each_method(method: str) -> None:
    started = time.perf_counter()
    futures = []
    with pytest.raises(KeyboardInterrupt):
        with worker_pool(2) as pool:
            futures = [pool.submit(run_unit, _slow, i) for i in range(30)]
            time.sleep(0.4)
            raise KeyboardInterrupt
    end_workers(grace=1.0)
    assert not multiprocessing.active_children()
    assert sum(1 for f in futures if f.done() and not f.cancelled() and f.exception() is None) <= 8
    assert time.perf_counter() - started < 20


def _wenming(args: list[str], method: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, START_METHOD_VARIABLE: method}
    return subprocess.run([sys.executable, "-m", "wenming_cli.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300, **kwargs)  # type: ignore[call-overload]


def test_validate_results_equal_one_process(method: str, tmp_path: Path) -> None:
    one = _wenming(["validate", str(SAMPLE), "--format", "json", "--jobs", "1"], method)
    two = _wenming(["validate", str(SAMPLE), "--format", "json", "--jobs", "2"], method)
    assert one.returncode == two.returncode and one.returncode in (0, 1), two.stderr
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert "Traceback" not in two.stderr


def test_report_all_equal_one_process(method: str, tmp_path: Path) -> None:
    one = _wenming(["report", "--all", "--data", str(SAMPLE), "--jobs", "1", "--out",
                    str(tmp_path / "一")], method, cwd=tmp_path)
    two = _wenming(["report", "--all", "--data", str(SAMPLE), "--jobs", "2", "--out",
                    str(tmp_path / "二")], method, cwd=tmp_path)
    assert one.returncode == two.returncode, two.stderr
    names = [sorted(p.relative_to(tmp_path / d) for p in (tmp_path / d).rglob("*.docx"))
             for d in ("一", "二")]
    assert names[0] == names[1] and len(names[0]) >= 5
    assert "Traceback" not in two.stderr


@pytest.mark.parametrize("delay", [0.3, 0.6, 1.0, 1.5])
def test_ctrl_c_during_worker_start_up(method: str, delay: float, tmp_path: Path) -> None:
    """Ctrl+C reaches the whole process group, as from a terminal, while workers start."""
    env = {**os.environ, START_METHOD_VARIABLE: method}
    process = subprocess.Popen([sys.executable, "-m", "wenming_cli.cli", "validate", str(SAMPLE),
                                "--jobs", "2", "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
                               start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGINT)
    except ProcessLookupError:
        pass  # already finished
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert process.returncode in (0, 1, 130), stderr
    if process.returncode == 130:
        assert "已取消" in stderr
    deadline = time.monotonic() + 15  # ended workers may wait a moment to be reaped (zombies)
    while True:
        states = subprocess.run(["ps", "-o", "stat=", "-g", str(process.pid)],
                                capture_output=True, text=True).stdout.split()
        alive = [s for s in states if not s.startswith("Z")]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert alive == [], "worker processes left behind"
