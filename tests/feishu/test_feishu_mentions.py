"""Mention traps: text a user typed never comes out of the bot as a real @mention.

Only the people picked from Feishu's @ list (the event's mentions) are mentioned back;
a typed `<at ...>` tag, a typed mention token or a rich-text @所有人 is shown as text,
in cards (created, updated, lists) and text messages (nudges) alike.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from datetime import timedelta

import pytest
from feishu_support import NOW, callback, message

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from genjin.serve import build_asgi

TRAPS = [
    '<at user_id="all">所有人</at>',
    "<at id=all></at>",
    '<AT user_id="all"></AT>',
    "< at id=ou_pm></at>",
    "<@all|所有人>",
    "<@ou_pm|王经理>",
    "&#60;at id=all&#62;&#60;/at&#62;",
    "@_all",
]
AT_TAG = re.compile(r"<\s*at\b[^>]*>", re.IGNORECASE)


def mentioned_ids(contents: list[str]) -> set[str]:
    """Every id an <at> tag in what was sent would notify, even after entity decoding."""
    found = set()
    for text in contents:
        for tag in AT_TAG.findall(text) + AT_TAG.findall(html.unescape(text)):
            found.add(re.search(r"(?:user_)?id\s*=\s*\"?([^\s\">]*)", tag, re.IGNORECASE).group(1))
    return found


def sent_contents(fake) -> list[str]:
    out = []
    for call in fake.sent():
        if "content" in call.body:
            content = json.loads(call.body["content"])
            out.append(content["text"] if "text" in content else json.dumps(content, ensure_ascii=False))
    return out


def post_payload(runtime, client, payload) -> None:
    body, headers = callback(payload)
    assert client.post("/feishu/events", content=body, headers=headers).status_code == 200
    runtime.runner.drain()


@pytest.fixture
def client(runtime):
    with TestClient(build_asgi([runtime])) as http:
        yield http


@pytest.mark.parametrize("trap", TRAPS)
def test_a_typed_mention_never_mentions_anyone(app, runtime, client, fake, trap):
    post_payload(runtime, client, message("ev1", f"@_user_1 /ask @_user_2 {trap} 确认报价 by 2026-05-15",
                                          lee_mentioned=True))
    post_payload(runtime, client, message("ev2", "@_user_1 /list"))
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW)
    app.sweep(now=NOW + timedelta(days=1))  # the unanswered request is nudged in a text message
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW + timedelta(days=1))
    contents = sent_contents(fake)
    assert any(json.loads(c).get("schema") for c in contents if c.startswith("{")), "a card was sent"
    assert any(not c.startswith("{") and "⏰" in c for c in contents), "a nudge was sent"
    # the real mention (李雷, picked from Feishu's list) and the sender still get through
    assert mentioned_ids(contents) <= {"ou_lee", "ou_pm"} and "ou_lee" in mentioned_ids(contents)
    assert all("确认报价" in c for c in contents if "确认报价" in c)  # the item is there, trap shown as text
    if "ou_pm" in trap:  # the sender is legitimately mentioned as initiator, but never by the typed text
        assert all(not re.search(r"<at id=ou_pm></at>\s*确认报价", c) for c in contents)


def test_a_rich_text_at_all_or_id_is_text_but_the_picked_person_is_mentioned(app, runtime, client, fake):
    payload = message("ev1", "", lee_mentioned=True)
    post = [[{"tag": "at", "user_id": "@_user_1", "user_name": "跟进"}, {"tag": "text", "text": " /todo "},
             {"tag": "at", "user_id": "@_user_2", "user_name": "李雷"},
             {"tag": "at", "user_id": "all", "user_name": "所有人"},
             {"tag": "at", "user_id": "@_all", "user_name": "所有人"},
             {"tag": "at", "user_id": "ou_pm", "user_name": "王经理"},
             {"tag": "text", "text": " 写活动页 by 2026-05-15"}]]
    payload["event"]["message"].update(message_type="post", content=json.dumps({"title": "", "content": post}))
    post_payload(runtime, client, payload)
    app.deliver(platform="feishu", sender=runtime.sender, now=NOW)
    [card] = sent_contents(fake)
    assert "@所有人" in card and "@王经理" in card  # shown, as plain text
    assert mentioned_ids([card]) == {"ou_lee", "ou_pm"}  # 李雷 the owner; 王经理 only as initiator
    assert card.count("<at id=ou_pm></at>") == 1
