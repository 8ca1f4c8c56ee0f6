"""The issue and conflict log: /issue, /resolve, /issues, and #N shared with items.

The clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai) unless a test says otherwise.
Minor issues are due in 1 working day, medium in 3, major in 5 (same clock time).
"""

from __future__ import annotations

import pytest
from issue_support import TEAM, driver, issues, messages, reminder_keys, with_text


@pytest.mark.parametrize("line, severity, due, owners", [
    ("/issue minor page schedule clash @Tech @Mkt", "minor", "2026-05-12 周二 10:00（1 个工作日）", "@li @qian"),
    ("/问题 一般 排期冲突 @Tech 和 @Mkt", "minor", "2026-05-12 周二 10:00（1 个工作日）", "@li @qian"),
    ("/问题 中度 排期冲突 @Tech @Mkt", "medium", "2026-05-14 周四 10:00（3 个工作日）", "@wang @zhao"),
    ("/冲突 重大 供应商断供 @Tech", "major", "2026-05-18 周一 10:00（5 个工作日）", "@boss"),
])
def test_an_issue_is_logged_with_its_owners_and_due_time(chat, app, line, severity, due, owners):
    chat.run(TEAM)
    out = chat.run(f"@pm: {line}")
    assert f"解决期限：{due}，到期未解决将升级。" in out
    assert f"负责处理：{owners}" in out
    [issue] = issues(app)
    assert (issue.number, issue.kind, issue.severity, issue.status) == (1, "issue", severity, "open")
    assert issue.description in ("page schedule clash", "排期冲突", "供应商断供")


def test_english_replies_in_an_english_chat(chat, app):
    chat.run(TEAM + "@pm: /settings lang en")
    out = chat.run("@pm: /issue major the vendor stopped deliveries @Tech")
    assert "📋 Issue #1 logged (major): the vendor stopped deliveries" in out
    assert "Handled by: @boss" in out and "Resolve by 2026-05-18" in out


def test_issues_and_items_share_the_chats_numbers_and_show_finds_both(chat, app):
    chat.run(TEAM)
    out = chat.run("""
@pm: /todo @bob build the page by 2026-05-15 standard: ok
@pm: /issue minor schedule clash @Tech
@pm: /todo @bob test the page by 2026-05-15 standard: ok
@pm: /show #2
@pm: /详情 #3
""")
    assert "📋 问题 #2 已登记（一般）：schedule clash" in out
    assert "#3 行动项：test the page" in out
    assert "#2 问题（一般）：schedule clash" in out and "负责处理：@li" in out


def test_an_unknown_project_name_is_refused_and_nothing_is_logged(chat, app):
    chat.run(TEAM)
    out = chat.run("@pm: /issue medium schedule clash @Tech 项目 618大促")
    assert "本群没有项目「618大促」。用「/项目 新建 618大促」创建。" in out
    assert issues(app) == []


@pytest.mark.parametrize("line, says", [
    ("/issue", "请先写严重程度"),
    ("/issue 紧急 排期冲突", "请先写严重程度"),
    ("/issue minor", "请写上问题是什么"),
    ("/issue minor @Tech", "请写上问题是什么"),
    ("/issue minor clash @bob", "@bob 是个人，这里请 @ 部门"),
    ("/issue minor clash @Tech @nobody", "@nobody 是个人"),
])
def test_bad_input_gets_usage_and_changes_nothing(chat, app, line, says):
    chat.run(TEAM)
    out = chat.run(f"@pm: {line}")
    assert says in out
    assert issues(app) == []


def test_usage_is_shown_with_an_example(chat):
    out = chat.run("@pm: /issue minor")
    assert "用法：/问题 一般|中度|重大 问题描述" in out and "例：/问题 中度" in out


