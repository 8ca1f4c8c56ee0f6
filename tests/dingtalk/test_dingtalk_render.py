"""Rendering for DingTalk: only real mentions mention, typed markup stays text, values fit."""

from __future__ import annotations

import json

import pytest

from adapters.dingtalk.render import (
    VALUE_BUDGET,
    card_markdown,
    card_params,
    defuse,
    markdown,
    mentions_in,
    parts,
    plain,
    size,
)
from bot.events import Button, Card, admit_text

LEE = "<@lee01|李雷>"


@pytest.mark.parametrize("typed", ["@所有人 开会", "@all 开会", "@manager7675 看一下", "<a atId=lee01>x</a>",
                                   "**粗体** [链接](http://x) ![图](http://y)", "# 标题\n> 引用", "<font color=red>红</font>"])
def test_typed_text_never_turns_into_markup_or_a_mention(typed):
    text = admit_text(typed, ())  # as the core stores it: no real mention in it
    for style in ("api", "webhook", "card"):
        out = markdown(text, style)
        assert "<a" not in out and "<font" not in out and "**" not in out and "](" not in out
        assert not any(line.startswith(("#", ">")) for line in out.split("\n"))
        assert "@所有人" not in out and "@all" not in out and "@manager7675" not in out
    assert mentions_in(text) == {}


def test_each_route_gets_the_mention_form_it_understands():
    text = f"{LEE} 请确认 #3"
    assert markdown(text, "card") == "<a atId=lee01>@李雷</a> 请确认 #3"
    assert markdown(text, "webhook") == "@lee01 请确认 #3"
    assert markdown(text, "api") == "@李雷 请确认 #3"  # the robot API cannot @: a name, no ping
    assert plain(text) == "@李雷 请确认 #3" and mentions_in(text) == {"lee01": "李雷"}


def test_an_address_and_snake_case_read_as_typed():
    assert defuse("mail lee@example.com about x_y") == "mail lee@example.com about x_y"
    assert defuse("_斜体_ ~~删除~~") == "＿斜体＿ ～～删除～～"


def test_card_params_fill_every_slot_and_stay_within_a_kilobyte():
    card = Card(title="#12 行动项：" + "长" * 400, fields=(("负责人", LEE), ("说明", "说" * 600)),
                lines=tuple(f"第 {n} 行 " + "字" * 50 for n in range(40)),
                buttons=(Button("收到", "ack:12", "primary"), Button("完成", "done:12")))
    params = card_params(card, key="card:12", lang="zh", pressed="05-11 10:02 李雷 完成")
    assert all(size(v) <= VALUE_BUDGET for v in params.values())
    assert params["fields"].startswith("**负责人**：<a atId=lee01>@李雷</a>") and "/详情" in params["fields"]
    assert "第 39 行" in params["lines"] and "前" in params["lines"]  # the newest lines are kept
    assert (params["b1_value"], params["b2_value"], params["b3_show"]) == ("ack:12", "done:12", "false")
    assert params["render"] != card_params(card, key="card:12:v2", lang="zh")["render"]


def test_a_fourth_button_is_named_as_a_command():
    card = Card(title="#3", buttons=tuple(Button(n, f"{a}:57", number=3) for n, a in
                                          (("收到", "ack"), ("完成", "done"), ("确认", "confirm"), ("驳回", "reject"))))
    assert "/驳回 #3 原因" in card_params(card, key="k", lang="zh")["lines"]


def test_without_a_card_the_buttons_become_commands():
    card = Card(title="#3 行动项：写活动页", fields=(("负责人", LEE),),
                buttons=(Button("确认", "confirm:57", number=3), Button("驳回", "reject:57", number=3)))
    title, text = card_markdown(card, "zh")
    assert title == "#3 行动项：写活动页"
    assert "按钮请改用命令：/确认 #3，/驳回 #3 原因" in text and "**负责人**：@李雷" in text
    assert "Instead of the buttons, type: /confirm #3, /reject #3 REASON" in card_markdown(card, "en")[1]
    assert "#57" not in text  # the internal id (items are numbered per chat) is never what people type


def test_long_markdown_is_cut_between_paragraphs_within_the_api_limit():
    text = "\n\n".join(f"第 {n} 行 " + "字" * 200 for n in range(100))
    pieces = parts(text, 14_000)
    assert len(pieces) > 1 and all(len(json.dumps(p, ensure_ascii=False).encode()) <= 14_000 for p in pieces)
    assert "\n\n".join(pieces) == text
