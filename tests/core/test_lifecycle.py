"""An item's life: ack, progress, block, done, confirm, reject, extend, cancel, risk.

Each command is driven through the console by its English name and its Chinese aliases,
and by the reactions and buttons that stand for it. The clock is Monday 2026-05-11 10:00.
"""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from transcript import split

from storage.models import Item, OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
CREATE = "@pm: /todo @lee build the page 截止 2026-05-15 标准：QA 通过"


def item(app, item_id: int = 1) -> SimpleNamespace:
    with app.sessions() as s:
        row = s.get(Item, item_id)
        values = {c.key: getattr(row, c.key) for c in Item.__table__.columns}
        return SimpleNamespace(
            **values, owner=row.owner.name, initiator=row.initiator.name,
            history=[SimpleNamespace(action=h.action, actor=h.actor.name if h.actor else None, note=h.note,
                                     data=h.data, from_status=h.from_status, to_status=h.to_status)
                     for h in row.history],
        )


def card_m(app, item_id: int = 1) -> str:
    """The console's mN of the item's card."""
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == f'card:{item_id}'))}"


def actions(app, item_id: int = 1) -> list[tuple[str, str | None]]:
    return [(h.action, h.actor) for h in item(app, item_id).history]


# --- ack ---------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["/ack #1", "/收到 #1", "/acknowledge #1", "react 👀", "react eyes", "click 收到"])
def test_owner_acknowledges(chat, app, how):
    chat.run(CREATE)
    line = f"@lee: {how}" if how.startswith("/") else f"@lee {how} {card_m(app)}"
    out = chat.run(line)
    new, edits = split(out)
    assert len(new) == 1 and "✔ #1 已收到，@lee 跟进中。" in new[0]
    assert len(edits) == 1 and "#1 行动项：build the page · 进行中" in edits[0]
    it = item(app)
    assert it.status == "in_progress"
    assert it.acknowledged_at == datetime(2026, 5, 11, 10, 0, tzinfo=SH)
    assert actions(app) == [("created", "pm"), ("ack", "lee")]


# --- progress ----------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "/progress #1 60% 前端联调中",
    "/进度 #1 60% 前端联调中",
    "/进度#1 60％ 前端联调中",
    "/progress 1 60 前端联调中",
])
def test_owner_reports_progress(chat, app, line):
    chat.run(CREATE)
    out = chat.run(f"@lee: {line}")
    new, edits = split(out)
    assert len(new) == 1 and "📈 #1 进度 60%：前端联调中" in new[0]
    assert "进行中 · 60%" in edits[0]
    it = item(app)
    assert (it.status, it.progress) == ("in_progress", 60)
    assert it.acknowledged_at is not None  # reporting progress shows the owner has seen it
    last = it.history[-1]
    assert (last.action, last.actor, last.data["progress"]) == ("progress", "lee", 60)
    assert "前端联调中" in last.note


# --- block -------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["/block", "/受阻", "/需支持", "/blocked"])
def test_owner_reports_a_blocker_with_expected_fix(chat, app, command):
    chat.run(CREATE)
    out = chat.run(f"@lee: {command} #1 测试环境资源不足 预计 2026-05-14")
    new, _ = split(out)
    assert len(new) == 1
    assert "⚠ #1 受阻：测试环境资源不足，预计 2026-05-14 周四 18:00 解决。@pm 需要协调支持。" in new[0]
    it = item(app)
    assert it.status == "blocked"
    assert it.blocker_reason == "测试环境资源不足"
    assert it.blocker_eta == datetime(2026, 5, 14, 18, 0, tzinfo=SH)
    assert it.risk == "high"
    assert it.history[-1].action == "block" and it.history[-1].note == "测试环境资源不足"
    shown = chat.run("@pm: /show #1")
    assert "受阻原因：测试环境资源不足" in shown
    assert "预计解决：2026-05-14 周四 18:00" in shown


def test_blocker_without_eta_and_progress_lifts_it(chat, app):
    chat.run(CREATE)
    out = chat.run("@lee: /block #1 waiting for the API keys")
    assert "⚠ #1 受阻：waiting for the API keys。@pm 需要协调支持。" in out
    assert item(app).blocker_eta is None
    out = chat.run("@lee: /progress #1 70% keys arrived")
    assert "📈 #1 进度 70%：keys arrived（受阻已解除）" in out
    it = item(app)
    assert (it.status, it.blocker_reason, it.blocker_eta, it.risk) == ("in_progress", None, None, "normal")


