"""One owner per item; flags anywhere; handing an item over (/reassign, /转交).

The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_bad_input import snapshot
from transcript import split

from storage.models import Item, OutboxMessage


def stored(app) -> list[tuple]:
    with app.sessions() as s:
        return [(i.number, i.kind, i.title, i.owner.name, i.urgency, i.standard)
                for i in s.scalars(select(Item).order_by(Item.id))]


# --- one owner -------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "question", "example"), [
    ("/待办 @bob @carol 写报告 周五前", "一个行动项只有一位负责人。要给 @bob @carol 每人各建一项吗？",
     "/待办 @bob @carol 各一项 写报告 周五前"),
    ("/待办 @bob 和 @carol 写报告 截止 周五", "要给 @bob @carol 每人各建一项吗？",
     "/待办 @bob @carol 各一项 写报告 截止 周五"),
    ("/需求 @bob @carol 确认排期", "一个需求只有一个对接方。要给 @bob @carol 各发一项吗？",
     "/需求 @bob @carol 各一项 确认排期"),
])
def test_several_owners_are_asked_about_not_put_in_the_title(chat, app, line, question, example):
    [reply] = split(chat.run(f"@pm: {line}"))[0]
    assert question in reply and example in reply
    assert stored(app) == []
    # the suggested line does what it says
    out = chat.run(f"@pm: {example}")
    assert len(split(out)[0]) == 2
    assert [(n, owner) for n, _, _, owner, _, _ in stored(app)] == [(1, "bob"), (2, "carol")]


def test_one_each_keeps_everything_else_of_the_line(chat, app):
    chat.run("@pm: /todo @bob @carol each write the report by friday standard: reviewed urgent")
    assert stored(app) == [(1, "action", "write the report", "bob", "urgent", "reviewed"),
                           (2, "action", "write the report", "carol", "urgent", "reviewed")]


def test_a_person_mentioned_inside_the_task_is_not_an_owner(chat, app):
    chat.run("@pm: /待办 @bob 通知 @carol 开会 截止 明天 标准：ok")
    assert stored(app) == [(1, "action", "通知 <@carol> 开会", "bob", "normal", "ok")]


# --- flags anywhere --------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "/待办 紧急 @bob 写报告 截止 周五 标准：评审通过",
    "/待办 @bob 紧急 写报告 截止 周五 标准：评审通过",
    "/待办 @bob 写报告 紧急 截止 周五 标准：评审通过",
    "/待办 @bob 写报告 截止 周五 紧急 标准：评审通过",
    "/待办 @bob 写报告 截止 周五 标准：评审通过 紧急",  # at the end of the standard: a flag, not its words
    "/待办 @bob 写报告 标准：评审通过 紧急 截止 周五",
    "/待办 @bob 【紧急】 写报告 截止 周五 标准：评审通过",
    "/todo @bob 写报告 by friday standard: 评审通过 urgent",
])
def test_flags_mean_the_same_anywhere_on_the_line(chat, app, line):
    [card] = split(chat.run(f"@pm: {line}"))[0]
    assert "优先级：紧急" in card and "完成标准：评审通过" in card
    assert stored(app) == [(1, "action", "写报告", "bob", "urgent", "评审通过")]


@pytest.mark.parametrize(("line", "title"), [
    ("/待办 @bob 整理紧急联系人名单 截止 周五 标准：ok", "整理紧急联系人名单"),
    ("/todo @bob fix the urgent bug by friday standard: ok", "fix the urgent bug"),
])
def test_a_word_that_merely_contains_a_flag_is_text(chat, app, line, title):
    chat.run(f"@pm: {line}")
    assert stored(app) == [(1, "action", title, "bob", "normal", "ok")]


def test_a_special_flag_marks_an_emergency_action_item(chat, app):
    chat.run("@pm: /待办 @bob 恢复支付 截止 今天 特急 标准：支付成功率恢复")
    assert stored(app)[0][4] == "emergency"


# --- /reassign ---------------------------------------------------------------------------------

SETUP = """
@pm: /dept Tech head @wang members @bob @carol
@pm: /todo @bob build the page by friday standard: QA passes
"""


@pytest.mark.parametrize(("who", "command"), [("pm", "/reassign"), ("wang", "/转交")])
def test_the_initiator_or_the_owners_head_hands_an_item_over(chat, app, who, command):
    chat.run(SETUP)
    out = chat.run(f"@{who}: {command} #1 @carol bob is on leave")
    new, edits = split(out)
    assert f"🔁 #1 已由 @{who} 转交：@bob → @carol（原因：bob is on leave）。@carol 请跟进。" in new[0]
    assert "负责人：@carol" not in new[0] and len(edits) == 1  # the card is re-rendered in place
    dm = [m for m in new if "→ @carol" in m.split("\n")[0]]
    assert len(dm) == 1 and f"🔁 @{who} 把 #demo 的 #1「build the page」转交给你（原负责人 @bob）：bob is on leave。" in dm[0]
    assert stored(app)[0][3] == "carol"
    show = split(chat.run("@pm: /show #1"))[0][0]
    assert "负责人：@carol" in show
    assert f"@{who} · 转交 · bob → carol: bob is on leave" in show
    assert "完成" in chat.run("@carol: /done #1")  # the new owner reports on it now


@pytest.mark.parametrize(("who", "line", "said"), [
    ("bob", "/reassign #1 @carol too busy", "只有发起人或负责人所在部门的负责人（@pm @wang）可以转交 #1。"),
    ("carol", "/转交 #1 @carol 我来", "只有发起人或负责人所在部门的负责人"),
    ("pm", "/reassign #1 @carol", "请写上原因"),
    ("pm", "/reassign #1 carol is free", "请用 @ 指定负责人"),
    ("pm", "/reassign #1 @carol @dave both", "转交只能给一位新负责人"),
    ("pm", "/reassign #1 @bob again", "#1 的负责人已经是 @bob。"),
])
def test_a_hand_over_that_is_not_allowed_changes_nothing(chat, app, who, line, said):
    chat.run(SETUP)
    before = snapshot(app)
    [reply] = split(chat.run(f"@{who}: {line}"))[0]
    assert said in reply
    assert snapshot(app) == before


def test_handing_over_to_a_department_goes_to_its_liaison(chat, app):
    chat.run(SETUP + "@pm: /dept Ops liaison @olga")
    chat.run("@pm: /reassign #1 @Ops Tech is full")
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.owner.name, item.department.name) == ("olga", "Ops")
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.user_id == "olga")) == 1
