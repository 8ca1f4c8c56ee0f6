"""Digests that tell what moved: the daily digest since the previous one, the weekly report.

Times are the simulated clock's (Asia/Shanghai); 2026-11-20 is a Friday, 2026-11-23 a Monday.
"""

from __future__ import annotations

import re

from test_ladder import driver, messages


def digests(out: str, title: str) -> list[tuple[str, str]]:
    return [(when, body) for _, when, body in messages(out) if body.startswith(title)]


def test_fridays_progress_shows_in_mondays_digest(app):
    out = driver(app, "2026-11-20 10:00").run("""
@pm: /todo @lee build the page by 2026-12-18 standard: QA passes
:advance 4h
@lee: /进度 #1 50% layout done
:now 2026-11-23 10:00
""")
    [(when, body)] = digests(out, "📋 日报 · 2026-11-23")
    assert when == "2026-11-23 09:30"
    assert "（11-20 09:30 以来）" in body
    assert "【上次日报以来的进展】\n#1 build the page · 进度 50% layout done" in body


def test_a_digest_with_only_movement_is_sent_and_a_quiet_day_is_skipped(app):
    out = driver(app, "2026-11-23 10:00").run("""
@pm: /todo @lee build the page by 2026-12-18 standard: QA passes
:now 2026-11-24 12:00
@lee: /进度 #1 30% started
@pm: /延期 #1 2026-12-21 the design came late
:now 2026-11-26 12:00
""")
    assert [when for when, _ in digests(out, "📋 日报")] == ["2026-11-25 09:30"]  # nothing due, stuck or moved on 11-24 and 11-26
    body = digests(out, "📋 日报")[0][1]
    assert "#1 build the page · 进度 30% started；调整截止 → 12-21 the design came late" in body


def test_a_digest_lists_what_moved_once_per_item_and_leaves_the_bots_reminders_out(app):
    out = driver(app, "2026-11-23 10:00").run("""
@pm: /dept Tech head @wang members @lee
@pm: /todo @lee build the page by 2026-11-24 standard: QA passes
@lee: /受阻 #1 staging is down
@lee: /进度 #1 50% staging back
@lee: /完成 #1
@pm: /确认 #1
:now 2026-11-24 10:00
""")
    [(_, body)] = digests(out, "📋 日报 · 2026-11-24")
    moved = body.split("【上次日报以来的进展】\n")[1].split("\n")[0]
    assert moved == "#1 build the page · 受阻 staging is down；进度 50% staging back；报告完成；确认验收"
    assert "上报" not in body and "提醒" not in body


WEEK = """
@pm: /todo @lee untouched all week by 2026-12-18 standard: ok
:now 2026-11-23 09:00
@pm: /todo @lee late and blocked by 2026-11-24 standard: ok
@lee: /受阻 #2 vendor has not shipped
@pm: /todo @lee moved by 2026-11-25 standard: ok
@lee: /延期 #3 2026-12-02 the API changed
@pm: /同意 #3
@lee: /延期 #3 2026-12-03 one more day for QA
@pm: /同意 #3
@pm: /todo @lee risky by 2026-12-04 standard: ok
@lee: /风险 #4 高 no API yet
@pm: /需求 @bob unanswered request
@pm: /todo @lee done in time by 2026-11-25 standard: ok
@lee: /完成 #6
@pm: /确认 #6
@pm: /todo @lee done late by 2026-11-24 standard: ok
:now 2026-11-25 10:00
@lee: /完成 #7
@pm: /确认 #7
@pm: /todo @lee late with no reason by 2026-11-25 standard: ok
@lee: /进度 #8 20%
:now 2026-11-27 18:00
"""


def test_the_weekly_report_lists_each_item_once_where_it_needs_attention(app):
    out = driver(app, "2026-11-20 10:00").run(WEEK)
    [(when, report)] = digests(out, "📊 周报 · 11-23 – 11-27")
    assert when == "2026-11-27 17:00"
    sections = dict(re.findall(r"【(.+?)】\n((?:#.*\n?)+)", report))
    assert report.startswith("📊 周报 · 11-23 – 11-27\n完成 2 项，按时率 50%，返工 0 次，进行中 6 项，逾期 2 项。")
    assert sections["逾期（原因）"].splitlines() == [
        "#2 late and blocked · @lee · 逾期 2 个工作日 · 原因：vendor has not shipped",
        "#8 late with no reason · @lee · 逾期 1 个工作日 · 原因：未说明",
    ]
    assert sections["需要协调"].splitlines() == ["#5 unanswered request · @bob · 待回复"]
    assert sections["风险"].splitlines() == ["#4 risky · @lee"]
    assert sections["截止调整（原因）"].splitlines() == [
        "#3 moved · 11-25 → 12-03 · the API changed；one more day for QA · ⚠ 已改期 2 次"]
    assert sections["本周完成"].splitlines() == ["#6 done in time · @lee", "#7 done late · @lee"]
    assert sections["一周无更新"].splitlines() == ["#1 untouched all week · @lee"]
    listed = re.findall(r"^#(\d+) ", report, re.M)
    assert sorted(listed, key=int) == ["1", "2", "3", "4", "5", "6", "7", "8"]  # every item, each once
