"""Nothing a user typed is dropped silently.

Every word of a command ends up somewhere the user can see it (the title, the standard,
the approver, the deadline, or the item's note on its card and in /show), or the command
is refused with a reply saying which words were not understood. The clock starts on
Monday 2026-05-11 10:00 (Asia/Shanghai); "friday" is 2026-05-15.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from test_bad_input import snapshot
from transcript import split

from bot.events import EventKind, IncomingEvent, Mention
from storage.models import Chat, Department, Item, ItemEvent

SH = ZoneInfo("Asia/Shanghai")
FRIDAY = "2026-05-15 周五 18:00"


def item(app) -> dict:
    with app.sessions() as s:
        [row] = s.scalars(select(Item)).all()
        return dict(title=row.title, standard=row.standard, owner=row.owner.name, urgency=row.urgency,
                    approver=row.approver.name if row.approver else None,
                    deadline=row.deadline.astimezone(SH).strftime("%Y-%m-%d %H:%M") if row.deadline else None,
                    note=row.history[0].note)


CREATED = [
    # the issue's own example: "and legal sign-off" used to vanish
    ("/todo @bob X standard: QA approver @carol and legal sign-off by friday",
     dict(title="X", standard="QA", approver="carol", deadline="2026-05-15 18:00", note="and legal sign-off"),
     ["备注：and legal sign-off", "完成标准：QA", "审批人：@carol"]),
    ("/待办 @李工 完成前端开发，截止：5月15日，标准：测试通过，审批人：@王总 以及法务签字",
     dict(title="完成前端开发", standard="测试通过", approver="王总", deadline="2026-05-15 18:00", note="以及法务签字"),
     ["备注：以及法务签字"]),
    # the approver first: the task follows them
    ("/todo @bob approver @carol write tests by friday",
     dict(title="write tests", approver="carol", deadline="2026-05-15 18:00", note=None), ["审批人：@carol"]),
    ("/待办 @李工 审批人 @王总 写文档 截止 周五", dict(title="写文档", approver="王总", note=None), []),
    # the deadline first: the task follows it
    ("/待办 @李工 截止 周五 完成前端 标准：测试通过",
     dict(title="完成前端", standard="测试通过", deadline="2026-05-15 18:00"), [f"截止：{FRIDAY}"]),
    ("/todo @bob by friday write docs", dict(title="write docs", deadline="2026-05-15 18:00"), []),
    # separators after the owner are not part of the title
    ("/todo @bob, write tests by friday", dict(title="write tests"), []),
    # "by" inside the title stays in the title
    ("/todo @bob write the spec signed off by legal by friday done when: legal says ok",
     dict(title="write the spec signed off by legal", standard="legal says ok", deadline="2026-05-15 18:00"), []),
    # urgency words inside a sentence are words of the sentence
    ("/ask @lee fix the urgent bug", dict(title="fix the urgent bug", urgency="normal"), []),
    ("/ask @lee urgent fix login by tomorrow", dict(title="fix login", urgency="urgent"), ["优先级：紧急"]),
    ("/需求 @lee 修复登录 紧急 截止 明天", dict(title="修复登录", urgency="urgent"), ["优先级：紧急"]),
    ("/需求 @lee 修复登录 截止 明天 特急", dict(title="修复登录", urgency="emergency"), ["优先级：特急"]),
    ("/ask @lee [urgent] fix login now", dict(title="fix login now", urgency="urgent"), []),
]


@pytest.mark.parametrize(("line", "stored", "shown"), CREATED, ids=[c[0] for c in CREATED])
def test_every_word_has_a_visible_place(chat, app, line, stored, shown):
    card = split(chat.run(f"@pm: {line}"))[0][0]
    got = item(app)
    assert {k: got[k] for k in stored} == stored
    show = split(chat.run("@pm: /show #1"))[0][0]
    for text in (card, show):
        assert text.split("\n")[1].endswith("：" + got["title"])  # the card's title line
        for fragment in shown:
            assert fragment in text


def test_the_note_is_not_repeated_in_the_history_line(chat, app):
    chat.run("@pm: /todo @bob X approver @carol and legal sign-off by friday")
    show = split(chat.run("@pm: /show #1"))[0][0]
    assert show.count("and legal sign-off") == 1


@pytest.mark.parametrize(("line", "expected"), [
    ("@pm: /todo @bob write docs approver @carol @dave", ["只有一位审批人"]),
    ("@pm: /todo @bob write docs 审批人 @carol 和 @dave", ["只有一位审批人"]),
    ("@pm: /dept 技术部 对接人 @lee\n@pm: /todo @bob write docs approver @技术部", ["技术部 是部门"]),
    ("@pm: /dept 技术部 负责人 @wang @li", ["只有一位负责人"]),
    ("@pm: /dept 技术部 对接人 @lee please", ["没看懂「please」", "对接人", "用法：/部门"]),
    ("@pm: /settings managers @wang please", ["用法：/设置"]),
])
def test_words_that_fit_nowhere_are_refused_not_dropped(chat, app, line, expected):
    setup, _, line = line.rpartition("\n")
    chat.run(setup)
    before = snapshot(app)
    new, edits = split(chat.run(line))
    assert len(new) == 1 and edits == []
    for fragment in expected:
        assert fragment in new[0]
    assert snapshot(app) == before


def test_and_between_people_is_understood(chat, app):
    reply = split(chat.run("@pm: /部门 技术部 对接人 @lee 和 @zhang"))[0][0]
    assert "对接人 @lee @zhang" in reply
    with app.sessions() as s:
        assert sorted(m.user.name for m in s.scalar(select(Department)).members) == ["lee", "zhang"]


@pytest.mark.parametrize(("command", "reply"), [
    ("/ack #1 on it, eta tomorrow", "✔ #1 已收到，@bob 跟进中：on it, eta tomorrow。"),
])
def test_words_after_ack_are_recorded(chat, app, command, reply):
    chat.run("@pm: /todo @bob write docs by friday")
    out = chat.run(f"@bob: {command}")
    assert reply in split(out)[0][0]
    show = split(chat.run("@pm: /show #1"))[0][0]
    assert "确认收到 · on it, eta tomorrow" in show


def test_words_after_confirm_are_recorded(chat, app):
    chat.run("@pm: /todo @bob write docs by friday\n@bob: /done #1")
    out = chat.run("@pm: /confirm #1 thanks, ship it")
    assert "✅ #1 已由 @pm 确认验收，闭环：thanks, ship it。" in split(out)[0][0]
    with app.sessions() as s:
        assert s.scalars(select(ItemEvent.note).where(ItemEvent.action == "confirm")).one() == "thanks, ship it"


def test_a_command_word_on_its_own_line(app):
    """Phones put the command on one line and the rest below: the line break separates like a space."""
    now = datetime(2026, 5, 11, 10, 0, tzinfo=SH)
    event = IncomingEvent(platform="feishu", event_id="e1", chat_id="oc_1", user_id="ou_pm", user_name="pm",
                          kind=EventKind.MESSAGE, received_at=now, text="/待办\n<@ou_lee|李工> 写文档 截止 明天\n标准：评审通过",
                          mentions=(Mention("ou_lee", "李工"),))
    assert app.process(event, now=now)
    got = item(app)
    assert (got["title"], got["standard"], got["owner"]) == ("写文档", "评审通过", "李工")
    with app.sessions() as s:
        assert s.scalar(select(Chat)).chat_id == "oc_1"
