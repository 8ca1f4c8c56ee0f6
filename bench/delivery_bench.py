"""Issue 9's delivery figures, with the real clock, against in-process fakes that keep the platforms' limits.

1. throughput: 1,000 messages already in the outbox for 100 Feishu chats, delivered by the
   Runner's delivery thread (as `genjin run` does) to a fake that allows 5 calls per second per
   chat and 50 per second for the app, and answers 429 past that. Baseline: the rate-limit
   floor, 1,000 / 50 = 20 s.
2. burst: 2,000 Slack slash commands stored with Runner.accept at 200 per second over 50
   channels, processed by the intake workers; their replies delivered to a fake that allows one
   post per second per channel. Baseline: the limit's floor, 40 replies a channel at 1/s = 40 s.

Each fake call takes LATENCY seconds (an API round trip). Printed: the time until the last
reply was accepted, its ratio to the floor, and the fake's 429 count (the target is none).

    .venv/bin/python -m bench.delivery_bench            # SQLite, and PostgreSQL when reachable
    .venv/bin/python -m bench.delivery_bench --quick    # 200 messages / 200 commands
    .venv/bin/python -m bench.delivery_bench --no-pg

`run(quick)` returns the rows for `python -m bench` (keys figure, backend, size, value,
baseline, ratio, target, note).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bot.events import EventKind, IncomingEvent, Mention, OutgoingMessage, mention  # noqa: E402
from bot.ports import RetryLater  # noqa: E402

PG_ADMIN_URL = os.environ.get("GENJIN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LATENCY = 0.05  # seconds per fake API call
FEISHU_PER_CHAT, FEISHU_PER_APP = 5, 50
SLACK_PER_CHANNEL = 1


class LimitedFake:
    """A platform API that counts calls in sliding one-second windows (per chat, and optionally
    for the app) and answers 429 (RetryLater, a whole second) past its limits.

    Records when each call was accepted; counts refusals, duplicates and any chat that saw its
    messages out of the order they were written (outbox id order).
    """

    def __init__(self, *, per_chat: int, per_app: int | None, latency: float = LATENCY) -> None:
        self.per_chat, self.per_app, self.latency = per_chat, per_app, latency
        self._chats: dict[str, deque[float]] = defaultdict(deque)
        self._app: deque[float] = deque()
        self._lock = threading.Lock()
        self._last: dict[str, int] = {}
        self._keys: set[str] = set()
        self.accepted: list[float] = []  # monotonic moments
        self.refused = self.out_of_order = self.duplicates = 0

    @staticmethod
    def _full(calls: deque[float], limit: int, now: float) -> bool:
        while calls and calls[0] <= now - 1.0:
            calls.popleft()
        return len(calls) >= limit

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        target = msg.chat_id or f"@{msg.user_id}"
        with self._lock:  # the request arrives ...
            now = time.monotonic()
            if self._full(self._chats[target], self.per_chat, now) or (
                    self.per_app and self._full(self._app, self.per_app, now)):
                self.refused += 1
                refused = True
            else:
                refused = False
                self._chats[target].append(now)
                self._app.append(now)
                self.accepted.append(now)
                self.duplicates += msg.key in self._keys
                self._keys.add(msg.key)
                self.out_of_order += outbox_id < self._last.get(target, -1)
                self._last[target] = max(outbox_id, self._last.get(target, -1))
        time.sleep(self.latency)  # ... and its answer takes a round trip
        if refused:
            raise RetryLater(1, "429 too many requests")
        return f"p{outbox_id}"

    @property
    def delivered(self) -> int:
        return len(self.accepted)


@contextlib.contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, empty database on `backend`, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="genjin-delivery-bench-") as folder:
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


def pg_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # no server: SQLite only
        return False


def _app(url: str):
    from genjin.app import App
    from genjin.config import load_settings

    return App(load_settings(None, environ={}), db_url=url)


def _row(figure: str, backend: str, size: str, value: float | None, baseline: float, target: str,
         note: str) -> dict:
    return {"figure": figure, "backend": backend, "size": size, "value": value, "baseline": baseline,
            "ratio": None if value is None else value / baseline, "target": target, "note": note}


def _note(fake: LimitedFake, done: bool, total: int, cap: float) -> str:
    return (f"{fake.refused}×429, {fake.out_of_order} out of order, {fake.duplicates} twice"
            + ("" if done else f"; only {fake.delivered} of {total} after {cap:.0f} s"))


def throughput(backend: str, quick: bool) -> dict:
    """Figure 1: a full outbox delivered to a fake with Feishu's limits."""
    from genjin.serve import Runner
    from storage.outbox import enqueue

    messages, chats = (200, 20) if quick else (1000, 100)
    floor = max(messages / FEISHU_PER_APP, messages / chats / FEISHU_PER_CHAT)
    cap = max(60.0, 5 * floor)
    with database(backend) as url:
        app = _app(url)
        now = datetime.now(UTC)
        with app.sessions.begin() as s:
            for i in range(messages):
                enqueue(session=s, now=now, msg=OutgoingMessage(
                    key=f"bench:{i}", platform="feishu", chat_id=f"oc_{i % chats}", text=f"message {i}"))
        fake = LimitedFake(per_chat=FEISHU_PER_CHAT, per_app=FEISHU_PER_APP)
        runner = Runner(app)
        start = time.monotonic()
        runner.start_delivery("feishu", fake)
        while fake.delivered < messages and time.monotonic() < start + cap:
            time.sleep(0.02)
        runner.stop()
        app.close()
    done = fake.delivered == messages
    took = fake.accepted[-1] - start if done else None
    return _row("delivery throughput (Feishu limits 5/s per chat, 50/s per app)", backend,
                f"{messages} msgs / {chats} chats", took, floor, "≤ 1.1× floor, 0×429",
                _note(fake, done, messages, cap) + f"; fake API latency {LATENCY * 1000:.0f} ms")


