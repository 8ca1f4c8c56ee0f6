"""Figure 7's child process: open the database with App and sweep; the parent reads its peak RSS.

    python -m bench.rss_child URL idle   ten idle ticks, 30 s apart (nothing due)
    python -m bench.rss_child URL day    every moment the due index names until Thursday 10:00
                                         (the chats' digests, at 09:00 and 09:30)
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from bench import seed
from bench.core import NOW, settings
from genjin.app import App


def main(url: str, mode: str) -> None:
    app = App(settings(), db_url=url)
    queued, sweeps = 0, 0
    if mode == "idle":
        for k in range(10):
            queued += app.sweep(now=NOW + timedelta(seconds=30 * k))
            sweeps += 1
            app.next_due(after=NOW)
    else:
        moment, end = NOW, seed.local(26, 10)
        while True:
            queued += app.sweep(now=moment)
            sweeps += 1
            due = app.next_due(after=moment)
            if due is None or due > end:
                break
            moment = due
    app.close()
    print(json.dumps({"mode": mode, "sweeps": sweeps, "queued": queued, "vm_hwm_kib": peak_kib()}))


def peak_kib() -> int:
    """This process's peak resident set (VmHWM): reset at exec, unlike ru_maxrss, which on Linux
    keeps the high-water mark of the parent image the child was forked from."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
