"""How the 30-second sweep scales with open items, against a baseline measured in the same run.

Seeds N open items over 50 chats (a tenth high-risk, so their history is read too) in a
fresh SQLite file, then times `sweep` at a moment with nothing due (the steady state:
every tick looks, few act) and counts the SQL statements it issues. The baseline is
one plain SELECT of the same open items, so the ratio says what the rules cost on top
of reading the rows at all. Prints figures; asserts nothing (machines are noisy).

    .venv/bin/python bench/sweep_bench.py [N ...]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genjin.app import App  # noqa: E402
from genjin.config import load_settings  # noqa: E402
from storage.models import Chat, Item, ItemEvent, User  # noqa: E402

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 11:00 in Shanghai


def seed(app: App, n: int) -> None:
    with app.sessions.begin() as s:
        chats = [Chat(platform="console", chat_id=f"c{i}", settings={}, created_at=NOW) for i in range(50)]
        users = [User(platform="console", user_id=f"u{i}", name=f"u{i}") for i in range(200)]
        s.add_all(chats + users)
        s.flush()
        for i in range(n):
            item = Item(kind="action" if i % 3 else "request", chat=chats[i % 50], title=f"task {i}",
                        initiator=users[i % 200], owner=users[(i + 1) % 200], status="in_progress",
                        acknowledged_at=NOW, deadline=NOW + timedelta(days=20 + i % 10),
                        risk="high" if i % 10 == 0 else "normal", created_at=NOW, updated_at=NOW, version=1)
            s.add(item)
            if item.risk == "high":
                item.history.append(ItemEvent(at=NOW, action="risk", data={"risk": "high"}))


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(settings, n: int) -> tuple[float, float, int]:
    """(sweep seconds, baseline seconds, SQL statements of one sweep) for n open items."""
    with tempfile.TemporaryDirectory() as folder:
        app = App(settings, db_url=f"sqlite:///{Path(folder) / 'bench.db'}")
        seed(app, n)
        app.sweep(now=NOW)  # claims today's nothing-to-say digests; steady state from here

        def baseline() -> None:
            with app.sessions() as s:
                s.scalars(select(Item).where(Item.status == "in_progress")).all()

        statements: list[int] = []

        def count_statement(*_args) -> None:
            statements.append(1)

        event.listen(app.engine, "before_cursor_execute", count_statement)
        app.sweep(now=NOW)
        event.remove(app.engine, "before_cursor_execute", count_statement)
        result = timed(lambda: app.sweep(now=NOW)), timed(baseline), len(statements)
        app.close()
        return result


def main(sizes: list[int]) -> None:
    settings = load_settings(None, environ={})
    print(f"{'open items':>10} {'sweep ms':>9} {'baseline ms':>12} {'ratio':>6} {'statements':>11}")
    for n in sizes:
        sweep_s, base_s, count = measure(settings, n)
        print(f"{n:>10} {sweep_s * 1000:>9.1f} {base_s * 1000:>12.1f} {sweep_s / base_s:>6.1f} {count:>11}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [300, 3000])
