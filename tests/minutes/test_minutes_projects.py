"""Minutes action lines carry `项目 NAME`: the item joins the project; an unknown project on one
line refuses the whole minutes, naming that line (the /todo reader takes the marker per line)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Item, Minutes, Project, ProjectItem

MINUTES = """\
@carol: /项目 新建 618大促
@carol: /纪要 618活动协同推进会
  参会: @alice @bob
  - @alice 提交最终版设计稿 截止 5月12日 标准：市场总监确认 项目 618大促
  - @bob 完成活动页前端开发 截止 5月15日 标准：测试通过
"""


def placed(app) -> list[tuple[int, str, str | None]]:
    with app.sessions() as s:
        rows = s.execute(select(Item.number, Item.title, Project.name).outerjoin(ProjectItem, ProjectItem.item_id == Item.id)
                         .outerjoin(Project, Project.id == ProjectItem.project_id).order_by(Item.number)).all()
        return [tuple(r) for r in rows]


def test_a_minutes_line_joins_its_project(chat, app):
    out = chat.run(MINUTES)
    assert placed(app) == [(1, "提交最终版设计稿", "618大促"), (2, "完成活动页前端开发", None)]
    with app.sessions() as s:  # the marker is not part of the standard
        assert list(s.scalars(select(Item.standard).order_by(Item.number))) == ["市场总监确认", "测试通过"]
    assert "· #1 提交最终版设计稿 · @alice · 截止 2026-05-12 周二 18:00 · 标准：市场总监确认" in out
    out = chat.run("@carol: /项目 详情 618大促")
    assert "#1 提交最终版设计稿 · @alice" in out and "完成活动页前端开发" not in out


def test_an_unknown_project_on_one_line_refuses_the_whole_minutes_naming_it(chat, app):
    out = chat.run(MINUTES.replace("测试通过", "测试通过 项目 双11"))
    with app.sessions() as s:
        assert s.scalar(select(Item)) is None and s.scalar(select(Minutes)) is None
    assert "会议纪要没有登记，什么都没有创建：1 行行动项需要改正。" in out
    assert "第 4 行「- @bob 完成活动页前端开发 截止 5月15日 标准：测试通过 项目 双11」：本群没有项目「双11」。" in out
    assert "第 3 行" not in out
