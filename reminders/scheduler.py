"""A thin wrapper over APScheduler: one periodic sweep, the database decides what is due.

Jobs are module-level functions in one explicit registry. No job is persisted per item
(the sweep asks the database), so nothing needs pickling and restarts lose nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import Histogram

log = logging.getLogger(__name__)
# Beside the job it times; genjin's /metrics exports the default registry, this included.
SWEEP_SECONDS = Histogram("genjin_sweep_seconds", "Duration of one sweep (all its pages), failed ones included",
                          buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))


def sweep_job(app, clock: Callable[[], datetime], wake: Callable[[], None]) -> None:
    """Queue what is due now, then wake the outbox senders."""
    try:
        with SWEEP_SECONDS.time():
            queued = app.sweep(now=clock())
        if queued:
            wake()
    except Exception:
        log.exception("sweep failed; the next one will retry")


def prune_job(app, clock: Callable[[], datetime], wake: Callable[[], None]) -> None:
    """Forget incoming event ids old enough that no platform redelivers them any more."""
    del wake
    try:
        app.prune(now=clock())
    except Exception:
        log.exception("pruning failed; the next run will retry")


# name -> (job, seconds between runs)
JOBS = {"sweep": (sweep_job, 30.0), "prune": (prune_job, 6 * 3600.0)}


class Scheduler:
    def __init__(self, app, *, clock: Callable[[], datetime], wake: Callable[[], None]) -> None:
        self._scheduler = BackgroundScheduler(timezone="UTC")
        for name, (func, seconds) in JOBS.items():
            # coalesce + one instance: after a stall, one run catches up instead of a burst.
            self._scheduler.add_job(func, IntervalTrigger(seconds=seconds), args=(app, clock, wake), id=name,
                                    coalesce=True, max_instances=1, misfire_grace_time=None,
                                    next_run_time=clock())

    def start(self) -> None:
        self._scheduler.start()

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def stop(self) -> None:
        self._scheduler.shutdown(wait=True)
