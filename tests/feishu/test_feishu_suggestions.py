"""Suggestions on Feishu, from recorded payloads: a group message (group_msg scope) that asks a
colleague for work by a date gets a small card with 跟进 / 忽略; the author's click (a recorded
card.action.trigger) makes the request as /需求 would and updates the card in place."""

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
from storage.models import Item, Suggestion


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def post(client, payload: dict) -> dict:
    body, headers = callback(payload)
    answer = client.post("/feishu/events", content=body, headers=headers)
    assert answer.status_code == 200
    return answer.json() if answer.content else {}


def deliver(app, runtime) -> None:
    runtime.runner.drain()
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW)


def request(event_id: str) -> dict:
    data = copy.deepcopy(load("group_request")["payload"])
    data["header"]["event_id"] = event_id
    data["event"]["message"]["message_id"] = f"om_user_{event_id}"
    return data


def offers(fake) -> dict[str, str]:
    return {mid: m["content"] for mid, m in fake.messages.items() if "要跟进吗" in m["content"]}


def turn_on(app, runtime, client) -> None:
    post(client, message("ev0", "@_user_1 /设置 建议 开"))
    deliver(app, runtime)


def test_off_by_default(app, runtime, client, fake):
    post(client, request("ev1"))
    deliver(app, runtime)
    assert offers(fake) == {}


def test_the_card_and_the_authors_click(app, runtime, client, fake):
    turn_on(app, runtime, client)
    post(client, request("ev1"))
    deliver(app, runtime)
    [(offer_id, content)] = offers(fake).items()
    assert "@李雷 确认排期 · 截止 05-12 周二 18:00" in content
    assert '"genjin":"follow:1"' in content and '"genjin":"ignore:1"' in content
    assert "<at id=ou_lee>" not in content  # an offer pings nobody

    answer = post(client, click("ev2", "follow:1", user="ou_pm", message_id=offer_id))
    assert answer["toast"]["type"] == "success"
    deliver(app, runtime)
    content = fake.messages[offer_id]["content"]
    assert "已建 #1：确认排期" in content and "follow:1" not in content  # updated in place, buttons gone
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.kind, item.initiator.user_id, item.owner.user_id) == ("request", "ou_pm", "ou_lee")
    assert any("#1 沟通需求：确认排期" in m["content"] for m in fake.messages.values())


def test_a_strangers_click_is_refused_and_ignore_is_for_good(app, runtime, client, fake):
    turn_on(app, runtime, client)
    post(client, request("ev1"))
    deliver(app, runtime)
    [offer_id] = offers(fake)
    answer = post(client, click("ev2", "ignore:1", user="ou_zed", message_id=offer_id))
    assert answer["toast"]["type"] == "error" and "只有 @王经理 能处理" in answer["toast"]["content"]
    post(client, click("ev3", "ignore:1", user="ou_pm", message_id=offer_id))
    deliver(app, runtime)
    assert "已忽略" in fake.messages[offer_id]["content"]
    post(client, request("ev4"))  # said again: never offered again
    deliver(app, runtime)
    assert offers(fake) == {}
    assert [m for m in fake.messages.values() if "确认排期 · 截止" in m["content"]] == [fake.messages[offer_id]]
    with app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        assert s.scalar(select(Suggestion)).status == "dismissed"


def test_the_daily_cap(app, runtime, client, fake):
    turn_on(app, runtime, client)
    for n, text in enumerate(["@_user_1 麻烦明天下班前确认一下排期", "@_user_1 周五前把报价单发我",
                              "@_user_1 辛苦周三前提交测试报告", "@_user_1 请周四前把合同寄出去"]):
        data = request(f"ev{n + 1}")
        data["event"]["message"]["content"] = json.dumps({"text": text}, ensure_ascii=False)
        post(client, data)
    deliver(app, runtime)
    assert len(offers(fake)) == 3
