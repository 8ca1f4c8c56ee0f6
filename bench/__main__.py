"""`python -m bench`: every figure of issue 9 on SQLite and (when reachable) PostgreSQL, one table.

Each figure is printed as its absolute value and, where it has one, the ratio to a baseline
measured in the same run. Timings are reported, never asserted: machines are noisy.

    .venv/bin/python -m bench                    # full sizes: 10k / 100k / 1M items
    .venv/bin/python -m bench --quick            # a subset: 10k items, small bursts
    .venv/bin/python -m bench --only 1,5 --no-pg --sizes 10k,100k
    .venv/bin/python -m bench --only 2 --profile /tmp/profiles   # pyinstrument reports per figure
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core import Config, log, markdown, pg_reachable, table  # noqa: E402

FIGURES = {
    "1": "due-sweep with N items, nothing due",
    "2": "first sweep after a backlog of 10k due reminders",
    "3": "delivery throughput against Feishu's limits",
    "4": "replies after a burst of slash commands",
    "5": "one command, event -> records + reply committed",
    "6": "daily digests for 1,000 chats x 10 items",
    "7": "peak RSS of a process sweeping N items",
    "8": "genjin console start to first reply",
    "9": "deadline phrases read per second",
    "suggest": "suggestions: precision and recall on the labelled set (issue 17)",
}


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0],
                                     epilog="figures: " + "; ".join(f"{k} {v}" for k, v in FIGURES.items()))
    parser.add_argument("--quick", action="store_true", help="a subset: 10k items (100k for the idle sweep), "
                        "200 messages / commands; one run of the costly figures")
    parser.add_argument("--pg", dest="pg", action="store_true", default=None,
                        help="require PostgreSQL (fail if unreachable); default: use it when reachable")
    parser.add_argument("--no-pg", dest="pg", action="store_false", help="SQLite only")
    parser.add_argument("--sizes", help="item counts for the scale figures 1 and 7, e.g. 10k,100k,1M")
    parser.add_argument("--only", help="run only these figures, e.g. 1,5")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="write a pyinstrument profile of each figure's timed work into DIR "
                             "(slows what it profiles: read the table of such a run with care)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown to FILE")
    return parser


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()}; "
            f"SQLite {sqlite3.sqlite_version}; load average {load}")


def revision() -> str:
    """The commit measured, and whether the working tree differed from it."""
    import subprocess

    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def pg_version() -> str:
    from sqlalchemy import create_engine, text

    from bench.core import PG_ADMIN_URL

    engine = create_engine(PG_ADMIN_URL)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return f"PostgreSQL {version}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    backends = ["sqlite"]
    why = pg_reachable() if args.pg is not False else "--no-pg"
    if args.pg is not False and why is None:
        backends.append("postgresql")
    elif args.pg:
        print(f"PostgreSQL not reachable: {why}", file=sys.stderr)
        return 2
    if args.sizes:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    cfg = Config(quick=args.quick, sizes=sizes, backends=backends,
                 only={f.strip() for f in args.only.split(",")} if args.only else set(),
                 profile_dir=args.profile)
    log(f"machine: {machine()}")
    log(f"backends: {', '.join(backends)}" + (f" ({pg_version()})" if "postgresql" in backends
                                               else f" (PostgreSQL: {why})"))
    started = time.perf_counter()
    code_at_start = revision()

    from bench import command, delivery, scale, startup

    for backend in backends:
        if cfg.wants("1") or cfg.wants("7"):
            log(f"[1, 7] {FIGURES['1']}; {FIGURES['7']} ({backend})")
            # Quick: memory only at 10k (its ratio then says nothing); the idle sweep also at 100k.
            scale.idle_sweep(cfg, backend, sizes, rss_sizes=sizes[:1] if args.quick else sizes)
        if cfg.wants("2"):
            log(f"[2] {FIGURES['2']} ({backend})")
            scale.backlog(cfg, backend)
        if cfg.wants("3"):
            log(f"[3] {FIGURES['3']} ({backend})")
            delivery.throughput(cfg, backend)
        if cfg.wants("4"):
            log(f"[4] {FIGURES['4']} ({backend})")
            delivery.burst(cfg, backend)
        if cfg.wants("5"):
            log(f"[5] {FIGURES['5']} ({backend})")
            command.one_command(cfg, backend)
        if cfg.wants("6"):
            log(f"[6] {FIGURES['6']} ({backend})")
            scale.digests(cfg, backend)
    if cfg.wants("8"):
        log(f"[8] {FIGURES['8']}")
        startup.startup(cfg)
    if cfg.wants("9"):
        log(f"[9] {FIGURES['9']}")
        from bench import deadlines

        deadlines.phrases_per_second(cfg)
    if cfg.wants("suggest"):
        log(f"[suggest] {FIGURES['suggest']}")
        from bench import suggest

        suggest.precision_and_recall(cfg)

    order = {f"{k} "[:2]: i for i, k in enumerate(FIGURES)}
    backend_order = {b: i for i, b in enumerate(backends)}
    rows = sorted(cfg.rows, key=lambda r: (order.get(r.figure[:2], 99), r.figure, backend_order.get(r.backend, 9)))
    print()
    print(f"# python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip()
          + f"  (code: {code_at_start}, at the end {revision()})")
    print(f"# {machine()}" + (f"; {pg_version()}" if "postgresql" in backends else "")
          + f"; took {time.perf_counter() - started:.0f} s")
    print(table(rows))
    if args.markdown:
        args.markdown.write_text(markdown(rows) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
