"""FeishuSender against the loopback fake: create, reply, patch, tokens, rate limits, pacing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from adapters.feishu.api import FeishuApi
from adapters.feishu.names import Names
from adapters.feishu.sender import FeishuSender, Pacer, send_uuid
from bot.events import Button, Card, OutgoingMessage
from bot.ports import PermanentFailure, RetryLater

CARD = Card(title="#1 行动项：写活动页", buttons=(Button("完成", "done:1"),))


@pytest.fixture
def api(fake):
    client = FeishuApi(domain=fake.url, app_id="cli_test", app_secret="secret")
    yield client
    client.close()


@pytest.fixture
def sender(api):
    return FeishuSender(api, pacer=Pacer(sleep=lambda _s: None))


def _send(sender, msg, reply_to=None, edit_of=None):
    return sender.send(msg, outbox_id=1, reply_to=reply_to, edit_of=edit_of)


def test_card_to_a_group_then_reply_in_thread_then_patch(sender, fake):
    card_id = _send(sender, OutgoingMessage(key="card:1", platform="feishu", chat_id="oc_group", card=CARD))
    create = fake.sent("POST")[0]
    assert create.query == {"receive_id_type": "chat_id"} and create.body["receive_id"] == "oc_group"
    assert create.body["msg_type"] == "interactive" and create.body["uuid"] == send_uuid("card:1")

    reply = OutgoingMessage(key="reply:1", platform="feishu", chat_id="oc_group", text="🎉 #1 <@ou_lee|李雷> 已完成。")
    reply_id = _send(sender, reply, reply_to=card_id)
    assert fake.messages[reply_id]["parent_id"] == card_id and fake.messages[reply_id]["thread"]
    assert json.loads(fake.messages[reply_id]["content"])["text"] == '🎉 #1 <at user_id="ou_lee">李雷</at> 已完成。'

    done = Card(title="#1 行动项：写活动页", fields=(("状态", "已完成"),))
    assert _send(sender, OutgoingMessage(key="card:1:v2", platform="feishu", chat_id="oc_group", card=done),
                 edit_of=card_id) == card_id
    assert fake.messages[card_id]["edits"] == 1 and "已完成" in fake.messages[card_id]["content"]
    assert fake.tokens_issued == 1  # one tenant token served all three calls


def test_direct_message_goes_to_the_open_id(sender, fake):
    _send(sender, OutgoingMessage(key="dm:1", platform="feishu", user_id="ou_lee", text="提醒"))
    assert fake.sent("POST")[0].query == {"receive_id_type": "open_id"}


def test_a_resend_of_the_same_key_is_the_same_message(sender, fake):
    msg = OutgoingMessage(key="card:7", platform="feishu", chat_id="oc_group", card=CARD)
    assert _send(sender, msg) == _send(sender, msg)
    assert len(fake.messages) == 1


@pytest.mark.parametrize("status,code,headers,wait", [
    (429, 99991400, {"x-ogw-ratelimit-reset": "7"}, 7.0),
    (400, 99991400, {"x-ogw-ratelimit-reset": "3"}, 3.0),
    (400, 230020, {}, 1.0),
])
def test_rate_limits_become_retry_later(sender, fake, status, code, headers, wait):
    fake.fail_next("POST", "/open-apis/im/v1/messages", status, {"code": code, "msg": "frequency limit"}, headers)
    with pytest.raises(RetryLater) as caught:
        _send(sender, OutgoingMessage(key="k", platform="feishu", chat_id="oc_group", text="hi"))
    assert caught.value.seconds == wait
    assert fake.messages == {}


def test_bot_not_in_the_chat_is_a_permanent_failure(sender, fake):
    fake.fail_next("POST", "/open-apis/im/v1/messages", 400, {"code": 230002, "msg": "Bot is not in the chat"})
    with pytest.raises(PermanentFailure):
        _send(sender, OutgoingMessage(key="k", platform="feishu", chat_id="oc_gone", text="hi"))


def test_an_invalidated_token_is_fetched_again_once(sender, fake):
    _send(sender, OutgoingMessage(key="a", platform="feishu", chat_id="oc_group", text="1"))
    fake.expire_tokens()
    _send(sender, OutgoingMessage(key="b", platform="feishu", chat_id="oc_group", text="2"))
    assert fake.tokens_issued == 2 and len(fake.messages) == 2


def test_pacing_keeps_five_per_chat_and_fifty_per_app_in_any_second():
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock[0] += seconds

    pacer = Pacer(clock=lambda: clock[0], sleep=sleep)
    for _ in range(6):
        pacer.wait("oc_a")
    assert waits == [1.0]  # the sixth message to one chat waits for the first to age out
    for i in range(44):
        pacer.wait(f"oc_{i}")
    assert waits == [1.0]  # 50 within the second (the sixth came at t=1, so 45 in the window)
    for i in range(6):
        pacer.wait(f"oc_more_{i}")
    assert len(waits) == 2  # the 51st send in one second waits


def test_names_come_from_the_contact_api_and_degrade_to_none(api, fake):
    names = Names(api)
    assert names.name("ou_lee") == "李雷"
    assert names.name("ou_stranger") is None  # no permission for this user: no error
    names.name("ou_lee"), names.name("ou_stranger")
    contact_calls = [c for c in fake.calls if c.path.startswith("/open-apis/contact/")]
    assert len(contact_calls) == 2  # both answers cached
    assert names.bot_open_id() == "ou_bot"


@pytest.mark.parametrize("age_days,patched", [(13, True), (15, False)])
def test_a_card_past_the_14_day_update_window_is_posted_anew(api, fake, age_days, patched):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    sender = FeishuSender(api, pacer=Pacer(sleep=lambda _s: None), clock=lambda: now,
                          sent_at=lambda _id: now - timedelta(days=age_days))
    card_id = _send(sender, OutgoingMessage(key="card:1", platform="feishu", chat_id="oc_group", card=CARD))
    update = OutgoingMessage(key="card:1:v2", platform="feishu", chat_id="oc_group", card=CARD, item_ids=(1,))
    new_id = _send(sender, update, edit_of=card_id)
    assert bool(fake.sent("PATCH")) is patched
    assert (new_id == card_id) is patched and len(fake.messages) == (1 if patched else 2)
    if not patched:  # the new card is where the item's buttons and reactions now live
        assert fake.sent("POST")[-1].body["uuid"] == send_uuid("card:1:v2")


def test_every_post_carries_its_key_and_a_late_retry_is_logged(sender, fake, caplog):
    created = datetime.now(UTC) - timedelta(hours=2)
    msg = OutgoingMessage(key="nudge:7", platform="feishu", chat_id="oc_group", text="提醒", created_at=created)
    sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    assert "may show twice" in caplog.text  # Feishu forgets a uuid after an hour
    assert [c.body.get("uuid") for c in fake.sent("POST")] == [send_uuid("nudge:7")]
