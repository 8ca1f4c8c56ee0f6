"""Figures 1, 2, 6 and 7: the sweep at scale (idle, after a backlog, at the digest moment) and memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from sqlalchemy import select

from bench import seed
from bench.core import NOW, ROOT, Config, Row, Statements, database, log, median_time, profiled, settings
from genjin.app import App
from storage.models import Item

OPEN = ("open", "in_progress", "blocked")


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


# -- 1 and 7: the idle sweep over N stored items, and the memory of a process sweeping them ----------

def idle_sweep(cfg: Config, backend: str, sizes: list[int], rss_sizes: list[int]) -> None:
    rss: dict[str, float] = {}  # mode -> MiB at the smallest size (the baseline)
    for n in sizes:
        with database(backend) as url:
            app = App(settings(), db_url=url)
            start = time.perf_counter()
            info = seed.scale(app.engine, n)
            log(f"    seeded {n:,} items ({info['open']:,} open, {info['chats']} chats) on {backend} "
                f"in {time.perf_counter() - start:.1f} s")
            if cfg.wants("1"):
                _measure_idle(cfg, app, backend, n, info)
            app.close()
            if cfg.wants("7") and n in rss_sizes:
                for mode in ("idle", "day"):
                    mib = _child_rss(url, mode)
                    rss.setdefault(mode, mib)
                    base = rss[mode]
                    what = "idle sweeps" if mode == "idle" else "sweeps to a digest"
                    cfg.add(Row(f"7 peak RSS, {what}", backend, size_label(n), mib, "MiB", base,
                                "< 120 MiB, flat", f"baseline: the {size_label(rss_sizes[0])} run",
                                met=mib < 120 and mib <= base * 1.2))


def _measure_idle(cfg: Config, app: App, backend: str, n: int, info: dict) -> None:
    queued = app.sweep(now=NOW)  # nothing is due: this must queue nothing
    with Statements(app.engine) as counted:
        app.sweep(now=NOW)

    def baseline() -> None:
        with app.sessions() as s:
            s.scalars(select(Item).where(Item.status.in_(OPEN))).all()

    with profiled(cfg, f"1-idle-sweep-{backend}-{size_label(n)}"):
        took = median_time(lambda: app.sweep(now=NOW), 9)
    base = median_time(baseline, 3)
    cfg.add(Row("1 due-sweep, nothing due", backend, f"{size_label(n)}/{size_label(info['open'])}", took, "s",
                base, "< 20 ms", f"{counted.count} statements; queued {queued}; baseline: SELECT open items",
                met=took < 0.020))


def _child_rss(url: str, mode: str) -> float:
    """Peak RSS (MiB) of a fresh process that opens the database with App and sweeps.

    Read from the child's own VmHWM: the parent's ru_maxrss of its children (wait4, RUSAGE_CHILDREN)
    also counts the image the child was forked from, i.e. this process with its seeding behind it.
    """
    proc = subprocess.Popen([sys.executable, "-m", "bench.rss_child", url, mode], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"rss child ({mode}) failed with {proc.returncode}")
    report = json.loads(out.strip().splitlines()[-1])
    log(f"    rss child: {report}; ru_maxrss {usage.ru_maxrss // 1024} MiB")
    return (report["vm_hwm_kib"] or usage.ru_maxrss) / 1024


# -- 2: the first sweep after a backlog ---------------------------------------------------------

def backlog(cfg: Config, backend: str, n: int = 10_000) -> None:
    runs, statements, queued = [], 0, 0
    for run in range(1 if cfg.quick else 3):
        with database(backend) as url:
            app = App(settings(), db_url=url)
            seed.backlog(app.engine, n)
            with Statements(app.engine) as counted, profiled(cfg, f"2-backlog-{backend}") if run == 0 else _null():
                start = time.perf_counter()
                queued = app.sweep(now=NOW)
                runs.append(time.perf_counter() - start)
            statements = counted.count
            if run == 0:
                counted.write(cfg, f"2-backlog-{backend}")
            app.close()
    took = sorted(runs)[len(runs) // 2]
    cfg.add(Row("2 first sweep after backlog", backend, f"{size_label(n)} due", took, "s", None, "< 2 s",
                f"{queued} messages queued; {statements} statements; runs: "
                + ", ".join(f"{r:.2f}" for r in runs), met=took < 2))


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False


# -- 6: daily digests ---------------------------------------------------------------------------

def _digest_sweep(cfg: Config, backend: str, chats: int, per_chat: int, profile: str | None) -> tuple[float, int, int]:
    """(seconds, statements, messages queued) of the sweep at the digest moment."""
    with database(backend) as url:
        app = App(settings(), db_url=url)
        seed.digests(app.engine, chats, per_chat)
        with Statements(app.engine) as counted, profiled(cfg, profile) if profile else _null():
            start = time.perf_counter()
            queued = app.sweep(now=seed.DIGEST_MOMENT)
            took = time.perf_counter() - start
        if profile:
            counted.write(cfg, profile)
        app.close()
    return took, counted.count, queued


def digests(cfg: Config, backend: str) -> None:
    chats, per_chat = 1000, 10
    runs = []
    for run in range(1 if cfg.quick else 3):
        runs.append(_digest_sweep(cfg, backend, chats, per_chat, f"6-digests-{backend}" if run == 0 else None))
    took = sorted(r[0] for r in runs)[len(runs) // 2]
    _, statements, queued = runs[0]
    # Does a digest's cost grow with its items? The same sweep over 100 chats of 10 and of 40 items.
    small = _digest_sweep(cfg, backend, 100, 10, None)
    large = _digest_sweep(cfg, backend, 100, 40, None)
    per_small, per_large = small[1] / 100, large[1] / 100
    constant = abs(per_large - per_small) < 0.5
    cfg.add(Row("6 daily digests", backend, f"{chats}×{per_chat}", took, "s", None, "< 1 s; const stmts",
                f"{queued} digests; {statements / chats:.1f} statements/digest (100 chats: {per_small:.1f} at "
                f"10 items, {per_large:.1f} at 40); runs: " + ", ".join(f"{r[0]:.2f}" for r in runs),
                met=took < 1 and constant))
