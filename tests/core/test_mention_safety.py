"""Only people the user really @-mentioned ever become mentions.

A mention travels in text as a `<@id|name>` token, and every renderer turns tokens into
real platform mentions. So a token typed by hand (`<@U999|所有人>`, `<@all>`) must be
inert from the moment the event enters the core: stored titles, standards, reasons and
notes come back out of /show, /list and digests as plain text, on every later render.
The clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from transcript import split

from bot.events import MENTION_TOKEN, EventKind, IncomingEvent, Mention, admit, admit_text
from storage.models import Item, OutboxMessage, User

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 11, 10, 0, tzinfo=SH)


def tokens_sent(app) -> set[str]:
    """The user ids of every mention token in every message the bot queued."""
    with app.sessions() as s:
        payloads = s.scalars(select(OutboxMessage.payload)).all()
    return {uid for p in payloads for uid, _ in MENTION_TOKEN.findall(json.dumps(p, ensure_ascii=False))}


def test_typed_tokens_stay_plain_text_in_show_list_and_digests(chat, app):
    out = chat.run("""
@pm: /todo @lee fix <@U999|所有人> and <@all> page by 2026-05-11 17:00 standard: tell <@here> when live
@lee: /block #1 waiting on <@U1|boss>
@pm: /show #1
@pm: /list
@pm: /digest
@pm: /weekly
""")
    new, _ = split(out)
    show, listing, daily, weekly = new[-4:]
    for reply in (show, listing, daily, weekly):
        assert "fix ‹@U999|所有人> and ‹@all> page" in reply
        assert "@所有人" not in reply.replace("‹@U999|所有人>", "")
    assert "tell ‹@here> when live" in show
    assert "waiting on ‹@U1|boss>" in show and "waiting on ‹@U1|boss>" in daily
    # The real mention still works: lee owns it and is mentioned on the card.
    assert "负责人：@lee" in show
    with app.sessions() as s:
        item = s.scalars(select(Item)).one()
        assert item.owner.user_id == "lee"
        assert MENTION_TOKEN.search(item.title) is None
        assert MENTION_TOKEN.search(item.standard) is None
        assert MENTION_TOKEN.search(item.blocker_reason) is None
        assert s.scalars(select(User.user_id).where(User.user_id.in_(["U999", "all", "U1", "here"]))).all() == []
    assert tokens_sent(app) <= {"lee", "pm"}


def platform_event(text: str, *, mentions=(), user_name="pm", event_id="e1") -> IncomingEvent:
    return IncomingEvent(platform="feishu", event_id=event_id, chat_id="oc_1", user_id="ou_pm",
                         user_name=user_name, kind=EventKind.MESSAGE, received_at=NOW, text=text,
                         mentions=mentions)


def test_only_the_platforms_mentions_become_tokens(app):
    """A real mention works; a hand-typed copy of it cannot rename the person, others are inert."""
    event = platform_event("/待办 <@ou_lee|李工> 上线 <@ou_lee|CEO> 通知 <@ou_x|老板> <@all> 截止 明天",
                           mentions=(Mention("ou_lee", "李工"),))
    assert app.process(event, now=NOW)
    with app.sessions() as s:
        item = s.scalars(select(Item)).one()
        assert item.owner.user_id == "ou_lee" and item.owner.name == "李工"
        assert item.title == "上线 <@ou_lee|李工> 通知 ‹@ou_x|老板> ‹@all>"
        assert s.scalar(select(User).where(User.user_id == "ou_x")) is None
    assert tokens_sent(app) == {"ou_lee", "ou_pm"}


def test_a_typed_token_without_a_real_owner_creates_nothing(app):
    assert app.process(platform_event("/todo <@ou_x|所有人> ping everyone"), now=NOW)
    with app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        [reply] = s.scalars(select(OutboxMessage)).all()
    assert "请用 @ 指定负责人" in reply.payload["text"]
    assert tokens_sent(app) == set()


def test_display_names_cannot_smuggle_a_token(app):
    """A name is written inside tokens; `>` or `|` in it would end the token and start another."""
    sneaky = "x><@all|所有人"
    event = platform_event("/todo <@ou_lee|lee> page by friday", user_name=sneaky, mentions=(Mention("ou_lee", "l>ee<@all"),))
    assert app.process(event, now=NOW)
    assert tokens_sent(app) == {"ou_lee", "ou_pm"}
    with app.sessions() as s:
        assert {u.user_id: u.name for u in s.scalars(select(User))} == {"ou_pm": "x@all所有人", "ou_lee": "lee@all"}


def test_nested_or_broken_tokens_leave_nothing_that_reads_as_one():
    real = (Mention("U1", "Ann"),)
    for typed in ("<@<@U2|x>", "<@U2|<@U1|Ann>>", "<<@U2>>", "<@U2|a|b>", "<@U2 |x>", "<@\tU2>", "<@U2"):
        kept = admit_text(typed, real)
        assert {uid for uid, _ in MENTION_TOKEN.findall(kept)} <= {"U1"}, (typed, kept)
    assert admit_text("hi <@U1|Ann> and <@U1>", real) == "hi <@U1|Ann> and <@U1|Ann>"


def test_admit_keeps_everything_else_of_the_event():
    event = platform_event("/list", mentions=(Mention("U1", "A|nn"),))
    admitted = admit(event)
    assert admitted.mentions == (Mention("U1", "Ann"),)
    assert (admitted.event_id, admitted.chat_id, admitted.text, admitted.tenant) == ("e1", "oc_1", "/list", None)
