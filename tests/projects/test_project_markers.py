"""`项目 NAME` / `project NAME[/MILESTONE]` on /todo and /ask: taken out before the title and the
deadline are read; a typo or an unknown name creates nothing and says which projects exist."""

from __future__ import annotations

from project_support import TEAM, bodies, driver, last
from sqlalchemy import select

from storage.models import Item, ProjectItem

SETUP = TEAM + """
@pm: /项目 新建 618大促
@pm: /里程碑 设计定稿 11月25日 项目 618大促
@pm: /project new summer
"""


def placed(app) -> list[tuple[int, str, str, str | None, str | None]]:
    """(number, title, deadline day, project, milestone) of every item."""
    with app.sessions() as s:
        rows = s.execute(select(Item, ProjectItem).outerjoin(ProjectItem, ProjectItem.item_id == Item.id)
                         .order_by(Item.id)).all()
        return [(i.number, i.title, f"{i.deadline:%m-%d}" if i.deadline else None,
                 p.project.name if p else None, p.milestone.name if p and p.milestone else None) for i, p in rows]


def test_the_marker_anywhere_in_the_line_leaves_title_and_deadline_intact(app):
    out = driver(app, "2026-11-23 10:00").run(SETUP + """
@pm: /待办 @lee 完成设计稿 截止 11月24日 标准：评审通过 项目 618大促/设计定稿
@pm: /待办 @lee 项目 618大促 周五前提交活动页
@pm: /todo @lee build the page by friday standard: QA ok project: summer
@pm: /ask @Tech 确认排期 项目：「618大促」 截止 明天
@pm: /todo @lee write the report by 2026-11-26 PROJECT 618大促
@pm: /待办 @lee 紧急 项目 618大促，周四前完成切图
""")
    assert placed(app) == [
        (1, "完成设计稿", "11-24", "618大促", "设计定稿"),
        (2, "提交活动页", "11-27", "618大促", None),
        (3, "build the page", "11-27", "summer", None),
        (4, "确认排期", "11-24", "618大促", None),
        (5, "write the report", "11-26", "618大促", None),
        (6, "完成切图", "11-26", "618大促", None),
    ]
    first = [b for b in bodies(out) if b.startswith("#1 行动项")][0]
    assert "📁 项目：618大促/设计定稿" in first and "完成标准：评审通过" in first


def test_project_as_a_plain_word_stays_in_the_title(app):
    driver(app, "2026-11-23 10:00").run(SETUP + """
@pm: /todo @lee review the project plan by friday standard: ok
@pm: /待办 @lee 整理 项目 文档 周五前
@pm: /待办 @lee 完成项目总结 周五前
""")
    assert placed(app) == [(1, "review the project plan", "11-27", None, None),
                           (2, "整理 项目 文档", "11-27", None, None),
                           (3, "完成项目总结", "11-27", None, None)]


def test_unknown_names_and_milestones_create_nothing_and_say_what_exists(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(SETUP + """
@pm: /todo @lee fix it by friday standard: ok project 681大促
@pm: /待办 @lee 项目：夏季 周五前完成
@pm: /待办 @lee 项目 nope 周五前完成
@pm: /待办 @lee 周五前完成 项目 618大促/设计稿
@pm: /待办 @lee 周五前完成 项目 summer/定稿
@pm: /需求 @Tech 确认排期 项目 nope
""")
    said = bodies(out)[-6:]
    known = "现有项目：618大促、summer。"
    assert said[:3] == [f"本群没有项目「681大促」。{known}", f"本群没有项目「夏季」。{known}",
                        f"本群没有项目「nope」。{known}"]
    assert said[3] == "项目「618大促」没有里程碑「设计稿」。现有里程碑：设计定稿。"
    assert said[4] == "项目「summer」没有里程碑「定稿」。用「/里程碑 定稿 日期 项目 summer」添加。"
    assert said[5] == f"本群没有项目「nope」。{known}"
    assert placed(app) == []


def test_a_chat_without_projects_is_told_how_to_create_one(app):
    out = driver(app, "2026-11-23 10:00").run(TEAM + "@pm: /todo @lee ship it by friday standard: ok project launch")
    assert last(out) == "本群没有项目「launch」。用「/项目 新建 launch」创建。"


def test_the_marker_function_is_reusable_on_any_line(app):
    """For minutes lines: the line without its marker, and the placement (or a refusal)."""
    from bot.context import UserError
    from bot.directory import upsert_chat
    from bot.projects import find_project, take_project

    driver(app, "2026-11-23 10:00").run(SETUP)
    with app.sessions() as s:
        chat = upsert_chat(session=s, platform="console", chat_id="demo", now=None)
        rest, placement = take_project(session=s, chat=chat, text="@lee 周五前完成设计稿 项目 618大促/设计定稿", lang="zh")
        assert rest == "@lee 周五前完成设计稿"
        assert placement is not None and placement.label() == "618大促/设计定稿"
        assert take_project(session=s, chat=chat, text="整理 项目 文档 周五前", lang="zh") == ("整理 项目 文档 周五前", None)
        assert find_project(s, chat, "SUMMER").name == "summer"
        assert find_project(s, chat, "winter") is None
        try:
            take_project(session=s, chat=chat, text="x project: winter", lang="en")
        except UserError as refusal:
            assert str(refusal) == "There is no project \"winter\" here. Projects here: 618大促、summer."
        else:
            raise AssertionError("an unknown project was accepted")
