"""What every figure shares: databases made and dropped per run, timing, statement counts, the table."""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("GENJIN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# Wednesday 2026-11-25, 11:00 in Shanghai: a working day, inside working hours.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@dataclass
class Row:
    """One line of the table. `value` and `baseline` are in `unit`; ratio = value / baseline."""

    figure: str
    backend: str
    size: str
    value: float | None
    unit: str
    baseline: float | None = None
    target: str = ""
    note: str = ""
    met: bool | None = None  # the target, judged by the figure that measured it (None: no verdict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Config:
    quick: bool
    sizes: list[int]
    backends: list[str]
    only: set[str] = field(default_factory=set)
    profile_dir: Path | None = None
    rows: list[Row] = field(default_factory=list)

    def wants(self, figure: str) -> bool:
        return not self.only or figure in self.only

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print("  " + format_row(row), flush=True)
        return row


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- databases ---------------------------------------------------------------------------------

def pg_reachable() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as err:  # any failure to connect: PostgreSQL figures are left out, with the reason
        return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"


@contextlib.contextmanager
def database(backend: str) -> Iterator[str]:
    """A URL of a fresh, empty database on `backend`, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="genjin-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"genjin_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings():
    from genjin.config import load_settings

    return load_settings(None, environ={})


# -- measuring ---------------------------------------------------------------------------------

def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


class Statements:
    """Counts the SQL statements an engine sends while in a `with` block."""

    def __init__(self, engine) -> None:
        self.engine, self.count, self.texts = engine, 0, []

    def _seen(self, _conn, _cursor, statement, _params, _context, executemany) -> None:
        self.count += 1
        self.texts.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def tally(self) -> list[tuple[int, str]]:
        """(count, statement) by statement text (parameters are bound apart), most frequent first."""
        counts: dict[str, int] = {}
        for statement in self.texts:
            shape = re.sub(r"sa_savepoint_\d+", "sa_savepoint_N", " ".join(statement.split()))
            counts[shape] = counts.get(shape, 0) + 1
        return sorted(((n, s) for s, n in counts.items()), reverse=True)

    def write(self, cfg: Config, name: str) -> None:
        """With --profile DIR: the statements by text, with counts, in DIR/NAME.sql.txt."""
        if cfg.profile_dir is None:
            return
        cfg.profile_dir.mkdir(parents=True, exist_ok=True)
        lines = [f"{self.count} statements", ""] + [f"{n:>7}  {s[:300]}" for n, s in self.tally()]
        (cfg.profile_dir / f"{name}.sql.txt").write_text("\n".join(lines) + "\n", "utf-8")


@contextlib.contextmanager
def profiled(cfg: Config, name: str) -> Iterator[None]:
    """With --profile DIR: a pyinstrument profile of the block, as text, in DIR/NAME.txt."""
    if cfg.profile_dir is None:
        yield
        return
    try:
        from pyinstrument import Profiler
    except ImportError:
        log("--profile needs pyinstrument (.venv/bin/pip install pyinstrument); not profiling")
        yield
        return
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        cfg.profile_dir.mkdir(parents=True, exist_ok=True)
        path = cfg.profile_dir / f"{name}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False), "utf-8")
        log(f"    profile written to {path}")


# -- the table ---------------------------------------------------------------------------------

def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        if value < 1:
            return f"{value * 1000:.1f} ms" if value >= 0.001 else f"{value * 1e6:.0f} µs"
        return f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "":
        return f"{value:g}"
    return f"{value:g} {unit}"


def _ratio(row: Row) -> str:
    r = row.ratio
    if r is None:
        return "—"
    return f"{r:.2f}×" if r >= 0.01 else f"{r:.4f}×"


def _verdict(row: Row) -> str:
    return {True: "met", False: "MISSED", None: ""}[row.met]


COLUMNS = ("figure", "backend", "size", "value", "baseline", "ratio", "target", "", "notes")
WIDTHS = (38, 10, 13, 10, 10, 9, 22, 6, 0)


def cells(row: Row) -> tuple[str, ...]:
    return (row.figure, row.backend, row.size, _num(row.value, row.unit), _num(row.baseline, row.unit),
            _ratio(row), row.target, _verdict(row), row.note)


def format_row(row: Row) -> str:
    return _line(cells(row))


def _line(values) -> str:
    parts = []
    for value, width in zip(values, WIDTHS, strict=True):
        parts.append(value.ljust(width) if width else value)
    return "  ".join(parts).rstrip()


def table(rows: list[Row]) -> str:
    lines = [_line(COLUMNS), _line("-" * (w or 5) for w in WIDTHS)]
    lines += [format_row(r) for r in rows]
    return "\n".join(lines)


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(c or "met?" for c in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |")
    return "\n".join(lines)
