"""Durable intake over HTTP: stored before the 200, refused before parsing, clicks answered truthfully."""

from __future__ import annotations

import json
import logging
import warnings
from datetime import timedelta

import pytest
from feishu_support import KEY, NOW, TOKEN, callback, click, count, feishu_settings, inbox, item, message
from sqlalchemy.exc import OperationalError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.feishu.crypto import signature
from adapters.feishu.runtime import MAX_BODY, FeishuRuntime
from bot.events import Button, Card, OutgoingMessage
from genjin.serve import Runner, build_asgi
from storage.models import Item
from storage.outbox import enqueue, mark_sent

TODO = "@_user_1 /todo @_user_2 写活动页 by 2026-05-15"


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, payload: dict, **kwargs):
    body, headers = callback(payload, **kwargs)
    return client.post("/feishu/events", content=body, headers=headers)


def signed(client, body: bytes):
    """`body` as Feishu would sign it: a genuine request whatever the content."""
    _, headers = callback({})
    stamp, nonce = headers["X-Lark-Request-Timestamp"], headers["X-Lark-Request-Nonce"]
    headers["X-Lark-Signature"] = signature(stamp, nonce, KEY, body)
    return client.post("/feishu/events", content=body, headers=headers)


def test_an_acknowledged_event_is_already_stored_and_survives_a_crash(app, runtime, client, fake):
    assert post(client, message("ev1", TODO, lee_mentioned=True)).status_code == 200
    [row] = inbox(app)  # committed before the 200; nothing processed yet (the process "dies" here)
    assert row.status == "pending" and row.payload["header"]["event_id"] == "ev1"
    assert count(app, Item) == 0
    restarted = Runner(app, clock=lambda: NOW)  # a new process finds the row and processes it once
    FeishuRuntime(feishu_settings(fake), restarted).close()
    assert restarted.drain() == 1 and restarted.drain() == 0
    restarted.stop()
    assert item(app).title == "写活动页" and [r.status for r in inbox(app)] == ["done"]


