"""The runner processes acknowledged events off the transport's thread, retrying database hiccups."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from bot.events import EventKind, IncomingEvent
from genjin.serve import Runner

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
EVENT = IncomingEvent(platform="test", event_id="e1", chat_id="c", user_id="u", kind=EventKind.MESSAGE,
                      text="/list", received_at=NOW)


class FlakyApp:
    """Fails with a database error `failures` times, then processes."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    def process(self, event, *, now):
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("UPDATE ...", {}, Exception("deadlock detected"))
        return True


def run_once(app) -> None:
    runner = Runner(app, clock=lambda: NOW)
    runner.submit(EVENT)
    runner.stop()  # waits for the queued event


def test_a_deadlock_is_retried_and_the_event_is_not_lost(monkeypatch):
    monkeypatch.setattr("genjin.serve.time.sleep", lambda _s: None)
    app = FlakyApp(failures=2)
    run_once(app)
    assert app.calls == 3


def test_a_persistent_database_failure_gives_up_after_three_tries(monkeypatch, caplog):
    monkeypatch.setattr("genjin.serve.time.sleep", lambda _s: None)
    app = FlakyApp(failures=10)
    run_once(app)
    assert app.calls == 3
    assert "hit a database error (try 3 of 3)" in caplog.text


def test_the_scheduler_sweeps_at_once_on_start_and_wakes_delivery():
    import threading

    from reminders.scheduler import Scheduler

    swept, woken = threading.Event(), threading.Event()

    class App:
        def sweep(self, *, now):
            swept.set()
            return 1  # something was queued

        def prune(self, *, now):
            return 0

    scheduler = Scheduler(App(), clock=lambda: datetime.now(UTC), wake=woken.set)
    scheduler.start()
    try:
        assert swept.wait(10) and woken.wait(10)
    finally:
        scheduler.stop()
    assert not scheduler.running
