"""Per target (a chat, or a person's direct messages), messages leave in the order they were written."""

from __future__ import annotations

from bot.ports import PermanentFailure, RetryLater
from storage.leases import claim_due
from tests.delivery_fakes import FakeClock, FakePlatform, ServerError, deliver, put, row, rows


def test_a_message_waits_while_an_earlier_one_to_its_chat_waits_on_a_retry(app):
    for key in ("c1", "c2", "c3"):
        put(app, key, chat="c")
    put(app, "d1", chat="d")
    clock = FakeClock()
    platform = FakePlatform(lambda msg: RetryLater(60) if msg.key == "c1" and len(platform.calls) == 1 else None)
    deliver(app, platform, clock)
    assert platform.keys() == ["d1"]  # the other chat does not wait
    assert row(app, "c2").attempts == 0 and row(app, "c3").attempts == 0
    clock.advance(59)
    deliver(app, platform, clock)
    assert platform.keys() == ["d1"]
    clock.advance(1)
    deliver(app, platform, clock)
    assert platform.keys() == ["d1", "c1", "c2", "c3"]


def test_direct_messages_to_one_person_keep_their_order_apart_from_the_group(app):
    put(app, "dm1", chat=None, user="u")
    put(app, "g1", chat="c")
    put(app, "dm2", chat=None, user="u")
    clock = FakeClock()
    platform = FakePlatform(lambda msg: ServerError("503") if msg.key == "dm1" and len(platform.calls) == 1 else None)
    deliver(app, platform, clock)
    assert platform.keys() == ["g1"]
    clock.advance(5)
    deliver(app, platform, clock)
    assert platform.keys() == ["g1", "dm1", "dm2"]


def test_failed_and_sent_messages_do_not_block_the_next(app):
    for key in ("bad", "next", "last"):
        put(app, key)
    platform = FakePlatform(lambda msg: PermanentFailure("card too large") if msg.key == "bad" else None)
    deliver(app, platform, FakeClock())
    assert row(app, "bad").status == "failed"
    assert platform.keys()[:2] == ["next", "last"]


def test_claim_takes_only_the_due_unleased_head_of_each_chat(app):
    ids = {key: put(app, key, chat=chat) for key, chat in
           (("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"), ("a3", "a"))}
    clock = FakeClock()
    with app.sessions.begin() as s:  # replica X leases chat a's head ...
        assert [c.id for c in claim_due(session=s, platform="test", now=clock(), owner="X", limit=1)] == [ids["a1"]]
    with app.sessions.begin() as s:  # ... so Y may take only chat b, in order
        assert [c.id for c in claim_due(session=s, platform="test", now=clock(), owner="Y")] == [ids["b1"], ids["b2"]]


def test_a_superseded_card_update_waiting_on_a_retry_does_not_hold_up_its_chat(app):
    put(app, "card")
    put(app, "card:v2", edit_of_key="card")
    clock = FakeClock()
    platform = FakePlatform(lambda msg: ServerError("reset") if msg.key == "card:v2" else None)
    deliver(app, platform, clock)  # the card goes out; its update now waits on a retry timer
    put(app, "card:v3", edit_of_key="card")
    put(app, "after")
    deliver(app, platform, clock)  # no time has passed: v2's timer has not run out
    assert platform.keys() == ["card", "card:v3", "after"]
    assert row(app, "card:v2").status == "superseded"


def test_an_update_in_flight_elsewhere_is_superseded_when_its_lease_runs_out(app):
    put(app, "card")
    clock = FakeClock()
    platform = FakePlatform()
    deliver(app, platform, clock)
    v2 = put(app, "card:v2", edit_of_key="card")
    with app.sessions.begin() as s:  # another replica is sending v2 (and then dies)
        assert [c.id for c in claim_due(session=s, platform="test", now=clock(), owner="X")] == [v2]
    put(app, "card:v3", edit_of_key="card")
    deliver(app, platform, clock)
    assert platform.keys() == ["card"]  # v3 must not race v2 while v2 may still land
    clock.advance(180)
    deliver(app, platform, clock)
    assert platform.keys() == ["card", "card:v3"]
    assert [r.status for r in rows(app)] == ["sent", "superseded", "sent"]


def test_the_migration_queues_rows_written_before_it(db_url):
    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config, make_engine

    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":  # the run's shared database is already at head
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as conn:
        for key, chat, user in (("g", "c1", None), ("dm", None, "u1")):
            conn.execute(text(
                "INSERT INTO outbox (key, platform, chat_id, user_id, payload, status, attempts, created_at,"
                " not_before) VALUES (:k, 'test', :c, :u, '{}', 'pending', 0, :t, :t)"),
                {"k": key, "c": chat, "u": user, "t": "2026-11-23 09:00:00+00:00"})
    command.upgrade(alembic_config(engine), "0003")
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT key, target FROM outbox")).all()) == {"g": "c1", "dm": "@u1"}
    command.downgrade(alembic_config(engine), "0002")  # and back: the downgrade works too
    command.upgrade(alembic_config(engine), "head")
    engine.dispose()
