"""How messages reach DingTalk: cards, the markdown fallback said once, session webhooks,
@mentions in reminders, and DING for emergencies (off unless configured)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from dingtalk_support import CID, NOW, dingtalk_settings, item, message, signed

from adapters.dingtalk.runtime import DingTalkRuntime
from bot.events import OutgoingMessage

TODO = " /待办 @李雷 写活动页 截止 2026-05-15"
TOLD = "发不了互动卡片"


def post(runtime, data: dict) -> None:
    """A signed robot message, stored the way the HTTP route stores it."""
    from adapters.dingtalk import signing
    from adapters.dingtalk.parse import MESSAGE_TOPIC, envelope

    assert signing.verify(signed(), app_secret=runtime.settings.client_secret, card_secret="",
                          now=NOW.timestamp()) == signing.MESSAGE
    runtime.accept(envelope(MESSAGE_TOPIC, data))


def deliver(app, runtime, at=NOW, rounds: int = 3) -> int:
    """Process the inbox, then send (a few rounds: a notice queued while sending goes next)."""
    runtime.runner.drain()
    return sum(app.deliver(platform="dingtalk", sender=runtime.sender, now=at) for _ in range(rounds))


@pytest.fixture
def make(runner, fake):
    made = []

    def build(**overrides) -> DingTalkRuntime:
        rt = DingTalkRuntime(dingtalk_settings(fake, **overrides), runner)
        made.append(rt)
        return rt

    yield build
    for rt in made:
        rt.close()


@pytest.mark.parametrize("broken", ["no template configured", "template missing", "no card permission"])
def test_without_cards_items_arrive_as_markdown_naming_the_commands_and_the_chat_is_told_once(
        app, make, fake, broken):
    runtime = make(card_template_id="" if broken == "no template configured" else "tpl-genjin.schema")
    fake.templates = set() if broken == "template missing" else fake.templates
    fake.card_permission = broken != "no card permission"
    post(runtime, message("msg-1", TODO, at=("lee01",)))
    post(runtime, message("msg-2", " /待办 @李雷 写周报 截止 2026-05-15", at=("lee01",)))
    deliver(app, runtime)
    assert fake.cards == {}
    texts = [m["param"]["text"] for m in fake.messages if m["to"] == CID]
    items = [t for t in texts if "行动项" in t and "按钮请改用命令" in t]
    assert len(items) == 2 and "/收到 #1，/完成 #1" in items[0]
    assert sum(TOLD in t for t in texts) == 1  # said once, not per card
    post(runtime, message("msg-3", " /完成 #1", sender="lee01", nick="李雷"))  # the command does what the button did
    deliver(app, runtime)
    assert item(app).status == "done"


def test_quick_replies_go_through_the_session_webhook_with_real_mentions(app, make, fake):
    runtime = make()
    post(runtime, message("msg-1", TODO, at=("lee01",), webhook=fake.webhook("sess-1")))
    deliver(app, runtime)
    assert len(fake.cards) == 1 and fake.hooks == []  # a card cannot go through a webhook
    post(runtime, message("msg-2", " /收到 #1", sender="lee01", nick="李雷", webhook=fake.webhook("sess-2")))
    deliver(app, runtime)
    [hook] = fake.hooks
    assert hook["session"] == "sess-2" and hook["body"]["at"] == {"atUserIds": ["lee01"], "isAtAll": False}
    assert "@lee01" in hook["body"]["markdown"]["text"]  # DingTalk shows the name for an id it is told of
    assert fake.messages == [] and len(fake.cards) == 1


def test_a_dead_webhook_falls_back_to_the_api(app, make, fake):
    runtime = make()
    fake.dead_sessions.add("sess-1")
    post(runtime, message("msg-1", " /帮助", webhook=fake.webhook("sess-1")))
    deliver(app, runtime)
    assert fake.hooks == [] and len(fake.messages) == 1


def test_a_typed_at_all_never_reaches_dingtalk_as_a_mention(app, make, fake):
    runtime = make()
    post(runtime, message("msg-1", " /待办 @李雷 通知 @所有人 开会 截止 2026-05-15", at=("lee01",),
                          webhook=fake.webhook("sess-1")))
    deliver(app, runtime)
    card = next(iter(fake.cards.values()))
    shown = json.dumps(card["data"], ensure_ascii=False)
    assert "@所有人" not in shown and "＠所有人" in shown and "@ALL" not in json.dumps(card["body"])


def test_nudges_mention_the_owner(app, make, fake):
    runtime = make()
    post(runtime, message("msg-1", " /需求 @李雷 确认排期 截止 2026-05-15", at=("lee01",)))
    deliver(app, runtime)
    before = set(fake.cards)
    later = NOW + timedelta(hours=5)
    assert app.sweep(now=later) >= 1
    deliver(app, runtime, later)
    nudges = [c for t, c in fake.cards.items() if t not in before]
    assert nudges and all(c["body"]["imGroupOpenDeliverModel"]["atUserIds"].get("lee01") == "李雷" for c in nudges)
    assert "<a atId=lee01>@李雷</a>" in nudges[0]["data"]["lines"]
    assert fake.dings == []  # DING is off unless configured


@pytest.mark.parametrize("urgency,dinged", [(" 特急", True), ("", False)])
def test_emergency_reminders_ding_the_people_named_when_configured(app, make, fake, urgency, dinged):
    runtime = make(ding_emergencies=True)
    post(runtime, message("msg-1", f" /需求 @李雷 服务器告警{urgency}", at=("lee01",)))
    deliver(app, runtime)
    assert item(app).urgency == ("emergency" if dinged else "normal")
    reminder = OutgoingMessage(key="remind:1:nudge1", platform="dingtalk", chat_id=CID, item_ids=(1,),
                               text="<@lee01|李雷> 请尽快回复 #1")
    runtime.sender.send(reminder, outbox_id=99, reply_to=None, edit_of=None)
    if dinged:
        [ding] = fake.dings
        assert ding["receiverUserIdList"] == ["lee01"] and ding["remindType"] == 1 and "李雷" in ding["content"]
    else:
        assert fake.dings == []


def test_a_webhook_url_off_dingtalk_is_never_posted_to(app, make, fake):
    runtime = make()
    post(runtime, message("msg-1", " /帮助", webhook="https://attacker.example/robot/sendBySession?session=x"))
    deliver(app, runtime)
    assert runtime.webhooks.get(CID) is None and len(fake.messages) == 1  # the robot API instead
