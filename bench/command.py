"""Figure 5: one command, event -> its records and its reply committed; and the statements it takes."""

from __future__ import annotations

import statistics
import time
import uuid

from sqlalchemy import func, insert, select

from bench.core import NOW, Config, Row, Statements, database, profiled, settings
from bot.events import EventKind, IncomingEvent, Mention, mention
from genjin.app import App
from storage.models import Item, ProcessedEvent


def todo(k: int) -> IncomingEvent:
    return IncomingEvent(platform="console", event_id=f"bench-{k}", chat_id="c1", user_id="pm", user_name="pm",
                         kind=EventKind.MESSAGE, text=f"/todo {mention('dev', 'dev')} write spec {k} by friday",
                         mentions=(Mention("dev", "dev"),), received_at=NOW)


def one_command(cfg: Config, backend: str) -> None:
    repeat = 50 if cfg.quick else 200
    with database(backend) as url:
        app = App(settings(), db_url=url)
        for k in range(5):  # the chat and its people exist from here on, as in a chat in use
            app.process(todo(-1 - k), now=NOW)
        counts = []
        for k in range(5):
            with Statements(app.engine) as counted:
                app.process(todo(10_000 + k), now=NOW)
            counts.append(counted.count)
            texts = counted.texts
        counted.write(cfg, f"5-command-{backend}")

        samples = []
        with profiled(cfg, f"5-command-{backend}"):
            for k in range(repeat):
                event = todo(k)
                start = time.perf_counter()
                app.process(event, now=NOW)
                samples.append(time.perf_counter() - start)

        with app.sessions() as s:
            created = s.scalar(select(func.count()).select_from(Item))
        expected = 5 + 5 + repeat  # every command must have made its item, or an error path was timed
        base = []
        for _ in range(repeat):
            start = time.perf_counter()
            with app.sessions.begin() as s:
                s.execute(insert(ProcessedEvent).values(platform="bench", event_id=uuid.uuid4().hex, processed_at=NOW))
            base.append(time.perf_counter() - start)
        app.close()
    took, baseline = statistics.median(samples), statistics.median(base)
    statements = statistics.median(counts)
    kinds = _kinds(texts)
    cfg.add(Row("5 one command (/todo)", backend, "1 event", took, "s", baseline, "≤ 3×, ≤ 6 statements",
                f"{statements:g} statements ({kinds}); baseline: one-row insert+commit"
                + ("" if created == expected else f"; WARNING: only {created} of {expected} commands made an item"),
                met=took <= 3 * baseline and statements <= 6 and created == expected))


def _kinds(texts: list[str]) -> str:
    """A short tally of statement kinds, e.g. '3 SELECT, 5 INSERT, 2 SAVEPOINT'."""
    tally: dict[str, int] = {}
    for statement in texts:
        word = statement.split(None, 1)[0].upper() if statement.strip() else "?"
        tally[word] = tally.get(word, 0) + 1
    return ", ".join(f"{n} {w}" for w, n in sorted(tally.items(), key=lambda kv: -kv[1]))
