"""/紧急 … 建群 on Feishu: the coordination group is created once, the facts posted in it, and
/方案, /解决 typed in either chat show in both (against the loopback open API)."""

from __future__ import annotations

import json
import warnings

import pytest
from feishu_support import NOW, callback, message
from sqlalchemy import select

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from bot.events import OutgoingMessage
from genjin.config import load_settings
from genjin.serve import build_asgi
from storage.models import Issue, OutboxMessage

EMERGENCY = "@_user_1 /紧急 支付页无法下单 @_user_2 影响 全部线上订单 建群"


@pytest.fixture
def settings():
    return load_settings(None, environ={"GENJIN_FEISHU_EMERGENCY_ROOMS": "true"})


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


def say(client, runtime, app, event_id: str, text: str, **kwargs) -> None:
    body, headers = callback(message(event_id, text, **kwargs))
    assert client.post("/feishu/events", content=body, headers=headers).json() == {"msg": "success"}
    runtime.runner.drain()
    while app.deliver(platform="feishu", sender=runtime.sender, now=NOW):
        pass


def texts_in(fake, chat_id: str) -> list[str]:
    return [json.loads(m["content"]).get("text", m["content"]) for m in fake.messages.values()
            if m["chat_id"] == chat_id]


def emergency(app) -> Issue:
    with app.sessions() as s:
        found = s.scalars(select(Issue)).one()
        s.expunge_all()
        return found


def test_the_room_is_created_once_with_the_people_and_the_facts_are_posted_there(app, runtime, client, fake):
    say(client, runtime, app, "ev_e1", EMERGENCY, lee_mentioned=True)
    [(room, created)] = fake.created_chats.items()
    assert created["members"] == ["ou_pm", "ou_lee"] and created["id_type"] == "open_id"
    assert created["name"] == "🆘 紧急 #1 支付页无法下单"
    [create] = [c for c in fake.calls if c.path == "/open-apis/im/v1/chats"]
    assert create.body["chat_mode"] == "group" and create.query["uuid"]
    [facts] = texts_in(fake, room)
    assert facts.startswith("🆘 紧急事务协调群：#oc_group 的 #1\n🆘 紧急事务 #1：支付页无法下单\n影响：全部线上订单")
    assert '相关人：<at user_id="ou_lee">李雷</at>' in facts and '登记人：<at user_id="ou_pm">王经理</at>' in facts
    assert "请在 2026-05-11 10:30 前响应" in facts and "2026-05-11 12:00 前给出处理方案" in facts
    origin = texts_in(fake, "oc_group")
    assert "正在建立临时协调群" in origin[0] and "🆘 紧急事务 #1：支付页无法下单" in origin[0]
    assert origin[1] == "🆘 紧急事务 #1 的协调群已建好，后续方案和结果会同步到本群。"
    assert emergency(app).room_chat_id == room

    # The platform delivers the same event again: nothing new, no second group.
    say(client, runtime, app, "ev_e1", EMERGENCY, lee_mentioned=True)
    assert len(fake.created_chats) == 1 and len(texts_in(fake, room)) == 1


def test_a_retried_create_after_a_lost_answer_makes_no_second_group(app, runtime, fake):
    msg = OutgoingMessage(key="room:feishu:7", platform="feishu", chat_id="oc_group", text="🆘",
                          extra={"action": "create_room", "issue": "7", "number": "3", "name": "🆘 紧急 #3",
                                 "members": "ou_pm,ou_lee", "facts": "…", "opened": "…"})
    first = runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None)
    again = runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    assert first == again and list(fake.created_chats) == [first]


def test_plan_and_resolve_show_in_both_places_whichever_chat_they_are_typed_in(app, runtime, client, fake):
    say(client, runtime, app, "ev_e1", EMERGENCY, lee_mentioned=True)
    room = emergency(app).room_chat_id
    say(client, runtime, app, "ev_p1", "@_user_1 /方案 #1 切回旧版支付", sender="ou_lee")
    plan = "🛠 #1 处理方案（<at user_id=\"ou_lee\">李雷</at>）：切回旧版支付"
    assert texts_in(fake, "oc_group")[-1] == plan
    assert texts_in(fake, room)[-1] == plan + "（来自 #oc_group）"

    # In the room the number may be left out: the room knows its emergency.
    say(client, runtime, app, "ev_r1", "@_user_1 /解决 已恢复下单", sender="ou_lee", chat=room)
    assert texts_in(fake, room)[-1].startswith("✅ #1「支付页无法下单」已解决（用时 0 分钟）：已恢复下单")
    assert texts_in(fake, "oc_group")[-1] == "✅ #1「支付页无法下单」已解决（用时 0 分钟）：已恢复下单（来自协调群）"
    found = emergency(app)
    assert (found.status, found.plan, found.result) == ("resolved", "切回旧版支付", "已恢复下单")


def test_a_feishu_chat_without_the_setting_keeps_the_emergency_and_says_why(app, runtime, client, fake,
                                                                           monkeypatch):
    monkeypatch.setattr(app, "policies", {**app.policies, "feishu": app.policy})  # emergency_rooms off
    say(client, runtime, app, "ev_e1", EMERGENCY, lee_mentioned=True)
    [reply] = texts_in(fake, "oc_group")
    assert "🆘 紧急事务 #1：支付页无法下单" in reply
    assert "未建群：管理员尚未开启紧急事务建群功能（配置 emergency_rooms = true），请在本群协调。" in reply
    assert fake.created_chats == {} and emergency(app).room_chat_id is None
    with app.sessions() as s:
        assert [r.key for r in s.scalars(select(OutboxMessage))] == ["reply:feishu:ev_e1:0"]