def test_resolve_records_result_and_lesson_and_the_list_drops_it(chat, app):
    chat.run(TEAM + "@pm: /issue minor clash @Tech\n@pm: /issue major vendor")
    out = chat.run("@pm: /issues")
    assert "未解决的问题和紧急事务（2）" in out and "#1 [一般] clash · @li" in out and "#2 [重大] vendor · @boss" in out
    chat.run(":advance 2h")
    out = chat.run("@li: /解决 #1 agreed on 05-16 教训 align QA first")
    assert "✅ #1「clash」已解决（用时 2 个工作小时）：agreed on 05-16" in out
    assert "经验教训：align QA first" in out
    first = issues(app)[0]
    assert (first.status, first.result, first.lesson) == ("resolved", "agreed on 05-16", "align QA first")
    out = chat.run("@pm: /问题列表")
    assert "#1" not in out and "#2 [重大] vendor" in out
    out = chat.run("@boss: /resolve #2 new vendor signed")
    out = chat.run("@pm: /issues")
    assert "本群没有未解决的问题或紧急事务。" in out


@pytest.mark.parametrize("line, says", [
    ("@li: /resolve", "请写明编号"),
    ("@li: /resolve #9 done", "没有编号 #9"),
    ("@li: /resolve #1", "请写上处理结果"),
    ("@stranger: /resolve #1 done", "只有登记人、相关部门的对接人和负责人"),
    ("@li: /issues all", "用法：/问题列表"),
])
def test_resolve_refusals_change_nothing(chat, app, line, says):
    chat.run(TEAM + "@pm: /issue minor clash @Tech")
    out = chat.run(line)
    assert says in out
    assert issues(app)[0].status == "open"


def test_an_issue_is_resolved_once(chat, app):
    chat.run(TEAM + "@pm: /issue minor clash @Tech\n@li: /resolve #1 agreed")
    out = chat.run("@wang: /resolve #1 agreed again")
    assert "#1 已于 2026-05-11 10:00 解决，无需再处理。" in out
    assert issues(app)[0].result == "agreed"


def test_an_issue_naming_nobody_may_be_resolved_by_anyone(chat, app):
    out = chat.run("@pm: /issue minor the shared drive is full")
    assert "还没有可负责的人：请用「/部门 名称 对接人 @人」或「/设置 上级 @人」指定。" in out
    chat.run("@anyone: /resolve #1 cleaned up")
    assert issues(app)[0].status == "resolved"


def test_a_minor_issue_due_and_unresolved_goes_to_the_heads_once(app):
    chat = driver(app, "2026-05-11 10:00")
    chat.run(TEAM + "@pm: /issue minor clash @Tech @Mkt")
    out = chat.run(":advance 5d")
    assert with_text(out, "已过解决期限") == [("#demo", "2026-05-12 10:00"), ("@wang", "2026-05-12 10:00"),
                                           ("@zhao", "2026-05-12 10:00")]
    assert "🚨 问题 #1「clash」（一般）已过解决期限 2026-05-12 周二 10:00，仍未解决，已上报 @wang @zhao。" in out
    assert "负责处理 @li @qian，登记人 @pm。" in out
    assert issues(app)[0].escalations == 1
    assert reminder_keys(app) == [f"issue_escalate:{issues(app)[0].id}"]


def test_medium_goes_to_the_managers_and_major_reminds_management_itself(app):
    chat = driver(app, "2026-05-11 10:00")
    chat.run(TEAM + "@pm: /issue medium clash @Tech\n@pm: /issue major vendor @Tech")
    out = chat.run(":advance 8d")
    assert with_text(out, "#1「clash」（中度）已过解决期限") == [("#demo", "2026-05-14 10:00"), ("@boss", "2026-05-14 10:00")]
    assert with_text(out, "#2「vendor」（重大）已过解决期限") == [("#demo", "2026-05-18 10:00")]
    assert "仍未解决：@boss 请尽快处理。" in out


def test_an_issue_resolved_in_time_is_not_escalated(app):
    chat = driver(app, "2026-05-11 10:00")
    out = chat.run(TEAM + "@pm: /issue minor clash @Tech\n:advance 3h\n@li: /resolve #1 agreed\n:advance 3d")
    assert "已过解决期限" not in out
    assert reminder_keys(app) == []


