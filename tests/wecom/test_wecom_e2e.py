"""End to end over HTTP callbacks: a real App, the WeCom runtime, the fake qyapi on loopback."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from wecom_support import (
    AES_KEY,
    GROUP,
    NOW,
    ROBOT_RECEIVER,
    TOKEN,
    app_click,
    app_text,
    count,
    inbox,
    item,
    robot_text,
    sealed,
)

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.wecom.crypto import APP, Receiver, sign
from adapters.wecom.parse import task_id
from genjin.serve import build_asgi
from storage.models import Item, OutboxMessage, ProcessedEvent

TODO = "/待办 @LiLei 写活动页 截止 2026-05-15"


def known(app, *people: tuple[str, str]) -> None:
    """People Genjin has met on WeCom (they wrote to it before)."""
    from storage.models import User

    with app.sessions.begin() as s:
        s.add_all(User(platform="wecom", user_id=uid, name=name) for uid, name in people)


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, plaintext: str, **kwargs):
    query, body = sealed(plaintext, **kwargs)
    return client.post("/wecom/events", params=query, content=body)


def deliver(app, runtime, at=NOW) -> int:
    """What the workers and the delivery thread would do: process the inbox, then send."""
    runtime.runner.drain()
    return app.deliver(platform="wecom", sender=runtime.sender, now=at)


def test_url_verification_answers_the_decrypted_echostr(client):
    echo_query, _ = sealed("1616140317555161061")  # WeCom's echostr: an encrypted random string
    encrypted = Receiver(APP, TOKEN, AES_KEY, "ww1234567890abcdef").crypto().encrypt_message(
        "1616140317555161061", "nonce1", str(int(NOW.timestamp())))
    echostr = encrypted.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    stamp = str(int(NOW.timestamp()))
    query = {"msg_signature": sign(TOKEN, stamp, "nonce1", echostr), "timestamp": stamp, "nonce": "nonce1",
             "echostr": echostr}
    answer = client.get("/wecom/events", params=query)
    assert answer.status_code == 200 and answer.text == "1616140317555161061"
    query["msg_signature"] = sign("guessed", stamp, "nonce1", echostr)
    assert client.get("/wecom/events", params=query).status_code == 401


def test_todo_by_mention_in_a_group_is_stored_and_answered_through_the_webhook(app, runtime, client, fake):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    known(app, ("LiLei", "LiLei"))
    answer = post(client, robot_text("robot-msg-1", "@跟进 " + TODO), receiver=ROBOT_RECEIVER)
    assert answer.status_code == 200 and answer.text == ""
    assert [row.event_id for row in inbox(app)] == ["robot:robot-msg-1"]  # stored before the 200
    assert deliver(app, runtime) >= 1
    created = item(app)
    assert created.title == "写活动页"
    [hook] = [h for h in fake.hooks if "写活动页" in h["body"]["markdown"]["content"]]
    assert hook["key"] == "group-key-1" and hook["body"]["msgtype"] == "markdown"
    assert "/完成 #1" in hook["body"]["markdown"]["content"] or "/收到 #1" in hook["body"]["markdown"]["content"]
