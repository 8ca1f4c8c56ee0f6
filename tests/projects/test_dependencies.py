"""/after #N #M (/依赖): N cannot really finish before M. Loops and self-dependency are refused; when M
is late or blocked, /show #N, the project view and the digests say N is at risk because of M."""

from __future__ import annotations

from project_support import TEAM, bodies, driver, last, messages
from sqlalchemy import select

from storage.models import ItemDependency

ITEMS = TEAM + """
@pm: /项目 新建 618
@pm: /todo @lee design by 2026-11-24 standard: ok project 618
@pm: /todo @lee front-end by 2026-11-26 standard: ok project 618
@pm: /todo @lee launch by 2026-11-27 standard: ok project 618
"""


def edges(app) -> list[tuple[int, int]]:
    with app.sessions() as s:
        return [(d.item_id, d.depends_on_id) for d in s.scalars(select(ItemDependency).order_by(ItemDependency.id))]


def test_dependencies_refuse_loops_self_and_strangers(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(ITEMS + """
@pm: /依赖 #2 #1
@pm: /依赖 #3 #2
@pm: /依赖 #1 #3
@pm: /依赖 #1 #1
@pm: /依赖 #2 #1
@bob: /依赖 #3 #1
@pm: /依赖 #3
@pm: /依赖
@pm: /依赖 #3 #9
@pm: /依赖 #3 #1 maybe
""")
    said = bodies(out)[-10:]
    assert said[0] == "⛓ #2 要等 #1「design」完成后才能真正完成。"
    assert said[1] == "⛓ #3 要等 #2「front-end」完成后才能真正完成。"
    assert said[2] == "不能这样设：#3 已经（直接或间接）依赖 #1，会形成循环：#1 → #3 → #2 → #1。"
    assert said[3].startswith("一个事项不能依赖它自己。\n用法：/依赖")
    assert said[4] == "#2 已经依赖 #1。"
    assert said[5] == "只有 #3 的发起人 @pm 或负责人 @lee 可以给它设依赖。"
    assert said[6].startswith("请写两个事项编号：先写要等待的，再写它依赖的。\n用法：/依赖")
    assert said[7].startswith("请写明事项编号") and "用法：/依赖" in said[7]
    assert said[8] == "找不到 #9。用「/列表」看本群的事项。"
    assert said[9].startswith("没看懂「maybe」。用法：/依赖")
    assert edges(app) == [(2, 1), (3, 2)]
    out = chat.run("@lee: /after #3 #2 off\n@pm: /after #3 #2 off\n@lee: /完成 #1\n@pm: /确认 #1\n@pm: /依赖 #1 #2")
    said = bodies(out)
    assert said[0] == "⛓ 已解除：#3 不再依赖 #2。"
    assert said[1] == "#3 本来就不依赖 #2。"
    assert said[-1] == "#1 状态为「已确认」，不需要再设依赖。"
    assert edges(app) == [(2, 1)]


def test_show_view_and_digests_say_who_is_at_risk_because_of_whom(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(ITEMS + "@pm: /依赖 #2 #1\n@pm: /依赖 #3 #2\n@pm: /show #3")
    show = last(out)
    assert "📁 项目：618\n⛓ 依赖：#2（未开始）" in show
    assert "关键路径" not in show  # nothing late or blocked yet
    out = chat.run("@lee: /受阻 #1 设计师请假\n@pm: /show #3\n@pm: /show #1")
    show3, show1 = bodies(out)[-2:]
    assert "⚠️ 关键路径：因 #1「design」受阻（设计师请假）而有风险（经 #2）" in show3
    assert "⛓ 被依赖：#2（未开始）" in show1
    out = chat.run("@pm: /项目 详情 618")
    assert ("【风险】\n#2 front-end · 因 #1「design」受阻（设计师请假）而有风险\n"
            "#3 launch · 因 #1「design」受阻（设计师请假）而有风险（经 #2）\n"
            "【需要协调】\n#1 design · @lee · 受阻：设计师请假") in last(out)
    out = chat.run(":now 2026-11-24 10:00")
    [daily] = [b for _, _, b in messages(out) if b.startswith("📋 日报 · 2026-11-24")]
    assert ("【关键路径风险】\n#2 front-end · 因 #1「design」受阻（设计师请假）而有风险\n"
            "#3 launch · 因 #1「design」受阻（设计师请假）而有风险（经 #2）") in daily


def test_a_late_dependency_and_one_due_after_it(app):
    chat = driver(app, "2026-11-23 10:00")
    out = chat.run(ITEMS + "@pm: /todo @lee copy by 2026-11-30 standard: ok\n@pm: /依赖 #2 #4\n")
    assert last(out) == ("⛓ #2 要等 #4「copy」完成后才能真正完成。\n"
                         "⚠️ 依赖的 #4「copy」截止 2026-11-30 周一 18:00，晚于本项截止")
    out = chat.run("@pm: /依赖 #3 #1\n:now 2026-11-25 10:00\n@pm: /show #3\n@pm: /settings lang en\n@pm: /show #3")
    zh, en = bodies(out)[-3], bodies(out)[-1]
    assert "⚠️ 关键路径：因 #1「design」逾期 1 个工作日而有风险" in zh
    assert "⚠️ Critical path: at risk: #1 \"design\" is 1 working days late" in en
    out = chat.run("@lee: /完成 #1\n@pm: /show #3")
    assert "Critical path" not in last(out)  # done: it no longer holds anyone up
    out = chat.run("@lee: /done #2")  # it waits for #4, still open: said, not refused
    assert ("⛓ Note: #2 waits for #4 \"copy\", which is not finished (open); check before confirming."
            in bodies(out)[0])
    out = chat.run("@lee: /done #3")
    assert bodies(out)[0].startswith("🎉 #3") and "Note:" not in bodies(out)[0]
