"""Figure 8: `genjin console` from start to its first reply, against `python -c pass`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import ROOT, Config, Row

SCRIPT = "@pm: /todo @dev write the spec by friday\n"


def _genjin() -> list[str]:
    script = Path(sys.executable).parent / "genjin"
    return [str(script)] if script.exists() else [sys.executable, "-m", "genjin.cli"]


def _first_reply(db: str, script: Path) -> float:
    """Seconds from starting the process to the first line of a reply on its stdout."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen([*_genjin(), "console", "--db", db, "--script", str(script),
                             "--now", "2026-11-23 10:00"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    took = None
    for line in proc.stdout:
        if took is None and line.startswith("[m"):
            took = time.perf_counter() - start
    if proc.wait() != 0 or took is None:
        raise RuntimeError("genjin console gave no reply")
    return took


def startup(cfg: Config) -> None:
    repeat = 3 if cfg.quick else 7
    with tempfile.TemporaryDirectory(prefix="genjin-bench-") as folder:
        script = Path(folder) / "one.txt"
        script.write_text(SCRIPT, "utf-8")
        bare = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
        fresh = [_first_reply(f"sqlite:///{Path(folder) / f'new{k}.sqlite3'}", script) for k in range(repeat)]
        existing = f"sqlite:///{Path(folder) / 'kept.sqlite3'}"
        _first_reply(existing, script)
        kept = [_first_reply(existing, script) for _ in range(repeat)]
    baseline = statistics.median(bare)
    for label, runs in (("existing db", kept), ("new db", fresh)):
        took = statistics.median(runs)
        cfg.add(Row(f"8 console start→reply, {label}", "sqlite", "1 cmd", took, "s", baseline, "< 0.4 s",
                    "baseline: python -c pass; runs: " + ", ".join(f"{r:.2f}" for r in runs), met=took < 0.4))
