"""Worker processes for a county's units (`validate`, `status`, `report --all`/`--county`).

One unit is independent work, so units are spread over a standard-library process pool. The
workers ignore Ctrl+C; the main process alone stops and ends the workers (SIGTERM, which they
turn into SystemExit so that a document being written is removed, not left half-written). No
worker prints an English traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")

WINDOWS_MAX_WORKERS = 61
"""ProcessPoolExecutor's limit on Windows (WaitForMultipleObjects)."""


def worker_count(jobs: int, units: int) -> int:
    """Processes to start for ``units`` units when ``jobs`` were asked for: never more than
    units, nor more than Windows allows."""
    limit = WINDOWS_MAX_WORKERS if sys.platform == "win32" else 64
    return max(1, min(jobs, units, limit))


class _Ended(SystemExit):
    """Raised in a worker by SIGTERM: unwinds the unit being worked on, then ends the process."""


_STATE = {"in_unit": False, "ending": False}


def _end_quietly(signum: int, frame: FrameType | None) -> None:
    if _STATE["in_unit"] and not _STATE["ending"]:
        _STATE["ending"] = True
        raise _Ended(128 + signum)  # unwind the unit's work first (temporary files go)
    os._exit(128 + signum)  # idle, handing a result back, or told twice: end now


def run_unit(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a worker; when the main process ends the workers mid-unit, the unit's
    ``finally`` blocks run (a temporary file is removed) and the worker process ends — rather
    than taking the next unit from the queue."""
    _STATE["in_unit"] = True
    try:
        return work(*args)
    except _Ended as ended:
        os._exit(ended.code if isinstance(ended.code, int) else 1)
    finally:
        _STATE["in_unit"] = False


def _worker_signals() -> None:
    """Worker initializer: Ctrl+C is the main process's business; SIGTERM unwinds (finally
    blocks run, temporary files go) instead of killing outright. A worker starts with SIGINT
    blocked (see `_interrupt_deferred`); a Ctrl+C pending since start-up is dropped here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if hasattr(signal, "SIGTERM") and sys.platform != "win32":
        signal.signal(signal.SIGTERM, _end_quietly)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the units not started and end the worker processes now."""
    pool.shutdown(wait=False, cancel_futures=True)
    _terminate(multiprocessing.active_children())  # the pool's workers, started or starting


_TERMINATED: set[int | None] = set()
"""Workers already sent SIGTERM: a second one would cut short the unwinding of the first."""


def _terminate(processes: list[multiprocessing.process.BaseProcess]) -> None:
    for process in processes:
        _TERMINATED.add(process.pid)
        process.terminate()


def end_workers(grace: float = 1.0) -> None:
    """End every worker process still alive (after Ctrl+C): SIGTERM, ``grace`` seconds to
    unwind (a document being written is removed), then SIGKILL; repeated for a few seconds in
    case the pool was still starting a worker."""
    deadline = time.monotonic() + grace + 3
    while time.monotonic() < deadline:
        children = multiprocessing.active_children()
        if not children:
            return
        _terminate([p for p in children if p.pid not in _TERMINATED])
        for process in children:
            process.join(grace)
            if process.is_alive():
                process.kill()
                process.join(0.5)


START_METHOD_VARIABLE = "WENMING_START_METHOD"
"""Environment variable choosing how worker processes start: fork, spawn or forkserver (for
tests of the start methods Windows and Python 3.14 use; default: the platform's)."""


def start_method() -> str | None:
    """The start method asked for in `START_METHOD_VARIABLE`, None for the platform default
    (an unknown or unavailable name is ignored)."""
    asked = os.environ.get(START_METHOD_VARIABLE, "").strip().lower()
    return asked if asked in multiprocessing.get_all_start_methods() else None


def _started() -> None:
    """A first task: makes the pool start its workers."""


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl+C held back while the body runs, then raised as KeyboardInterrupt.

    On POSIX SIGINT is *blocked*: the signal mask is inherited by forked workers and kept
    across exec, so workers started by fork, spawn (Windows' only method) or forkserver (the
    default from Python 3.14 on Linux) all start with Ctrl+C held back until their initializer
    ignores it — a Ctrl+C while a spawned worker is still importing prints no traceback in it —
    and this process gets the held-back Ctrl+C when the body ends. Elsewhere a holding Python
    handler does the same for this process."""
    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)  # a held Ctrl+C arrives
        return
    held: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


@contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``jobs`` workers that ignore Ctrl+C; submit work as
    ``pool.submit(run_unit, work, *args)``. On Ctrl+C (KeyboardInterrupt in this process) the
    units not started are cancelled, the workers are ended and the interrupt goes on."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_signals,
                               mp_context=multiprocessing.get_context(start_method()))
    try:
        with _interrupt_deferred():
            # one first task per worker: spawn and forkserver start workers as tasks arrive,
            # so all of them start here, inside the held-back window
            for started in [pool.submit(_started) for _ in range(jobs)]:
                started.result()  # the workers exist and ignore Ctrl+C from here on
        yield pool
    except KeyboardInterrupt:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
