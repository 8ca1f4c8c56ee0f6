"""/project (/项目): new, list, show, close; who may close; every bad input refused with usage, nothing changed."""

from __future__ import annotations

from project_support import TEAM, bodies, driver, last
from sqlalchemy import select

from storage.models import Item, Project


def projects(app) -> list[tuple[str, str, str | None, str | None]]:
    with app.sessions() as s:
        return [(p.name, p.status, p.goal, p.lead_department.name if p.lead_department else None)
                for p in s.scalars(select(Project).order_by(Project.id))]


def test_create_with_goal_deadline_and_lead_then_list_and_show(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(TEAM + "@pm: /项目 新建 618大促 目标 活动页按时上线 截止 12月18日 牵头 @Tech")
    card = last(out)
    assert card.startswith("📁 已创建项目「618大促」")
    assert "目标：活动页按时上线" in card and "牵头部门：Tech · @wang" in card
    assert "截止：2026-12-18 周五 18:00" in card and "创建人：@pm" in card
    assert "「项目 618大促」" in card  # how to add items
    assert projects(app) == [("618大促", "open", "活动页按时上线", "Tech")]

    out = chat.run("@pm: /project new summer-sale goal: clear the stock by 2026-12-31 lead @Marketing\n"
                   "@pm: /todo @lee build the page by 2026-11-27 standard: QA ok 项目 618大促\n"
                   "@pm: /项目 列表")
    assert projects(app)[1] == ("summer-sale", "open", "clear the stock", "Marketing")
    assert last(out) == ("进行中的项目（2）\n618大促 · 进度 0%（已确认 0/1） · 截止 2026-12-18 周五 18:00\n"
                         "summer-sale · 进度 0%（已确认 0/0） · 截止 2026-12-31 周四 18:00")

    out = chat.run("@pm: /项目 详情 618大促\n@pm: /项目 618大促")  # the name alone shows it too
    first, second = bodies(out)
    assert first == second
    assert first.startswith("📁 项目：618大促\n  目标：活动页按时上线")
    assert "【事项】\n  #1 build the page · @lee · 未开始" in first


def test_english_subwords_and_a_chat_in_english(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(TEAM + "@pm: /settings lang en\n@pm: /project new 618\n@pm: /project list\n"
                   "@pm: /project show 618\n@pm: /project close 618")
    said = bodies(out)
    assert said[-4].startswith("📁 Project 618 created")
    assert said[-3] == "Open projects (1)\n618 · 0% (0/0 confirmed)"
    assert said[-2].startswith("📁 Project: 618") and "No items in this project yet." in said[-2]
    assert said[-1] == "📁 Project 618 was closed by @pm."


def test_who_may_close_creator_lead_head_or_managers(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(TEAM + "@lee: /项目 新建 A 牵头 @Marketing\n@lee: /项目 新建 B\n@lee: /项目 新建 C\n"
                   "@lee: /项目 新建 D\n@bob: /项目 关闭 A")
    assert last(out) == "只有项目创建人 @lee、牵头部门负责人 @mia 或本群上级 可以关闭项目「A」。"
    assert projects(app)[0][1] == "open"
    out = chat.run("@mia: /项目 关闭 A\n@boss: /项目 关闭 B\n@lee: /项目 关闭 C\n@bob: /项目 关闭 D")
    said = bodies(out)
    assert said[:3] == ["📁 项目「A」已由 @mia 关闭。", "📁 项目「B」已由 @boss 关闭。", "📁 项目「C」已由 @lee 关闭。"]
    assert said[3] == "只有项目创建人 @lee 或本群上级 可以关闭项目「D」。"
    assert [p[1] for p in projects(app)] == ["closed", "closed", "closed", "open"]
    out = chat.run("@lee: /项目 关闭 A\n@pm: /项目 列表")
    assert bodies(out) == ["项目「A」已经关闭了。", "进行中的项目（1）\nD · 进度 0%（已确认 0/0）\n另有已关闭项目 3 个。"]


def test_closing_says_how_many_items_are_still_open_and_closed_projects_take_no_more(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(TEAM + "@pm: /项目 新建 P\n@pm: /todo @lee one by 2026-11-27 standard: ok 项目 P\n"
                   "@pm: /todo @lee two by 2026-11-27 standard: ok 项目 P\n@pm: /项目 关闭 P\n"
                   "@pm: /todo @lee three by 2026-11-27 standard: ok 项目 P\n@pm: /关联 #1 P\n"
                   "@pm: /里程碑 M1 11月25日 项目 P")
    said = bodies(out)
    assert said[-4] == "📁 项目「P」已由 @pm 关闭。仍有 2 项未完成，事项本身照常跟进。"
    assert said[-3:] == ["项目「P」已关闭，不能再加入事项。"] * 2 + ["项目「P」已关闭，不能再添加里程碑。"]
    with app.sessions() as s:  # "three" was not created
        assert s.scalars(select(Item.title).order_by(Item.id)).all() == ["one", "two"]


def test_bad_input_is_refused_with_usage_and_changes_nothing(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(TEAM + """
@pm: /项目
@pm: /项目 新建
@pm: /项目 新建 618 大促
@pm: /项目 新建 a/b
@pm: /项目 新建 X 截止 明年某天
@pm: /项目 新建 X 牵头 @lee
@pm: /项目 新建 X 牵头 Sales
@pm: /项目 新建 X 牵头 @Tech @Marketing
@pm: /项目 新建 X 目标
@pm: /项目 详情 nope
@pm: /项目 详情
@pm: /项目 frobnicate
@pm: /项目 新建 X
@pm: /项目 新建 x
""")
    said = bodies(out)[3:]
    usage = "用法：/项目 新建 名称"
    assert said[0].startswith(usage)
    assert "项目名称请写成一个词" in said[1] and usage in said[1]
    assert "项目名称请写成一个词" in said[2] and "项目名称请写成一个词" in said[3]
    assert "明年某天" in said[4]  # the deadline that could not be read is named
    assert said[5].startswith("牵头方需要是已登记的部门（@lee 不是）")
    assert said[6].startswith("牵头方需要是已登记的部门（Sales 不是）")
    assert said[7] == "只能有一个牵头部门。"
    assert said[8].startswith("「目标」后面请写内容。") and usage in said[8]
    assert said[9] == "本群没有项目「nope」。用「/项目 新建 nope」创建。"
    assert said[10].startswith("请写项目名称。") and usage in said[10]
    assert said[11].startswith("没看懂「frobnicate」。" + usage)
    assert said[12].startswith("📁 已创建项目「X」")
    assert said[13] == "本群已有项目「X」（进行中），请换一个名称，例如 x-2。"
    assert projects(app) == [("X", "open", None, None)]


def test_help_lists_the_project_commands(app):
    out = driver(app, "2026-11-23 10:00").run("@pm: /帮助\n@pm: /帮助 里程碑")
    listing, milestone = bodies(out)
    for line in ("/项目 (project) — 协同项目", "/里程碑 (milestone) — 给项目加里程碑",
                 "/关联 (link) — 把事项加入项目或里程碑", "/依赖 (after) — 事项依赖（关键路径）"):
        assert line in listing
    assert milestone.startswith("用法：/里程碑 名称 日期 [项目 名称]")
