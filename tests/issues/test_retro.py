"""Retrospectives: /retro's figures on a hand-checked week, and /retro add.

Working hours are 09:00-18:00 (no lunch break), Asia/Shanghai; 2026-05-11 is a Monday and
the week is an ordinary one (the May Day make-up Saturday was 05-09).
"""

from __future__ import annotations

import pytest
from issue_support import TEAM, driver
from sqlalchemy import select

from storage.models import RetroNote, RetroReport

WEEK = TEAM + """
@pm: /todo @bob page A by 2026-05-13 standard: ok
@pm: /todo @bob page B by 2026-05-12 standard: ok
@pm: /ask @bob 紧急 confirm C
@pm: /ask @bob confirm D
@pm: /issue minor clash @Tech
:now 2026-05-11 10:00
@bob: /ack #3
:now 2026-05-11 10:30
@bob: /ack #1
:now 2026-05-11 15:00
@bob: /progress #2 30%
:now 2026-05-11 20:00
@pm: /emergency site down @bob
:now 2026-05-11 20:10
@bob: /ack #6
:now 2026-05-11 20:40
@bob: /plan #6 failover
:now 2026-05-11 21:30
@bob: /resolve #6 back up
:now 2026-05-12 09:00
@bob: /done #3
:now 2026-05-12 09:30
@pm: /confirm #3
:now 2026-05-12 10:00
@bob: /block #1 staging down
@pm: /issue medium schedule @Tech
:now 2026-05-12 12:00
@li: /resolve #5 agreed
:now 2026-05-12 15:00
@bob: /progress #1 50%
:now 2026-05-12 16:00
@bob: /extend #2 2026-05-14 vendor late
@pm: /approve #2
:now 2026-05-13 10:00
@wang: /resolve #7 settled
:now 2026-05-13 17:00
@bob: /done #1
:now 2026-05-13 17:30
@pm: /reject #1 broken layout
:now 2026-05-14 10:00
@bob: /done #2
:now 2026-05-14 10:30
@pm: /confirm #2
:now 2026-05-14 11:00
@bob: /done #1
:now 2026-05-14 11:30
@pm: /confirm #1
:now 2026-05-15 10:00
@pm: /retro add 亮点 周五同步会节省了时间
@bob: /复盘 add 问题 #6 no failover drill
@li: /retro add improvement book QA early
"""


def test_the_figures_of_a_hand_checked_week(app):
    chat = driver(app, "2026-05-11 09:00")
    chat.run(WEEK)
    out = chat.run("@pm: /复盘")
    assert "📘 复盘报告（本群全部）" in out
    # #1-#4 items, #5 and #7 issues, #6 the emergency.
    assert "事项 4 个，问题 2 个，紧急事务 1 个。" in out
    # First response, working hours from creation (Mon 09:00) to the first ack / progress / done:
    #   #1 ack Mon 10:30 = 1.5 h (SLA 4 h: by 13:00, within); #2 progress Mon 15:00 = 6 h (late);
    #   #3 (urgent, SLA 2 h: by 11:00) ack Mon 10:00 = 1 h (within); #4 never answered, its window
    #   closed Mon 13:00: counted, not within. Answered times sorted: 1, 1.5, 6 -> median 1.5;
    #   p90 = the value at rank ceil(0.9 × 3) = 3 -> 6. Within: #1, #3 = 2 of 4 = 50.0%.
    assert "首次响应：中位 1.5 个工作小时，P90 6；按时响应 2/4（50.0%）（目标：4 个工作小时内，紧急 2） ✗" in out
    # The emergency (#6, Mon 20:00) was answered by bob at 20:10: 10 wall minutes, 1 of 1 within 30.
    assert "紧急响应：中位 10 分钟；1/1 在 30 分钟内（目标：30 分钟内） ✓" in out
    # On time: confirmed items with a deadline are #1 and #2 (#3, a request, has none: left out).
    #   #1: deadline Wed 05-13 18:00, never moved; its accepted /done (the last before /confirm)
    #       came Thu 11:00 (the Wed 17:00 one was rejected) -> late.
    #   #2: deadline Tue 18:00, moved on Tue 16:00 to Thu 05-14 18:00 (bob asked, pm agreed at
    #       once); /done Thu 10:00 -> on time.
    #   1 / 2 = 50.0%, below the 95% target.
    assert "按期交付率：1/2 = 50.0%（目标 ≥ 95%） ✗（另有 1 个无截止时间的事项未计入）" in out
    # Rework: /done reports #1 ×2, #2, #3 = 4; rejections 1 -> 25.0%, not under 8%.
    assert "返工率：驳回 1 / 完成报告 4 = 25.0%（目标 < 8%） ✗" in out
    # Escalations: #4 unanswered climbed to the liaison (Mon 17:00), the head and the managers
    #   (3 ladder steps beyond the owner); #1's blocker told the head at once (1; the risk was
    #   cleared before the managers' step); issue #5, due Tue 09:00 and unresolved, went to the
    #   head (1). Total 5. Blocked: #1 from Tue 10:00 to 15:00 = 5 working hours. Deadline
    #   changes: #2's one move (bob's request counts once, when pm's approval moved it).
    assert "升级 5 次；受阻 5 个工作小时；调整截止时间 1 次" in out
    # Issues: #5 minor, Mon 09:00 -> Tue 12:00 = 9 h + 3 h = 12 working hours = 12/9 = 1.3 days,
    #   past its 1-day target (due Tue 09:00); #7 medium, Tue 10:00 -> Wed 10:00 = 9 h = 1 day, within 3.
    assert "· 一般：1 个，已解决 1，按期 0，中位用时 1.3 个工作日（目标 1） ✗" in out
    assert "· 中度：1 个，已解决 1，按期 1，中位用时 1 个工作日（目标 3） ✓" in out
    # The emergency: resolved 21:30, 90 minutes after it was raised; bob's note names #6: reviewed.
    assert "· #6 site down：已解决，用时 90 分钟" in out and "待复盘" not in out
    assert "亮点：\n· 周五同步会节省了时间（@pm）" in out
    assert "问题：\n· #6 no failover drill（@bob）" in out
    assert "改进：\n· book QA early（@li）" in out


