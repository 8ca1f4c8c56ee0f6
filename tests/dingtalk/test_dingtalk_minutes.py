"""Minutes pasted into a DingTalk group as one multi-line robot message: parsed, taken, the card sent."""

from __future__ import annotations

import json
import warnings

import pytest
from dingtalk_support import NOW, card_signed, click, message, signed
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.dingtalk.parse import out_track_id
from genjin.serve import build_asgi
from storage.models import Item, Minutes

MINUTES = (" /纪要 618活动协同推进会\n时间：2026-05-10 14:00-16:00 线上\n记录：@张三\n"
           "决议：市场部5月12日前提交设计稿\n"
           "1、@李雷 提交最终版设计稿 截止 5月12日 标准：市场总监确认\n"
           "2、@韩梅梅 完成活动页前端开发 截止 5月15日 标准：测试通过")


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def test_multi_line_minutes_send_one_card_with_every_item(app, runtime, client, fake):
    data = message("msg-minutes", MINUTES, at=("zhang01", "lee01", "han01"))
    answer = client.post("/dingtalk/events", content=json.dumps(data, ensure_ascii=False).encode(), headers=signed())
    assert answer.status_code == 200
    runtime.runner.drain()
    assert app.deliver(platform="dingtalk", sender=runtime.sender, now=NOW) == 3
    with app.sessions() as s:
        record = s.scalars(select(Minutes)).one()
        items = list(s.scalars(select(Item).order_by(Item.number)))
        assert [(i.owner.user_id, i.initiator.user_id, i.standard) for i in items] == [
            ("lee01", "pm01", "市场总监确认"), ("han01", "pm01", "测试通过")]
        assert record.recorder.user_id == "zhang01"
        minutes_card = fake.cards[out_track_id(f"minutes:{record.id}")]
    shown = minutes_card["data"]
    assert shown["title"] == "📝 会议纪要 #1：618活动协同推进会"
    assert "2026-05-10 14:00-16:00 线上" in shown["fields"] and "<a atId=zhang01>@张三</a>" in shown["fields"]
    assert "#1 提交最终版设计稿 · <a atId=lee01>@李雷</a>" in shown["lines"]
    assert "#2 完成活动页前端开发 · <a atId=han01>@韩梅梅</a>" in shown["lines"]
    assert (shown["b1_value"], shown["b2_value"], shown["b3_show"]) == ("ack:1", "ack:2", "false")
    assert set(minutes_card["body"]["imGroupOpenDeliverModel"]["atUserIds"]) >= {"lee01", "han01"}
    # The owner presses 收到 #1 on the minutes card: their line is confirmed.
    track = out_track_id(f"minutes:{record.id}")
    pressed = client.post("/dingtalk/events", content=json.dumps(click(track, "ack:1", user="lee01")).encode(),
                          headers=card_signed())
    assert pressed.status_code == 200
    with app.sessions() as s:
        assert [i.acknowledged_at is not None for i in s.scalars(select(Item).order_by(Item.number))] == [True, False]