def test_when_storing_fails_feishu_gets_no_ack_and_its_retry_is_stored(app, runtime, client, monkeypatch):
    real = runtime.runner.accept

    def broken(**kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(runtime.runner, "accept", broken)
    payload = message("ev1", TODO, lee_mentioned=True)
    assert post(client, payload).status_code == 500  # Feishu pushes it again
    monkeypatch.setattr(runtime.runner, "accept", real)
    assert post(client, payload).status_code == 200
    assert len(inbox(app)) == 1


def test_a_redelivery_is_acknowledged_and_stored_once(app, runtime, client):
    payload = message("ev1", TODO, lee_mentioned=True)
    assert post(client, payload).status_code == post(client, payload).status_code == 200
    assert len(inbox(app)) == 1


def test_events_that_need_nothing_are_acknowledged_without_storing(app, runtime, client):
    added = {"schema": "2.0", "header": {"event_id": "ev9", "event_type": "im.chat.member.bot.added_v1",
                                         "create_time": "1778464800000", "token": TOKEN}, "event": {}}
    assert post(client, added).json() == {"msg": "success"} and inbox(app) == []


def _item_and_card(app, runtime, client, fake, **target) -> str:
    post(client, message("ev-todo", TODO, lee_mentioned=True))
    runtime.runner.drain()
    card = Card(title="#1", buttons=(Button("收到", "ack:1"),))
    with app.sessions.begin() as s:
        row = enqueue(session=s, msg=OutgoingMessage(key="nudge:1", platform="feishu", card=card,
                                                     item_ids=(1,), **target), now=NOW)
        mark_sent(row=row, platform_message_id="om_nudge", now=NOW)
    return "om_nudge"


@pytest.mark.parametrize("target", [{"user_id": "ou_lee"}, {"chat_id": "oc_p2p_lee"}])
def test_a_click_in_a_one_to_one_chat_acts_on_an_item_of_a_group(app, runtime, client, fake, target):
    fake.chat_modes["oc_p2p_lee"] = "p2p"  # asked when the card went to the chat id
    card_id = _item_and_card(app, runtime, client, fake, **target)
    payload = click("ev-click", "ack:1", user="ou_lee", message_id=card_id)
    payload["event"]["context"]["open_chat_id"] = "oc_p2p_lee"
    toast = post(client, payload).json()["toast"]
    assert toast["type"] == "success", toast
    assert item(app).acknowledged_at is not None


def test_the_toast_tells_the_refusal_the_core_gave(app, runtime, client, fake):
    card_id = _item_and_card(app, runtime, client, fake, chat_id="oc_group")
    toast = post(client, click("ev-click", "confirm:1", user="ou_pm", message_id=card_id)).json()["toast"]
    assert toast["type"] == "error" and "#1" in toast["content"]
    assert item(app).status == "open"
    again = post(client, click("ev-click", "confirm:1", user="ou_pm", message_id=card_id)).json()["toast"]
    assert again["type"] == "info"  # a redelivered click: stored already, nothing new to say


def test_a_click_in_another_group_is_refused_with_that_reason(app, runtime, client, fake):
    card_id = _item_and_card(app, runtime, client, fake, chat_id="oc_group")
    payload = click("ev-click", "ack:1", user="ou_lee", message_id=card_id)
    payload["event"]["context"]["open_chat_id"] = "oc_elsewhere"
    toast = post(client, payload).json()["toast"]
    assert toast["type"] == "error" and "另一个群" in toast["content"]
    payload["header"]["event_id"] = "ev-click-2"
    post(client, payload)
    # no scope to read the chat (the fake refuses): asked once, then taken as a group for a while
    assert len([c for c in fake.calls if c.path.startswith("/open-apis/im/v1/chats/")]) == 1


def test_token_only_mode_accepts_a_click_dated_in_microseconds(app, runner, fake):
    runtime = FeishuRuntime(feishu_settings(fake, encrypt_key=""), runner)
    payload = click("ev-click", "ack:1", user="ou_lee", message_id="om_x")
    payload["header"]["create_time"] = str(int(NOW.timestamp() * 1_000_000))  # as card.action.trigger has it
    with TestClient(build_asgi([runtime])) as http:
        answer = http.post("/feishu/events", content=json.dumps(payload).encode())
        assert answer.status_code == 200 and "toast" in answer.json()
        payload["header"]["create_time"] = str(int((NOW - timedelta(minutes=10)).timestamp() * 1_000_000))
        payload["header"]["event_id"] = "ev-stale"
        assert http.post("/feishu/events", content=json.dumps(payload).encode()).status_code == 401
    runtime.close()


def test_an_oversized_body_is_refused_unread(app, runtime, client):
    assert client.post("/feishu/events", content=b"{" + b" " * MAX_BODY + b"}").status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    assert client.post("/feishu/events", content=chunks()).status_code == 413
    assert inbox(app) == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"encrypt": "!!!"}', b'{"encrypt": 7}',
                                  b"\xff\xfe", json.dumps({"encrypt": "A" * 64}).encode()])
def test_a_signed_but_malformed_body_is_a_400_without_a_traceback(app, runtime, client, body, caplog):
    with caplog.at_level(logging.DEBUG):
        assert signed(client, body).status_code == 400
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in caplog.text
    assert inbox(app) == []


def test_the_signature_is_checked_before_the_body_is_read_as_json(client):
    body, headers = callback({})
    headers["X-Lark-Signature"] = ("é" * 64).encode()  # not even ASCII: still a plain refusal
    assert client.post("/feishu/events", content=b"{not json", headers=headers).status_code == 401
    headers["X-Lark-Signature"] = "0" * 64
    assert client.post("/feishu/events", content=b"{not json", headers=headers).status_code == 401
