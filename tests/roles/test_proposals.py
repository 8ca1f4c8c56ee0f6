"""A deadline change is a negotiation (改期): the owner asks, the initiator or the approver (A) decides.

The initiator's or A's own /extend applies at once. The owner's is a proposal: the deadline in
force does not move until it is approved (/approve, ✅ or the 同意 button on its message), and
the history keeps the proposal, who decided and when. The clock starts Monday 2026-05-11 10:00.
"""

from __future__ import annotations

import pytest
from roles_support import CREATE, FRIDAY, NEXT_WED, card_m, history, item_row, proposal_m, proposals, snapshot
from transcript import split

from adapters.console.parse import to_event
from adapters.console.script import Click

ROLES = "@pm: /raci #1 A @boss C @carol I @ivy"
SETUP = CREATE + "\n" + ROLES
PROPOSE = "@lee: /extend #1 2026-05-20 vendor late"


def test_the_owner_proposes_and_the_deadline_in_force_stays(chat, app):
    chat.run(SETUP)
    new, edits = split(chat.run(PROPOSE))
    assert len(new) == 1 and edits == []
    message = new[0]
    assert "#1 改期申请：build the page" in message
    assert "当前截止：2026-05-15 周五 18:00" in message and "申请改为：2026-05-20 周三 18:00" in message
    assert "原因：vendor late" in message and "状态：待处理" in message
    assert "@pm @boss 请处理：点 ✅ 同意、❌ 拒绝，或点按钮" in message
    assert message.rstrip().endswith("[同意] [拒绝]")
    assert "距当前截止不足" not in message  # asked four working days ahead: in time
    assert item_row(app).deadline == FRIDAY
    [p] = proposals(app)
    assert (p.status, p.deadline, p.old_deadline, p.late, p.proposer.name) == ("open", NEXT_WED, FRIDAY, False, "lee")
    action, actor, data = history(app)[-1]
    assert (action, actor, data["reason"], data["late"]) == ("propose", "lee", "vendor late", False)
    assert "申请改期 · 2026-05-15 周五 18:00 → 2026-05-20 周三 18:00: vendor late" in chat.run("@pm: /show #1")


@pytest.mark.parametrize("who", ["pm", "boss"])  # the initiator, A
def test_the_initiator_or_approver_moves_the_deadline_at_once(chat, app, who):
    chat.run(SETUP)
    out = chat.run(f"@{who}: /延期 #1 2026-05-20 供应商延迟")
    assert f"🗓 #1 截止时间调整：2026-05-15 周五 18:00 → 2026-05-20 周三 18:00（@{who}：供应商延迟）" in out
    assert item_row(app).deadline == NEXT_WED
    assert proposals(app) == []


@pytest.mark.parametrize("who", ["carol", "ivy", "bob"])  # C, I, bystander
def test_others_may_neither_move_nor_propose(chat, app, who):
    chat.run(SETUP)
    before = snapshot(app)
    new, edits = split(chat.run(f"@{who}: /extend #1 2026-05-20 vendor late"))
    assert len(new) == 1 and edits == []
    assert "只有负责人 @lee 或发起人 @pm 可以调整截止时间 #1。" in new[0]
    assert snapshot(app) == before


APPROVALS = ["@{who}: /approve #1", "@{who}: /同意 #1", "@{who} react ✅ {proposal}", "@{who} click 同意 {proposal}"]


@pytest.mark.parametrize("how", APPROVALS)
@pytest.mark.parametrize("who", ["pm", "boss"])
def test_the_initiator_or_approver_approves_and_the_deadline_moves(chat, app, who, how):
    chat.run(SETUP + "\n" + PROPOSE)
    new, edits = split(chat.run(how.format(who=who, proposal=proposal_m(app))))
    assert len(new) == 1, new
    assert (f"✅ #1 改期申请已由 @{who} 同意：截止时间 2026-05-15 周五 18:00 → 2026-05-20 周三 18:00。"
            f"@lee 请按新时间完成。") in new[0]
    # the proposal's message loses its buttons and says who decided; the item's card is re-rendered
    assert any(f"✎ {proposal_m(app)}" in e and f"已同意（@{who}，05-11 10:00）" in e for e in edits), edits
    assert any(f"✎ {card_m(app)}" in e for e in edits)
    assert item_row(app).deadline == NEXT_WED
    [p] = proposals(app)
    assert (p.status, p.decided_by.name) == ("approved", who) and p.decided_at is not None
    action, actor, data = history(app)[-1]
    assert (action, actor, data["proposed_by"], data["reason"]) == ("extend", who, "lee", "vendor late")
    assert "调整截止 · 2026-05-15 周五 18:00 → 2026-05-20 周三 18:00: vendor late（@lee 申请）" in chat.run(
        "@pm: /show #1")


@pytest.mark.parametrize("how", [*APPROVALS, "@{who}: /decline #1 no", "@{who} react ❌ {proposal}",
                                 "@{who} click 拒绝 {proposal}"])
@pytest.mark.parametrize("who", ["lee", "carol", "ivy", "bob"])  # owner, C, I, bystander
def test_nobody_else_decides(chat, app, who, how):
    chat.run(SETUP + "\n" + PROPOSE)
    before = snapshot(app)
    new, edits = split(chat.run(how.format(who=who, proposal=proposal_m(app))))
    assert len(new) == 1 and edits == [], new
    assert "只有发起人 @pm 或审批人 @boss 可以" in new[0] and "改期 #1" in new[0]
    assert snapshot(app) == before