# --- done / confirm / reject -----------------------------------------------------------------

@pytest.mark.parametrize("how", ["/done #1 已上线", "/完成 #1 已上线", "click 完成"])
def test_owner_reports_done_and_the_initiator_is_asked_to_confirm(chat, app, how):
    chat.run(CREATE)
    line = f"@lee: {how}" if how.startswith("/") else f"@lee {how} {card_m(app)}"
    out = chat.run(line)
    new, edits = split(out)
    assert len(new) == 1
    note = "：已上线" if how.startswith("/") else ""
    assert f"🎉 #1 @lee 已完成{note}。" in new[0]
    assert "@pm 请验收：点 ✅ 确认，❌ 驳回" in new[0]
    assert "已完成，待确认" in edits[0]
    it = item(app)
    assert (it.status, it.progress) == ("done", 100)
    assert it.done_at is not None and it.closed_at is None
    # the card now offers the initiator's two choices
    assert "[确认] [驳回]" in chat.run("@pm: /show #1")


@pytest.mark.parametrize("how", ["/confirm #1", "/确认 #1", "react ✅", "react white_check_mark", "click 确认"])
def test_initiator_confirms_and_closes_the_loop(chat, app, how):
    chat.run(CREATE + "\n@lee: /done #1")
    line = f"@pm: {how}" if how.startswith("/") else f"@pm {how} {card_m(app)}"
    out = chat.run(line)
    new, edits = split(out)
    assert len(new) == 1 and "✅ #1 已由 @pm 确认验收，闭环。" in new[0]
    assert "已确认" in edits[0]
    it = item(app)
    assert it.status == "confirmed" and it.closed_at is not None
    assert actions(app) == [("created", "pm"), ("done", "lee"), ("confirm", "pm")]


@pytest.mark.parametrize("command", ["/reject", "/驳回"])
def test_initiator_rejects_with_a_reason_and_rework_is_counted(chat, app, command):
    chat.run(CREATE + "\n@lee: /done #1")
    out = chat.run(f"@pm: {command} #1 移动端样式错位")
    new, edits = split(out)
    assert len(new) == 1
    assert "❌ #1 被 @pm 驳回：移动端样式错位。@lee 请返工（第 1 次）。" in new[0]
    assert "进行中" in edits[0]
    it = item(app)
    assert (it.status, it.rework_count, it.done_at) == ("in_progress", 1, None)
    assert it.history[-1].note == "移动端样式错位"
    # the second rejection, by reaction, counts again
    chat.run("@lee: /done #1 fixed")
    out = chat.run(f"@pm react ❌ {card_m(app)}")
    assert "@lee 请返工（第 2 次）" in out
    assert item(app).rework_count == 2
    assert "返工：2" in chat.run("@pm: /show #1")


def test_rework_resumes_from_the_progress_reported_before_done(chat, app):
    chat.run(CREATE + "\n@lee: /progress #1 60%\n@lee: /done #1\n@pm: /reject #1 样式错位")
    it = item(app)
    assert (it.status, it.progress, it.rework_count) == ("in_progress", 60, 1)
    assert "进度：60%" in chat.run("@pm: /show #1")


def test_reject_by_reaction_says_the_reason_is_to_follow(chat, app):
    chat.run(CREATE + "\n@lee: /done #1")
    out = chat.run(f"@pm react ❌ {card_m(app)}")
    assert "❌ #1 被 @pm 驳回" in out and "原因待补充" in out
    it = item(app)
    assert (it.status, it.rework_count) == ("in_progress", 1)


def test_reject_by_button_speaks_the_chats_language(chat, app):
    """BUG: the button's internal action name leaks: "通过 reject 驳回"."""
    chat.run(CREATE + "\n@lee: /done #1")
    out = chat.run(f"@pm click 驳回 {card_m(app)}")
    assert "❌ #1 被 @pm 驳回" in out
    assert item(app).rework_count == 1
    assert "reject" not in out


