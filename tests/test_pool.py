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
