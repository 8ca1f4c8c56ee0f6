"""The issue log meets projects: `/issue … 项目 NAME`, its owner the project lead, and where
a project's open issues are listed (/issues, /issues NAME, /project show NAME).

2026-11-23 is a Monday (Asia/Shanghai, working hours 09:00-18:00). Tech's head is @wang,
Marketing's @mia, the chat's manager @boss.
"""

from __future__ import annotations

from project_support import TEAM, bodies, driver, last
from sqlalchemy import select

from storage.models import Issue, OutboxMessage

PROJECTS = TEAM + """
@pm: /项目 新建 618大促 牵头 @Tech
@pm: /项目 新建 双11
"""


def logged(app) -> list[tuple[int, str, int | None]]:
    with app.sessions() as s:
        return [(i.number, i.description, i.project_id) for i in s.scalars(select(Issue).order_by(Issue.id))]


def project_id(app, name: str) -> int:
    from storage.models import Project
    with app.sessions() as s:
        return s.scalar(select(Project.id).where(Project.name == name))


def test_a_medium_issue_of_a_project_is_owned_by_its_lead_and_escalates_to_the_managers(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(PROJECTS + "@pm: /问题 中度 排期冲突 @Marketing 项目 618大促")
    reply = last(out)
    assert reply.startswith("📋 问题 #1 已登记（中度）：排期冲突（项目「618大促」）")
    assert "负责处理：@wang" in reply  # the project lead, not Marketing's head @mia
    assert "解决期限：2026-11-26 周四 10:00（3 个工作日）" in reply
    assert logged(app) == [(1, "排期冲突", project_id(app, "618大促"))]
    out = chat.run("@pm: /show #1")
    assert "负责处理：@wang" in out
    # The lead may settle it; due and unresolved, it goes to the level above the lead: the managers.
    out = chat.run(":now 2026-11-26 10:00")
    assert "🚨 问题 #1「排期冲突」（中度）已过解决期限 2026-11-26 周四 10:00，仍未解决，已上报 @boss。" in out
    with app.sessions() as s:
        assert sorted(s.scalars(select(OutboxMessage.user_id).where(OutboxMessage.key.like("remind:issue_escalate:%"),
                                                                    OutboxMessage.user_id.is_not(None)))) == ["boss"]


def test_without_a_project_or_a_project_lead_the_departments_heads_own_it(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(PROJECTS + "@pm: /issue medium page clash @Marketing\n"
                              "@pm: /issue medium copy clash @Marketing project 双11")
    first, second = [b for b in bodies(out) if b.startswith("📋")]
    assert "负责处理：@mia" in first and "负责处理：@mia" in second  # 双11 has no lead department
    assert "（项目「双11」）" in second and "项目" not in first


def test_the_project_lead_may_resolve_it(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(PROJECTS + "@pm: /issue medium schedule @Marketing 项目 618大促")
    out = chat.run("@lee: /resolve #1 agreed")  # a Tech member is not on its ladder
    assert last(out) == "只有登记人、相关部门的对接人和负责人、项目牵头人、相关人员或上级可以处理 #1。"
    out = chat.run("@wang: /resolve #1 agreed on 11-30")
    assert last(out).startswith("✅ #1「schedule」已解决") and last(out).endswith("：agreed on 11-30")
    with app.sessions() as s:
        assert s.scalar(select(Issue.status)) == "resolved"


def test_an_unknown_project_is_refused_naming_the_chats_projects_and_nothing_is_logged(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(PROJECTS + "@pm: /issue medium clash @Tech 项目 春节\n@pm: /emergency site down 项目 春节")
    assert bodies(out)[-2:] == ["本群没有项目「春节」。现有项目：618大促、双11。"] * 2
    assert logged(app) == []
    out = chat.run("@pm: /issues 春节")
    assert last(out) == "本群没有项目「春节」。现有项目：618大促、双11。\n用法：/问题列表 [项目名称]\n例：/问题列表 618大促"


def test_issues_and_the_project_view_list_the_projects_open_issues(app):
    chat = driver(app, "2026-11-23 10:00")
    chat.run(PROJECTS + """
@pm: /todo @lee build the page by 2026-11-27 standard: QA ok 项目 618大促
@pm: /issue medium schedule clash @Marketing 项目 618大促
@pm: /emergency checkout down @lee project 618大促
@pm: /issue minor copy wording @Marketing 项目 双11
@pm: /issue minor chat-wide thing @Tech
@pm: /issue minor settled one @Tech 项目 618大促
@wang: /resolve #6 done
""")
    out = chat.run("@pm: /issues")
    assert last(out) == ("未解决的问题和紧急事务（4）\n"
                         "#3 🆘 checkout down · 待响应 · 项目「618大促」\n"
                         "#4 [一般] copy wording · @mia · 期限 2026-11-24 周二 10:00 · 项目「双11」\n"
                         "#5 [一般] chat-wide thing · @li · 期限 2026-11-24 周二 10:00\n"
                         "#2 [中度] schedule clash · @wang · 期限 2026-11-26 周四 10:00 · 项目「618大促」")

    out = chat.run("@pm: /问题列表 618大促")
    card = last(out)
    assert card.startswith("项目「618大促」未解决的问题和紧急事务（2）")
    assert "#3 🆘 checkout down" in card and "#2 [中度] schedule clash · @wang" in card
    assert "copy wording" not in card and "chat-wide" not in card and "项目「618大促」" not in card.split("\n", 1)[1]

    out = chat.run("@pm: /项目 详情 618大促")
    card = last(out)
    section = card.split("【未解决的问题和紧急事务】", 1)[1]
    assert "#3 🆘 checkout down" in section and "#2 [中度] schedule clash · @wang" in section
    assert "copy wording" not in card and "chat-wide" not in card and "settled one" not in card

    out = chat.run("@pm: /项目 详情 双11")
    assert last(out).endswith("【未解决的问题和紧急事务】\n  #4 [一般] copy wording · @mia · 期限 2026-11-24 周二 10:00")
    assert last(chat.run("@pm: /issues 618大促 extra")).startswith("用法")


def test_a_project_with_no_open_issues_says_so(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(PROJECTS + "@pm: /issues 双11")
    assert last(out) == "项目「双11」没有未解决的问题或紧急事务。"
    out = chat.run("@pm: /项目 详情 双11")
    assert "未解决的问题" not in last(out)


def test_help_names_the_project_of_issues_and_retrospectives(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run("@pm: /help")
    assert "/问题列表 (issues) — 未解决的问题和紧急事务（可按项目）" in out
    assert "/复盘 (retro) — 复盘：数据和要点（全群或一个项目）" in out
    assert "用法：/问题列表 [项目名称]\n例：/问题列表 618大促" in chat.run("@pm: /help 问题列表")
    out = chat.run("@pm: /help 问题")
    assert "[项目 名称]" in out and "中度：3 个工作日（项目牵头部门负责人，无项目时为部门负责人）" in out
    assert "/紧急 事件描述 [@相关人 …] [影响 影响范围] [项目 名称]" in chat.run("@pm: /help 紧急")
