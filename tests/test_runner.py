"""Durable intake: what a transport acknowledged is stored first, then processed once, whatever happens."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.events import EventKind, IncomingEvent, Mention, mention
from genjin.serve import INTAKE_TRIES, Runner
from storage.inbox import LEASE
from storage.models import InboxEvent, Item, OutboxMessage

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def translate(payload: dict) -> IncomingEvent | None:
    """A toy platform: {"user": ..., "text": ...}; {"noise": ...} needs no processing."""
    if "noise" in payload:
        return None
    names = re.findall(r"@(\w+)", payload["text"])
    text = re.sub(r"@(\w+)", lambda m: mention(m.group(1), m.group(1)), payload["text"])
    return IncomingEvent(platform="console", event_id="ignored", chat_id="g", user_id=payload["user"],
                         user_name=payload["user"], kind=EventKind.MESSAGE, text=text,
                         mentions=tuple(Mention(n, n) for n in names), received_at=NOW)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def runner_for(app, clock=None) -> Runner:
    runner = Runner(app, clock=clock or (lambda: NOW))
    runner.register("console", translate)
    return runner


def rows(app) -> list[InboxEvent]:
    with app.sessions() as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def titles(app) -> list[str]:
    with app.sessions() as s:
        return list(s.scalars(select(Item.title).order_by(Item.id)))


TODO = {"user": "pm", "text": "/todo @lee Build the page by friday standard: passes QA"}


def test_an_acknowledged_event_survives_a_crash_and_is_processed_once_after_restart(app):
    first = runner_for(app)
    assert first.accept(platform="console", event_id="e1", payload=TODO) is not None
    # The process dies here: nothing was processed, but the payload is on disk.
    assert [r.status for r in rows(app)] == ["pending"]

    restarted = runner_for(app)
    assert restarted.drain() == 1
    assert titles(app) == ["Build the page"]
    assert [r.status for r in rows(app)] == ["done"]
    assert restarted.drain() == 0  # nothing processed twice


def test_a_redelivery_is_acknowledged_without_storing_it_again(app):
    runner = runner_for(app)
    assert runner.accept(platform="console", event_id="e1", payload=TODO) is not None
    assert runner.accept(platform="console", event_id="e1", payload=TODO) is None
    runner.drain()
    assert runner.accept(platform="console", event_id="e1", payload=TODO) is None
    runner.drain()
    assert titles(app) == ["Build the page"]


def test_a_row_leased_by_a_dead_worker_is_taken_over_when_its_lease_runs_out(app):
    from storage import inbox

    clock = Clock()
    runner = runner_for(app, clock)
    row_id = runner.accept(platform="console", event_id="e1", payload=TODO)
    with app.sessions.begin() as s:  # another replica leased it, then died
        assert inbox.claim(session=s, now=NOW, owner="dead-replica") == [row_id]
    assert runner.drain() == 0
    clock.now = NOW + LEASE + timedelta(seconds=1)
    assert runner.drain() == 1
    assert titles(app) == ["Build the page"]


def test_a_payload_that_keeps_failing_is_kept_with_its_error_and_logged(app, caplog):
    clock = Clock()
    runner = Runner(app, clock=clock)

    def broken(payload):
        if "noise" in payload:
            return None
        raise KeyError("user")

    runner.register("console", broken)
    runner.accept(platform="console", event_id="bad", payload={"oops": 1})
    runner.accept(platform="console", event_id="good", payload={"noise": 1})
    with caplog.at_level(logging.WARNING):
        for _ in range(INTAKE_TRIES + 2):
            runner.drain()
            clock.now += timedelta(minutes=5)
    bad, good = rows(app)
    assert (bad.status, bad.attempts) == ("failed", INTAKE_TRIES)
    assert "KeyError" in bad.last_error and bad.payload == {"oops": 1}
    assert good.status == "done"  # one bad payload does not hold up the others
    assert f"failed {INTAKE_TRIES} times and is kept as failed" in caplog.text


def test_a_database_error_while_applying_rolls_back_and_is_retried(app, monkeypatch):
    clock = Clock()
    runner = runner_for(app, clock)
    runner.accept(platform="console", event_id="e1", payload=TODO)
    real, calls = app.process_stored, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE ...", {}, Exception("deadlock detected"))
        return real(*args, **kwargs)

    monkeypatch.setattr(app, "process_stored", flaky)
    runner.drain()
    assert titles(app) == [] and rows(app)[0].status == "pending"
    clock.now += timedelta(seconds=3)
    runner.drain()
    assert titles(app) == ["Build the page"] and rows(app)[0].status == "done"


def test_process_now_reports_the_refusal_a_user_was_told(app):
    runner = runner_for(app)
    row_id = runner.accept(platform="console", event_id="e1", payload={"user": "lee", "text": "/done #7"},
                           wake=False)
    outcome = runner.process_now(row_id)
    assert outcome.handled and "#7" in outcome.refusal
    ok = runner.process_now(runner.accept(platform="console", event_id="e2", payload=TODO, wake=False))
    assert ok.handled and ok.refusal is None
    assert runner.process_now(row_id) is None  # done already: nothing happens twice
    runner.stop()


def test_workers_process_what_is_accepted_while_running(app):
    import threading

    runner = runner_for(app, lambda: datetime.now(UTC))
    runner.poll_seconds = 0.05
    runner.start()
    try:
        for n in range(5):
            runner.accept(platform="console", event_id=f"e{n}", payload={**TODO, "text": f"/todo @lee Task {n} "
                                                                                        "by friday standard: ok"})
        done = threading.Event()
        for _ in range(200):
            if all(r.status == "done" for r in rows(app)):
                done.set()
                break
            threading.Event().wait(0.05)
        assert done.is_set()
    finally:
        runner.stop()
    assert sorted(titles(app)) == [f"Task {n}" for n in range(5)]
    with app.sessions() as s:
        assert len(s.scalars(select(OutboxMessage)).all()) == 5


@pytest.mark.parametrize("broken_url", ["sqlite:////proc/no-such-dir/genjin.sqlite3"])
def test_accept_raises_when_the_payload_cannot_be_stored(settings, broken_url, app):
    runner = runner_for(app)
    app.engine.dispose()
    from sqlalchemy import create_engine

    from storage.db import session_factory

    app.sessions = session_factory(create_engine(broken_url))
    with pytest.raises(OperationalError):
        runner.accept(platform="console", event_id="e1", payload=TODO)


def test_a_replica_restarting_under_its_name_takes_back_its_leases_at_once(app):
    from storage import inbox, leases

    row_id = runner_for(app).accept(platform="console", event_id="e1", payload=TODO)
    with app.sessions.begin() as s:  # it had leased the event when it was killed
        assert inbox.claim(session=s, now=NOW, owner="host:8080") == [row_id]
    stranger = Runner(app, clock=lambda: NOW, owner="other:8080")
    stranger.register("console", translate)
    stranger.recover()
    assert stranger.drain() == 0  # another replica waits for the lease to run out

    again = Runner(app, clock=lambda: NOW, owner="host:8080")
    again.register("console", translate)
    again.recover()
    assert again.drain() == 1
    assert titles(app) == ["Build the page"]
    with app.sessions.begin() as s:
        assert leases.release_owner(session=s, owner="host:8080", now=NOW) == 0
