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
    blocks run, temporary files go) instead of killing outright."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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


def _started() -> None:
    """A first task: makes the pool start its workers."""


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl+C held back while the body runs, then raised as KeyboardInterrupt. Workers forked
    meanwhile inherit the holding handler, so a Ctrl+C before their initializer has run cannot
    print a traceback in them, nor be lost in this process inside the fork."""
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
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_signals)
    try:
        with _interrupt_deferred():
            pool.submit(_started).result()  # the workers exist and ignore Ctrl+C from here on
        yield pool
    except KeyboardInterrupt:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