def _translate(payload: dict) -> IncomingEvent:
    """A Slack slash command, already verified and acked: `/todo @owner task … by friday`."""
    names = payload["text"].split()[1:2]
    body = payload["text"].replace("@" + names[0][1:], mention(names[0][1:], names[0][1:]))
    return IncomingEvent(platform="slack", event_id="replaced by the runner", chat_id=payload["channel"],
                         user_id=payload["user"], user_name=payload["user"], kind=EventKind.COMMAND, text=body,
                         mentions=(Mention(names[0][1:], names[0][1:]),), addressed_to_bot=True,
                         received_at=datetime.now(UTC))


def burst(backend: str, quick: bool) -> dict:
    """Figure 2: replies to a burst of slash commands, to a fake with Slack's 1/s per channel."""
    from genjin.serve import Runner
    from storage.models import InboxEvent, OutboxMessage

    commands, channels, rate = (200, 50, 200) if quick else (2000, 50, 200)
    floor = max(commands / rate, math.ceil(commands / channels) / SLACK_PER_CHANNEL)
    cap = max(60.0, 4 * floor)
    with database(backend) as url:
        app = _app(url)
        fake = LimitedFake(per_chat=SLACK_PER_CHANNEL, per_app=None)
        runner = Runner(app)
        runner.register("slack", _translate)
        runner.start()
        runner.start_delivery("slack", fake)
        start = time.monotonic()
        for i in range(commands):
            if (pause := start + i / rate - time.monotonic()) > 0:
                time.sleep(pause)
            runner.accept(platform="slack", event_id=f"cmd-{i}", payload={
                "channel": f"C{i % channels:03d}", "user": f"pm{i % 7}",
                "text": f"/todo @dev{i % 13} task {i} by friday"})

        def count(query) -> int:
            with app.sessions() as s:
                return s.scalar(query) or 0

        replies = 0
        while time.monotonic() < start + cap:
            waiting = count(select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "pending"))
            replies = count(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.platform == "slack"))
            if not waiting and replies and fake.delivered >= replies:
                break
            time.sleep(0.2)
        runner.stop()
        app.close()
    done = bool(replies) and fake.delivered >= replies
    took = fake.accepted[-1] - start if done else None
    return _row("replies after a burst of slash commands (Slack 1/s per channel)", backend,
                f"{commands} cmds at {rate}/s / {channels} channels", took, floor, "all, ≈ floor, 0×429",
                _note(fake, done, replies, cap) + f"; {replies} replies")


def run(quick: bool, backends: list[str] | None = None) -> list[dict]:
    """Both figures on each backend (default: SQLite, and PostgreSQL when reachable)."""
    if backends is None:
        backends = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    rows = []
    for backend in backends:
        for figure in (throughput, burst):
            rows.append(figure(backend, quick))
            print("  " + format_row(rows[-1]), file=sys.stderr, flush=True)
    return rows


def format_row(row: dict) -> str:
    value = "—" if row["value"] is None else f"{row['value']:.1f} s"
    ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
    return (f"{row['figure']} [{row['backend']}, {row['size']}]: {value}, floor {row['baseline']:.1f} s, "
            f"{ratio} (target {row['target']}); {row['note']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 messages and 200 commands")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    rows = run(args.quick, ["sqlite"] if args.no_pg else None)
    print("| figure | backend | size | value | floor | ratio | target | note |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:.1f} s"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"| {r['figure']} | {r['backend']} | {r['size']} | {value} | {r['baseline']:.0f} s | {ratio} "
              f"| {r['target']} | {r['note']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