def test_nobody_to_tell_says_how_to_name_someone(app):
    chat = driver(app, "2026-05-11 10:00")
    out = chat.run("@pm: /issue major vendor\n:advance 8d")
    assert "还没有可负责的人" in out
    assert with_text(out, "已过解决期限") == [("#demo", "2026-05-18 10:00")]
    assert "还没有可以通知的人：请用「/部门 名称 负责人 @人」或「/设置 上级 @人」指定。" in out


def test_the_monthly_summary_counts_by_severity_and_department_once(app):
    chat = driver(app, "2026-05-11 10:00")
    chat.run(TEAM + """
@pm: /issue minor clash one @Tech @Mkt
@pm: /issue minor clash two @Tech
@pm: /issue medium clash three @Tech
@pm: /issue major vendor @Mkt
:advance 2h
@li: /resolve #1 agreed
@pm: /emergency checkout is down @bob
:advance 10m
@bob: /ack #5
""")
    out = chat.run(":now 2026-06-10 12:00")
    summary = [(where, when, body) for where, when, body in messages(out) if "问题台账月报" in body]
    assert [(where, when) for where, when, _ in summary] == [("#demo", "2026-06-01 10:00")]
    body = summary[0][2]
    assert "📊 2026-05 问题台账月报" in body
    assert "共登记 4 个问题：一般 2，中度 1，重大 1；已解决 1，按期解决 1。" in body
    assert "按部门：Tech 3、Mkt 2" in body
    assert "冲突最多来自：Tech（3 个）" in body
    assert "紧急事务 1 个，30 分钟内响应 1 个。" in body
    assert "仍未解决：4 个" in body


def test_the_due_index_holds_each_issues_next_moment_and_the_chats_summary(app):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from storage.models import Chat

    sh = ZoneInfo("Asia/Shanghai")
    chat = driver(app, "2026-05-11 10:00")
    chat.run(TEAM + "@pm: /issue medium clash @Tech\n:advance 1m")
    [issue] = issues(app)
    assert issue.next_due_at == datetime(2026, 5, 14, 10, 0, tzinfo=sh)  # due: the sweep looks then, not before
    with app.sessions() as s:
        assert s.scalar(select(Chat.next_issue_summary_at)) == datetime(2026, 6, 1, 10, 0, tzinfo=sh)
    assert app.next_due(after=datetime(2026, 5, 11, 10, 1, tzinfo=sh)) <= issue.next_due_at
    chat.run("@wang: /resolve #1 agreed")
    assert issues(app)[0].next_due_at is None  # resolved: nothing left to remind


@pytest.mark.parametrize("line", ["/done #1", "/完成 #1", "/extend #1 friday late", "/进度 #1 50%"])
def test_item_commands_on_an_issue_number_say_what_to_use(chat, app, line):
    chat.run(TEAM + "@pm: /issue minor clash @Tech")
    out = chat.run(f"@li: {line}")
    assert "#1 是问题/紧急事务记录，不是事项：用「/解决 #1 结果」" in out
    assert issues(app)[0].status == "open"


def test_an_item_command_on_a_missing_number_still_says_no_item(chat):
    out = chat.run("@pm: /done #5")
    assert "#5" in out and "问题/紧急事务" not in out


def test_help_lists_the_new_commands_and_their_usage(chat):
    out = chat.run("@pm: /help")
    for line in ("/问题 (issue) — 登记问题/冲突", "/解决 (resolve)", "/问题列表 (issues)", "/紧急 (emergency)",
                 "/方案 (plan)", "/复盘 (retro)"):
        assert line in out
    out = chat.run("@pm: /help 紧急")
    assert "用法：/紧急 事件描述 [@相关人 …] [影响 影响范围]" in out
    out = chat.run("@pm: /settings lang en\n@pm: /help retro")
    assert "Usage: /retro [PROJECT] [since DATE]" in out


def test_ack_on_an_issue_points_to_resolve(chat, app):
    chat.run(TEAM + "@pm: /issue minor clash @Tech")
    out = chat.run("@li: /ack #1")
    assert "#1 是问题记录，不是紧急事务：处理方案请写在「/解决 #1 结果」里。" in out
    assert issues(app)[0].responded_at is None
