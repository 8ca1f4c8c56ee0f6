"""Items are numbered per chat: every group starts at #1; buttons and reactions still find them.

People type and see the number; buttons, reaction links and outbox keys use the internal id.
The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from alembic import command
from sqlalchemy import select, text
from transcript import split

from bot.events import EventKind, IncomingEvent
from storage.db import alembic_config, make_engine, upgrade
from storage.models import Chat, Item, OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 11, 10, 0, tzinfo=SH)


def numbered(app) -> list[tuple[str, int, int, str]]:
    with app.sessions() as s:
        return [(i.chat.chat_id, i.id, i.number, i.status)
                for i in s.scalars(select(Item).order_by(Item.id))]


def card_of(app, item_id: int) -> str:
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == f'card:{item_id}'))}"


def test_every_chat_starts_at_one(chat, app):
    chat.run("@pm: /todo @lee first by friday standard: ok\n@pm: /todo @lee second by friday standard: ok")
    out = chat.run(":chat sales\n@amy: /todo @bob a new group's first by friday standard: ok")
    assert "#1 行动项：a new group's first" in out
    assert numbered(app) == [("demo", 1, 1, "open"), ("demo", 2, 2, "open"), ("sales", 3, 1, "open")]
    # "#1" means this chat's #1
    assert "✔ #1 已收到，@bob 跟进中。" in chat.run("@bob: /ack #1")
    assert numbered(app)[2][3] == "in_progress" and numbered(app)[0][3] == "open"
    reply = split(chat.run("@amy: /list"))[0][0]
    assert "#1 a new group's first" in reply and "second" not in reply


def test_reactions_and_buttons_find_the_item_by_its_internal_id(chat, app):
    chat.run("@pm: /todo @lee first by friday standard: ok")
    chat.run(":chat sales\n@amy: /todo @bob second chat's item by friday standard: ok\n@bob: /done #1")
    out = chat.run(f"@amy react ✅ {card_of(app, 2)}")
    assert "✅ #1 已由 @amy 确认验收，闭环。" in out
    chat.run(":chat demo\n@lee: /done #1")
    with app.sessions() as s:
        buttons = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "card:1:v2")).payload["card"]["buttons"]
    assert [b["value"] for b in buttons] == ["confirm:1", "reject:1"]
    assert "✅ #1 已由 @pm 确认验收" in chat.run(f"@pm click 确认 {card_of(app, 1)}")
    assert [n[3] for n in numbered(app)] == ["confirmed", "confirmed"]


def dm(app, user: str, line: str, n: int) -> str:
    app.process(IncomingEvent(platform="console", event_id=f"dm-{user}-{n}", chat_id=f"dm-{user}", user_id=user,
                              user_name=user, kind=EventKind.MESSAGE, text=line, is_direct=True,
                              received_at=NOW), now=NOW)
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == f"dm-{user}")
                       .order_by(OutboxMessage.id.desc()).limit(1))
        return row.payload["text"] or row.payload["card"]["title"]


def test_in_a_direct_chat_a_number_means_the_item_one_is_involved_in(chat, app):
    chat.run("@pm: /todo @lee spec by friday standard: ok")
    chat.run(":chat sales\n@amy: /todo @bob quote by friday standard: ok")
    assert dm(app, "lee", "/show #1", 1) == "#1 行动项：spec"
    assert dm(app, "bob", "/show #1", 2) == "#1 行动项：quote"
    assert dm(app, "zed", "/show #1", 3) == "找不到 #1。用「/列表」看本群的事项。"
    # involved in a #1 of both chats: which one?
    chat.run("@amy: /todo @lee price list by friday standard: ok")
    assert dm(app, "lee", "/show #2", 4) == "#2 行动项：price list"
    chat.run(":chat ops\n@lee: /todo @amy tidy by friday standard: ok")
    said = dm(app, "lee", "/done #1", 5)
    assert "有几个 #1" in said and "#demo 的「spec」" in said and "#ops 的「tidy」" in said
    assert [n[3] for n in numbered(app)] == ["open"] * 4
    # the closed one no longer competes
    chat.run("@lee: /cancel #1 not needed")
    assert dm(app, "lee", "/done #1", 6).startswith("🎉 #1 <@lee|lee> 已完成")


def test_upgrading_numbers_the_existing_items_of_each_chat(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0008")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM chats"))
        conn.execute(text("INSERT INTO chats (id, platform, chat_id, settings, created_at) VALUES "
                          "(1, 'slack', 'C1', '{}', '2026-11-20 01:00:00'), "
                          "(2, 'slack', 'C2', '{}', '2026-11-20 01:00:00')"))
        conn.execute(text("INSERT INTO users (id, platform, user_id, name) VALUES (1, 'slack', 'U1', 'pm')"))
        for item_id, chat_id in [(1, 1), (2, 2), (3, 1), (4, 2), (5, 2)]:
            conn.execute(text(
                "INSERT INTO items (id, kind, chat_id, title, initiator_id, urgency, status, progress, risk, "
                "rework_count, created_at, updated_at, version) VALUES (:id, 'action', :chat, 'x', 1, 'normal', "
                "'open', 0, 'normal', 0, '2026-11-20 01:00:00', '2026-11-20 01:00:00', 1)"),
                {"id": item_id, "chat": chat_id})
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, chat_id, number FROM items ORDER BY id")).all() == [
            (1, 1, 1), (2, 2, 1), (3, 1, 2), (4, 2, 2), (5, 2, 3)]
        assert conn.execute(text("SELECT id, last_item_number FROM chats ORDER BY id")).all() == [(1, 2), (2, 3)]
    engine.dispose()


def test_the_next_item_continues_a_migrated_chats_numbers(chat, app):
    chat.run("@pm: /todo @lee first by friday standard: ok")
    with app.sessions.begin() as s:  # as the migration leaves a chat that had items
        s.execute(text("UPDATE items SET number = 7"))
        s.execute(text("UPDATE chats SET last_item_number = 7"))
    assert "#8 行动项：next" in chat.run("@pm: /todo @lee next by friday standard: ok")
    with app.sessions() as s:
        assert s.scalar(select(Chat.last_item_number)) == 8
