"""Delivery at the platforms' own pace: concurrent across chats, in order within each, no 429.

The pacing proofs count refusals and check order; where they speak of time it is the fake
clock's (simulated seconds, the same on every machine), never the wall clock's.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import event, select

from bot.events import OutgoingMessage
from bot.ports import RetryLater
from genjin.serve import Runner
from reminders.deliverer import Deliverer
from reminders.pacing import FEISHU, Family, Limits, Pacer, Window, pacer_for
from storage.leases import claim_due
from storage.models import Chat, OutboxMessage, OutboxQueue, User
from storage.outbox import enqueue, to_payload
from tests.delivery_fakes import T0, FakeClock, FakePlatform, LimitedPlatform, new_item, put


def fill(app, messages: int, chats: int, *, now: datetime = T0) -> dict[str, list[str]]:
    """`messages` spread over `chats` in turn, in one transaction; the keys each chat must see, in order."""
    written = defaultdict(list)
    with app.sessions.begin() as s:
        for n in range(messages):
            chat = f"oc_{n % chats}"
            enqueue(session=s, now=now, msg=OutgoingMessage(key=f"m{n}", platform="test", chat_id=chat, text=str(n)))
            written[chat].append(f"m{n}")
    return dict(written)


def inline(app, platform, clock: FakeClock, limits: Limits, **kw) -> Deliverer:
    """A Deliverer sending on this thread, its pacer and sleeps on the fake clock."""
    return Deliverer(sessions=app.sessions, platform="test", sender=platform, clock=clock, threads=0,
                     pacer=Pacer(limits, clock=clock.monotonic), sleep=clock.advance, **kw)


def test_a_thousand_messages_over_a_hundred_chats_keep_feishus_limits_and_each_chats_order(app):
    written = fill(app, 1000, 100)
    clock = FakeClock()
    feishu = LimitedPlatform(per_chat=5, per_app=50, clock=clock.monotonic)  # 5/s per chat, 50/s per app
    assert inline(app, feishu, clock, FEISHU).run_until_idle() == 1000
    assert feishu.refused == 0
    assert feishu.by_chat == written and len(set(feishu.keys())) == 1000
    # Paced to the app-wide limit, not below it: 1,000 at 50/s is 20 simulated seconds.
    assert clock.monotonic() <= 1.1 * 1000 / 50
    assert {r.status for r in all_rows(app)} == {"sent"}


def test_a_429_makes_every_chat_wait_its_retry_after(app):
    written = fill(app, 6, 2)
    clock = FakeClock()
    refused_at = []

    def first_refused(msg):
        if not refused_at:
            refused_at.append(clock.monotonic())
            return RetryLater(5)
        return None

    platform = FakePlatform(first_refused)
    sent_at = []
    platform.during = lambda msg: sent_at.append(clock.monotonic())
    deliverer = inline(app, platform, clock, FEISHU)
    deliverer.run_until_idle()
    assert platform.keys() == written["oc_1"]  # the other chat, once the Retry-After had passed ...
    assert all(t >= refused_at[0] + 5 for t in sent_at[1:])  # ... for nobody sent during it
    clock.advance(5)
    deliverer.run_until_idle()
    by_chat = defaultdict(list)
    for msg in platform.posted:
        by_chat[msg.chat_id].append(msg.key)
    assert by_chat == written


def test_two_delivery_threads_share_one_app_wide_limit(app):
    # 10 calls per 0.2 s for the app, 2 per chat: each thread alone could send at the whole app's pace.
    limits = Limits(post=Family(per_target=(Window(2, 0.2),), per_app=(Window(10, 0.2),)),
                    update=Family(per_target=(Window(2, 0.2),), per_app=(Window(10, 0.2),)), margin=0.1,
                    concurrency=3)
    written = fill(app, 120, 40, now=datetime.now(UTC))
    platform = LimitedPlatform(per_chat=2, per_app=10, seconds=0.2, limits=limits)

    def wall() -> datetime:
        return datetime.now(UTC)

    first, second = (Deliverer(sessions=app.sessions, platform="test", sender=platform, clock=wall, worker=w, poll=0.05)
                     for w in ("A", "B"))
    assert first.pacer is second.pacer is pacer_for("test", limits)
    for d in (first, second):  # each holds a few chats at a time, so both always have work
        d.max_rows = 12
    threads = [threading.Thread(target=d.run) for d in (first, second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(platform.accepted) < 120 and time.monotonic() < deadline:
        time.sleep(0.05)
    for d in (first, second):
        d.stop()
    for thread in threads:
        thread.join(10)
    assert platform.refused == 0
    assert platform.by_chat == written and len(platform.accepted) == 120
    assert first.delivered > 0 and second.delivered > 0 and first.delivered + second.delivered == 120


def test_the_runner_sends_as_soon_as_it_is_woken(app):
    runner = Runner(app, poll_seconds=60)  # unwoken, it would look again only in a minute
    platform = FakePlatform()
    runner.start_delivery("test", platform)
    deliverer = runner._deliverers[0]
    deadline = time.monotonic() + 10
    while deliverer._claim_at == float("-inf") and time.monotonic() < deadline:  # its first look found nothing
        time.sleep(0.01)
    put(app, "m", now=datetime.now(UTC))
    runner.wake()
    while not platform.posted and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.stop()
    assert platform.keys() == ["m"]


def test_a_stopped_deliverer_gives_back_what_it_had_not_sent(app):
    written = fill(app, 20, 2)
    clock = FakeClock()
    platform = FakePlatform()
    deliverer = inline(app, platform, clock, FEISHU)
    deliverer.step(None)  # claims both chats' runs, sends the first row of each
    deliverer.stop()
    deliverer.run()  # stopped: records what it sent, gives back the rest
    assert platform.keys() == ["m0", "m1"]
    assert all(r.claimed_by is None and r.sending_since is None for r in all_rows(app))
    later = FakePlatform()
    inline(app, later, clock, FEISHU).run_until_idle()
    for chat in ("oc_0", "oc_1"):
        assert [m.key for m in platform.posted + later.posted if m.chat_id == chat] == written[chat]


# -- what a claim reads, what an enqueue writes ------------------------------------------------

def statements(app):
    seen: list[tuple[str, object]] = []
    event.listen(app.engine, "before_cursor_execute", lambda conn, cur, sql, params, ctx, many:
                 seen.append((sql, params)))
    return seen


def test_a_claim_reads_only_due_queues_and_only_their_heads(app):
    clock = FakeClock()
    with app.sessions.begin() as s:
        for n in range(500):
            enqueue(session=s, now=T0, msg=OutgoingMessage(key=f"big{n}", platform="test", chat_id="big", text="x"))
    put(app, "waits", chat="held")
    put(app, "small", chat="small")
    with app.sessions.begin() as s:  # "held" waits on a retry: its head is not due for a minute
        s.execute(OutboxMessage.__table__.update().where(OutboxMessage.key == "waits")
                  .values(not_before=clock.now.replace(minute=1)))
    with app.sessions.begin() as s:
        first = claim_due(session=s, platform="test", now=clock(), owner="A", limit=100, per_target=5)
    assert [c.target for c in first] == ["big"] * 5 + ["small"]
    with app.sessions() as s:
        held = s.scalar(select(OutboxQueue.next_at).where(OutboxQueue.target == "held"))
    assert held == clock.now.replace(minute=1)  # looked at again only then
    put(app, "new", chat="new")
    seen = statements(app)
    with app.sessions.begin() as s:
        again = claim_due(session=s, platform="test", now=clock(), owner="A", limit=100, per_target=5)
    assert [c.target for c in again] == ["new"]
    assert not any("held" in repr(params) or "big" in repr(params) for _, params in seen)
    assert len([sql for sql, _ in seen if "outbox" in sql]) <= 4


def test_an_enqueue_is_three_statements_and_a_repeated_key_one(app):
    with app.sessions.begin() as s:
        chat = Chat(platform="test", chat_id="c", created_at=T0)
        lee = User(platform="test", user_id="lee", name="lee")
        s.add_all([chat, lee])
        s.flush()
        item_ids = tuple(new_item(s, chat_id=chat.id, initiator_id=lee.id, number=n + 1).id for n in range(3))
    put(app, "first", chat="c")
    seen = statements(app)
    with app.sessions.begin() as s:
        s.connection()
        seen.clear()
        row = enqueue(session=s, now=T0, msg=OutgoingMessage(key="m", platform="test", chat_id="c", text="x",
                                                             item_ids=item_ids, reply_to_key="first"))
        assert len(seen) == 3  # the row (reply target looked up inside it), its items, its queue
        seen.clear()
        assert enqueue(session=s, now=T0, msg=OutgoingMessage(key="m", platform="test", chat_id="c",
                                                              text="again")) is None
        assert len(seen) == 1
        row.attempts += 1  # the returned row is the session's own
    with app.sessions() as s:
        stored = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "m"))
        assert stored.attempts == 1 and stored.reply_to_id is not None and stored.payload["text"] == "x"


def test_rows_written_before_the_queues_existed_are_delivered(db_url):
    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config, make_engine, session_factory

    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":  # the run's shared database is already at head
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:
        for key, target in (("g1", "c1"), ("g2", "c1"), ("dm", "@u1")):
            conn.execute(text(
                "INSERT INTO outbox (key, platform, chat_id, user_id, target, payload, status, attempts,"
                " created_at, not_before) VALUES (:k, 'test', :c, :u, :t, :p, 'pending', 0, :at, :at)"),
                {"k": key, "c": None if target.startswith("@") else target,
                 "u": target[1:] if target.startswith("@") else None, "t": target, "at": "2026-11-23 09:00:00+00:00",
                 "p": json.dumps(to_payload(OutgoingMessage(key=key, platform="test", chat_id="c", text="x")))})
    command.upgrade(alembic_config(engine), "head")
    sessions = session_factory(engine)
    platform = FakePlatform()
    clock = FakeClock()
    from reminders.delivery import deliver_due

    deliver_due(sessions=sessions, platform="test", sender=platform, clock=clock)
    assert sorted(platform.keys()) == ["dm", "g1", "g2"]
    command.downgrade(alembic_config(engine), "0006")  # and back: the downgrade works too
    command.upgrade(alembic_config(engine), "head")
    engine.dispose()


def all_rows(app) -> list[OutboxMessage]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
