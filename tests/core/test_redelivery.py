"""Redelivery, atomicity and failures: an event counts once, its records and replies commit
together, and a bug inside a handler leaves nothing half done and no traceback in the chat.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import bot.dispatch as dispatch
from bot.events import EventKind, IncomingEvent, Mention
from storage.models import Item, ItemEvent, MessageItem, OutboxMessage, ProcessedEvent

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 11, 10, 0, tzinfo=SH)
PM, LEE = ("ou_pm", "pm"), ("ou_lee", "lee")


def say(event_id: str, who: tuple[str, str], text: str, mentions=()) -> IncomingEvent:
    return IncomingEvent(platform="feishu", event_id=event_id, chat_id="oc_group", user_id=who[0],
                         user_name=who[1], kind=EventKind.MESSAGE, received_at=NOW, text=text,
                         mentions=mentions)


TODO = say("om_evt_1", PM, "/待办 <@ou_lee|lee> 写需求文档 截止 2026-05-15", (Mention(*LEE),))


def counts(app) -> dict[str, int]:
    with app.sessions() as s:
        return {model.__name__: s.scalar(select(func.count()).select_from(model))
                for model in (Item, ItemEvent, OutboxMessage, MessageItem, ProcessedEvent)}


class Sender:
    """Delivers into a list; the platform id of message N is om_N."""

    def __init__(self) -> None:
        self.sent = []

    def send(self, msg, *, outbox_id, reply_to, edit_of, maybe_sent=False):
        self.sent.append(msg)
        return edit_of or f"om_{outbox_id}"


# --- redelivery ----------------------------------------------------------------------------

def test_redelivered_command_is_applied_once(app):
    assert app.process(TODO, now=NOW) is True
    first = counts(app)
    assert first == {"Item": 1, "ItemEvent": 1, "OutboxMessage": 1, "MessageItem": 1, "ProcessedEvent": 1}
    assert app.process(TODO, now=NOW) is False
    assert counts(app) == first
    with app.sessions() as s:
        [row] = s.scalars(select(OutboxMessage)).all()
        assert row.payload["card"]["title"] == "#1 行动项：写需求文档"


def test_redelivered_refusal_is_answered_once(app):
    bad = say("om_evt_bad", PM, "/待办 写需求文档")
    assert app.process(bad, now=NOW) is True
    assert app.process(bad, now=NOW) is False
    with app.sessions() as s:
        [row] = s.scalars(select(OutboxMessage)).all()
        assert "请用 @ 指定负责人" in row.payload["text"]
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_redelivered_reaction_confirms_once(app):
    sender = Sender()
    assert app.process(TODO, now=NOW)
    assert app.process(say("om_evt_2", LEE, "/完成 #1 已提交"), now=NOW)
    app.deliver(platform="feishu", sender=sender, now=NOW)
    with app.sessions() as s:
        card = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "card:1"))
        assert card.platform_message_id == f"om_{card.id}"
    react = IncomingEvent(platform="feishu", event_id="om_evt_3", chat_id="oc_group", user_id=PM[0],
                          user_name=PM[1], kind=EventKind.REACTION_ADDED, received_at=NOW,
                          reaction="✅", target_message_id=card.platform_message_id)
    assert app.process(react, now=NOW) is True
    after_first = counts(app)
    assert app.process(react, now=NOW) is False
    assert counts(app) == after_first
    with app.sessions() as s:
        item = s.get(Item, 1)
        assert item.status == "confirmed"
        assert [h.action for h in item.history] == ["created", "done", "confirm"]
        confirmations = [r for r in s.scalars(select(OutboxMessage))
                         if "确认验收" in (r.payload["text"] or "")]
        assert len(confirmations) == 1


def test_the_same_event_id_on_another_platform_is_a_different_event(app):
    assert app.process(TODO, now=NOW)
    other = IncomingEvent(**{**TODO.__dict__, "platform": "console", "chat_id": "demo"})
    assert app.process(other, now=NOW) is True
    assert counts(app)["Item"] == 2


# --- atomicity -----------------------------------------------------------------------------

def test_records_and_replies_of_one_command_are_committed_together(app, monkeypatch):
    """If the reply can't be stored, the item isn't either, and the event may be redelivered."""
    real_enqueue = dispatch.enqueue

    def broken_enqueue(**kw):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(dispatch, "enqueue", broken_enqueue)
    with pytest.raises(RuntimeError):
        app.process(TODO, now=NOW)
    assert counts(app) == {"Item": 0, "ItemEvent": 0, "OutboxMessage": 0, "MessageItem": 0, "ProcessedEvent": 0}

    monkeypatch.setattr(dispatch, "enqueue", real_enqueue)
    assert app.process(TODO, now=NOW) is True  # the platform's retry goes through
    assert counts(app) == {"Item": 1, "ItemEvent": 1, "OutboxMessage": 1, "MessageItem": 1, "ProcessedEvent": 1}


def test_no_half_change_when_the_reply_cannot_be_stored_in_a_known_chat(app, monkeypatch):
    """The chat and both people already exist, so the command's first write is its own."""
    assert app.process(TODO, now=NOW)
    before = counts(app)
    monkeypatch.setattr(dispatch, "enqueue", lambda **kw: (_ for _ in ()).throw(RuntimeError("outbox down")))
    second = say("om_evt_2", PM, "/待办 <@ou_lee|lee> 写测试用例 截止 2026-05-15", (Mention(*LEE),))
    with pytest.raises(RuntimeError):
        app.process(second, now=NOW)
    assert counts(app) == before
    with app.sessions() as s:
        assert s.scalars(select(Item.title)).all() == ["写需求文档"]
    monkeypatch.undo()
    assert app.process(second, now=NOW) is True
    with app.sessions() as s:
        assert s.scalars(select(Item.title).order_by(Item.id)).all() == ["写需求文档", "写测试用例"]
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_state_change_stores_history_card_update_and_reply(app):
    assert app.process(TODO, now=NOW)
    assert app.process(say("om_evt_2", LEE, "/进度 #1 60% 初稿完成"), now=NOW)
    with app.sessions() as s:
        item = s.get(Item, 1)
        assert (item.status, item.progress) == ("in_progress", 60)
        assert [h.action for h in item.history] == ["created", "progress"]
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.key for r in rows] == ["card:1", "reply:feishu:om_evt_2:0", f"card:1:v{item.version}"]
        assert "📈 #1 进度 60%：初稿完成" in rows[1].payload["text"]
        assert rows[1].reply_to_id == rows[0].id  # threaded under the card
        assert rows[2].edit_of_id == rows[0].id  # the card is re-rendered in place


