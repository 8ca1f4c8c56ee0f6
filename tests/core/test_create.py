"""Creating items: /todo and /ask with their aliases, flags, departments and deadlines.

The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai); see tests/conftest.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.models import Item, ItemEvent, OutboxMessage, User

SH = ZoneInfo("Asia/Shanghai")
HEADER = re.compile(r"^\[m(\d+) (→|✎) ", re.M)


def posts(out: str) -> list[str]:
    """The new (non-edit) messages in a transcript, each with its body."""
    starts = [m.start() for m in HEADER.finditer(out)]
    chunks = [out[a:b] for a, b in zip(starts, starts[1:] + [len(out)], strict=True)]
    return [c for c in chunks if " → " in c.split("\n", 1)[0]]


def only_item(app) -> SimpleNamespace:
    """The one item there is, as plain values (owner/initiator/approver as names)."""
    with app.sessions() as s:
        items = s.scalars(select(Item)).all()
        assert len(items) == 1, [i.title for i in items]
        item = items[0]
        values = {c.key: getattr(item, c.key) for c in Item.__table__.columns}
        return SimpleNamespace(
            **values,
            owner=item.owner.name if item.owner else None,
            initiator=item.initiator.name,
            approver=item.approver.name if item.approver else None,
            department=item.department.name if item.department else None,
            history=[(h.action, h.actor.name if h.actor else None) for h in item.history],
        )


# --- /todo ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    "/todo", "/待办", "/行动项", "／待办",
    "@genjin todo", "@genjin 待办", "@genjin /todo", "@跟进 行动项",
])
def test_todo_and_its_aliases_create_an_action_item(chat, app, command):
    out = chat.run(f"@pm: {command} @lee write the spec 截止 2026-05-15 标准：QA 验收通过")
    [card] = posts(out)
    assert "#1 行动项：write the spec" in card
    assert "负责人：@lee" in card
    assert "发起人：@pm" in card
    assert "截止：2026-05-15 周五 18:00" in card
    assert "状态：未开始" in card
    assert "完成标准：QA 验收通过" in card
    assert "@lee 请确认并跟进" in card and "/完成 #1" in card
    item = only_item(app)
    assert (item.kind, item.title, item.status) == ("action", "write the spec", "open")
    assert (item.owner, item.initiator) == ("lee", "pm")
    assert item.standard == "QA 验收通过"
    assert item.deadline == datetime(2026, 5, 15, 18, 0, tzinfo=SH)
    assert item.history == [("created", "pm")]


def test_todo_in_english_spelling(chat, app):
    out = chat.run("@pm: /todo @lee Build the campaign page by 2026-05-15 standard: passes QA")
    assert "#1 行动项：Build the campaign page" in out
    item = only_item(app)
    assert item.standard == "passes QA"
    assert item.deadline == datetime(2026, 5, 15, 18, 0, tzinfo=SH)


def test_the_word_by_inside_the_standard_is_not_a_second_deadline(chat, app):
    """BUG: "by" in the completion standard is taken as the deadline marker ("legal")."""
    out = chat.run("@pm: /todo @lee write spec by 2026-05-15 standard: approved by legal")
    assert "截止：2026-05-15 周五 18:00" in out
    item = only_item(app)
    assert (item.title, item.standard) == ("write spec", "approved by legal")


@pytest.mark.parametrize("marker", ["审批 @boss", "审批人 @boss", "approver @boss", "approver: @boss"])
def test_todo_records_the_approver(chat, app, marker):
    chat.run(f"@pm: /todo @lee write the spec {marker} 截止 周五")
    item = only_item(app)
    assert item.title == "write the spec"
    assert item.approver == "boss"


def test_todo_without_deadline_creates_nothing_and_asks_for_one(chat, app):
    out = chat.run("@pm: /todo @lee tidy the wiki")
    [reply] = posts(out)
    assert "行动项需要截止时间，没有创建。" in reply
    assert "/待办 @lee tidy the wiki 截止 周五 标准：……" in reply  # an example built from what was typed
    assert "周五前提交设计稿" in reply
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_plain_chat_without_a_command_gets_no_reply(chat, app):
    out = chat.run("@pm: todo @lee this is just talk\n@lee: ok 收到")
    assert out == ""
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- deadlines ---------------------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "shown", "when"), [
    ("2026-05-15", "2026-05-15 周五 18:00", datetime(2026, 5, 15, 18, 0)),
    ("2026-05-12 14:30", "2026-05-12 周二 14:30", datetime(2026, 5, 12, 14, 30)),
    ("今天", "2026-05-11 周一 18:00", datetime(2026, 5, 11, 18, 0)),
    ("明天", "2026-05-12 周二 18:00", datetime(2026, 5, 12, 18, 0)),
    ("后天", "2026-05-13 周三 18:00", datetime(2026, 5, 13, 18, 0)),
    ("today", "2026-05-11 周一 18:00", datetime(2026, 5, 11, 18, 0)),
    ("tomorrow", "2026-05-12 周二 18:00", datetime(2026, 5, 12, 18, 0)),
    ("05-20", "2026-05-20 周三 18:00", datetime(2026, 5, 20, 18, 0)),
    ("5月20日", "2026-05-20 周三 18:00", datetime(2026, 5, 20, 18, 0)),
])
def test_deadline_phrases_are_shown_with_weekday_and_default_to_1800(chat, app, phrase, shown, when):
    out = chat.run(f"@pm: /todo @lee write the spec 截止 {phrase}")
    assert f"截止：{shown}" in out
    item = only_item(app)
    assert item.title == "write the spec"
    assert item.deadline == when.replace(tzinfo=SH)


def test_deadline_marker_by_and_english_weekday_after_switching_language(chat, app):
    chat.run("@pm: /settings lang en")
    out = chat.run("@pm: /todo @lee write the spec by tomorrow")
    assert "#1 action item: write the spec" in out
    assert re.search(r"Deadline[:：] ?2026-05-12 Tue 18:00", out)


# --- /ask ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "urgency"), [
    ("/ask @lee confirm the schedule", "normal"),
    ("/需求 @lee confirm the schedule", "normal"),
    ("/ask 紧急 @lee confirm the schedule", "urgent"),
    ("/需求 @lee 紧急 confirm the schedule", "urgent"),
    ("/ask @lee confirm the schedule urgent", "urgent"),
    ("/ask @lee confirm the schedule 截止 明天 紧急", "urgent"),
    ("/需求 @lee confirm the schedule 【紧急】", "urgent"),
    ("/需求 特急 @lee confirm the schedule", "emergency"),
    ("/ask @lee emergency confirm the schedule", "emergency"),
    ("/ask @lee confirm the schedule by tomorrow emergency", "emergency"),
])
def test_ask_and_urgency_flags_anywhere(chat, app, line, urgency):
    out = chat.run(f"@pm: {line}")
    [card] = posts(out)
    assert "#1 沟通需求：confirm the schedule" in card
    assert "对接人：@lee" in card
    assert "状态：待沟通" in card
    sla = {"normal": "4 个工作小时", "urgent": "2 个工作小时", "emergency": "30 分钟"}[urgency]
    assert f"@lee 请在 {sla}内回复「/收到 #1」或点 👀。" in card
    label = {"normal": None, "urgent": "紧急", "emergency": "特急"}[urgency]
    if label:
        assert f"优先级：{label}" in card
    else:
        assert "优先级" not in card
    item = only_item(app)
    assert (item.kind, item.title, item.urgency, item.owner) == (
        "request", "confirm the schedule", urgency, "lee")


def test_ask_to_a_department_goes_to_its_liaison(chat, app):
    out = chat.run("""
