"""Rendering: template cards within WeCom's limits, markdown where user text stays text."""

from __future__ import annotations

from adapters.wecom.render import card_markdown, markdown, template_card
from bot.events import Button, Card

CARD = Card(title="#3 行动项：写活动页", fields=(("负责人", "<@LiLei|李雷>"), ("截止", "2026-05-15 周五 18:00")),
            lines=("<@LiLei|李雷> 请确认并跟进；完成后发送「/完成 #3」。",),
            buttons=(Button("收到", "ack:3", "primary", 3), Button("完成", "done:3", number=3)))


def test_an_item_card_is_a_button_interaction_card():
    card = template_card(CARD, task="gj1", lang="zh")
    assert card["card_type"] == "button_interaction" and card["task_id"] == "gj1"
    assert card["main_title"] == {"title": "#3 行动项：写活动页"}
    assert card["horizontal_content_list"][0] == {"keyname": "负责人", "value": "@李雷"}
    assert card["sub_title_text"].startswith("@李雷 请确认")
    assert card["button_list"] == [{"text": "收到", "style": 1, "key": "ack:3"},
                                   {"text": "完成", "style": 2, "key": "done:3"}]


def test_long_values_are_cut_to_what_wecom_shows():
    long = Card(title="标" * 40, fields=(("完成标准说明", "值" * 50),), lines=("行" * 200,))
    card = template_card(long, task="gj2", lang="en")
    assert len(card["main_title"]["title"]) == 26 and card["main_title"]["title"].endswith("…")
    assert len(card["horizontal_content_list"][0]["keyname"]) == 5
    assert len(card["horizontal_content_list"][0]["value"]) == 30 and len(card["sub_title_text"]) == 112
    assert card["button_list"] == [] and card["replace_text"] == "Done"  # a closed card's grey label


def test_typed_markup_and_mentions_stay_text_and_real_mentions_notify_through_the_webhook():
    text = "<@LiLei|李雷> 看 **这里** [链接](http://x) <@all>\n# 标题"
    assert markdown(text, webhook=True) == "<@LiLei> 看 ＊＊这里＊＊ ［链接］(http://x) ＜@all＞\n＃ 标题"
    assert markdown(text) == "@李雷 看 ＊＊这里＊＊ ［链接］(http://x) ＜@all＞\n＃ 标题"


def test_a_card_in_a_group_names_the_commands_its_buttons_stand_for():
    text = card_markdown(CARD, "zh", webhook=True)
    assert text.startswith("**#3 行动项：写活动页**\n**负责人**：<@LiLei>")
    assert text.endswith("请发送命令：/收到 #3，/完成 #3")
    assert card_markdown(CARD, "en").endswith("Type: /ack #3, /done #3")
