"""Thread replies on Feishu: the owner's plain reply in the thread of an item's card (a recorded
im.message.receive_v1 whose root_id is the card) is a follow-up record, answered in that thread;
"搞定了" asks with a [完成] button whose click is /done (the owner's only)."""

from __future__ import annotations

import copy
import json
import warnings

import pytest
from feishu_support import NOW, callback, click, load, message
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from genjin.serve import build_asgi
from storage.models import Item


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, payload: dict):
    body, headers = callback(payload)
    assert client.post("/feishu/events", content=body, headers=headers).status_code == 200


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW)


def reply(event_id: str, text: str, *, root: str, sender: str = "ou_lee") -> dict:
    """`sender` replies `text` in the thread of message `root`, as recorded in data/thread_reply.json."""
    data = copy.deepcopy(load("thread_reply")["payload"])
    data["header"]["event_id"] = event_id
    data["event"]["message"].update(message_id=f"om_user_{event_id}", root_id=root, parent_id=root,
                                    content=json.dumps({"text": text}, ensure_ascii=False))
    data["event"]["sender"]["sender_id"]["open_id"] = sender
    return data


def create(app, runtime, client, fake) -> str:
    post(client, message("ev1", "@_user_1 /todo @_user_2 写活动页 by 2026-05-15", lee_mentioned=True))
    deliver(app, runtime)
    return next(iter(fake.messages))


def history(app) -> list[tuple[str, str, str | None]]:
    with app.sessions() as s:
        return [(h.action, h.actor.user_id, h.note) for h in s.scalar(select(Item)).history]


def under(fake, card_id: str) -> list[str]:
    return [v["content"] for v in fake.messages.values() if v["parent_id"] == card_id]


def test_note_and_percentage_are_recorded_and_answered_in_the_thread(app, runtime, client, fake):
    card_id = create(app, runtime, client, fake)
    post(client, reply("ev2", "接口联调中，样式明天给你", root=card_id))
    deliver(app, runtime)
    post(client, reply("ev3", "做完60%了", root=card_id))
    deliver(app, runtime)
    assert history(app)[1:] == [("note", "ou_lee", "接口联调中，样式明天给你"), ("progress", "ou_lee", "60%")]
    said = under(fake, card_id)
    assert any("已记入 #1 的跟进记录" in c for c in said) and any("#1 进度 60%" in c for c in said)
    assert "60%" in fake.messages[card_id]["content"]  # the card, updated in place


def test_done_asks_and_the_owners_click_is_done(app, runtime, client, fake):
    card_id = create(app, runtime, client, fake)
    post(client, reply("ev2", "搞定了", root=card_id))
    deliver(app, runtime)
    [ask_id] = [m for m, v in fake.messages.items() if v["parent_id"] == card_id and "标记 #1 完成" in v["content"]]
    assert '"genjin":"done:1"' in fake.messages[ask_id]["content"]
    post(client, click("ev3", "done:1", user="ou_pm", message_id=ask_id))
    deliver(app, runtime)
    assert [h[0] for h in history(app)] == ["created"]
    post(client, click("ev4", "done:1", user="ou_lee", message_id=ask_id))
    deliver(app, runtime)
    assert [h[0] for h in history(app)] == ["created", "done"]


def test_others_chatter_other_threads_and_a_redelivery_record_once(app, runtime, client, fake):
    card_id = create(app, runtime, client, fake)
    count = len(fake.messages)
    post(client, reply("ev2", "进度怎么样了？60%了吗", root=card_id, sender="ou_pm"))
    post(client, reply("ev3", "谢谢", root=card_id))
    post(client, reply("ev4", "做完60%了", root="om_not_ours"))
    post(client, reply("ev5", "在做了", root=card_id))
    post(client, reply("ev5", "在做了", root=card_id))  # Feishu pushes the same event again
    deliver(app, runtime)
    assert [h[0] for h in history(app)] == ["created", "note"]
    assert len(fake.messages) == count + 1
