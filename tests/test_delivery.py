"""The outbox sender: retries with backoff, honours Retry-After, isolates failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater
from storage.models import OutboxMessage
from storage.outbox import enqueue

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class ScriptedSender:
    """Answers each key with the next scripted outcome (an exception or None = success)."""

    def __init__(self, outcomes: dict[str, list]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[str, str | None, str | None]] = []

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        self.calls.append((msg.key, reply_to, edit_of))
        queue = self.outcomes.get(msg.key, [])
        outcome = queue.pop(0) if queue else None
        if outcome is not None:
            raise outcome
        return edit_of or f"p{outbox_id}"


def put(app, key: str, **kw) -> None:
    with app.sessions.begin() as s:
        enqueue(session=s, msg=OutgoingMessage(key=key, platform="test", chat_id="c", text=key, **kw), now=NOW)


def row(app, key: str) -> OutboxMessage:
    with app.sessions() as s:
        return s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def test_retry_after_is_honoured_and_the_message_goes_once(app):
    put(app, "a")
    sender = ScriptedSender({"a": [RetryLater(30)]})
    assert app.deliver(platform="test", sender=sender, now=NOW) == 0
    assert row(app, "a").not_before == NOW + timedelta(seconds=30)
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(seconds=29)) == 0
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(seconds=30)) == 1
    assert app.deliver(platform="test", sender=sender, now=NOW + timedelta(hours=1)) == 0
    assert [c[0] for c in sender.calls] == ["a", "a"]
    assert row(app, "a").status == "sent" and row(app, "a").platform_message_id == "p1"


def test_one_failing_message_never_blocks_the_others(app):
    put(app, "bad")
    put(app, "good")
    sender = ScriptedSender({"bad": [PermanentFailure("channel_not_found")]})
    assert app.deliver(platform="test", sender=sender, now=NOW) == 1
    assert row(app, "bad").status == "failed" and "channel_not_found" in row(app, "bad").last_error
    assert row(app, "good").status == "sent"


def test_transient_errors_back_off_up_to_five_minutes_and_keep_trying(app):
    put(app, "flaky")
    sender = ScriptedSender({"flaky": [ConnectionError("reset")] * 20})
    moment, waits = NOW, []
    for _ in range(25):
        app.deliver(platform="test", sender=sender, now=moment)
        current = row(app, "flaky")
        if current.status != "pending":
            break
        waits.append((current.not_before - moment).total_seconds())
        moment = current.not_before
    assert waits == [5, 10, 20, 40, 80, 160] + [300] * 14  # doubling backoff, capped
    assert row(app, "flaky").status == "sent" and row(app, "flaky").attempts == 21


def test_updates_and_thread_replies_point_at_the_delivered_original(app):
    put(app, "card")
    put(app, "card:v2", edit_of_key="card")
    put(app, "reply", reply_to_key="card")
    sender = ScriptedSender({})
    app.deliver(platform="test", sender=sender, now=NOW)
    assert sender.calls == [("card", None, None), ("card:v2", None, "p1"), ("reply", "p1", None)]


def test_an_update_waits_while_its_original_is_undelivered(app):
    put(app, "card")
    put(app, "card:v2", edit_of_key="card")
    sender = ScriptedSender({"card": [RetryLater(60)]})
    app.deliver(platform="test", sender=sender, now=NOW)
    assert row(app, "card:v2").status == "pending" and row(app, "card:v2").attempts == 0
    app.deliver(platform="test", sender=sender, now=NOW + timedelta(seconds=60))
    assert row(app, "card").status == "sent" and row(app, "card:v2").status == "sent"


def test_rate_limits_do_not_count_towards_giving_up(app):
    put(app, "busy")
    sender = ScriptedSender({"busy": [RetryLater(1)] * 10 + [ConnectionError("reset")]})
    moment = NOW
    for _ in range(12):
        app.deliver(platform="test", sender=sender, now=moment)
        moment = row(app, "busy").not_before
    assert row(app, "busy").status == "sent"
    assert row(app, "busy").attempts == 2  # the network error and the success


def test_an_old_card_update_retried_late_never_overwrites_a_newer_one(app):
    put(app, "card")
    put(app, "card:v2", edit_of_key="card")
    sender = ScriptedSender({"card:v2": [ConnectionError("reset")]})
    app.deliver(platform="test", sender=sender, now=NOW)  # the card goes out, its update fails
    put(app, "card:v3", edit_of_key="card")
    app.deliver(platform="test", sender=sender, now=NOW + timedelta(minutes=5))
    assert [c[0] for c in sender.calls] == ["card", "card:v2", "card:v3"]
    assert row(app, "card:v2").status == "superseded"
    assert row(app, "card:v3").status == "sent"


def test_a_stalled_replica_does_not_send_what_another_has_taken_over(app):
    from reminders.delivery import deliver_due
    from storage.leases import claim_due

    put(app, "a")
    row_id = row(app, "a").id
    with app.sessions.begin() as s:  # replica A leases the row, then stalls for five minutes
        assert [c.id for c in claim_due(session=s, platform="test", now=NOW, owner="A")] == [row_id]
    sender = ScriptedSender({})
    later = NOW + timedelta(minutes=5)
    assert deliver_due(sessions=app.sessions, platform="test", sender=sender, clock=lambda: later, worker="B") == 1
    assert deliver_due(sessions=app.sessions, platform="test", sender=sender, clock=lambda: later, worker="A") == 0
    assert [c[0] for c in sender.calls] == ["a"]


def test_an_answer_to_a_question_asked_in_a_thread_stays_in_that_thread(app):
    from bot.events import EventKind, IncomingEvent

    event = IncomingEvent(platform="test", event_id="t1", chat_id="c", user_id="pm", user_name="pm",
                          kind=EventKind.MESSAGE, text="/list", received_at=NOW, thread_id="c:1700.1")
    app.process(event, now=NOW)
    sender = ScriptedSender({})
    app.deliver(platform="test", sender=sender, now=NOW)
    assert sender.calls == [("reply:test:t1:0", "c:1700.1", None)]
