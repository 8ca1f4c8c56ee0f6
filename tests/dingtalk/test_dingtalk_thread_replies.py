"""Thread replies on DingTalk, which has no threads: the owner's @robot quote reply (引用回复, a
recorded message with text.isReplyMsg / text.repliedMsg) of a message naming one item #N is a
follow-up record of that item; "搞定了" asks with a [完成] card button whose press is /done."""

from __future__ import annotations

import copy
import json
import warnings

import pytest
from dingtalk_support import NOW, card_signed, click, load, message, signed
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.dingtalk.parse import out_track_id
from genjin.serve import build_asgi
from storage.models import Item


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, data: dict):
    body = json.dumps(data, ensure_ascii=False).encode()
    assert client.post("/dingtalk/events", content=body, headers=signed()).status_code == 200


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="dingtalk", sender=runtime.sender, now=NOW)


def quote(msg_id: str, text: str, quoted: str = "#1 行动项：写活动页", *, sender: str = "lee01",
          nick: str = "李雷") -> dict:
    """`sender` quotes a message saying `quoted` and writes `text`, as recorded in data/quote_reply.json."""
    data = copy.deepcopy(load("quote_reply")["envelope"]["data"])
    data.update(msgId=msg_id, senderStaffId=sender, senderNick=nick, createAt=int(NOW.timestamp() * 1000))
    data["text"]["content"] = text
    data["text"]["repliedMsg"]["content"] = {"text": quoted}
    data.pop("sessionWebhook")
    return data


def history(app) -> list[tuple[str, str, str | None]]:
    with app.sessions() as s:
        return [(h.action, h.actor.user_id, h.note) for h in s.scalar(select(Item)).history]


def said(fake) -> str:
    return json.dumps([m["param"] for m in fake.messages] + [c["data"] for c in fake.cards.values()],
                      ensure_ascii=False)


def create(app, runtime, client) -> None:
    post(client, message("msg-1", " /待办 @李雷 写活动页 截止 2026-05-15", at=("lee01",)))
    deliver(app, runtime)


def test_a_quote_reply_is_a_note_or_progress_not_an_unknown_command(app, runtime, client, fake):
    create(app, runtime, client)
    post(client, quote("msg-2", " 接口联调中"))
    post(client, quote("msg-3", " 做完60%了", "📈 #1 进度 30%"))
    deliver(app, runtime)
    assert history(app)[1:] == [("note", "lee01", "接口联调中"), ("progress", "lee01", "60%")]
    shown = said(fake)
    assert "已记入 #1 的跟进记录" in shown and "#1 进度 60%" in shown and "没有「" not in shown


def test_done_asks_with_a_card_button_and_the_owners_press_is_done(app, runtime, client, fake):
    create(app, runtime, client)
    post(client, quote("msg-2", " 搞定了"))
    deliver(app, runtime)
    track = out_track_id("reply:dingtalk:msg-2:0")
    data = fake.cards[track]["data"]
    assert "标记 #1 完成？" in data["title"] and data["b1_value"] == "done:1"
    for who in ("pm01", "lee01"):
        body = json.dumps(click(track, "done:1", user=who)).encode()
        assert client.post("/dingtalk/events", content=body, headers=card_signed()).status_code == 200
        deliver(app, runtime)
        if who == "pm01":
            assert [h[0] for h in history(app)] == ["created"]  # only the owner's press counts
    assert [h[0] for h in history(app)] == ["created", "done"]


def test_others_chatter_unnamed_quotes_and_redeliveries(app, runtime, client, fake):
    create(app, runtime, client)
    before = len(fake.messages)
    post(client, quote("msg-2", " 做到60%了吗？", sender="pm01", nick="王经理"))
    post(client, quote("msg-3", " 谢谢"))
    post(client, quote("msg-4", " 做完60%了", "周会改到周四"))  # names no item
    post(client, quote("msg-5", " 做完60%了", "#1 和 #2 周五前都要上线"))  # names two
    post(client, quote("msg-6", " 在做了"))
    post(client, quote("msg-6", " 在做了"))  # DingTalk delivers the same message again
    deliver(app, runtime)
    assert [h[0] for h in history(app)] == ["created", "note"]
    # Under the item nothing is said but the note's line; a message to the robot that quotes no one
    # item is what it always was, a word the robot does not know (with its hint).
    titles = [m["param"]["title"] for m in fake.messages[before:]]
    assert titles.count("📝 已记入 #1 的跟进记录，#1 进行中。") == 1
    assert len(titles) == 3 and sum("没有「做完" in t for t in titles) == 2
    assert len(fake.cards) == 1  # no question asked