# --- extend ------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "command"), [("pm", "/extend"), ("pm", "/延期")])
def test_deadline_change_is_kept_in_history(chat, app, who, command):
    chat.run(CREATE)
    out = chat.run(f"@{who}: {command} #1 2026-05-20 供应商延迟交付")
    new, edits = split(out)
    assert len(new) == 1
    assert f"🗓 #1 截止时间调整：2026-05-15 周五 18:00 → 2026-05-20 周三 18:00（@{who}：供应商延迟交付）" in new[0]
    it = item(app)
    assert it.deadline == datetime(2026, 5, 20, 18, 0, tzinfo=SH)
    last = it.history[-1]
    assert (last.action, last.actor) == ("extend", who)
    assert datetime.fromisoformat(last.data["old"]) == datetime(2026, 5, 15, 18, 0, tzinfo=SH)
    assert datetime.fromisoformat(last.data["new"]) == datetime(2026, 5, 20, 18, 0, tzinfo=SH)
    assert last.data["reason"] == "供应商延迟交付"
    shown = chat.run("@pm: /show #1")
    assert "截止：2026-05-20 周三 18:00" in shown
    assert "调整截止 · 2026-05-15 周五 18:00 → 2026-05-20 周三 18:00: 供应商延迟交付" in shown


def test_extend_sets_a_first_deadline(chat, app):
    chat.run("@pm: /settings open-ended on\n@pm: /todo @lee tidy the wiki")
    out = chat.run("@pm: /extend #1 明天 agreed in the sync")
    assert "🗓 #1 截止时间调整：— → 2026-05-12 周二 18:00（@pm：agreed in the sync）" in out
    last = item(app).history[-1]
    assert last.data["old"] is None and last.data["reason"] == "agreed in the sync"


# --- cancel ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["/cancel", "/关闭", "/取消", "/close"])
def test_initiator_cancels(chat, app, command):
    chat.run(CREATE)
    out = chat.run(f"@pm: {command} #1 活动取消")
    new, edits = split(out)
    assert len(new) == 1 and "🚫 #1 已由 @pm 关闭：活动取消。" in new[0]
    assert "已关闭" in edits[0]
    it = item(app)
    assert it.status == "cancelled" and it.closed_at is not None
    assert (it.history[-1].action, it.history[-1].note) == ("cancel", "活动取消")


def test_cancel_without_reason(chat, app):
    chat.run(CREATE)
    assert "🚫 #1 已由 @pm 关闭。" in chat.run("@pm: /cancel #1")
    assert item(app).status == "cancelled"


# --- risk --------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "risk", "label"), [
    ("/risk #1 high vendor has not scheduled it", "high", "高"),
    ("/风险 #1 高 接口方未排期", "high", "高"),
])
def test_risk_is_marked_and_cleared(chat, app, line, risk, label):
    chat.run(CREATE)
    out = chat.run(f"@lee: {line}")
    assert f"#1 风险：{label}：" in out
    assert item(app).risk == risk
    assert "风险：高" in chat.run("@pm: /show #1")
    out = chat.run("@pm: /风险 #1 正常")
    assert "#1 风险：正常" in out
    it = item(app)
    assert it.risk == "normal"
    assert [h.action for h in it.history] == ["created", "risk", "risk"]


# --- the whole loop, in English -----------------------------------------------------------

def test_whole_loop_in_english(chat, app):
    chat.run("@pm: /settings lang en")
    out = chat.run("""
@pm: /todo @lee Build the campaign page by 2026-05-15 standard: passes QA
@lee: /ack #1
@lee: /progress #1 50% halfway
@lee: /done #1 live
@pm: /reject #1 broken on mobile
@lee: /done #1 fixed
@pm: /confirm #1
""")
    assert "#1 action item: Build the campaign page" in out
    assert re.search(r"Deadline[:：] ?2026-05-15 Fri 18:00", out)
    assert "✔ #1 acknowledged; @lee is on it." in out
    assert "📈 #1 at 50%: halfway" in out
    assert "🎉 #1 reported done by @lee: live." in out
    assert "❌ #1 rejected by @pm: broken on mobile. @lee, please rework it" in out
    assert "✅ #1 confirmed by @pm; closed." in out
    it = item(app)
    assert (it.status, it.rework_count) == ("confirmed", 1)
    assert [h.action for h in it.history] == ["created", "ack", "progress", "done", "reject", "done", "confirm"]
