"""/raci (/角色): the initiator names the approver (A), the people consulted (C) and informed (I).

A may confirm or reject instead of the initiator; C are told when the item is blocked; I see it
in their own /list mine and are told when it closes. Every role change is a history row.
"""

from __future__ import annotations

import pytest
from roles_support import CREATE, card_m, held_roles, history, snapshot
from sqlalchemy import select
from transcript import split

from storage.models import OutboxMessage

ROLES = "@pm: /raci #1 A @boss C @carol @dave I @ivy"


def test_the_initiator_names_the_roles_and_the_card_and_show_carry_them(chat, app):
    chat.run(CREATE)
    new, edits = split(chat.run(ROLES))
    assert new == [new[0]] and "👥 #1 角色已更新（@pm）：审批人 @boss；咨询人 @carol @dave；知会人 @ivy" in new[0]
    assert len(edits) == 1  # the item's card is re-rendered in place
    assert held_roles(app) == {"A": ["boss"], "C": ["carol", "dave"], "I": ["ivy"]}
    with app.sessions() as s:  # each person named is told, by a real mention
        said = s.scalar(select(OutboxMessage.payload).where(OutboxMessage.payload["text"].as_string().contains("角色已更新")))
        assert all(f"<@{who}|{who}>" in said["text"] for who in ("boss", "carol", "dave", "ivy"))
    assert [(a, who, d["role"]) for a, who, d in history(app) if a == "raci"] == [
        ("raci", "pm", "A"), ("raci", "pm", "C"), ("raci", "pm", "I")]
    shown = chat.run("@lee: /show #1")
    assert "审批人：@boss" in shown and "咨询人：@carol @dave" in shown and "知会人：@ivy" in shown
    assert "角色 · C: — → @carol、@dave" in shown


def test_chinese_words_replace_one_role_and_leave_the_others(chat, app):
    chat.run(CREATE + "\n" + ROLES)
    out = chat.run("@pm: /角色 #1 知会 @zoe")
    assert "知会人 @zoe" in out and "咨询人 @carol @dave" in out
    assert held_roles(app) == {"A": ["boss"], "C": ["carol", "dave"], "I": ["zoe"]}
    chat.run("@pm: /角色 #1 咨询人 无 审批人 无")
    assert held_roles(app) == {"A": [], "C": [], "I": ["zoe"]}
    rows = [d for a, _, d in history(app) if a == "raci"]
    assert [r["role"] for r in rows] == ["A", "C", "I", "I", "A", "C"]
    assert rows[-1] == {"role": "C", "old": ["carol", "dave"], "new": []}


def test_naming_the_same_people_again_changes_nothing(chat, app):
    chat.run(CREATE + "\n" + ROLES)
    before = snapshot(app)
    new, edits = split(chat.run("@pm: /raci #1 C @dave @carol"))
    assert "#1 的角色没有变化" in new[0] and edits == []
    assert snapshot(app) == before
    with app.sessions() as s:  # nothing changed, so nobody is pinged: the names are plain text
        last = s.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
        assert "没有变化" in last.payload["text"] and "<@" not in last.payload["text"]


@pytest.mark.parametrize("who", ["lee", "boss", "carol", "ivy", "bob"])  # owner, A, C, I, bystander
def test_only_the_initiator_sets_roles(chat, app, who):
    chat.run(CREATE + "\n" + ROLES)
    before = snapshot(app)
    new, edits = split(chat.run(f"@{who}: /raci #1 C @{who}"))
    assert len(new) == 1 and edits == []
    assert "只有发起人 @pm 可以设置 #1 的角色。" in new[0]
    assert snapshot(app) == before


@pytest.mark.parametrize(("line", "said"), [
    ("@pm: /raci #1 A @boss @wang", "每个事项只有一位审批人"),
    ("@pm: /raci #1 A @lee", "@lee 是 #1 的负责人，不能同时做审批人"),
    ("@pm: /raci #1 C", "「咨询人」后面请 @ 具体的人"),
    ("@pm: /raci #1 C please @carol", "没看懂「C please @carol」：「A / C / I」后面只写 @人"),
    ("@pm: /raci #1 C @carol please", "没看懂「please」：「咨询人」后面只写 @人"),
    ("@pm: /raci #1 hello C @carol", "没看懂「hello」"),
    ("@pm: /raci #1 C @Tech", "Tech 是部门，这里需要具体的人"),
    ("@pm: /raci C @carol", "请写明事项编号"),
    ("@pm: /raci #9 C @carol", "找不到 #9"),
])
def test_mistakes_get_one_helpful_reply_and_change_nothing(chat, app, line, said):
    chat.run("@pm: /dept Tech head @wang\n" + CREATE)
    before = snapshot(app)
    new, edits = split(chat.run(line))
    assert len(new) == 1 and edits == [], new
    assert said in new[0]
    assert snapshot(app) == before