@pytest.mark.parametrize(("how", "reason"), [
    ("@{who}: /decline #1 活动日期不能动", "活动日期不能动"),
    ("@{who}: /拒绝 #1 活动日期不能动", "活动日期不能动"),
    ("@{who} react ❌ {proposal}", None),
    ("@{who} click 拒绝 {proposal}", None),
])
@pytest.mark.parametrize("who", ["pm", "boss"])
def test_a_declined_proposal_leaves_the_deadline_and_is_kept(chat, app, who, how, reason):
    chat.run(SETUP + "\n" + PROPOSE)
    out = chat.run(how.format(who=who, proposal=proposal_m(app)))
    assert f"🚫 #1 改期申请被 @{who} 拒绝" in out and "截止时间仍为 2026-05-15 周五 18:00。@lee 请按原时间完成" in out
    assert item_row(app).deadline == FRIDAY
    [p] = proposals(app)
    assert (p.status, p.decided_by.name, p.decision_note) == ("declined", who, reason)
    assert [(a, actor) for a, actor, _ in history(app)][-2:] == [("propose", "lee"), ("decline", who)]
    assert "已拒绝（@" + who in out  # the proposal's message now says who declined


def test_decline_needs_a_reason_and_approve_needs_a_proposal(chat, app):
    chat.run(SETUP)
    before = snapshot(app)
    assert "#1 没有待处理的改期申请。" in chat.run("@pm: /approve #1")
    assert "#1 没有待处理的改期申请。" in chat.run("@pm: /decline #1 no")
    chat.run(PROPOSE)
    before = snapshot(app)
    out = chat.run("@pm: /decline #1")
    assert "请写上原因。" in out and "用法：/拒绝 #编号 原因" in out
    assert snapshot(app) == before


def test_a_new_proposal_replaces_the_open_one(chat, app):
    chat.run(SETUP + "\n" + PROPOSE)
    first = proposal_m(app, 1)
    out = chat.run("@lee: /延期 #1 2026-05-22 QA needs two more days")
    assert "这份申请替换了之前的申请（改为 2026-05-20 周三 18:00）。" in out
    assert f"✎ {first}" in out and "已被新的申请替换" in out
    assert [(p.status, p.deadline.day) for p in proposals(app)] == [("replaced", 20), ("open", 22)]
    before = snapshot(app)
    assert "这份改期申请已被新的申请替换，不用再处理。" in chat.run(f"@pm react ✅ {first}")
    # a click on the old message's button, as a platform that still shows it would send it
    stale = to_event(Click("pm", "同意", int(first[1:])), chat="demo", now=chat.sim.now, button_value="approve:1")
    chat.sim._process(stale)
    assert "这份改期申请已被新的申请替换，不用再处理。" in chat.buffer.getvalue().rsplit("[m", 1)[-1]
    assert snapshot(app) == before
    chat.run("@pm: /approve #1")
    assert item_row(app).deadline.day == 22


def test_a_deadline_set_directly_voids_the_open_proposal(chat, app):
    chat.run(SETUP + "\n" + PROPOSE)
    out = chat.run("@pm: /extend #1 2026-05-18 agreed in the sync")
    assert "已作废（截止时间已被直接调整）" in out
    assert [p.status for p in proposals(app)] == ["overtaken"]
    assert item_row(app).deadline.day == 18


def test_a_reaction_on_the_items_card_still_means_the_item(chat, app):
    chat.run(SETUP + "\n" + PROPOSE)
    out = chat.run(f"@pm react ✅ {card_m(app)}")
    assert "还没有报告完成" in out
    assert [p.status for p in proposals(app)] == ["open"]


def test_a_closed_item_takes_no_proposal_and_no_decision(chat, app):
    chat.run(SETUP + "\n" + PROPOSE + "\n@pm: /cancel #1 called off")
    assert "不能再同意改期" in chat.run("@pm: /approve #1")
    assert "不能再调整截止时间" in chat.run("@lee: /extend #1 2026-05-22 more time")


def test_the_same_deadline_is_no_proposal(chat, app):
    chat.run(SETUP)
    assert "#1 的截止时间已经是 2026-05-15 周五 18:00。" in chat.run("@lee: /extend #1 2026-05-15 same")
    assert proposals(app) == []


# --- late proposals, the deadline in force ---------------------------------------------------

def test_a_proposal_less_than_two_working_days_ahead_is_marked_late_and_the_digest_says_so(chat, app):
    chat.run(SETUP)
    out = chat.run(":now 2026-05-14 10:00\n" + PROPOSE)  # Thursday, the deadline is Friday 18:00
    assert "⚠ 距当前截止不足 2 个工作日才提出（按规定应至少提前 2 个工作日预警），已记为晚报。" in out
    [p] = proposals(app)
    assert p.late is True and p.status == "open"
    assert "（距截止不足 2 个工作日才提出）" in chat.run("@pm: /show #1")
    digest = chat.run(":now 2026-05-15 10:00")
    assert "申请改期 → 05-20（晚报：距截止不足 2 个工作日才提出） vendor late" in digest


def test_warnings_and_overdue_notices_follow_the_deadline_in_force(chat, app):
    chat.run(SETUP + "\n" + PROPOSE)  # asked on Monday, never answered
    out = chat.run(":now 2026-05-18 10:00")
    assert "将于 2026-05-15 周五 18:00 截止" in out
    assert "已到截止时间" in out  # Friday 18:00 is the end of the day: said Monday 09:00
    chat.run("@pm: /approve #1")
    out = chat.run(":now 2026-05-19 10:00")
    assert "将于 2026-05-20 周三 18:00 截止" in out  # the approved deadline re-arms its warning