def test_since_a_date_counts_only_what_was_created_from_then(app):
    chat = driver(app, "2026-05-11 09:00")
    chat.run(WEEK)
    out = chat.run("@pm: /retro since 2026-05-12")
    # Created from Tue 00:00: only issue #7 (and no items, no emergency, no notes before Fri).
    assert "📘 复盘报告（自 2026-05-12 起）" in out
    assert "事项 0 个，问题 1 个，紧急事务 0 个。" in out
    assert "首次响应：暂无数据" in out and "按期交付率：暂无已确认事项（目标 ≥ 95%）" in out
    assert "· 中度：1 个，已解决 1，按期 1" in out and "一般：" not in out


def test_an_emergency_without_a_review_is_named(app):
    chat = driver(app, "2026-05-11 20:00")
    out = chat.run("@pm: /emergency site down @bob\n:advance 5m\n@bob: /resolve #1 up\n@pm: /retro")
    assert "· #1 site down：已解决，用时 5 分钟，待复盘（/复盘 add 问题 #1 …）" in out
    assert "紧急响应：中位 5 分钟；1/1 在 30 分钟内" in out


def test_english_report(app):
    chat = driver(app, "2026-05-11 09:00")
    chat.run("@pm: /settings lang en\n@pm: /todo @bob page by 2026-05-13 standard: ok\n:advance 1h\n"
             "@bob: /done #1\n@pm: /confirm #1")
    out = chat.run("@pm: /retro")
    assert "📘 Retrospective (the whole chat)" in out
    assert "First response: median 1 working hours, p90 1; within the SLA 1/1 (100.0%)" in out
    assert "On-time delivery: 1/1 = 100.0% (target ≥ 95%) ✓" in out
    assert "Rework: 0 rejections / 1 done reports = 0.0% (target < 8%) ✓" in out


def test_an_unknown_project_is_refused_and_no_report_is_kept(app):
    chat = driver(app, "2026-05-11 09:00")
    out = chat.run("@pm: /项目 新建 双11\n@pm: /复盘 618大促 自 2026-05-01")
    assert "本群没有项目「618大促」。现有项目：双11。" in out and "复盘报告" not in out
    with app.sessions() as s:
        assert s.scalar(select(RetroReport)) is None


@pytest.mark.parametrize("line, says", [
    ("/retro add", "请写明类型"),
    ("/retro add 吐槽 too slow", "请写明类型"),
    ("/retro add 亮点", "请写上内容"),
    ("/retro since yesterday-ish", "看不懂日期"),
    ("/retro since 2026-13-40", "看不懂日期"),
    ("/retro since", "看不懂日期"),
    ("/retro since 2027-01-01", "还没到"),
])
def test_bad_retro_input_changes_nothing(app, line, says):
    chat = driver(app, "2026-05-11 09:00")
    out = chat.run(f"@pm: {line}")
    assert says in out
    assert ("用法：/复盘" in out) == (says != "还没到")  # a future date needs no usage: it was read
    with app.sessions() as s:
        assert s.scalar(select(RetroNote)) is None and s.scalar(select(RetroReport)) is None


def test_the_project_close_reminder_rules_wait_five_working_days_and_a_posted_retro(app):
    """The rules the sweep's retrospective reminder uses (tests/projects/test_retro_reminder.py runs it)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.retro import rules
    from bot.worktime import WorkCalendar

    sh = ZoneInfo("Asia/Shanghai")
    closed = datetime(2026, 9, 30, 17, 0, tzinfo=sh)  # the eve of the National Day holiday
    # 10-01..10-07 are off, 10-10 (Sat) is a make-up working day: 10-08, 10-09, 10-10, 10-12, 10-13.
    assert rules.reminder_due_at(closed, WorkCalendar()) == datetime(2026, 10, 13, 17, 0, tzinfo=sh)
    assert rules.reminder_key(7) == "retro_reminder:7"
    with app.sessions.begin() as s:
        assert not rules.retro_posted(s, project_id=7, since=closed)
        chat = driver(app, "2026-10-09 10:00")
    chat.run("@pm: /retro")  # no project linked yet: it does not count for project 7
    with app.sessions.begin() as s:
        assert not rules.retro_posted(s, project_id=7, since=closed)
        report = s.scalar(select(RetroReport))
        report.project_id = 7
    with app.sessions.begin() as s:
        assert rules.retro_posted(s, project_id=7, since=closed)
    assert "项目「618」已结束 5 个工作日，还没有复盘" in rules.reminder_text("zh", lead="@pm", project="618")
