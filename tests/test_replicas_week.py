"""A simulated working week on PostgreSQL with two replicas: every due reminder is sent once.

The same open items are swept through the same week by one replica on SQLite (the
reference) and by two replicas at once on PostgreSQL, each sweeping and delivering every
tick on its own thread. Both must issue exactly the reference's reminders, each once, and
send every message once. (Which reminders of one person share a bundled message may differ:
each replica bundles what its own page holds.)
The benchmark runs the same at 100k open items (python -m bench); CI runs a few hundred.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.events import OutgoingMessage
from genjin.app import App
from reminders.delivery import deliver_due
from storage.models import Reminder
from tests.conftest import _reset_pg
from tests.test_sweep_safety import at

ITEMS = 240
TICK = timedelta(minutes=30)


class Recorder:
    """A platform that accepts everything and remembers each key it was asked to post."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()

    def send(self, msg: OutgoingMessage, *, outbox_id, reply_to, edit_of, maybe_sent=False) -> str:
        with self.lock:
            self.keys[msg.key] += 1
        return f"p{outbox_id}"


def reminders(app: App) -> set[str]:
    with app.sessions() as session:
        return set(session.scalars(select(Reminder.key)))


def seed(app: App) -> None:
    """Requests to answer, and action items due through the week, over six chats."""
    for n in range(ITEMS):
        chat, who = f"g{n % 6}", f"<@u{n % 40}|u{n % 40}>"
        if n % 3 == 0:
            text = f"/ask {who} question {n}"
        else:
            text = f"/todo {who} task {n} by 2026-11-{24 + n % 4} 1{n % 8}:00 standard: ok"
        app.process(_event(chat, text, n), now=at("2026-11-23 09:00"))


def _event(chat: str, text: str, n: int):
    from bot.events import EventKind, IncomingEvent
    from tests.test_sweep_safety import mentioned

    return IncomingEvent(platform="console", event_id=f"seed{n}", chat_id=chat, user_id="pm", user_name="pm",
                         kind=EventKind.MESSAGE, text=text, mentions=mentioned(text), received_at=at("2026-11-23 09:00"))


def week(apps: list[App], sender: Recorder) -> None:
    """Tick every 30 minutes from Monday 09:00 to the next Monday; each app on its own thread."""
    moments, moment = [], at("2026-11-23 09:00")
    while moment <= at("2026-11-30 10:00"):
        moments.append(moment)
        moment += TICK
    barrier, errors = threading.Barrier(len(apps)), []

    def run(app: App, worker: str) -> None:
        try:
            for moment in moments:
                barrier.wait(timeout=60)  # replicas tick together, as two servers' schedulers would
                app.sweep(now=moment)
                while deliver_due(sessions=app.sessions, platform="console", sender=sender,
                                  clock=lambda moment=moment: moment, worker=worker, limit=200):
                    pass
        except BaseException as err:  # a deadlock, a constraint error: the test must see it
            errors.append(err)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(app, f"replica-{n}")) for n, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []


def test_two_replicas_send_every_reminder_of_a_week_exactly_once(settings, tmp_path, pg_url):
    reference = App(settings, db_url=f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    seed(reference)
    expected = Recorder()
    week([reference], expected)
    issued = reminders(reference)
    reference.close()

    _reset_pg(pg_url)
    first = App(settings, db_url=pg_url)
    seed(first)
    replicas = [first, App(settings, db_url=pg_url)]
    got = Recorder()
    week(replicas, got)
    issued_by_replicas = reminders(first)
    for app in replicas:
        app.close()

    kinds = Counter(key.split(":")[0] for key in issued)
    assert kinds["nudge1"] and kinds["overdue"] and kinds["escalate"] and kinds["digest"]  # a real week
    assert issued_by_replicas == issued
    assert [key for key, n in got.keys.items() if n > 1] == []
    assert {k for k in got.keys if not k.startswith("remind:")} == {k for k in expected.keys if not k.startswith("remind:")}
