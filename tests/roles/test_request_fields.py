"""The request fields the handbooks ask for: goal (目标), cooperating departments (配合), channel (渠道).

They are read on /todo and /ask, stored on the item and shown on its card and in /show. A field
never swallows the deadline or the title, and is never swallowed by them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from roles_support import SH, item_row, snapshot
from transcript import split

DEPTS = "@pm: /dept 技术部 head @wang\n@pm: /dept 仓储部 head @zhou\n@pm: /dept Tech head @wang"
FRIDAY = datetime(2026, 5, 15, 18, 0, tzinfo=SH)


@pytest.mark.parametrize(("line", "title", "goal", "partners", "channel", "deadline"), [
    ("/待办 @lee 完成活动页 截止 5月15日 目标：618 转化率提升 10% 配合：@技术部 @仓储部 渠道：飞书群",
     "完成活动页", "618 转化率提升 10%", "技术部、仓储部", "飞书群", FRIDAY),
    # fields first, deadline last: the channel ends where the deadline marker starts
    ("/待办 @lee 完成活动页 目标：提升转化 渠道：线下会议 截止 5月15日", "完成活动页", "提升转化", None, "线下会议", FRIDAY),
    # a deadline said inside the task stays the deadline; the goal keeps its own words
    ("/待办 @lee 周五前完成活动页 目标：提升转化", "完成活动页", "提升转化", None, None, FRIDAY),
    # "by" inside the goal is the goal's; the last "by" that reads as a deadline is the deadline
    ("/todo @lee build the page goal: sign-ups up by 10% by 2026-05-15", "build the page", "sign-ups up by 10%",
     None, None, FRIDAY),
    # "with" and "channel" as words of a title are no markers without their colon
    ("/todo @lee meet with the channel team by 2026-05-15 with: @Tech", "meet with the channel team", None, "Tech",
     None, FRIDAY),
    # a marker glued inside a word is text: "达成目标：" stays in the title
    ("/待办 @lee 确认达成目标：上线 截止 5月15日", "确认达成目标：上线", None, None, None, FRIDAY),
    # a person may cooperate too; the field shows the name without pinging anybody
    ("/待办 @lee 完成活动页 截止 5月15日 配合：@bob 和 @技术部", "完成活动页", None, "@bob、技术部", None, FRIDAY),
    # the approver's segment ends where a field starts
    ("/待办 @lee 完成活动页 截止 5月15日 审批 @boss 目标：提升转化", "完成活动页", "提升转化", None, None, FRIDAY),
])
def test_fields_are_read_and_kept_apart_from_title_and_deadline(chat, app, line, title, goal, partners, channel,
                                                               deadline):
    chat.run(DEPTS)
    new, _ = split(chat.run(f"@pm: {line}"))
    assert len(new) == 1 and "#1" in new[0], new
    item = item_row(app)
    assert (item.title, item.goal, item.partners, item.channel, item.deadline) == (
        title, goal, partners, channel, deadline)


def test_the_card_and_show_carry_the_fields(chat, app):
    chat.run(DEPTS)
    card = chat.run("@pm: /需求 @技术部 确认618活动页排期 截止 5月15日 目标：5月18日上线 配合：@仓储部 渠道：飞书群 紧急")
    for shown in (card, chat.run("@pm: /show #1")):
        assert "目标：5月18日上线" in shown and "配合部门：仓储部" in shown and "渠道：飞书群" in shown
    item = item_row(app)
    assert (item.kind, item.urgency, item.channel) == ("request", "urgent", "飞书群")


def test_english_card_labels(chat, app):
    chat.run("@pm: /settings lang en\n" + DEPTS)
    out = chat.run("@pm: /ask @Tech confirm the schedule by 2026-05-15 goal: launch on 05-18 channel: email")
    assert "Goal: launch on 05-18" in out and "Channel: email" in out


@pytest.mark.parametrize(("line", "said"), [
    ("/待办 @lee 完成活动页 截止 5月15日 目标：", "「目标：」后面请写目标"),
    ("/待办 @lee 完成活动页 截止 5月15日 渠道：", "「渠道：」后面请写沟通渠道"),
    ("/待办 @lee 完成活动页 截止 5月15日 配合：", "「配合：」后面请 @ 配合的部门或人"),
    ("/待办 @lee 完成活动页 截止 5月15日 配合：技术部", "没看懂「技术部」：「配合：」后面只写 @部门 或 @人"),
    ("/需求 @技术部 确认排期 截止 5月15日 配合：@技术部 尽快", "没看懂「尽快」"),
    ("/待办 @lee 完成活动页 截止 5月15日 渠道：" + "群" * 101, "渠道最多 100 个字"),
    # the deadline marker's phrase still has to read as a deadline: a field does not hide a bad one
    ("/待办 @lee 完成活动页 截止 someday 目标：提升转化", "看不懂截止时间「someday」"),
    # a goal is no deadline: an action item without one is still refused
    ("/待办 @lee 完成活动页 目标：提升转化", "行动项需要截止时间"),
])
def test_mistakes_get_one_helpful_reply_and_create_nothing(chat, app, line, said):
    chat.run(DEPTS)
    before = snapshot(app)
    new, edits = split(chat.run(f"@pm: {line}"))
    assert len(new) == 1 and edits == [], new
    assert said in new[0]
    assert snapshot(app) == before
