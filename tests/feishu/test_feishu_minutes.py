"""Minutes pasted into a Feishu group as one multi-line message: parsed, taken, the card posted."""

from __future__ import annotations

import copy
import json
import warnings

import pytest
from feishu_support import NOW, callback, message
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from genjin.serve import build_asgi
from storage.models import Item, Minutes

MINUTES = ("@_user_1 /纪要 618活动协同推进会\n时间: 2026-05-10 14:00-16:00 线上\n记录：@_user_2\n"
           "- @_user_2 提交最终版设计稿 截止 5月12日 标准：市场总监确认\n"
           "- @_user_3 完成活动页前端开发 截止 5月15日 标准：测试通过")


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def test_multi_line_minutes_post_one_card_with_every_item(app, runtime, client, fake):
    fake.users["ou_han"] = "韩梅梅"
    payload = message("ev_minutes", MINUTES, lee_mentioned=True)
    mentions = payload["event"]["message"]["mentions"]
    han = copy.deepcopy(mentions[1])
    han.update(key="@_user_3", name="韩梅梅", id={"open_id": "ou_han", "union_id": "on_han", "user_id": "u_han"})
    mentions.append(han)
    body, headers = callback(payload)
    assert client.post("/feishu/events", content=body, headers=headers).json() == {"msg": "success"}
    runtime.runner.drain()
    assert app.deliver(platform="feishu", sender=runtime.sender, now=NOW) == 3
    card_id, *item_cards = list(fake.messages)
    card = fake.messages[card_id]
    assert card["msg_type"] == "interactive" and card["parent_id"] in (None, "")
    content = card["content"]
    assert "📝 会议纪要 #1：618活动协同推进会" in content and "2026-05-10 14:00-16:00 线上" in content
    assert "#1 提交最终版设计稿 · <at id=ou_lee></at>" in content
    assert "#2 完成活动页前端开发 · <at id=ou_han></at>" in content
    assert '"genjin":"ack:1"' in content and '"genjin":"ack:2"' in content
    assert [fake.messages[m]["parent_id"] for m in item_cards] == [card_id, card_id]
    with app.sessions() as s:
        items = list(s.scalars(select(Item).order_by(Item.number)))
        assert [(i.owner.user_id, i.initiator.user_id, i.standard) for i in items] == [
            ("ou_lee", "ou_pm", "市场总监确认"), ("ou_han", "ou_pm", "测试通过")]
        record = s.scalars(select(Minutes)).one()
        assert record.recorder.user_id == "ou_lee"
    assert json.loads(card["content"])  # a card Feishu can read
