"""A long outage loses nothing; a refusal is told; a slow round keeps its lease; a crash is remembered."""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from datetime import timedelta

import pytest

from bot.ports import PermanentFailure, RetryLater
from storage.models import Chat, User
from tests.delivery_fakes import T0, FakeClock, FakePlatform, ServerError, deliver, new_item, put, row, rows

UNDELIVERABLE = "undeliverable:"


def drive(app, platform: FakePlatform, clock: FakeClock, *, until, step: float = 20) -> None:
    """Delivery rounds every `step` seconds of simulated time, as the runner would."""
    while clock() < until:
        deliver(app, platform, clock)
        clock.advance(step)


def test_an_outage_of_ninety_minutes_loses_nothing_and_keeps_each_chats_order(app):
    written = defaultdict(list)
    for n in range(5):
        for chat in ("c1", "c2", "c3"):
            put(app, f"{chat}:{n}", chat=chat)
            written[chat].append(f"{chat}:{n}")
        put(app, f"dm:{n}", chat=None, user="u1")
        written["@u1"].append(f"dm:{n}")
    clock, tries = FakeClock(), itertools.count()
    end = T0 + timedelta(minutes=90)

    def outage(msg):  # 5xx, dropped connections and 429s, for 90 simulated minutes
        if clock() < end:
            return RetryLater(45) if next(tries) % 3 == 0 else ServerError("HTTP 503")
        return None

    platform = FakePlatform(outage)
    drive(app, platform, clock, until=end + timedelta(minutes=10))
    sent = defaultdict(list)
    for msg in platform.posted:
        sent[msg.chat_id or "@" + msg.user_id].append(msg.key)
    assert sent == written  # everything, once, in the order it was written
    assert {r.status for r in rows(app)} == {"sent"}


def test_a_refused_message_is_told_in_its_chat_once_and_logged(app, caplog):
    put(app, "big", chat="c")
    put(app, "small", chat="c")
    platform = FakePlatform(lambda msg: PermanentFailure("card too large", message_only=True)
                            if msg.key == "big" else None)
    with caplog.at_level(logging.WARNING, logger="reminders.delivery"):
        drive(app, platform, FakeClock(), until=T0 + timedelta(minutes=2))
    big = row(app, "big")
    assert big.status == "failed"
    assert platform.keys() == ["small", f"{UNDELIVERABLE}{big.id}"]
    notice = platform.posted[-1]
    assert notice.chat_id == "c" and "未能送达" in notice.text and "could not be delivered" in notice.text
    [line] = [r.getMessage() for r in caplog.records if "big" in r.getMessage()]
    assert "test" in line and "to c" in line and "card too large" in line


def test_a_chat_that_refuses_us_gets_no_notice_only_the_log(app, caplog):
    put(app, "m", chat="gone")
    platform = FakePlatform(lambda msg: PermanentFailure("channel_not_found"))
    with caplog.at_level(logging.WARNING, logger="reminders.delivery"):
        drive(app, platform, FakeClock(), until=T0 + timedelta(minutes=2))
    assert platform.calls == [("m", False)] and len(rows(app)) == 1
    assert any("channel_not_found" in r.getMessage() for r in caplog.records)


def test_a_notice_that_is_refused_too_is_only_logged_and_the_chat_left_alone(app, caplog):
    put(app, "m", chat="c")
    platform = FakePlatform(lambda msg: PermanentFailure("too large", message_only=True)
                            if msg.key.startswith("m") else PermanentFailure("channel_not_found"))
    clock = FakeClock()
    with caplog.at_level(logging.WARNING, logger="reminders.delivery"):
        drive(app, platform, clock, until=T0 + timedelta(minutes=2))
        put(app, "m2", chat="c", now=clock())
        drive(app, platform, clock, until=T0 + timedelta(minutes=4))
    assert [key for key, _ in platform.calls] == ["m", f"{UNDELIVERABLE}{row(app, 'm').id}", "m2"]
    assert sum("undeliverable" in r.getMessage() for r in caplog.records) == 3


