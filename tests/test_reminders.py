"""Reminders as a group sees them, with exact simulated timestamps (console :advance)."""

from __future__ import annotations

import re
from datetime import datetime

from tests.conftest import ChatDriver


def headers_with(out: str, needle: str) -> list[str]:
    """The `[mN → ... · TIME]` header of every message whose body contains `needle`."""
    found, header = [], None
    for line in out.splitlines():
        if line.startswith("[m"):
            header = line
        elif needle in line and header:
            found.append(header)
            header = None
    return found


def stamp(header: str) -> str:
    return re.search(r"· (\d{4}-\d\d-\d\d \d\d:\d\d)\]", header).group(1)


def driver(app, when: str) -> ChatDriver:
    return ChatDriver(app, datetime.strptime(when, "%Y-%m-%d %H:%M"))


def test_friday_evening_request_is_nudged_monday_noon(app):
    chat = driver(app, "2026-11-20 17:00")  # a Friday
    out = chat.run("@pm: /ask @lee confirm the page schedule\n:advance 3d")
    nudges = headers_with(out, "已等待回复 4 个工作小时")
    assert [stamp(h) for h in nudges] == ["2026-11-23 12:00"]
    assert "→ #demo" in nudges[0]


def test_national_day_week_is_skipped(app):
    chat = driver(app, "2026-09-30 16:00")
    out = chat.run("@pm: /ask @lee stock for the campaign\n:advance 10d")
    # 2 working hours on 09-30, then nothing until Thursday 10-08 09:00 + 2 h.
    assert [stamp(h) for h in headers_with(out, "已等待回复")] == ["2026-10-08 11:00"]


def test_make_up_saturday_counts_as_working_time(app):
    chat = driver(app, "2026-10-09 17:00")  # Friday; Saturday 10-10 is a make-up working day
    out = chat.run("@pm: /ask @lee confirm stock\n:advance 2d")
    assert [stamp(h) for h in headers_with(out, "已等待回复")] == ["2026-10-10 12:00"]


