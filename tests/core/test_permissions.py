"""Who may do what: the owner reports, the initiator (or approver) confirms, rejects, cancels.

A refusal — by command, reaction or button — changes nothing and says politely who may.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from transcript import HEADER, split

from storage.models import Item, ItemEvent, OutboxMessage

SETUP = {
    "open": "@pm: /todo @lee build the page 截止 2026-05-15",
    "done": "@pm: /todo @lee build the page 截止 2026-05-15\n@lee: /done #1",
    "approver_open": "@pm: /todo @lee build the page 截止 2026-05-15 审批 @boss",
    "approver_done": "@pm: /todo @lee build the page 截止 2026-05-15 审批 @boss\n@lee: /done #1",
}


def snapshot(app) -> tuple:
    """Every item column and every history row: what a refusal must leave alone."""
    with app.sessions() as s:
        items = [tuple(getattr(i, c.key) for c in Item.__table__.columns)
                 for i in s.scalars(select(Item).order_by(Item.id))]
        history = [tuple(getattr(h, c.key) for c in ItemEvent.__table__.columns)
                   for h in s.scalars(select(ItemEvent).order_by(ItemEvent.id))]
        return items, history


def card_m(app, item_id: int = 1) -> str:
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == f'card:{item_id}'))}"


OWNER_ONLY = "只有负责人 @lee 可以{action} #1。"
INITIATOR_ONLY = "只有发起人 @pm 可以{action} #1。"
INITIATOR_OR_APPROVER = "只有发起人 @pm 或审批人 @boss 可以{action} #1。"
INVOLVED = "只有负责人 @lee 或发起人 @pm 可以{action} #1。"

REFUSALS = [
    # only the owner reports
    ("open", "@pm: /progress #1 50%", OWNER_ONLY, "更新进度"),
    ("open", "@bob: /进度 #1 50%", OWNER_ONLY, "更新进度"),
    ("open", "@pm: /done #1", OWNER_ONLY, "报告完成"),
    ("open", "@bob: /完成 #1 done", OWNER_ONLY, "报告完成"),
    ("open", "@pm: /block #1 no test env", OWNER_ONLY, "报告受阻"),
    ("open", "@bob: /需支持 #1 no test env", OWNER_ONLY, "报告受阻"),
    ("open", "@bob: /ack #1", OWNER_ONLY, "确认收到"),
    ("open", "@bob react 👀 {card}", OWNER_ONLY, "确认收到"),
    ("open", "@bob click 收到 {card}", OWNER_ONLY, "确认收到"),
    ("open", "@pm click 完成 {card}", OWNER_ONLY, "报告完成"),
    ("approver_open", "@boss: /done #1", OWNER_ONLY, "报告完成"),
    # only the initiator confirms, rejects, cancels
    ("done", "@lee: /confirm #1", INITIATOR_ONLY, "确认验收"),
    ("done", "@bob: /确认 #1", INITIATOR_ONLY, "确认验收"),
    ("done", "@lee react ✅ {card}", INITIATOR_ONLY, "确认验收"),
    ("done", "@bob react ✅ {card}", INITIATOR_ONLY, "确认验收"),
    ("done", "@lee click 确认 {card}", INITIATOR_ONLY, "确认验收"),
    ("done", "@lee: /reject #1 looks fine to me", INITIATOR_ONLY, "驳回"),
    ("done", "@bob: /驳回 #1 样式错位", INITIATOR_ONLY, "驳回"),
    ("done", "@bob react ❌ {card}", INITIATOR_ONLY, "驳回"),
    ("done", "@lee click 驳回 {card}", INITIATOR_ONLY, "驳回"),
    ("open", "@lee: /cancel #1 no time", INITIATOR_ONLY, "关闭"),
    ("open", "@bob: /关闭 #1", INITIATOR_ONLY, "关闭"),
    # an approver shares the initiator's right; the refusal names both
    ("approver_done", "@lee: /confirm #1", INITIATOR_OR_APPROVER, "确认验收"),
    ("approver_done", "@bob react ✅ {card}", INITIATOR_OR_APPROVER, "确认验收"),
    ("approver_done", "@bob: /reject #1 no", INITIATOR_OR_APPROVER, "驳回"),
    ("approver_open", "@lee: /取消 #1", INITIATOR_OR_APPROVER, "关闭"),
    # owner or initiator: deadline and risk
    ("open", "@bob: /extend #1 2026-05-20 vendor late", INVOLVED, "调整截止时间"),
    ("open", "@bob: /风险 #1 高 vendor late", INVOLVED, "标记风险"),
]


@pytest.mark.parametrize(("state", "line", "template", "action"), REFUSALS,
                         ids=[f"{s}|{line}" for s, line, _, _ in REFUSALS])
def test_refusal_changes_nothing_and_names_who_may(chat, app, state, line, template, action):
    chat.run(SETUP[state])
    before = snapshot(app)
    out = chat.run(line.format(card=card_m(app)))
    new, edits = split(out)
    assert len(new) == 1, out
    assert edits == [], "a refused action must not re-render the card"
    assert template.format(action=action) in new[0]
    assert snapshot(app) == before


@pytest.mark.parametrize(("line", "status"), [
    ("@boss: /confirm #1", "confirmed"),
    ("@boss react ✅ {card}", "confirmed"),
    ("@boss click 确认 {card}", "confirmed"),
    ("@pm: /confirm #1", "confirmed"),
    ("@boss: /驳回 #1 样式错位", "in_progress"),
    ("@boss: /cancel #1 not needed", "cancelled"),
])
def test_approver_may_do_what_the_initiator_may(chat, app, line, status):
    chat.run(SETUP["approver_done"])
    out = chat.run(line.format(card=card_m(app)))
    who = line[1:].split(":")[0].split(" ")[0]
    assert f"@{who}" in out
    with app.sessions() as s:
        item = s.get(Item, 1)
        assert item.status == status
        assert item.history[-1].actor.name == who


def test_button_click_acts_as_the_clicking_user(chat, app):
    chat.run(SETUP["open"])
    out = chat.run(f"@lee click 收到 {card_m(app)}")
    assert "✔ #1 已收到，@lee 跟进中。" in out
    out = chat.run(f"@lee click 完成 {card_m(app)}")
    assert "🎉 #1 @lee 已完成" in out
    out = chat.run(f"@pm click 确认 {card_m(app)}")
    assert "✅ #1 已由 @pm 确认验收" in out
    with app.sessions() as s:
        item = s.get(Item, 1)
        assert [(h.action, h.actor.name) for h in item.history] == [
            ("created", "pm"), ("ack", "lee"), ("done", "lee"), ("confirm", "pm")]


@pytest.mark.parametrize("line", [
    "@pm unreact ✅ {card}",  # removing a reaction undoes nothing
    "@pm react 👍 {card}",  # a reaction that means nothing to the bot
    "@pm react ✅ {list}",  # a reaction on a message about several items
])
def test_meaningless_reactions_are_ignored(chat, app, line):
    chat.run(SETUP["done"] + "\n@pm: /todo @lee second one by friday")
    listing = chat.run("@pm: /list")
    list_m = "m" + HEADER.search(listing).group(1)
    if "unreact" in line:
        chat.run(f"@pm react ✅ {card_m(app)}")
    before = snapshot(app)
    out = chat.run(line.format(card=card_m(app), list=list_m))
    assert out == ""
    assert snapshot(app) == before