@pm: /dept 技术部 对接人 @lee 成员 @zhang
@pm: /需求 @技术部 确认618活动页排期 截止 明天
""")
    card = posts(out)[-1]
    assert "#1 沟通需求：确认618活动页排期" in card
    assert "对接部门：技术部" in card
    assert "对接人：@lee" in card
    assert "@lee 请在 4 个工作小时内回复「/收到 #1」" in card
    item = only_item(app)
    assert (item.department, item.owner) == ("技术部", "lee")


def test_ask_to_a_department_without_liaison_goes_to_its_head(chat, app):
    chat.run("@pm: /部门 仓储部 负责人 @wang")
    out = chat.run("@pm: /ask @仓储部 secure the stock")
    assert "对接人：@wang" in out
    assert only_item(app).owner == "wang"


def test_ask_to_a_department_with_nobody_to_answer_is_refused(chat, app):
    chat.run("@pm: /dept 仓储部")
    out = chat.run("@pm: /ask @仓储部 secure the stock")
    [reply] = posts(out)
    assert "仓储部" in reply and "对接人" in reply and "/部门 仓储部 对接人 @" in reply
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
        assert s.scalar(select(func.count()).select_from(ItemEvent)) == 0


@pytest.mark.parametrize("who", ["zhang", "lee", "wang"])
def test_any_department_member_may_ack_a_department_request_and_becomes_owner(chat, app, who):
    out = chat.run(f"""
@pm: /dept 技术部 负责人 @wang 对接人 @lee 成员 @zhang
@pm: /需求 @技术部 排期
@{who}: /收到 #1
""")
    assert f"✔ #1 已收到，@{who} 跟进中。" in out
    item = only_item(app)
    assert item.owner == who
    assert item.status == "in_progress"
    assert item.acknowledged_at is not None
    # the hand-over from the liaison is a change record of its own (DOMAIN.md: every re-assignment)
    expected = [("created", "pm"), ("ack", who)] if who == "lee" else [("created", "pm"), ("reassign", who), ("ack", who)]
    assert item.history == expected
    # the new owner is the one who reports on it from now on
    out = chat.run(f"@{who}: /done #1 排期已确认")
    assert "🎉 #1" in out
    with app.sessions() as s:
        assert s.scalar(select(Item.status)) == "done"


def test_department_member_ack_by_reaction(chat, app):
    chat.run("""
@pm: /dept 技术部 对接人 @lee 成员 @zhang
@pm: /需求 @技术部 排期
""")
    with app.sessions() as s:
        card_id = s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == "card:1"))
    out = chat.run(f"@zhang react 👀 m{card_id}")
    assert "✔ #1 已收到，@zhang 跟进中。" in out
    assert only_item(app).owner == "zhang"


def test_real_platform_mention_introduces_a_person_whose_bare_name_then_resolves(app):
    """On Feishu/Slack a picked mention arrives as a token; later a typed `@name` finds that person."""
    from bot.events import EventKind, IncomingEvent, Mention
    now = datetime(2026, 5, 11, 10, 0, tzinfo=SH)

    def say(event_id, text, mentions=()):
        return IncomingEvent(platform="feishu", event_id=event_id, chat_id="oc_1", user_id="ou_pm",
                             user_name="pm", kind=EventKind.MESSAGE, received_at=now, text=text,
                             mentions=mentions)

    assert app.process(say("e1", "/待办 <@ou_2|李工> 写文档 截止 明天", (Mention("ou_2", "李工"),)), now=now)
    assert app.process(say("e2", "/待办 @李工 写测试 截止 明天"), now=now)
    with app.sessions() as s:
        owners = s.execute(select(Item.title, User.user_id).join(User, User.id == Item.owner_id)
                           .order_by(Item.id)).all()
        assert [tuple(r) for r in owners] == [("写文档", "ou_2"), ("写测试", "ou_2")]
