"""Bad input: every malformed command gets one helpful reply and changes nothing.

"Nothing" means: no item or history row added or changed, no department or chat
setting touched, and the item's card not re-rendered. The clock is Monday 2026-05-11 10:00.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from transcript import split

from bot.events import EventKind, IncomingEvent
from storage.models import Chat, Department, DepartmentMember, Item, ItemEvent, OutboxMessage, User

SH = ZoneInfo("Asia/Shanghai")
CREATE = "@pm: /todo @lee build the page 截止 2026-05-15"
SETUP = {
    "none": "",
    "open": CREATE,
    "acked": CREATE + "\n@lee: /ack #1",
    "done": CREATE + "\n@lee: /done #1",
    "confirmed": CREATE + "\n@lee: /done #1\n@pm: /confirm #1",
    "cancelled": CREATE + "\n@pm: /cancel #1",
}
# The first word of each command's Chinese usage line, as the reply must show it.
USAGE_WORD = {"todo": "/待办", "ask": "/需求", "ack": "/收到", "progress": "/进度", "block": "/受阻",
              "done": "/完成", "confirm": "/确认", "reject": "/驳回", "extend": "/延期", "cancel": "/关闭",
              "risk": "/风险", "show": "/详情", "list": "/列表", "dept": "/部门", "settings": "/设置"}


def usage(command: str) -> list[str]:
    """What a reply carrying the usage and an example of `command` contains."""
    return [f"用法：{USAGE_WORD[command]}", "\n例：" + USAGE_WORD[command]]


def snapshot(app) -> tuple:
    def rows(s, model):
        return [tuple(getattr(r, c.key) for c in model.__table__.columns)
                for r in s.scalars(select(model).order_by(model.id))]
    with app.sessions() as s:
        return (rows(s, Item), rows(s, ItemEvent), rows(s, Department), rows(s, DepartmentMember),
                {c.chat_id: c.settings for c in s.scalars(select(Chat)) if c.settings})


CASES = [
    # missing owner / target / title
    ("none", "@pm: /todo write the spec by tomorrow", ["请用 @ 指定负责人", *usage("todo")]),
    ("none", "@pm: /待办", ["请用 @ 指定负责人", *usage("todo")]),
    ("none", "@pm: /todo @lee", ["请写上要做的事", *usage("todo")]),
    ("none", "@pm: /ask confirm the schedule", ["请用 @ 指定对接人或部门", *usage("ask")]),
    ("none", "@pm: /需求 @lee 紧急", ["请写上要做的事", *usage("ask")]),
    # missing #N, for every command that acts on an item
    *[("open", f"@lee: /{cmd}", ["请写明事项编号", *usage(cmd)])
      for cmd in ("ack", "progress", "block", "done", "confirm", "reject", "extend", "cancel", "risk", "show")],
    ("open", "@lee: /完成 已上线", ["请写明事项编号", *usage("done")]),
    ("open", "@lee: /progress 60%", ["请写明事项编号", *usage("progress")]),
    # unknown #N
    ("open", "@lee: /done #99", ["找不到 #99", "/列表"]),
    ("open", "@pm: /详情 #42", ["找不到 #42"]),
    # percent
    ("open", "@lee: /progress #1 half", ["百分比", *usage("progress")]),
    ("open", "@lee: /进度 #1", ["百分比", *usage("progress")]),
    ("open", "@lee: /progress #1 150%", ["0-100%", *usage("progress")]),
    ("open", "@lee: /progress #1 -5%", ["0-100%", *usage("progress")]),
    # missing reasons
    ("done", "@pm: /reject #1", ["请写上原因", *usage("reject")]),
    ("done", "@pm: /驳回 #1", ["请写上原因", *usage("reject")]),
    ("open", "@pm: /extend #1 2026-05-20", ["请写上原因", *usage("extend")]),
    ("open", "@pm: /延期 #1", ["请写新的截止时间", *usage("extend")]),
    ("open", "@lee: /block #1", ["请写上原因", *usage("block")]),
    ("open", "@lee: /受阻 #1 预计 明天", ["请写上原因", *usage("block")]),
    # risk word
    ("open", "@lee: /risk #1 meh", ["高", "正常", *usage("risk")]),
    # unparseable deadlines
    ("none", "@pm: /todo @lee write the spec by someday", ["看不懂截止时间「someday」", "明天"]),
    ("none", "@pm: /需求 @lee 排期 截止 下下下辈子", ["看不懂截止时间「下下下辈子」"]),
    ("open", "@pm: /extend #1 someday vendor late", ["看不懂截止时间「someday」", *usage("extend")]),
    ("open", "@lee: /block #1 no env 预计 someday", ["看不懂截止时间「someday」"]),
    # deadlines in the past: say so, don't claim the phrase can't be read
    ("none", "@pm: /todo @lee write the spec by 2026-05-01", ["2026-05-01", "已经过去"]),
    ("none", "@pm: /todo @lee write the spec 截止 2026-05-11 09:00", ["已经过去"]),
    ("open", "@pm: /延期 #1 2026-05-10 vendor late", ["2026-05-10", "已经过去"]),
    ("open", "@lee: /受阻 #1 no env 预计 2026-05-10", ["已经过去"]),
    # unknown commands
    ("none", "@pm: /foo", ["没有「foo」这个命令", "/帮助"]),
    ("none", "@pm: @genjin foo bar", ["没有「foo」这个命令", "/帮助"]),
    ("none", "@pm: /help foo", ["没有「foo」这个命令", "/帮助"]),
    # closed items
    ("confirmed", "@lee: /done #1", ["#1", "已确认", "不能再报告完成"]),
    ("confirmed", "@pm: /reject #1 not good", ["#1", "已确认", "不能再驳回"]),
    ("confirmed", "@pm: /cancel #1", ["#1", "已确认", "不能再关闭"]),
    ("cancelled", "@lee: /progress #1 50%", ["#1", "已关闭", "不能再更新进度"]),
    ("cancelled", "@pm: /extend #1 2026-05-20 reopen", ["#1", "已关闭", "不能再调整截止时间"]),
    # wrong moment
    ("open", "@pm: /confirm #1", ["#1 还没有报告完成（当前：未开始）", "@lee", "/完成 #1"]),
    ("acked", "@pm: /reject #1 sloppy", ["#1 还没有报告完成（当前：进行中）"]),
    ("acked", "@lee: /ack #1", ["#1 已经在跟进中了"]),
    ("open", "@pm: /extend #1 2026-05-15 same day", ["#1 的截止时间已经是 2026-05-15 周五 18:00"]),
    # list / settings / dept
    ("open", "@pm: /list whatever", usage("list")),
    ("none", "@pm: /settings lang xx", ["zh", "en"]),
    ("none", "@pm: /settings tz Mars/Base", ["Mars/Base", "Asia/Shanghai"]),
    ("none", "@pm: /settings colour blue", usage("settings")),
    ("none", "@pm: /dept 技 术 部", usage("dept")),
    ("none", "@pm: /dept 技术部 对接人 @a @b @c", ["最多 2 名对接人"]),
    ("none", "@pm: /dept 技术部 对接人 @lee\n@pm: /dept 市场部 对接人 @技术部", ["技术部 是部门"]),
]


@pytest.mark.parametrize(("state", "line", "expected"), CASES, ids=[f"{s}|{line}" for s, line, _ in CASES])
def test_bad_input_gets_a_helpful_reply_and_changes_nothing(chat, app, state, line, expected):
    setup, _, line = (SETUP[state] + "\n" + line).strip().rpartition("\n")
    chat.run(setup)
    before = snapshot(app)
    out = chat.run(line)
    new, edits = split(out)
    assert len(new) == 1, out
    assert edits == []
    for fragment in expected:
        assert fragment in new[0]
    assert "Traceback" not in out
    assert "已已" not in out  # "#1 已已确认" was once the closed-item reply
    assert snapshot(app) == before


@pytest.mark.parametrize(("state", "line"), [
    ("done", "@lee: /done #1 again"),
    ("done", "@lee: /progress #1 90%"),
    ("done", "@lee: /block #1 waiting"),
])
def test_reporting_on_an_item_already_reported_done_is_not_told_it_is_not_done(chat, app, state, line):
    """BUG: the refusal reads "#1 还没有报告完成（当前：已完成，待确认）" — it contradicts itself."""
    chat.run(SETUP[state])
    before = snapshot(app)
    out = chat.run(line)
    new, edits = split(out)
    assert len(new) == 1 and edits == []
    assert "待确认" in new[0]  # it is waiting for the initiator's confirmation
    assert "还没有报告完成" not in new[0]
    assert snapshot(app) == before


def test_dept_without_people_names_the_role_in_the_chats_language(chat, app):
    """BUG: "「liaison」后面请 @ 具体的人。" — the internal role key leaks into a Chinese reply."""
    out = chat.run("@pm: /部门 技术部 对接人")
    new, _ = split(out)
    assert len(new) == 1
    assert "对接人" in new[0] and "/部门" in new[0]
    assert "liaison" not in new[0]
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 0


def test_acting_from_another_chat_is_refused(chat, app):
    chat.run(CREATE)
    before = snapshot(app)
    out = chat.run(":chat other\n@lee: /done #1")
    new, _ = split(out)
    assert len(new) == 1 and "本群没有 #1。#1「build the page」属于另一个群（#demo）" in new[0]
    assert "#other" in new[0].split("\n", 1)[0]  # answered where it was asked
    assert snapshot(app) == before


def test_unknown_person_on_a_real_platform_mention(app):
    """On Feishu a picked mention arrives as a token; a bare `@name` that nobody has is unknown."""
    now = datetime(2026, 5, 11, 10, 0, tzinfo=SH)
    event = IncomingEvent(platform="feishu", event_id="ev-unknown", chat_id="oc_1", user_id="ou_pm",
                          user_name="pm", kind=EventKind.MESSAGE, received_at=now,
                          text="/待办 @王五 写文档 截止 明天")
    assert app.process(event, now=now) is True
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
        assert s.scalar(select(func.count()).select_from(ItemEvent)) == 0
        assert s.scalar(select(func.count()).select_from(User).where(User.name == "王五")) == 0
        [reply] = s.scalars(select(OutboxMessage)).all()
        assert "不认识 @王五" in reply.payload["text"]
        assert reply.payload["chat_id"] == "oc_1"
