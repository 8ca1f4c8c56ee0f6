"""Read and set-up commands: /list, /show, /help, /dept, /settings.

The clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storage.models import Chat, Department

HEADER = re.compile(r"^\[m(\d+) (→|✎) ", re.M)

ITEMS = """
@pm: /todo @lee campaign page 截止 2026-05-15
@pm: /需求 @zhang secure stock 截止 2026-05-12
@bob: /需求 @zhang write copy
@pm: /todo @lee old task 截止 2026-05-14
@lee: /done #4
@pm: /confirm #4
"""


def split(out: str) -> tuple[list[str], list[str]]:
    starts = [m.start() for m in HEADER.finditer(out)]
    chunks = [out[a:b] for a, b in zip(starts, starts[1:] + [len(out)], strict=True)]
    return ([c for c in chunks if " → " in c.split("\n", 1)[0]],
            [c for c in chunks if " ✎ " in c.split("\n", 1)[0]])


def one_reply(out: str) -> str:
    new, edits = split(out)
    assert len(new) == 1 and edits == [], out
    return new[0]


def listed(reply: str) -> list[int]:
    """The item numbers a list reply shows, in order."""
    return [int(n) for n in re.findall(r"^#(\d+) ", reply, re.M)]


# --- /list ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "line", "title", "ids"), [
    ("pm", "/list", "本群事项（3）", [2, 1, 3]),
    ("pm", "/列表", "本群事项（3）", [2, 1, 3]),
    ("pm", "/list all", "本群全部事项（4）", [2, 4, 1, 3]),
    ("pm", "/列表 全部", "本群全部事项（4）", [2, 4, 1, 3]),
    ("lee", "/list mine", "我的事项（1）", [1]),
    ("pm", "/list mine", "我的事项（2）", [2, 1]),
    ("zhang", "/列表 我的", "我的事项（2）", [2, 3]),
    ("bob", "/ls mine", "我的事项（1）", [3]),
    ("pm", "/list @zhang", "@zhang 的事项（2）", [2, 3]),
    ("bob", "/列表 @lee", "@lee 的事项（1）", [1]),
])
def test_list_modes(chat, app, who, line, title, ids):
    chat.run(ITEMS)
    reply = one_reply(chat.run(f"@{who}: {line}"))
    assert title in reply
    assert listed(reply) == ids  # soonest deadline first, undated last


def test_list_lines_show_owner_deadline_and_status(chat, app):
    chat.run(ITEMS)
    reply = one_reply(chat.run("@pm: /list all"))
    assert "#2 secure stock · @zhang · 2026-05-12 周二 18:00 · 待沟通" in reply
    assert "#1 campaign page · @lee · 2026-05-15 周五 18:00 · 未开始" in reply
    assert "#3 write copy · @zhang · — · 待沟通" in reply
    assert "#4 old task · @lee · 2026-05-14 周四 18:00 · 已确认" in reply


@pytest.mark.parametrize("word", ["overdue", "逾期"])
def test_list_overdue(chat, app, word):
    chat.run(ITEMS)
    chat.run(":now 2026-05-13 10:00")
    reply = one_reply(chat.run(f"@pm: /list {word}"))
    assert "逾期事项（1）" in reply
    assert listed(reply) == [2]
    assert "2026-05-12 周二 18:00（已逾期）" in reply


def test_list_of_a_department(chat, app):
    chat.run("""
@pm: /dept 技术部 对接人 @lee 成员 @zhang
@pm: /需求 @技术部 schedule the page
@pm: /todo @lee unrelated by friday
""")
    reply = one_reply(chat.run("@pm: /list @技术部"))
    assert "技术部 的事项（1）" in reply
    assert listed(reply) == [1]


def test_list_when_the_chat_has_nothing(chat, app):
    reply = one_reply(chat.run("@pm: /list"))
    assert "本群没有进行中的事项。" in reply


def test_list_only_shows_this_chats_items(chat, app):
    chat.run(ITEMS)
    reply = one_reply(chat.run(":chat other\n@pm: /list all"))
    assert listed(reply) == []
    assert "没有" in reply


@pytest.mark.parametrize(("who", "word"), [("pm", "overdue"), ("bob", "逾期"), ("wang", "mine")])
def test_empty_filtered_list_does_not_claim_the_chat_has_no_open_items(chat, app, who, word):
    """BUG: "/list overdue" (or mine) with nothing matching says "本群没有进行中的事项" — while there are."""
    chat.run(ITEMS)
    reply = one_reply(chat.run(f"@{who}: /list {word}"))
    assert listed(reply) == []
    assert "本群没有进行中的事项" not in reply


# --- /show ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["/show", "/详情"])
def test_show_gives_the_whole_history(chat, app, command):
    chat.run("""