def test_raci_on_a_closed_item_is_refused(chat, app):
    chat.run(CREATE + "\n@pm: /cancel #1 not needed")
    out = chat.run("@pm: /raci #1 I @ivy")
    assert "#1 当前状态为「已关闭」，不能再设置角色（RACI）。" in out
    assert held_roles(app)["I"] == []


def test_raci_without_roles_shows_them(chat, app):
    chat.run(CREATE + "\n" + ROLES)
    out = chat.run("@pm: /raci #1")
    assert "👥 #1 的角色：审批人 @boss；咨询人 @carol @dave；知会人 @ivy" in out and "用法：/角色" in out


# --- what each role may do -----------------------------------------------------------------

DONE = CREATE + "\n" + ROLES + "\n@lee: /done #1"


@pytest.mark.parametrize("line", ["@boss: /confirm #1", "@boss react ✅ {card}", "@boss click 确认 {card}"])
def test_the_approver_named_by_raci_confirms_instead_of_the_initiator(chat, app, line):
    chat.run(DONE)
    out = chat.run(line.format(card=card_m(app)))
    assert "✅ #1 已由 @boss 确认验收，闭环" in out
    assert history(app)[-1][:2] == ("confirm", "boss")


def test_the_approver_rejects_instead_of_the_initiator(chat, app):
    chat.run(DONE)
    out = chat.run("@boss: /驳回 #1 样式错位")
    assert "❌ #1 被 @boss 驳回：样式错位" in out
    assert history(app)[-1][:2] == ("reject", "boss")


@pytest.mark.parametrize("who", ["carol", "ivy", "bob"])  # C, I, bystander
@pytest.mark.parametrize("how", ["/confirm #1", "/reject #1 no"])
def test_consulted_informed_and_bystanders_may_not_confirm_or_reject(chat, app, who, how):
    chat.run(DONE)
    before = snapshot(app)
    out = chat.run(f"@{who}: {how}")
    assert "只有发起人 @pm 或审批人 @boss 可以" in out
    assert snapshot(app) == before


def test_consulted_are_told_when_the_item_is_blocked(chat, app):
    chat.run(CREATE + "\n" + ROLES)
    out = chat.run("@lee: /受阻 #1 测试环境资源不足")
    assert "⚠ #1 受阻：测试环境资源不足。@pm 需要协调支持。咨询人 @carol @dave 请协助。" in out


@pytest.mark.parametrize("close", ["@lee: /done #1\n@pm: /confirm #1", "@pm: /cancel #1 活动取消"])
def test_informed_are_told_when_the_item_closes(chat, app, close):
    chat.run(CREATE + "\n" + ROLES)
    out = chat.run(close)
    assert "知会：@ivy" in out


def test_informed_see_the_item_in_their_own_list_and_consulted_do_not(chat, app):
    chat.run(CREATE + "\n" + ROLES + "\n@pm: /todo @lee another one 截止 2026-05-15")
    assert "#1 build the page" in chat.run("@ivy: /list mine")
    assert "another one" not in chat.run("@ivy: /list mine")
    assert "没有符合条件的事项" in chat.run("@carol: /list mine")
    assert "没有符合条件的事项" in chat.run("@bob: /list mine")
    chat.run("@pm: /raci #1 I 无")
    assert "没有符合条件的事项" in chat.run("@ivy: /list mine")


def test_roles_in_english(chat, app):
    chat.run("@pm: /settings lang en\n" + CREATE)
    out = chat.run("@pm: /roles #1 approver @boss consulted @carol informed @ivy")
    assert "👥 #1 roles updated by @pm: approver @boss; consulted @carol; informed @ivy" in out
    assert "Approver: @boss" in chat.run("@pm: /show #1") and "Informed: @ivy" in chat.run("@pm: /show #1")
