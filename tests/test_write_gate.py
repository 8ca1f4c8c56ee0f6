"""On SQLite, writers queue in the process, and the acknowledgement's insert goes first."""

from __future__ import annotations

import threading

from storage.write_gate import WriteGate, urgent


def test_an_urgent_writer_goes_ahead_of_writers_already_waiting():
    gate, order, started = WriteGate(), [], []
    gate.enter()  # a worker's long transaction

    def writer(name: str, is_urgent: bool) -> None:
        ready = threading.Event()
        started.append(ready)

        def run() -> None:
            ready.set()
            if is_urgent:
                with urgent():
                    gate.enter()
            else:
                gate.enter()
            order.append(name)
            gate.leave()

        thread = threading.Thread(target=run)
        thread.start()
        ready.wait()
        return thread

    threads = [writer("worker-2", False), writer("worker-3", False)]
    for _ in range(100):  # let both reach the queue before the urgent one arrives
        threading.Event().wait(0.005)
    threads.append(writer("intake", True))
    for _ in range(100):
        threading.Event().wait(0.005)
    gate.leave()
    for thread in threads:
        thread.join(timeout=5)
    assert order[0] == "intake" and sorted(order[1:]) == ["worker-2", "worker-3"]


def test_a_thread_may_begin_a_transaction_inside_its_own():
    gate = WriteGate()
    gate.enter()
    gate.enter()  # no self-deadlock
    gate.leave()
    other = threading.Thread(target=lambda: (gate.enter(), gate.leave()))
    other.start()
    other.join(timeout=0.2)
    assert other.is_alive()  # still held by the outer transaction
    gate.leave()
    other.join(timeout=5)
    assert not other.is_alive()


def test_a_failed_begin_gives_the_gate_back(tmp_path):
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO nowhere VALUES (1)"))
    except Exception:
        pass
    done = threading.Event()

    def write() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(5)
    engine.dispose()
