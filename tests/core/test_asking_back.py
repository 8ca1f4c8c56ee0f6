"""What the bot asks for when it is missing: the completion standard, a rejection's reason;
and what it refuses: a snooze long enough to be a new deadline.

The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_bad_input import snapshot
from transcript import split

from storage.models import Item, ItemEvent, OutboxMessage

CREATE = "@pm: /todo @lee build the page by friday"


def card_m(app, item_id: int = 1) -> str:
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == f'card:{item_id}'))}"


def history(app) -> list[tuple]:
    with app.sessions() as s:
        return [(h.action, h.actor.name if h.actor else None, h.note)
                for h in s.scalars(select(ItemEvent).order_by(ItemEvent.id))]


# --- the completion standard ---------------------------------------------------------------------

def test_a_missing_standard_is_created_as_to_be_added_and_says_how(chat, app):
    [card] = split(chat.run(CREATE))[0]
    assert "完成标准：待补充（/标准 #1 内容）" in card
    assert "完成标准待补充：发起人请发送「/标准 #1 完成标准」，验收时以此为准。" in card
    with app.sessions() as s:
        assert s.scalar(select(Item.standard)) is None


@pytest.mark.parametrize(("who", "line"), [("pm", "/standard #1 passes QA on staging"),
                                           ("lee", "/标准 #1 passes QA on staging"),
                                           ("pm", "/完成标准 #1 passes QA on staging")])
def test_the_standard_is_added_later(chat, app, who, line):
    chat.run(CREATE)
    new, edits = split(chat.run(f"@{who}: {line}"))
    assert f"📝 #1 完成标准：passes QA on staging（@{who}）" in new[0]
    assert len(edits) == 1
    with app.sessions() as s:
        assert s.scalar(select(Item.standard)) == "passes QA on staging"
    show = split(chat.run("@pm: /show #1"))[0][0]
    assert "完成标准：passes QA on staging" in show and "待补充" not in show
    assert history(app)[-1] == ("standard", who, "passes QA on staging")


def test_only_the_people_involved_set_the_standard(chat, app):
    chat.run(CREATE)
    before = snapshot(app)
    [reply] = split(chat.run("@zed: /standard #1 whatever"))[0]
    assert "只有负责人 @lee 或发起人 @pm 可以设置完成标准 #1。" in reply
    assert snapshot(app) == before
    assert "请写上完成标准" in chat.run("@pm: /标准 #1")


def test_the_initiator_is_reminded_once_of_a_missing_standard(chat, app):
    out = chat.run(CREATE + "\n:advance 2d")
    said = [m for m in split(out)[0] if "还没有完成标准" in m]
    assert len(said) == 1
    assert "· 2026-05-11 14:00]" in said[0]  # four working hours after it was created
    assert "📝 @pm，#1「build the page」还没有完成标准，验收时没有依据。请补充：「/标准 #1 完成标准」。" in said[0]


def test_no_reminder_once_the_standard_is_there(chat, app):
    out = chat.run(CREATE + "\n@pm: /standard #1 QA passes\n:advance 2d")
    assert "还没有完成标准" not in out


# --- a rejection's reason --------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["react ❌", "click 驳回"])
def test_a_reaction_or_button_rejection_asks_the_rejecter_why(chat, app, how):
    chat.run(CREATE + " standard: QA passes\n@lee: /done #1")
    new, _ = split(chat.run(f"@pm {how} {card_m(app)}"))
    assert "❌ #1 被 @pm 驳回：原因待补充。@lee 请返工（第 1 次）。" in new[0]
    assert "@pm 请补充驳回 #1 的原因，负责人才知道要改什么：发送「/驳回 #1 原因」。" in new[1]
    assert history(app)[-1] == ("reject", "pm", None)
    # the reason, when given, is recorded on the rejection and told to the owner
    [said] = split(chat.run("@pm: /驳回 #1 按钮在手机上错位"))[0]
    assert "📝 #1 驳回原因（@pm）：按钮在手机上错位。@lee 请按此返工。" in said
    assert [h for h in history(app) if h[0].startswith("reject")] == [
        ("reject", "pm", "按钮在手机上错位"), ("reject_reason", "pm", "按钮在手机上错位")]
    with app.sessions() as s:
        assert s.scalar(select(Item.status)) == "in_progress"  # not rejected a second time
        assert s.scalar(select(Item.rework_count)) == 1
    show = split(chat.run("@pm: /show #1"))[0][0]
    assert "驳回 · 按钮在手机上错位" in show


def test_only_the_rejecter_gives_the_reason(chat, app):
    chat.run(CREATE + " standard: QA passes\n@lee: /done #1")
    chat.run(f"@pm react ❌ {card_m(app)}")
    before = snapshot(app)
    [reply] = split(chat.run("@lee: /reject #1 it was fine"))[0]
    assert "只有发起人 @pm 可以驳回 #1。" in reply
    assert snapshot(app) == before


def test_a_rejection_with_its_reason_asks_nothing(chat, app):
    chat.run(CREATE + " standard: QA passes\n@lee: /done #1")
    out = chat.run("@pm: /reject #1 wrong colours")
    assert "请补充驳回" not in out


# --- snooze ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("duration", ["100d", "4d", "80h"])
def test_a_snooze_is_capped_and_points_to_extend(chat, app, duration):
    chat.run(CREATE + " standard: ok")
    before = snapshot(app)
    [reply] = split(chat.run(f"@lee: /稍后 #1 {duration}"))[0]
    assert "提醒最多暂停 3 个工作日（到 2026-05-14 10:00）" in reply
    assert "「/延期 #1 新日期 原因」" in reply
    assert snapshot(app) == before


def test_a_snooze_within_the_cap_is_accepted(chat, app):
    chat.run(CREATE + " standard: ok")
    assert "😴 #1 的提醒暂停到 2026-05-14 10:00。" in chat.run("@lee: /稍后 #1 3d")
