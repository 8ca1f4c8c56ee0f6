"""OutgoingMessage -> Feishu card JSON 2.0 / text, as a user would see it."""

from __future__ import annotations

import html
import json

import pytest

from adapters.feishu.render import card_json, content, markdown, plain, text_content
from bot.events import Button, Card, OutgoingMessage

CARD = Card(
    title="#1 行动项：写活动页",
    fields=(("负责人", "<@ou_lee|李雷>"), ("截止", "2026-05-15 周五 18:00")),
    lines=("<@ou_lee|李雷> 请确认并跟进；完成后发送「/完成 #1」。", "1 < 2 *not bold* <b>x</b>"),
    buttons=(Button("收到", "ack:1", "primary"), Button("完成", "done:1")),
)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_card_is_json_2_with_title_fields_and_real_mentions():
    card = card_json(CARD)
    assert card["schema"] == "2.0" and card["config"]["update_multi"] is True
    assert card["header"]["title"]["content"] == "#1 行动项：写活动页"
    text = "\n".join(n["content"] for n in _walk(card) if n.get("tag") == "markdown")
    assert "**负责人**：<at id=ou_lee></at>" in text
    assert "<at id=ou_lee></at> 请确认并跟进" in text
    assert "1 &#60; 2 &#42;not bold&#42; ＜b&#62;x＜/b&#62;" in text  # user text cannot inject markup


def test_buttons_carry_their_values_back():
    buttons = [n for n in _walk(card_json(CARD)) if n.get("tag") == "button"]
    assert [b["text"]["content"] for b in buttons] == ["收到", "完成"]
    assert [b["behaviors"] for b in buttons] == [
        [{"type": "callback", "value": {"genjin": "ack:1"}}],
        [{"type": "callback", "value": {"genjin": "done:1"}}],
    ]
    assert [b["type"] for b in buttons] == ["primary", "default"]


def test_text_message_mentions_are_at_tags():
    msg = OutgoingMessage(key="k", platform="feishu", chat_id="oc_1", text="<@ou_pm|王经理> 请验收 #1")
    msg_type, body = content(msg)
    assert msg_type == "text"
    assert json.loads(body) == {"text": '<at user_id="ou_pm">王经理</at> 请验收 #1'}


def test_card_message_is_interactive_and_never_empty():
    msg_type, body = content(OutgoingMessage(key="k", platform="feishu", chat_id="oc_1", card=Card(title="只有标题")))
    assert msg_type == "interactive"
    assert json.loads(body)["body"]["elements"] == [{"tag": "markdown", "content": "只有标题"}]


def test_a_typed_at_tag_in_a_title_cannot_mention_everyone():
    text = text_content('⏰ <@ou_lee|李工> #1「<at user_id="all"></at> party」')
    assert text.count("<at ") == 1 and '<at user_id="ou_lee">李工</at>' in text


@pytest.mark.parametrize("trap", ['<AT user_id="all"></AT>', "< at id=all>", "&#60;at id=all&#62;", "</at><at id=all>"])
def test_no_spelling_of_a_tag_survives_in_any_kind_of_text(trap):
    for out in (text_content(trap), plain(trap), markdown(trap), markdown(f"<@ou_lee|{trap}>")):
        assert "<at" not in html.unescape(out).lower().replace(" ", "").replace("<atid=ou_lee>", "")


def test_only_well_formed_ids_become_mentions():
    assert text_content("<@all|所有人>") == "@所有人"
    assert "<at" not in markdown('<@ou_x"onclick|x>')
