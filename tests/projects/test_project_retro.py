"""/retro PROJECT: the figures of one project's items and issues, checked by hand.

Working hours 09:00-18:00 (no lunch break), Asia/Shanghai; 2026-11-23 is a Monday of an
ordinary week. The chat also has an item (#3) and an issue (#5) outside the project: they
count in the chat's report and must not count in the project's.
"""

from __future__ import annotations

from project_support import TEAM, driver, last
from sqlalchemy import select

from storage.models import Project, RetroReport

WEEK = TEAM + """
@pm: /项目 新建 618大促 牵头 @Tech
@pm: /todo @lee page A by 2026-11-25 standard: ok 项目 618大促
@pm: /todo @lee page B by 2026-11-24 standard: ok 项目 618大促
@pm: /todo @lee outside work by 2026-11-24 standard: ok
@pm: /issue minor copy clash @Tech 项目 618大促
@pm: /issue minor other clash @Tech
:now 2026-11-23 10:30
@lee: /ack #3
:now 2026-11-23 11:00
@lee: /ack #1
:now 2026-11-23 14:00
@lee: /progress #2 50%
:now 2026-11-23 16:00
@li: /resolve #4 agreed
:now 2026-11-24 10:00
@lee: /done #1
@pm: /reject #1 wrong colour
@lee: /done #3
@pm: /confirm #3
:now 2026-11-24 15:00
@lee: /done #1
@pm: /confirm #1
:now 2026-11-25 10:00
@lee: /done #2
@pm: /confirm #2
:now 2026-11-26 10:00
"""


def test_a_projects_retro_counts_only_its_items_and_issues(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(WEEK)
    card = last(chat.run("@pm: /复盘 618大促"))
    assert card.startswith("📘 复盘报告（项目「618大促」）")
    # #1 and #2 are the project's items, #4 its issue; #3 and #5 are outside it.
    assert "事项 2 个，问题 1 个，紧急事务 0 个。" in card
    # First response from creation (Mon 10:00): #1 ack 11:00 = 1 h; #2 progress 14:00 = 4 h, just
    #   within its 4-hour SLA (by 14:00). Sorted 1, 4: median 2.5; p90 = rank ceil(0.9 × 2) = 2 -> 4.
    #   (#3's 0.5 h would make the median 1.)
    assert "首次响应：中位 2.5 个工作小时，P90 4；按时响应 2/2（100.0%）（目标：4 个工作小时内，紧急 2） ✓" in card
    # On time: #1 accepted /done Tue 15:00 <= Wed 18:00: on time; #2 /done Wed 10:00 > Tue 18:00: late.
    #   1 / 2 = 50.0% (with #3, done Tue 10:00 before its Tue 18:00 deadline, it would be 2/3).
    assert "按期交付率：1/2 = 50.0%（目标 ≥ 95%） ✗" in card
    # Rework: #1's first /done rejected: 1 rejection / 3 done reports (#1 twice, #2) = 33.3% (not 1/4).
    assert "返工率：驳回 1 / 完成报告 3 = 33.3%（目标 < 8%） ✗" in card
    # #4 minor, Mon 10:00 -> Mon 16:00 = 6 working hours = 6/9 = 0.7 working days, within 1.
    #   #5 (outside, unresolved and past due) is not counted.
    assert "· 一般：1 个，已解决 1，按期 1，中位用时 0.7 个工作日（目标 1） ✓" in card
    assert "逾期未解决" not in card
    # Escalations: #5, due Tue 10:00 and unresolved, went to Tech's head: the chat's, not the project's.
    assert "升级 0 次；受阻 0 个工作小时；调整截止时间 0 次" in card
    with app.sessions() as s:
        report = s.scalar(select(RetroReport))
        assert report is not None and report.project_id == s.scalar(select(Project.id))


def test_the_chats_retro_still_counts_everything(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(WEEK)
    card = last(chat.run("@pm: /retro"))
    assert card.startswith("📘 复盘报告（本群全部）") and "事项 3 个，问题 2 个，紧急事务 0 个。" in card
    assert "首次响应：中位 1 个工作小时，P90 4；按时响应 3/3（100.0%）" in card
    assert "按期交付率：2/3 = 66.7%" in card and "返工率：驳回 1 / 完成报告 4 = 25.0%" in card
    assert "· 一般：2 个，已解决 1，按期 1，中位用时 0.7 个工作日（目标 1），1 个逾期未解决 ✗" in card
    assert "升级 1 次；受阻 0 个工作小时；调整截止时间 0 次" in card


def test_since_a_date_and_english_name_the_project_in_the_title(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(WEEK + "@pm: /todo @lee late add by 2026-11-30 standard: ok 项目 618大促")
    card = last(chat.run("@pm: /retro 项目 618大促 since 2026-11-26"))
    assert card.startswith("📘 复盘报告（项目「618大促」，自 2026-11-26 起）")
    assert "事项 1 个，问题 0 个，紧急事务 0 个。" in card
    chat.run("@pm: /settings lang en")
    card = last(chat.run("@pm: /retro 618大促"))
    assert card.startswith("📘 Retrospective (project 618大促)") and "3 items, 1 issues, 0 emergencies." in card


def test_an_unknown_project_or_two_names_are_refused_and_nothing_is_kept(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(WEEK)
    assert last(chat.run("@pm: /复盘 春节")) == "本群没有项目「春节」。现有项目：618大促。"
    out = last(chat.run("@pm: /复盘 618大促 春节"))
    assert out.startswith("看不懂「618大促 春节」：请写一个项目名称。\n用法：/复盘")
    with app.sessions() as s:
        assert s.scalar(select(RetroReport)) is None
