"""Suggestions on DingTalk, from recorded payloads. DingTalk hands a robot only the group messages
that @ it, so "@跟进 @李雷 麻烦明天下班前确认一下排期" is the one a chat can have read: with
suggestions on it gets a small card with 跟进 / 忽略 instead of "unknown command"."""

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
from storage.models import Item, Suggestion

OFFER = out_track_id("suggest:1")


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, data: dict):
    body = json.dumps(data, ensure_ascii=False).encode()
    assert client.post("/dingtalk/events", content=body, headers=signed()).status_code == 200


def press(client, value: str, user: str) -> dict:
    answer = client.post("/dingtalk/events", content=json.dumps(click(OFFER, value, user=user)).encode(),
                         headers=card_signed())
    assert answer.status_code == 200
    return answer.json()


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="dingtalk", sender=runtime.sender, now=NOW)


def request(msg_id: str) -> dict:
    data = copy.deepcopy(load("group_at_request")["envelope"]["data"])
    data["msgId"] = msg_id
    data.pop("sessionWebhook")  # answered through the (fake) OpenAPI, as dingtalk_support.message does
    return data


def turn_on(app, runtime, client) -> None:
    post(client, message("msg-0", " /设置 建议 开"))
    deliver(app, runtime)


def test_off_by_default_it_is_an_unknown_command_as_before(app, runtime, client, fake):
    post(client, request("msg-1"))
    deliver(app, runtime)
    assert OFFER not in fake.cards
    assert any("没有「" in json.dumps(m, ensure_ascii=False) for m in fake.messages)
    with app.sessions() as s:
        assert s.scalars(select(Suggestion)).all() == []


def test_the_card_and_the_authors_press(app, runtime, client, fake):
    turn_on(app, runtime, client)
    post(client, request("msg-1"))
    deliver(app, runtime)
    data = fake.cards[OFFER]["data"]
    assert data["title"] == "要跟进吗？"
    assert data["lines"] == "＠李雷 确认排期 · 截止 05-12 周二 18:00"  # a typed @ is defused: it pings nobody
    assert (data["b1_value"], data["b2_value"]) == ("follow:1", "ignore:1")

    refused = press(client, "follow:1", "han02")  # not the author, not the one asked
    assert "只有 ＠王经理 能处理" in refused["userPrivateData"]["cardParamMap"]["notice"]
    press(client, "follow:1", "pm01")
    deliver(app, runtime)
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.kind, item.initiator.user_id, item.owner.user_id) == ("request", "pm01", "lee01")
    data = fake.cards[OFFER]["data"]
    assert data["title"] == "✓ 已建 #1：确认排期" and data["b1_show"] == "false"  # its buttons are gone


def test_ignore_is_for_good_and_the_cap_holds(app, runtime, client, fake):
    turn_on(app, runtime, client)
    post(client, request("msg-1"))
    deliver(app, runtime)
    press(client, "ignore:1", "pm01")
    deliver(app, runtime)
    assert fake.cards[OFFER]["data"]["title"] == "已忽略，不会再提。"
    post(client, request("msg-2"))  # the same again: nothing new
    for n, text in enumerate([" @李雷 周五前把报价单发我", " @李雷 辛苦周三前提交测试报告", " @李雷 请周四前把合同寄出去"]):
        data = request(f"msg-{n + 3}")
        data["text"] = {"content": text}
        post(client, data)
    deliver(app, runtime)
    with app.sessions() as s:
        ids = s.scalars(select(Suggestion.id).order_by(Suggestion.id)).all()
    assert len(ids) == 3  # the one ignored and two more: the cap
    offered = [track for track in fake.cards if track != OFFER]
    assert sorted(offered) == sorted(out_track_id(f"suggest:{i}") for i in ids[1:])
    # Held back (said before, or over the cap), such a message is still no mistyped command: no reply.
    assert not any("没有「" in json.dumps(m, ensure_ascii=False) for m in fake.messages)