def test_urgent_request_is_nudged_after_two_working_hours(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /ask @lee 紧急 the page is down\n:advance 3h")
    assert [stamp(h) for h in headers_with(out, "已等待回复 2 个工作小时")] == ["2026-11-23 12:00"]


def test_emergency_request_is_nudged_after_thirty_minutes_even_at_night(app):
    chat = driver(app, "2026-11-21 22:00")  # Saturday night
    out = chat.run("@pm: /ask @lee 特急 checkout is failing\n:advance 1h")
    assert [stamp(h) for h in headers_with(out, "已等待回复 30 分钟")] == ["2026-11-21 22:30"]


def test_acknowledged_request_is_not_nudged(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /ask @lee confirm the schedule\n@lee: /收到 #1\n:advance 2d")
    assert headers_with(out, "已等待回复") == []
    assert headers_with(out, "仍未回复") == []


def test_second_period_goes_to_the_person_and_their_department_head(app):
    chat = driver(app, "2026-11-23 09:00")
    out = chat.run("""
@pm: /dept Tech head @wang liaison @lee
@pm: /ask @Tech confirm the schedule
:advance 9h
""")
    assert [stamp(h) for h in headers_with(out, "已等待回复")] == ["2026-11-23 13:00"]
    second = headers_with(out, "仍未回复")
    assert [(h.split(" · ")[0].split("→ ")[1], stamp(h)) for h in second] == [
        ("#demo", "2026-11-23 17:00"), ("@lee", "2026-11-23 17:00")]
    assert [stamp(h) for h in headers_with(out, "@wang：@lee 尚未回复 #1")] == ["2026-11-23 17:00"]


def test_weekly_report_on_friday_lists_overdue_and_blocked(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("""
@pm: /todo @lee write the spec by 2026-11-24
@pm: /todo @dev build the page by 2026-12-04
@dev: /受阻 #2 staging is short of resources
:now 2026-11-27 18:00
""")
    reports = headers_with(out, "📊 周报")
    assert [stamp(h) for h in reports] == ["2026-11-27 17:00"]
    report = out[out.index("📊 周报"):]
    # Due Tuesday 18:00: by Friday 17:00 two whole working days have passed (26 working hours).
    assert "#1 write the spec · @lee · 逾期 2 个工作日" in report
    assert "#2 build the page · @dev · staging is short of resources" in report


def test_escalation_three_working_days_after_the_deadline(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("""
@pm: /dept Tech head @wang members @lee
@pm: /todo @lee write the spec by 2026-11-23
:advance 5d
""")
    # Due Monday 18:00; more than 3 working days late from Friday's first working moment.
    escalations = headers_with(out, "已逾期 3 个工作日")
    where = sorted((h.split(" · ")[0].split("→ ")[1], stamp(h)) for h in escalations)
    assert where == [("#demo", "2026-11-27 09:00"), ("@wang", "2026-11-27 09:00")]


def test_deadline_warning_the_working_day_before(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /todo @lee ship it by 2026-11-26 15:00\n:advance 4d")
    assert [stamp(h) for h in headers_with(out, "将于 2026-11-26 周四 15:00 截止")] == ["2026-11-25 09:00"]
    assert [stamp(h) for h in headers_with(out, "已到截止时间")] == ["2026-11-26 15:00"]


def test_extending_a_deadline_re_arms_its_reminders(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("""
@pm: /todo @lee ship it by 2026-11-23 16:00
:advance 7h
@pm: /延期 #1 2026-11-25 vendor is late
:advance 3d
""")
    overdue = [stamp(h) for h in headers_with(out, "已到截止时间")]
    # 18:00 is the end of the working day: the notice waits for the next working moment.
    assert overdue == ["2026-11-23 16:00", "2026-11-26 09:00"]


def test_snoozed_item_is_reminded_after_the_snooze(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /ask @lee confirm it\n:advance 3h\n@lee: /稍后 #1 3h\n:advance 1d")
    # Due 14:00, snoozed at 13:00 for 3 hours: the nudge goes out at 16:00, not before.
    assert [stamp(h) for h in headers_with(out, "已等待回复")] == ["2026-11-23 16:00"]


def test_several_reminders_for_one_person_come_as_one_message(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("""
@pm: /todo @lee spec by 2026-11-25 12:00
@pm: /todo @lee page by 2026-11-25 15:00
@pm: /todo @dev api by 2026-11-25 12:00
:advance 1d
""")
    bundles = headers_with(out, "@lee，有 2 项需要你关注")
    assert [stamp(h) for h in bundles] == ["2026-11-24 09:00"]
    assert headers_with(out, "🔔 @lee，#1") == []  # not sent one by one as well
    assert [stamp(h) for h in headers_with(out, "🔔 @dev，#3")] == ["2026-11-24 09:00"]


def test_per_person_daily_cap_holds_the_rest_until_the_next_day(settings, db_url):
    from dataclasses import replace

    from genjin.app import App

    app = App(settings, db_url=db_url)
    app.policy = replace(app.policy, nudges_per_person_per_day=1)
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("""
@pm: /todo @lee spec by 2026-11-24 12:00
@pm: /todo @lee page by 2026-11-25 12:00
:advance 2d
""")
    app.close()
    # Tuesday 09:00 warns about #2; #1's 12:00 overdue notice would be the second that day.
    assert [stamp(h) for h in headers_with(out, "🔔 @lee，#2")] == ["2026-11-24 09:00"]
    assert [stamp(h) for h in headers_with(out, "⚠️ @lee，#1")] == ["2026-11-25 09:00"]


def test_chat_settings_move_the_digest_and_change_the_holiday_calendar(app):
    chat = driver(app, "2026-11-25 10:00")  # Wednesday before US Thanksgiving (Thu 11-26)
    out = chat.run("""
@pm: /settings daily 09:15
@pm: /settings weekly 18:30
@pm: /settings country US
@pm: /ask @lee check the numbers
:advance 2d
""")
    assert "18:30" in out and "工作时间" in out  # a weekly report after hours is refused
    digests = [stamp(h) for h in headers_with(out, "📋 日报")]
    assert digests == ["2026-11-27 09:15"]  # none on Thanksgiving
    # Asked Wednesday 10:00: 4 working hours -> 14:00 the same day.
    assert [stamp(h) for h in headers_with(out, "已等待回复")] == ["2026-11-25 14:00"]


def test_what_falls_due_does_not_depend_on_the_advance_step(app):
    script = "@pm: /dept Ops head @boss members @dev\n@pm: /todo @dev fix it by 2026-11-27\n@dev: /block #1 vendor"
    coarse = driver(app, "2026-11-23 10:00").run(script + "\n:advance 3d")
    escalation = [stamp(h) for h in headers_with(coarse, "被标记为高风险")]
    assert escalation == ["2026-11-23 10:00", "2026-11-23 10:00"]  # the head (DM) and the group


def test_a_second_nudge_says_how_long_the_request_really_waited(app):
    chat = driver(app, "2026-11-23 09:00")
    out = chat.run("@pm: /ask @lee confirm it\n:advance 9h")
    assert "已等待回复 4 个工作小时" in out
    assert "仍未回复（已 8 个工作小时）" in out


def test_an_escalation_with_nobody_to_tell_says_so(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /todo @lee spec by 2026-11-23\n:advance 7d")
    assert out.count("还没有可上报的负责人：请 @pm 协调。") == 1  # once for this deadline, not at every step
    assert out.count("请用「/设置 上级 @人」指定。") == 1  # how to name them: told once
    assert out.count("请用「/部门 部门名 负责人 @人 成员 @lee」登记。") == 1