def test_many_lost_messages_in_one_chat_get_one_notice(app):
    for n in range(4):
        put(app, f"m{n}", chat="c")
    platform = FakePlatform(lambda msg: None if msg.key.startswith(UNDELIVERABLE)
                            else PermanentFailure("invalid_blocks", message_only=True))
    drive(app, platform, FakeClock(), until=T0 + timedelta(minutes=2))
    [notice] = platform.posted
    assert "4" in notice.text and "m0" in notice.text


def test_a_refused_direct_message_is_told_in_the_group_it_was_about(app):
    with app.sessions.begin() as s:
        chat = Chat(platform="test", chat_id="team", created_at=T0)
        lee = User(platform="test", user_id="lee", name="lee")
        s.add_all([chat, lee])
        s.flush()
        item_id = new_item(s, chat_id=chat.id, initiator_id=lee.id).id
    put(app, "nudge", chat=None, user="lee", item_ids=(item_id,))
    put(app, "stray", chat=None, user="bob")  # about nothing: only the log hears of it
    platform = FakePlatform(lambda msg: PermanentFailure("cannot_dm_bot") if msg.user_id else None)
    drive(app, platform, FakeClock(), until=T0 + timedelta(minutes=2))
    [notice] = platform.posted
    assert notice.key == f"{UNDELIVERABLE}{row(app, 'nudge').id}" and notice.chat_id == "team"
    assert "<@lee>" in notice.text


def test_transient_failures_retry_for_a_day_with_capped_backoff_then_are_told(app):
    put(app, "m", chat="c")
    clock = FakeClock()
    platform = FakePlatform(lambda msg: None if msg.key.startswith(UNDELIVERABLE) else ServerError("503"))
    waits = []
    while row(app, "m").status == "pending":
        deliver(app, platform, clock)
        current = row(app, "m")
        if current.status == "pending":
            waits.append((current.not_before - clock()).total_seconds())
            clock.now = current.not_before
    assert waits[:8] == [5, 10, 20, 40, 80, 160, 300, 300] and max(waits) == 300
    assert clock() - T0 >= timedelta(hours=24)
    deliver(app, platform, clock)
    assert platform.keys() == [f"{UNDELIVERABLE}{row(app, 'm').id}"]


def test_a_slow_round_renews_each_lease_against_the_current_time(app):
    put(app, "a", chat="a")
    put(app, "b", chat="b")
    clock = FakeClock()
    second = FakePlatform()

    def slow(msg):  # each post takes 100 s; halfway through b, a second replica runs a round
        clock.advance(50)
        if msg.key == "b":
            deliver(app, second, clock, worker="B")
        clock.advance(50)

    first = FakePlatform(during=slow)
    deliver(app, first, clock, worker="A")
    assert first.keys() == ["a", "b"] and second.calls == []


class Crash(BaseException):
    """The process dies: nothing after this line of the round runs."""


@pytest.mark.parametrize("failure", [Crash(), ServerError("read timeout")])
def test_a_post_that_may_have_landed_is_flagged_on_the_next_attempt(app, failure):
    put(app, "m")
    clock = FakeClock()
    platform = FakePlatform(lambda msg: failure if len(platform.calls) == 1 else None)
    try:
        deliver(app, platform, clock, worker="A")
    except Crash:
        pass
    clock.advance(300)  # the dead process's lease has run out
    deliver(app, platform, clock, worker="B")
    assert platform.calls == [("m", False), ("m", True)]
    assert row(app, "m").status == "sent"


def test_a_clean_refusal_is_not_a_maybe_but_an_earlier_maybe_stays(app):
    put(app, "m")
    clock = FakeClock()
    script = iter([RetryLater(1), ServerError("timeout"), RetryLater(1), None])
    platform = FakePlatform(lambda msg: next(script))
    drive(app, platform, clock, until=T0 + timedelta(minutes=1), step=10)
    assert platform.calls == [("m", False), ("m", False), ("m", True), ("m", True)]
