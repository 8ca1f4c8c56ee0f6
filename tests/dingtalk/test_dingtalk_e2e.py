"""End to end over HTTP callbacks: a real App, the DingTalk runtime, the fake open API on loopback."""

from __future__ import annotations

import json
import warnings
from datetime import timedelta

import pytest
from dingtalk_support import CID, NOW, card_signed, click, count, inbox, item, message, signed
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.dingtalk.parse import out_track_id
from genjin.serve import build_asgi
from storage.models import Item, OutboxMessage, ProcessedEvent

TODO = " /待办 @李雷 写活动页 截止 2026-05-15"
CARD = out_track_id("card:1")


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, data: dict, headers: dict | None = None):
    return client.post("/dingtalk/events", content=json.dumps(data, ensure_ascii=False).encode(),
                       headers=headers if headers is not None else signed())


def press(client, value: str, user: str, render: str | None = None):
    return client.post("/dingtalk/events", content=json.dumps(click(CARD, value, user=user, render=render)).encode(),
                       headers=card_signed())


def deliver(app, runtime, at=NOW) -> int:
    """What the workers and the delivery thread would do: process the inbox, then send."""
    runtime.runner.drain()
    return app.deliver(platform="dingtalk", sender=runtime.sender, now=at)


def test_command_card_and_buttons_close_the_loop(app, runtime, client, fake):
    assert post(client, message("msg-1", TODO, at=("lee01",))).status_code == 200
    assert deliver(app, runtime) == 1
    card = fake.cards[CARD]  # the outTrackId is derived from the outbox key
    assert card["space"] == f"dtv1.card//IM_GROUP.{CID}"
    assert card["body"]["imGroupOpenDeliverModel"]["atUserIds"] == {"lee01": "李雷", "pm01": "王经理"}
    assert card["body"]["cardTemplateId"] == "tpl-genjin.schema" and card["body"]["callbackType"] == "HTTP"
    data = card["data"]
    assert data["title"] == "#1 行动项：写活动页" and "<a atId=lee01>@李雷</a>" in data["fields"]
    assert (data["b1_value"], data["b2_value"], data["b3_show"]) == ("ack:1", "done:1", "false")

    answer = press(client, "done:1", "lee01", render=data["render"])
    assert answer.status_code == 200
    update = answer.json()  # processed before answering: the card's new state, at once
    assert item(app).status == "done"
    assert update["cardData"]["cardParamMap"]["b1_value"] == "confirm:1"
    assert "李雷 完成" in update["cardData"]["cardParamMap"]["pressed"]  # who pressed what
    assert update["userPrivateData"]["cardParamMap"] == {"notice": ""}
    deliver(app, runtime)
    assert fake.cards[CARD]["edits"] == 1 and fake.cards[CARD]["data"]["b2_value"] == "reject:1"

    refused = press(client, "confirm:1", "lee01").json()  # only the initiator may confirm
    assert refused["userPrivateData"]["cardParamMap"]["notice"]  # told to the presser alone
    assert item(app).status == "done"
    assert press(client, "confirm:1", "pm01").status_code == 200
    deliver(app, runtime)
    assert item(app).status == "confirmed"
    final = fake.cards[CARD]["data"]
    assert final["b1_show"] == "false" and "王经理 确认" in final["pressed"]
    # One item card, updated in place; the replies that @mention someone went as cards of text
    # (no sessionWebhook here, and the robot message API cannot @mention).
    assert [t for t, c in fake.cards.items() if c["data"]["title"]] == [CARD]
    assert all(c["data"]["title"] == "" for t, c in fake.cards.items() if t != CARD)


def test_direct_chat_is_answered_to_the_person(app, runtime, client, fake):
    post(client, message("msg-1", "/帮助", direct=True))
    deliver(app, runtime)
    [sent] = fake.messages  # no webhook known: the robot's one-to-one message API
    assert sent["to"] == "pm01" and sent["msgKey"] == "sampleMarkdown" and "/待办" in sent["param"]["text"]