@pm: /todo @lee campaign page 截止 2026-05-15 标准：QA 通过
@lee: /ack #1
:now 2026-05-11 11:30
@lee: /progress #1 50% 联调中
@lee: /block #1 测试环境不足 预计 2026-05-13
:now 2026-05-12 09:00
@pm: /extend #1 2026-05-18 等测试环境
@lee: /done #1 已上线
@pm: /reject #1 移动端错位
@lee: /done #1 已修复
:now 2026-05-12 15:00
@pm: /confirm #1
""")
    reply = one_reply(chat.run(f"@bob: {command} #1"))
    assert "#1 行动项：campaign page" in reply
    assert "状态：已确认" in reply
    assert "完成标准：QA 通过" in reply
    assert "截止：2026-05-18 周一 18:00" in reply
    assert "返工：1" in reply
    history = reply[reply.index("记录："):].splitlines()[1:]
    assert history == [
        "· 2026-05-11 10:00 · @pm · 创建 · 2026-05-15 周五 18:00",
        "· 2026-05-11 10:00 · @lee · 确认收到",
        "· 2026-05-11 11:30 · @lee · 进度 · 50% 联调中",
        "· 2026-05-11 11:30 · @lee · 受阻 · 测试环境不足",
        "· 2026-05-12 09:00 · @pm · 调整截止 · 2026-05-15 周五 18:00 → 2026-05-18 周一 18:00: 等测试环境",
        "· 2026-05-12 09:00 · @lee · 报告完成 · 已上线",
        "· 2026-05-12 09:00 · @pm · 驳回 · 移动端错位",
        "· 2026-05-12 09:00 · @lee · 报告完成 · 已修复",
        "· 2026-05-12 15:00 · @pm · 确认验收",
    ]


# --- /help ---------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["@pm: /help", "@pm: /帮助", "@pm: @genjin", "@pm: @genjin help"])
def test_help_lists_every_command_with_its_chinese_name(chat, app, line):
    reply = one_reply(chat.run(line))
    for zh, en in [("待办", "todo"), ("需求", "ask"), ("收到", "ack"), ("进度", "progress"),
                   ("受阻", "block"), ("完成", "done"), ("确认", "confirm"), ("驳回", "reject"),
                   ("延期", "extend"), ("关闭", "cancel"), ("风险", "risk"), ("列表", "list"),
                   ("详情", "show"), ("部门", "dept"), ("设置", "settings"), ("帮助", "help")]:
        assert f"/{zh} ({en}) — " in reply
    assert "/帮助 命令" in reply


@pytest.mark.parametrize(("line", "usage"), [
    ("/help todo", "用法：/待办 @负责人 任务"),
    ("/帮助 待办", "用法：/待办 @负责人 任务"),
    ("/help /todo", "用法：/待办 @负责人 任务"),
    ("/help 驳回", "用法：/驳回 #编号 原因"),
    ("/帮助 ask", "用法：/需求 @人或部门 内容"),
])
def test_help_for_one_command_gives_usage_and_example(chat, app, line, usage):
    reply = one_reply(chat.run(f"@pm: {line}"))
    assert usage in reply
    assert "\n例：/" in reply


def test_help_in_english(chat, app):
    chat.run("@pm: /settings lang en")
    reply = one_reply(chat.run("@pm: /help todo"))
    assert "Usage: /todo @owner TASK" in reply
    assert "e.g. /todo @lee" in reply
    reply = one_reply(chat.run("@pm: /help"))
    assert "/todo — register an action item" in reply


# --- /dept ---------------------------------------------------------------------------------

def test_dept_registers_head_liaisons_and_members(chat, app):
    reply = one_reply(chat.run("@pm: /部门 技术部 负责人 @wang 对接人 @lee @li 成员 @zhang"))
    assert "已更新部门 技术部：负责人 @wang；对接人 @lee @li；成员 @zhang" in reply
    # naming liaisons again replaces them (now the head's call)
    reply = one_reply(chat.run("@wang: /dept 技术部 liaison @zhao"))
    assert "技术部：负责人 @wang；对接人 @zhao；成员 @zhang" in reply
    with app.sessions() as s:
        dept = s.scalar(select(Department))
        assert dept.head.name == "wang"
        assert sorted((m.user.name, m.role) for m in dept.members) == [("zhang", "member"), ("zhao", "liaison")]
    chat.run("@pm: /dept 市场部 对接人 @amy")
    reply = one_reply(chat.run("@pm: /部门"))
    assert "部门（2）" in reply
    assert "技术部：负责人 @wang；对接人 @zhao；成员 @zhang" in reply
    assert "市场部：负责人 —；对接人 @amy；成员 —" in reply


def test_dept_list_when_none(chat, app):
    reply = one_reply(chat.run("@pm: /dept"))
    assert "还没有登记部门" in reply and "/部门 技术部" in reply


# --- /settings -------------------------------------------------------------------------------

def test_settings_lang_en_switches_later_replies_for_this_chat_only(chat, app):
    reply = one_reply(chat.run("@pm: /settings"))
    assert "语言 zh" in reply and "Asia/Shanghai" in reply
    reply = one_reply(chat.run("@pm: /settings lang en"))
    assert "Saved." in reply and "language en" in reply
    with app.sessions() as s:
        assert s.scalar(select(Chat).where(Chat.chat_id == "demo")).settings["lang"] == "en"
    out = chat.run("@pm: /todo @lee write spec by tomorrow\n@bob: /done #1")
    assert "#1 action item: write spec" in out
    assert "Only the owner, @lee, can report done #1." in out
    assert "负责人" not in out
    # another chat keeps the default
    assert "#1 行动项：other" in chat.run(":chat other\n@pm: /todo @lee other by friday")
    # and back
    chat.run(":chat demo")
    reply = one_reply(chat.run("@pm: /设置 语言 中文"))
    assert "已保存" in reply and "语言 zh" in reply


# --- /list filters -----------------------------------------------------------------------------

FILTERED = """
@pm: /dept 技术部 对接人 @lee 成员 @zhang
@pm: /需求 @技术部 schedule the page 截止 2026-05-13
@pm: /todo @zhang build the page by 2026-05-15
@pm: /todo @bob write copy by 2026-05-22
@pm: /todo @lee check stock by 2026-05-14
@zhang: /受阻 #2 staging is down
@lee: /done #4
"""


@pytest.mark.parametrize(("line", "title", "ids"), [
    ("/list blocked", "受阻事项（1）", [2]),
    ("/列表 受阻", "受阻事项（1）", [2]),
    ("/list awaiting", "待确认事项（1）", [4]),
    ("/列表 待验收", "待确认事项（1）", [4]),
    ("/list this week", "本周到期事项（3）", [1, 4, 2]),
    ("/列表 本周", "本周到期事项（3）", [1, 4, 2]),
    ("/列表 技术部", "技术部 的事项（1）", [1]),
    ("/list @技术部", "技术部 的事项（1）", [1]),
    ("/list @zhang blocked", "本群事项 · 受阻 · @zhang（1）", [2]),
    ("/列表 本周 受阻", "本群事项 · 本周到期 · 受阻（1）", [2]),
])
def test_list_filters(chat, app, line, title, ids):
    chat.run(FILTERED)
    reply = one_reply(chat.run(f"@pm: {line}"))
    assert title in reply
    assert listed(reply) == ids


def test_list_filter_that_matches_nothing(chat, app):
    chat.run(FILTERED)
    assert "没有符合条件的事项。" in one_reply(chat.run("@pm: /list @bob blocked"))


def test_an_unknown_list_filter_says_which_word(chat, app):
    reply = one_reply(chat.run("@pm: /list whatever"))
    assert "看不懂筛选条件「whatever」。" in reply and "用法：/列表" in reply


# --- typos ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "suggestion"), [
    ("/todoo @lee x", "你是想用「/todo」吗？"),
    ("/lsit", "你是想用「/list」吗？"),
    ("/待辨 @lee x", "你是想用「/待办」吗？"),
    ("/确人 #1", "你是想用「/确认」吗？"),
    ("@genjin hepl", "你是想用「/help」吗？"),
])
def test_a_mistyped_command_suggests_the_closest(chat, app, line, suggestion):
    reply = one_reply(chat.run(f"@pm: {line}"))
    assert "这个命令。" in reply and suggestion in reply and "发送「/帮助」看全部命令。" in reply


def test_a_word_near_no_command_gets_the_plain_hint(chat, app):
    reply = one_reply(chat.run("@pm: /xyzzyq"))
    assert "你是想用" not in reply and "发送「/帮助」看全部命令。" in reply


def test_an_english_suggestion_reads_as_two_sentences(chat, app):
    chat.run("@pm: /settings lang en")
    reply = one_reply(chat.run("@pm: /lsit"))
    assert "Did you mean /list? Send /help for the list." in reply
