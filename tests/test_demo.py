"""The 618 campaign (DOMAIN.md's worked example) ships as a script; its transcript reads right."""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import select

from storage.models import Item
from tests.conftest import ChatDriver

SCRIPT = files("genjin").joinpath("examples/demo_618.txt").read_text("utf-8")


def test_the_618_campaign_closes_every_loop(app):
    out = ChatDriver(app, now=None).run(SCRIPT)
    expected_in_order = [
        "#1 沟通需求：确认618活动页开发排期",
        "@tech_li 请在 4 个工作小时内回复「/收到 #1」",
        "优先级：紧急",
        "[m9 → #demo · 2026-05-08 12:00]",  # the urgent request, nudged after 2 working hours
        "✔ #2 已收到，@wh_zhao 跟进中。",  # acknowledged with 👀 on the nudge
    ]
    assert "仍未回复" not in out  # so no second-period nudge, no word to the head
    position = 0
    for line in expected_in_order + [
        "· 2026-05-09 14:00]",  # Saturday 5-9, a make-up working day: the kickoff
        "#4 行动项：完成活动页前端开发",
        "✅ #1 已由 @mkt_liu 确认验收，闭环。",
        "⚠ #4 受阻：测试环境资源不足",
        "🚨 #4「完成活动页前端开发」被标记为高风险（测试环境资源不足），已上报 @tech_wang。",
        "#6 沟通需求：为618活动页扩容测试环境",
        "📈 #4 进度 80%：测试环境已恢复，联调中（受阻已解除）",
        "❌ #4 被 @mkt_liu 驳回：移动端按钮错位。@tech_li 请返工（第 1 次）。",
        "✅ #4 已由 @mkt_liu 确认验收，闭环。",
        "[m62 → #demo · 2026-05-15 17:00]",
        "📊 周报 · 05-11 – 05-15",
        "完成 4 项，按时率 100%，返工 1 次",
        "→ @mkt_zhang · 2026-05-15 17:00]",  # the weekly report to the chat's manager too
        "✅ #5 已由 @mkt_liu 确认验收，闭环。",
        "本群全部事项（6）",
    ]:
        found = out.find(line, position)
        assert found >= 0, f"missing, or out of order: {line}"
        position = found
    with app.sessions() as s:
        items = s.scalars(select(Item).order_by(Item.id)).all()
        assert [i.status for i in items] == ["confirmed"] * 6
        assert items[3].rework_count == 1
        # the blocker's escalation to the head is part of the item's record (by the bot)
        assert [h.action for h in items[3].history] == [
            "created", "progress", "block", "escalate", "progress", "done", "reject", "done", "confirm"]
        assert [h.actor for h in items[3].history if h.action == "escalate"] == [None]