@pytest.mark.parametrize("forgery", ["bad sign", "stale", "no headers", "card secret guessed", "robot sign on a click"])
def test_forged_or_stale_callbacks_get_401_and_change_nothing(app, runtime, client, fake, forgery):
    data = message("msg-forged", TODO, at=("lee01",))
    if forgery == "bad sign":
        answer = post(client, data, signed(secret="guessed"))
    elif forgery == "stale":
        answer = post(client, data, signed(at=NOW - timedelta(hours=1, minutes=1)))
    elif forgery == "no headers":
        answer = post(client, data, {})
    elif forgery == "card secret guessed":
        answer = client.post("/dingtalk/events", content=json.dumps(click(CARD, "done:1", user="lee01")).encode(),
                             headers=card_signed(secret="guessed"))
    else:
        stamp = signed()
        stamp["sign"] = stamp["sign"][:-2] + "xx"
        answer = client.post("/dingtalk/events", content=json.dumps(click(CARD, "done:1", user="lee01")).encode(),
                             headers=stamp)
    assert answer.status_code == 401
    assert inbox(app) == [] and count(app, ProcessedEvent) == 0 and count(app, OutboxMessage) == 0
    assert deliver(app, runtime) == 0 and fake.cards == {} and fake.messages == []


def test_the_same_msg_id_three_times_makes_one_item(app, runtime, client, fake):
    data = message("msg-dup", TODO, at=("lee01",))
    for _ in range(3):
        assert post(client, data, signed(at=NOW + timedelta(seconds=_))).status_code == 200
    deliver(app, runtime)
    assert count(app, Item) == 1 and len(inbox(app)) == 1 and len(fake.cards) == 1


@pytest.mark.parametrize("status,body,headers,wait", [
    (403, {"code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "message": "qps"}, {}, 1),
    (429, {"code": "Throttling", "message": "too many"}, {"Retry-After": "7"}, 7),
    (200, {"errcode": 90018, "errmsg": "超过每秒调用频率"}, {}, 1),
])
def test_throttled_card_is_delivered_later_once(app, runtime, client, fake, status, body, headers, wait):
    post(client, message("msg-1", TODO, at=("lee01",)))
    fake.fail_next("POST", "/v1.0/card/instances/createAndDeliver", status, body, headers)
    assert deliver(app, runtime) == 0
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.not_before == NOW + timedelta(seconds=wait)
    assert deliver(app, runtime, NOW + timedelta(seconds=wait - 0.5)) == 0  # not yet
    assert deliver(app, runtime, NOW + timedelta(seconds=wait + 1)) == 1
    assert deliver(app, runtime, NOW + timedelta(seconds=60)) == 0
    assert len(fake.cards) == 1 and fake.cards[CARD]["delivered"] == 1


def test_a_lost_answer_never_posts_the_card_twice(app, runtime, fake):
    from bot.events import Button, Card, OutgoingMessage

    msg = OutgoingMessage(key="card:7", platform="dingtalk", chat_id=CID, item_ids=(7,),
                          card=Card(title="#7", buttons=(Button("完成", "done:7"),)))
    first = runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None)
    again = runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    assert first == again == out_track_id("card:7") and fake.cards[first]["delivered"] == 1
    # An earlier try answered "not delivered" (so not maybe_sent): the same card is delivered now.
    assert runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None) == first
    assert fake.cards[first]["delivered"] == 2


def test_the_access_token_is_cached_and_fetched_again_when_refused(app, runtime, client, fake):
    post(client, message("msg-1", TODO, at=("lee01",)))
    post(client, message("msg-2", " /待办 @李雷 写周报 截止 2026-05-15", at=("lee01",)))
    deliver(app, runtime)
    assert fake.tokens_issued == 1 and len(fake.cards) == 2
    fake.valid_tokens.clear()  # DingTalk revoked it early
    press(client, "ack:1", "lee01")
    deliver(app, runtime)
    assert fake.tokens_issued == 2 and item(app).status == "in_progress"


def test_a_click_before_delivery_recorded_the_card_still_finds_its_chat(app, runtime, client, fake):
    from storage.outbox import from_payload

    post(client, message("msg-1", TODO, at=("lee01",)))
    runtime.runner.drain()
    with app.sessions.begin() as s:  # delivery's state between calling DingTalk and recording the answer
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.key == "card:1"))
        row.sending_since = NOW
        msg = from_payload(row.payload)
    assert runtime.sender.send(msg, outbox_id=row.id, reply_to=None, edit_of=None) == CARD
    assert press(client, "ack:1", "lee01").json()["cardData"]["cardParamMap"]["b1_value"] == "done:1"
    assert item(app).status == "in_progress"
