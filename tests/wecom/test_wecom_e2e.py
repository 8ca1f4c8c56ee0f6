"""End to end over HTTP callbacks: a real App, the WeCom runtime, the fake qyapi on loopback."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from sqlalchemy import select
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
    wecom_settings,
)

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from adapters.wecom.crypto import APP, Receiver, sign
from adapters.wecom.parse import task_id
from adapters.wecom.runtime import WeComRuntime
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


@pytest.mark.parametrize("forgery", ["bad signature", "guessed token", "another key", "another corp", "stale",
                                     "no query"])
def test_a_forged_or_stale_callback_gets_401_and_changes_nothing(app, runtime, client, fake, forgery):
    plaintext = app_text("1001", TODO)
    if forgery == "bad signature":
        query, body = sealed(plaintext)
        query["msg_signature"] = "0" * 40
    elif forgery == "guessed token":
        query, body = sealed(plaintext, receiver=Receiver(APP, "guessed", AES_KEY, "ww1234567890abcdef"))
    elif forgery == "another key":  # signed with our token, encrypted with a key that is not ours
        query, body = sealed(plaintext, receiver=Receiver(APP, TOKEN, "B" * 43, "ww1234567890abcdef"))
    elif forgery == "another corp":
        query, body = sealed(plaintext, receiver=Receiver(APP, TOKEN, AES_KEY, "wwOtherCorp"))
    elif forgery == "stale":
        query, body = sealed(plaintext, at=NOW - timedelta(minutes=6))
    else:
        _, body = sealed(plaintext)
        query = {}
    assert client.post("/wecom/events", params=query, content=body).status_code == 401
    assert inbox(app) == [] and count(app, ProcessedEvent) == 0 and count(app, OutboxMessage) == 0
    assert deliver(app, runtime) == 0 and fake.messages == [] and fake.cards == {}


def test_the_same_msg_id_three_times_makes_one_item(app, runtime, client, fake):
    known(app, ("LiLei", "LiLei"))
    plaintext = app_text("7380000000000000042", TODO)
    for n in range(3):  # WeCom pushes again when no answer came within five seconds
        answer = post(client, plaintext, at=NOW + timedelta(seconds=5 * n), nonce=f"nonce{n}")
        assert answer.status_code == 200
    deliver(app, runtime)
    assert count(app, Item) == 1 and len(inbox(app)) == 1 and len(fake.cards) == 1


def test_one_to_one_card_buttons_take_the_item_to_confirmed(app, runtime, client, fake):
    known(app, ("WangJingLi", "王经理"))
    post(client, app_text("1001", "/待办 @王经理 写周报 截止 2026-05-15"))  # one's own item, to the app
    deliver(app, runtime)
    task = task_id("card:1")
    card = fake.cards[task]
    assert card["to"] == "WangJingLi" and card["card"]["card_type"] == "button_interaction"
    assert card["card"]["main_title"]["title"] == "#1 行动项：写周报"
    assert [b["key"] for b in card["card"]["button_list"]] == ["ack:1", "done:1"]

    assert post(client, app_click(task, "done:1", code=fake.code_for(task))).status_code == 200
    deliver(app, runtime)
    assert item(app).status == "done"
    assert fake.cards[task]["updates"] == 1  # updated in place, with the press's response code
    assert [b["key"] for b in fake.cards[task]["card"]["button_list"]] == ["confirm:1", "reject:1"]

    later = NOW + timedelta(minutes=1)
    post(client, app_click(task, "confirm:1", code=fake.code_for(task), at=later), at=later)
    deliver(app, runtime, later)
    assert item(app).status == "confirmed"
    final = fake.cards[task]["card"]
    assert fake.cards[task]["updates"] == 2 and final["button_list"] == [] and final["replace_text"] == "已处理"
    assert any("确认" in m["markdown"]["content"] for m in fake.messages)


def test_a_press_on_a_card_genjin_did_not_send_changes_nothing(app, runtime, client, fake):
    post(client, app_click("someone-elses-task", "done:1", code="rc-x"))
    deliver(app, runtime)
    assert count(app, Item) == 0 and fake.messages == [] and fake.cards == {}


def test_the_access_token_is_cached_and_fetched_again_on_42001(app, runtime, client, fake):
    post(client, app_text("1001", "/帮助"))
    post(client, app_text("1002", "/help"))
    deliver(app, runtime)
    assert fake.tokens_issued == 1 and len(fake.messages) == 2  # one token for both
    fake.fail_next("/cgi-bin/message/send", {"errcode": 42001, "errmsg": "access_token expired"})
    post(client, app_text("1003", "/帮助"))
    assert deliver(app, runtime) == 1
    assert fake.tokens_issued == 2 and len(fake.messages) == 3


def test_45009_makes_the_message_wait_and_go_once(app, runtime, client, fake):
    post(client, app_text("1001", "/帮助"))
    fake.fail_next("/cgi-bin/message/send", {"errcode": 45009, "errmsg": "reach max api daily quota limit"})
    assert deliver(app, runtime) == 0
    with app.sessions() as s:
        row = s.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.not_before == NOW + timedelta(seconds=60)
    assert deliver(app, runtime, NOW + timedelta(seconds=59)) == 0  # not yet
    assert deliver(app, runtime, NOW + timedelta(seconds=61)) == 1
    assert deliver(app, runtime, NOW + timedelta(seconds=300)) == 0
    assert len(fake.messages) == 1 and "/待办" in fake.messages[0]["markdown"]["content"]


def test_the_daily_digest_reaches_the_group_through_its_robot_webhook(app, runtime, client, fake):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    known(app, ("LiLei", "LiLei"))
    post(client, robot_text("robot-msg-1", "@跟进 /待办 @LiLei 写活动页 截止 2026-05-12"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    before = len(fake.hooks)
    morning = NOW + timedelta(days=1, minutes=-30)  # Tuesday 09:30, the digest's hour
    assert app.sweep(now=morning) >= 1
    deliver(app, runtime, morning)
    digests = [h for h in fake.hooks[before:] if "日报" in h["body"]["markdown"]["content"]]
    assert len(digests) == 1 and digests[0]["key"] == "group-key-1"
    assert "写活动页" in digests[0]["body"]["markdown"]["content"]


def test_a_group_without_a_webhook_uses_the_app_chat_else_the_default_webhook(app, runtime, client, fake):
    fake.appchats["wrAppMadeChat01"] = []  # a chat the app created (appchat/create)
    post(client, robot_text("robot-msg-1", "@跟进 /帮助", chat="wrAppMadeChat01"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    assert len(fake.appchats["wrAppMadeChat01"]) == 1 and fake.hooks == []
    runtime.settings.webhook_url = fake.webhook("default-key")
    post(client, robot_text("robot-msg-2", "@跟进 /帮助", chat="wrOrdinaryChat02"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    [hook] = fake.hooks  # the app may not post there (86003): the default group robot did
    assert hook["key"] == "default-key" and "/待办" in hook["body"]["markdown"]["content"]


def test_a_retry_after_a_lost_answer_never_posts_twice(app, runtime, fake):
    from bot.events import Button, Card, OutgoingMessage

    card = OutgoingMessage(key="card:7", platform="wecom", chat_id="direct:LiLei", item_ids=(7,),
                           card=Card(title="#7", buttons=(Button("完成", "done:7"),)))
    text = OutgoingMessage(key="reply:7", platform="wecom", chat_id="direct:LiLei", text="好的")
    for msg in (card, text):
        first = runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None)
        runtime.sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
        assert first
    assert len(fake.cards) == 1 and len(fake.messages) == 1


def test_a_press_another_replica_received_still_updates_the_card(app, runtime, runner, client, fake):
    known(app, ("WangJingLi", "王经理"))
    post(client, app_text("1001", "/待办 @王经理 写周报 截止 2026-05-15"))
    deliver(app, runtime)
    task = task_id("card:1")
    post(client, app_click(task, "done:1", code=fake.code_for(task)))  # received here ...
    other = WeComRuntime(wecom_settings(fake), runner)  # ... delivered by another replica
    try:
        runner.drain()
        app.deliver(platform="wecom", sender=other.sender, now=NOW)
    finally:
        other.close()
    assert item(app).status == "done" and fake.cards[task]["updates"] == 1
    assert [b["key"] for b in fake.cards[task]["card"]["button_list"]] == ["confirm:1", "reject:1"]


def test_a_refused_response_code_leaves_the_card_and_the_replies_go(app, runtime, client, fake):
    known(app, ("WangJingLi", "王经理"))
    post(client, app_text("1001", "/待办 @王经理 写周报 截止 2026-05-15"))
    deliver(app, runtime)
    task = task_id("card:1")
    post(client, app_click(task, "done:1", code="rc-expired"))  # a code WeCom no longer takes
    deliver(app, runtime)
    assert item(app).status == "done" and fake.cards[task]["updates"] == 0
    assert any("已完成" in m["markdown"]["content"] for m in fake.messages)
    with app.sessions() as s:
        assert {row.status for row in s.scalars(select(OutboxMessage))} == {"sent"}


def test_configured_names_place_mentions_and_unknown_names_are_asked_about(app, runtime, client, fake):
    runtime.settings.webhooks[GROUP] = fake.webhook("group-key-1")
    runtime.settings.people["李雷"] = "LiLei"
    post(client, robot_text("robot-msg-1", "@跟进 /待办 @韩梅梅 写周报 截止 2026-05-15"), receiver=ROBOT_RECEIVER)
    post(client, robot_text("robot-msg-2", "@跟进 /待办 @李雷 写活动页 截止 2026-05-15"), receiver=ROBOT_RECEIVER)
    deliver(app, runtime)
    assert count(app, Item) == 1 and item(app).title == "写活动页"
    texts = [h["body"]["markdown"]["content"] for h in fake.hooks]
    assert any(t.startswith("不认识 @韩梅梅") for t in texts)  # nobody Genjin can tell: asked, not guessed
    assert any("**负责人**：<@LiLei>" in t for t in texts)  # a real mention through the webhook


def test_an_unreadable_body_gets_400_and_changes_nothing(app, client):
    query, _ = sealed(app_text("1001", "/帮助"))
    assert client.post("/wecom/events", params=query, content=b"not xml at all").status_code == 400
    assert client.post("/wecom/events", params=query, content=b"<xml>text</xml>").status_code == 400
    assert inbox(app) == []


def test_a_reminder_reaches_the_one_to_one_chat_through_the_app(app, runtime, client, fake):
    known(app, ("LiLei", "李雷"))
    post(client, app_text("1001", "/待办 @LiLei 写活动页 截止 2026-05-12", user="WangJingLi"))
    deliver(app, runtime)
    before = len(fake.messages)
    later = NOW + timedelta(days=1, hours=7)  # Tuesday 17:00, an hour before the deadline
    assert app.sweep(now=later) >= 1
    deliver(app, runtime, later)
    reminders = [(m["touser"], m["markdown"]["content"]) for m in fake.messages[before:]]
    assert reminders and all(to == "WangJingLi" for to, _ in reminders)  # the chat the item lives in
    assert any("#1「写活动页」" in text for _, text in reminders)
