"""End to end over HTTP callbacks: a real App, the Feishu runtime, the fake open API on loopback."""

from __future__ import annotations

import json
import warnings
from datetime import timedelta

import pytest
from feishu_support import NOW, callback, click, count, inbox, item, load, message, reaction
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.feishu.crypto import signature
from bot.events import OutgoingMessage
from genjin.serve import build_asgi
from storage.models import Item, OutboxMessage, ProcessedEvent, User
from storage.outbox import enqueue, mark_sent


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, payload: dict, **kwargs):
    body, headers = callback(payload, **kwargs)
    return client.post("/feishu/events", content=body, headers=headers)


def deliver(app, runtime, at=NOW) -> int:
    """What the workers and the delivery thread would do: process the inbox, then send."""
    runtime.runner.drain()
    return app.deliver(platform="feishu", sender=runtime.sender, now=at)


def test_command_button_and_reaction_close_the_loop(app, runtime, client, fake):
    todo = "@_user_1 /todo @_user_2 写活动页 by 2026-05-15"
    assert post(client, message("ev1", todo, lee_mentioned=True)).json() == {"msg": "success"}
    assert deliver(app, runtime) == 1
    [create] = fake.sent("POST")
    assert create.body["receive_id"] == "oc_group" and create.body["msg_type"] == "interactive"
    card_id = next(iter(fake.messages))
    card = fake.messages[card_id]["content"]
    assert "#1 行动项：写活动页" in card and "<at id=ou_lee></at>" in card
    assert '"genjin":"ack:1"' in card and '"genjin":"done:1"' in card
    with app.sessions() as s:  # names came from the contact API
        assert {u.user_id: u.name for u in s.scalars(select(User))} == {"ou_pm": "王经理", "ou_lee": "李雷"}

    answer = post(client, click("ev2", "done:1", user="ou_lee", message_id=card_id))
    assert answer.status_code == 200 and answer.json()["toast"]["type"] == "success"
    deliver(app, runtime)
    assert item(app).status == "done"
    [patch] = fake.sent("PATCH")
    assert patch.path.endswith(card_id) and "确认" in fake.messages[card_id]["content"]
    assert "驳回" in fake.messages[card_id]["content"]
    [reply_id] = [m for m, v in fake.messages.items() if v["parent_id"] == card_id]
    assert "已完成" in fake.messages[reply_id]["content"]

    assert post(client, reaction("ev3", "DONE", user="ou_pm", message_id=card_id)).status_code == 200
    deliver(app, runtime)
    assert item(app).status == "confirmed"
    assert "已确认" in fake.messages[card_id]["content"]
    assert fake.messages[card_id]["edits"] == 2


def test_direct_chat_command_is_answered_there(app, runtime, client, fake):
    post(client, message("ev1", "/todo @_user_2 写周报 by 2026-05-15", chat_type="p2p", chat="oc_p2p_pm",
                         lee_mentioned=True))
    deliver(app, runtime)
    assert item(app).title == "写周报"
    assert {m["chat_id"] for m in fake.messages.values()} == {"oc_p2p_pm"}


def test_recorded_encrypted_callback_is_handled(app, runtime, client, fake):
    body = json.dumps(load("encrypted_callback")["payload"]).encode()
    _, headers = callback({})
    headers["X-Lark-Signature"] = signature(headers["X-Lark-Request-Timestamp"],
                                            headers["X-Lark-Request-Nonce"], "test-encrypt-key", body)
    assert client.post("/feishu/events", content=body, headers=headers).status_code == 200
    assert deliver(app, runtime) == 1  # the answer to /list
    assert count(app, ProcessedEvent) == 1


def test_url_verification_returns_the_challenge(client):
    body, _ = callback({"challenge": "ch-42", "token": "vtoken", "type": "url_verification"})
    assert client.post("/feishu/events", content=body).json() == {"challenge": "ch-42"}


@pytest.mark.parametrize("forgery", ["bad signature", "wrong token", "stale timestamp", "wrong encrypt key"])
def test_forged_callbacks_get_401_and_change_nothing(app, runtime, client, fake, forgery):
    payload = message("ev-forged", "@_user_1 /todo @_user_2 删库 by 2026-05-15", lee_mentioned=True)
    if forgery == "bad signature":
        answer = post(client, payload, sign_with="guessed-key")
    elif forgery == "wrong token":
        payload["header"]["token"] = "guessed-token"
        answer = post(client, payload)
    elif forgery == "stale timestamp":
        answer = post(client, payload, at=NOW - timedelta(minutes=6))
    else:
        answer = post(client, payload, key="guessed-key")
    assert answer.status_code == 401
    assert inbox(app) == []
    assert count(app, ProcessedEvent) == 0 and count(app, OutboxMessage) == 0
    assert deliver(app, runtime) == 0 and fake.messages == {}


def test_redelivered_event_id_has_no_second_effect(app, runtime, client, fake):
    payload = message("ev-dup", "@_user_1 /todo @_user_2 写活动页 by 2026-05-15", lee_mentioned=True)
    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200  # Feishu re-pushes: re-encrypted, re-signed
    deliver(app, runtime)
    assert count(app, Item) == 1 and len(fake.messages) == 1


@pytest.mark.parametrize("status,code", [(429, 99991400), (400, 99991400), (400, 230020)])
def test_rate_limited_card_waits_for_the_reset_then_goes_once(app, runtime, client, fake, status, code):
    post(client, message("ev1", "@_user_1 /todo @_user_2 写活动页 by 2026-05-15", lee_mentioned=True))
    fake.fail_next("POST", "/open-apis/im/v1/messages", status, {"code": code, "msg": "frequency limit"},
                   {"x-ogw-ratelimit-reset": "7"})
    assert deliver(app, runtime) == 0
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.not_before == NOW + timedelta(seconds=7)
    calls = len(fake.calls)
    assert deliver(app, runtime, NOW + timedelta(seconds=3)) == 0 and len(fake.calls) == calls  # not yet
    assert deliver(app, runtime, NOW + timedelta(seconds=8)) == 1
    assert deliver(app, runtime, NOW + timedelta(seconds=60)) == 0
    assert len(fake.messages) == 1 and len(fake.sent("POST")) == 1


def test_reactions_find_their_chat_or_are_dropped(app, runtime, fake):
    fake.messages["om_dm"] = {"chat_id": "oc_p2p_lee", "parent_id": None, "edits": 0}
    with app.sessions.begin() as s:  # a nudge the bot sent to lee by open_id
        row = enqueue(session=s, msg=OutgoingMessage(key="nudge:1", platform="feishu", user_id="ou_lee",
                                                     text="提醒"), now=NOW)
        mark_sent(row=row, platform_message_id="om_dm", now=NOW)
    on_dm = runtime.to_event(reaction("ev1", "GLANCE", user="ou_lee", message_id="om_dm"))
    assert (on_dm.chat_id, on_dm.reaction, on_dm.user_name, on_dm.is_direct) == ("oc_p2p_lee", "👀", "李雷", True)
    assert runtime.to_event(reaction("ev2", "DONE", user="ou_lee", message_id="om_not_ours")) is None
