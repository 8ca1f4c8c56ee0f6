"""Long content goes out in several messages, each within Feishu's limits (the fake enforces them)."""

from __future__ import annotations

import json
import re

import pytest

from adapters.feishu.api import FeishuApi
from adapters.feishu.render import card_json, dumps
from adapters.feishu.sender import FeishuSender, Pacer, send_uuid
from adapters.feishu.split import body_bytes
from bot.events import Button, Card, OutgoingMessage
from bot.ports import RetryLater

TITLE = "跟进第 {i} 项：确认 618 活动页的排期、文案与设计稿，并同步市场部和法务"
# A weekly digest's shape: a figures line, then one line per item, in sections.
DIGEST = Card(title="周报 05-11 ~ 05-15", lines=("完成 120 · 准时率 80% · 返工 3 · 未完成 180 · 逾期 12", "**已完成**")
              + tuple(f"#{i} {TITLE.format(i=i)} · <@ou_lee|李雷> · 2026-05-15 周五 18:00" for i in range(1, 301)))


@pytest.fixture
def sender(fake):
    api = FeishuApi(domain=fake.url, app_id="cli_test", app_secret="secret")
    yield FeishuSender(api, pacer=Pacer(sleep=lambda _s: None))
    api.close()


def cards(fake) -> list[dict]:
    return [json.loads(m["content"]) for m in fake.messages.values()]


def markdown_of(card: dict) -> str:
    return "\n".join(e["content"] for e in card["body"]["elements"] if e.get("tag") == "markdown")


def test_a_300_item_digest_is_over_the_limit_as_one_card():
    assert body_bytes(dumps(card_json(DIGEST))) > 30 * 1024  # the defect: refused with 230025, for good


def test_a_300_item_digest_arrives_whole_over_several_cards(sender, fake):
    first = sender.send(OutgoingMessage(key="digest:oc_group:2026-W20", platform="feishu", chat_id="oc_group",
                                        card=DIGEST), outbox_id=1, reply_to=None, edit_of=None)
    posts = fake.sent("POST")
    assert len(posts) >= 2 and all(p.size <= 30 * 1024 for p in posts)
    assert first == next(iter(fake.messages))  # the first part's id is the one recorded
    assert len({p.body["uuid"] for p in posts}) == len(posts)  # each part its own idempotency key
    parts = cards(fake)
    assert [c["header"]["title"]["content"] for c in parts] == [
        f"周报 05-11 ~ 05-15 ({n}/{len(parts)})" for n in range(1, len(parts) + 1)]
    numbers = [int(n) for c in parts for n in re.findall(r"^#(\d+) ", markdown_of(c), re.MULTILINE)]
    assert numbers == list(range(1, 301))  # every item once, in order
    assert all("<at id=ou_lee></at>" in markdown_of(c) for c in parts)


def test_an_item_card_keeps_its_buttons_on_the_first_part(sender, fake):
    card = Card(title="#1 行动项", fields=(("负责人", "<@ou_lee|李雷>"),), lines=("很长的说明 " * 3000,),
                buttons=(Button("完成", "done:1"),))
    sender.send(OutgoingMessage(key="card:1", platform="feishu", chat_id="oc_group", card=card),
                outbox_id=1, reply_to=None, edit_of=None)
    [only] = cards(fake)  # one line, clipped to fit, saying so
    assert "done:1" in json.dumps(only) and "/详情" in markdown_of(only)


def test_an_update_too_long_for_one_card_is_one_patch_that_says_what_is_missing(sender, fake):
    card_id = sender.send(OutgoingMessage(key="list:1", platform="feishu", chat_id="oc_group",
                                          card=Card(title="列表")), outbox_id=1, reply_to=None, edit_of=None)
    assert sender.send(OutgoingMessage(key="list:1:v2", platform="feishu", chat_id="oc_group", card=DIGEST),
                       outbox_id=2, reply_to=None, edit_of=card_id) == card_id
    [patch] = fake.sent("PATCH")
    assert patch.size <= 30 * 1024 and len(fake.messages) == 1
    assert re.search(r"另有 \d+ 行未显示", fake.messages[card_id]["content"])


def test_a_long_text_is_split_at_line_ends(sender, fake):
    text = "\n".join(f"第 {i} 行 " + "内容" * 200 for i in range(300))  # ~360 KB
    sender.send(OutgoingMessage(key="t:1", platform="feishu", chat_id="oc_group", text=text),
                outbox_id=1, reply_to=None, edit_of=None)
    posts = fake.sent("POST")
    assert len(posts) >= 3 and all(p.size <= 150 * 1024 for p in posts)
    assert "\n".join(json.loads(m["content"])["text"] for m in fake.messages.values()) == text


def test_a_retry_after_a_part_failed_posts_no_part_twice(sender, fake):
    msg = OutgoingMessage(key="digest:2", platform="feishu", chat_id="oc_group", card=DIGEST)
    keys, post = [], sender._post

    def second_part_throttled(message, body, reply_to):
        keys.append(body["uuid"])
        if len(keys) == 2:
            raise RetryLater(1, "throttled")
        return post(message, body, reply_to)

    sender._post = second_part_throttled
    with pytest.raises(RetryLater):
        sender.send(msg, outbox_id=1, reply_to=None, edit_of=None)
    first = sender.send(msg, outbox_id=1, reply_to=None, edit_of=None, maybe_sent=True)
    assert keys[0] == keys[2] == send_uuid("digest:2")  # the first part again, with the same key ...
    assert first == next(iter(fake.messages)) and len(fake.messages) == len(set(keys))  # ... so posted once