# --- a bug inside a handler ------------------------------------------------------------------------

def _explode_after(handler):
    def wrapped(ctx, rest):
        handler(ctx, rest)  # do the real work first, so there is something to undo
        raise RuntimeError("password=hunter2 at db.internal:5432")
    return wrapped


def test_exception_in_create_leaves_nothing_and_apologises(chat, app, monkeypatch, caplog):
    monkeypatch.setitem(dispatch.COMMANDS, "todo", _explode_after(dispatch.COMMANDS["todo"]))
    with caplog.at_level(logging.ERROR):
        out = chat.run("@pm: /todo @lee 写需求文档 截止 2026-05-15")
    assert "抱歉" in out and "什么都没有改动" in out
    for leak in ("Traceback", "RuntimeError", "hunter2", "db.internal", "#1"):
        assert leak not in out
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
        assert s.scalar(select(func.count()).select_from(ItemEvent)) == 0
        assert s.scalar(select(func.count()).select_from(MessageItem)) == 0
        [reply] = s.scalars(select(OutboxMessage)).all()  # the apology, and no card
        assert reply.payload["card"] is None
    # the operators can still find out what happened
    assert any(r.exc_info for r in caplog.records)


def test_exception_in_a_state_change_leaves_the_item_as_it_was(chat, app, monkeypatch):
    chat.run("@pm: /todo @lee 写需求文档 截止 2026-05-15")
    with app.sessions() as s:
        before = {c.key: getattr(s.get(Item, 1), c.key) for c in Item.__table__.columns}
    monkeypatch.setitem(dispatch.COMMANDS, "done", _explode_after(dispatch.COMMANDS["done"]))
    out = chat.run("@lee: /完成 #1 已提交")
    assert "抱歉" in out and "🎉" not in out and "✎" not in out
    with app.sessions() as s:
        item = s.get(Item, 1)
        assert {c.key: getattr(item, c.key) for c in Item.__table__.columns} == before
        assert [h.action for h in item.history] == ["created"]
    monkeypatch.undo()
    assert "🎉 #1 @lee 已完成" in chat.run("@lee: /完成 #1 已提交")


def test_apology_speaks_the_chats_language(chat, app, monkeypatch):
    chat.run("@pm: /settings lang en")
    monkeypatch.setitem(dispatch.COMMANDS, "list", _explode_after(dispatch.COMMANDS["list"]))
    out = chat.run("@pm: /list")
    assert "Sorry" in out and "nothing was changed" in out
    assert "Traceback" not in out and "hunter2" not in out
