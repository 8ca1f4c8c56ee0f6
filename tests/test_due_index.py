"""The due index: a sweep reads only what is due, and every change moves an item's next moment."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import event, select

from genjin.app import App
from storage.models import Chat, Item, OutboxMessage
from tests.test_sweep_safety import at, keys, say


def statements_of(app: App, work) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    return len(seen)


def seed(app: App, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        say(app, "pm", f"/todo <@lee|lee> task {i} by 2026-12-18 18:00 standard: ok", at("2026-11-23 09:00"), i)


def test_an_idle_sweep_costs_the_same_with_ten_items_or_a_hundred(app):
    seed(app, 10)
    app.sweep(now=at("2026-11-23 09:01"))  # the new items get their next moments
    small = statements_of(app, lambda: app.sweep(now=at("2026-11-23 09:02")))
    seed(app, 90, start=10)
    app.sweep(now=at("2026-11-23 09:03"))
    large = statements_of(app, lambda: app.sweep(now=at("2026-11-23 09:04")))
    assert small == large <= 4  # begin, the due items, the due chats, commit
    with app.sessions() as s:
        moments = set(s.scalars(select(Item.next_due_at)))
    assert moments == {at("2026-12-17 09:00")}  # each waits for its warning, the working day before


def test_a_sweep_moves_each_item_to_its_next_reminder_and_forgets_closed_ones(app):
    say(app, "pm", "/ask <@lee|lee> confirm the schedule", at("2026-11-23 09:00"), 1)
    say(app, "pm", "/todo <@lee|lee> task by 2026-11-25 18:00 standard: ok", at("2026-11-23 09:00"), 2)
    app.sweep(now=at("2026-11-23 09:00"))
    with app.sessions() as s:
        request, action = s.scalars(select(Item).order_by(Item.id))
    assert request.next_due_at == at("2026-11-23 13:00")  # 4 working hours after 09:00
    assert action.next_due_at == at("2026-11-24 09:00")  # the warning
    say(app, "lee", "/ack #1", at("2026-11-23 10:00"), 3)
    say(app, "pm", "/cancel #2 not needed", at("2026-11-23 10:00"), 4)
    app.sweep(now=at("2026-11-23 10:00"))
    with app.sessions() as s:
        assert list(s.scalars(select(Item.next_due_at).order_by(Item.id))) == [None, None]


def test_a_chat_timezone_change_moves_its_items_reminders(app):
    say(app, "pm", "/ask <@lee|lee> confirm the schedule", at("2026-11-23 09:00"), 1)
    app.sweep(now=at("2026-11-23 09:00"))
    say(app, "pm", "/settings timezone Europe/London", at("2026-11-23 09:30"), 2)
    app.sweep(now=at("2026-11-23 09:30"))
    with app.sessions() as s:
        nudge_at = s.scalar(select(Item.next_due_at))
    # Created 01:00 London time: the clock starts at 09:00 there; four working hours later is
    # 13:00 London, 21:00 in Shanghai (it was 13:00 Shanghai before the change).
    assert nudge_at == at("2026-11-23 21:00")


def test_new_rules_in_the_config_recompute_every_moment(settings, db_url):
    first = App(settings, db_url=db_url)
    say(first, "pm", "/ask <@lee|lee> confirm the schedule", at("2026-11-23 09:00"), 1)
    first.sweep(now=at("2026-11-23 09:00"))
    first.close()
    stricter = settings.model_copy(update={"rules": settings.rules.model_copy(update={"response_hours": 2})})
    second = App(stricter, db_url=db_url)
    second.sweep(now=at("2026-11-23 11:00"))
    assert keys(second, "remind:nudge1:") == ["remind:nudge1:1"]
    second.close()


def test_a_chat_whose_reminders_fail_is_tried_again_without_holding_up_the_others(app, monkeypatch):
    from bot.followup import sweep as sweep_module

    say(app, "pm", "/ask <@lee|lee> one", at("2026-11-23 09:00"), 1)
    app.process(replace(_event("g2", "/ask <@lee|lee> two"), event_id="e2"), now=at("2026-11-23 09:00"))
    real = sweep_module._queue

    def broken_for_g(session, notices, now):
        if notices and notices[0].item.chat.chat_id == "g":
            raise RuntimeError("a bug in one chat's reminder")
        return real(session, notices, now)

    monkeypatch.setattr(sweep_module, "_queue", broken_for_g)
    assert app.sweep(now=at("2026-11-23 14:00")) >= 1  # returns: no endless retry within one sweep
    assert keys(app, "remind:nudge1:") == ["remind:nudge1:2"]
    monkeypatch.setattr(sweep_module, "_queue", real)
    app.sweep(now=at("2026-11-23 14:01"))  # tried again; lee had a reminder at 14:00: it waits the hour
    app.sweep(now=at("2026-11-23 15:00"))
    assert sorted(keys(app, "remind:nudge1:")) == ["remind:nudge1:1", "remind:nudge1:2"]


def test_a_backlog_larger_than_a_page_is_swept_in_several_transactions(app, monkeypatch):
    from bot.followup import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "PAGE", 3)
    for i in range(7):
        say(app, "pm", f"/ask <@u{i}|u{i}> question {i}", at("2026-11-23 09:00"), i)
    app.sweep(now=at("2026-11-23 14:00"))
    assert len(keys(app, "remind:nudge1:")) == 7
    with app.sessions() as s:
        chat = s.scalar(select(Chat))
        assert chat.next_digest_at is not None
        assert s.scalar(select(OutboxMessage.id).where(OutboxMessage.key.like("digest:%"))) is None


def _event(chat_id: str, text: str):
    from bot.events import EventKind, IncomingEvent
    from tests.test_sweep_safety import mentioned

    return IncomingEvent(platform="console", event_id="x", chat_id=chat_id, user_id="pm", user_name="pm",
                         kind=EventKind.MESSAGE, text=text, mentions=mentioned(text),
                         received_at=at("2026-11-23 09:00"))


def test_a_digest_costs_the_same_statements_for_three_owners_or_thirty(app):
    from bot.context import calendar_for
    from bot.followup import digests

    def digest_statements(n_owners: int, start: int) -> int:
        for i in range(start, start + n_owners):
            say(app, "pm", f"/todo <@u{i}|u{i}> task {i} by 2026-11-23 18:00 standard: ok",
                at("2026-11-23 09:00"), 1000 + i)
        with app.sessions() as s:
            chat = s.scalar(select(Chat))
            cal = calendar_for(app.policy.calendar)
            return statements_of(app, lambda: digests.daily(session=s, chat=chat, now=at("2026-11-24 09:30"),
                                                            lang="zh", calendar=cal))

    assert digest_statements(3, 0) == digest_statements(27, 3)
