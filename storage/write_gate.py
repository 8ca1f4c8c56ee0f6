"""One writer at a time on SQLite, in order, with the platform's acknowledgement first.

SQLite has a single write lock and our transactions take it up front (BEGIN IMMEDIATE).
Its busy handler makes waiters poll and sleep, which is unfair: under load a waiting
insert can lose the race again and again for seconds. A transport must store an event
and answer within 3 s, so in-process writers queue here instead, and the inbox insert
(`urgent()`) goes ahead of the workers. Hand-written: no library offers a priority lock
for SQLAlchemy connection events. Other processes on the same file still meet at the
SQLite lock (busy timeout), as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


@contextmanager
def urgent() -> Iterator[None]:
    """Transactions begun by this thread inside the block go ahead of the queue."""
    _local.urgent = True
    try:
        yield
    finally:
        _local.urgent = False


class WriteGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._holder: int | None = None  # thread holding the gate
        self._depth = 0  # a thread may begin a second transaction inside its first
        self._urgent_waiting = 0

    def enter(self) -> None:
        me, is_urgent = threading.get_ident(), getattr(_local, "urgent", False)
        with self._cond:
            if self._holder == me:
                self._depth += 1
                return
            self._urgent_waiting += is_urgent
            try:
                while self._holder is not None or (not is_urgent and self._urgent_waiting):
                    self._cond.wait()
            finally:
                self._urgent_waiting -= is_urgent
            self._holder, self._depth = me, 1

    def leave(self) -> None:
        with self._cond:
            if self._holder != threading.get_ident():
                return
            self._depth -= 1
            if self._depth == 0:
                self._holder = None
                self._cond.notify_all()
