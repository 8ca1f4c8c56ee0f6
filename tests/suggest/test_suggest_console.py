"""Suggestions in the console, in both databases: off by default; on, one quiet offer for the author;
跟进 makes the item as /ask or /todo would; 忽略 drops it for good; a daily cap; others can't click."""

from datetime import datetime

from sqlalchemy import select

from bot.events import EventKind, IncomingEvent
from storage.models import Item, ProcessedEvent, Suggestion

ASK = "@pm: @wang 麻烦明天下班前确认一下排期"


def test_off_by_default_a_request_gets_nothing(chat, app):
    assert chat.run(ASK) == ""
    with app.sessions() as s:
        assert s.scalars(select(Suggestion)).all() == []


def test_chatter_still_leaves_no_trace_with_suggestions_on(chat, app):
    chat.run("@pm: /设置 建议 开")
    assert chat.run("@pm: lunch anyone?\n@lee: sure") == ""
    with app.sessions() as s:
        assert len(s.scalars(select(ProcessedEvent)).all()) == 1  # the /设置 only


def test_the_author_alone_is_offered_and_one_click_makes_the_request(chat, app):
    shown = chat.run("@pm: /设置 建议 开")
    assert "跟进建议 开（每天最多 3 条）" in shown
    offer = chat.run(ASK)
    assert offer.splitlines() == ["[m2 → #demo (only @pm) · 2026-05-11 10:00]", "要跟进吗？",
                                  "@wang 确认排期 · 截止 05-12 周二 18:00", "[跟进] [忽略]"]
    made = chat.run("@pm click 跟进 m2")
    assert "#1 沟通需求：确认排期" in made
    assert "发起人：@pm" in made and "对接人：@wang" in made and "截止：2026-05-12 周二 18:00" in made
    assert "[m4 ✎ m2 · 2026-05-11 10:00] ✓ 已建 #1：确认排期" in made  # the offer's buttons are gone
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.kind, item.initiator.user_id, item.owner.user_id) == ("request", "pm", "wang")
        assert [h.action for h in item.history] == ["created"]
        suggestion = s.scalar(select(Suggestion))
        assert (suggestion.status, suggestion.item_id, suggestion.decided_by.user_id) == ("accepted", item.id, "pm")
        assert suggestion.text == "<@wang> 麻烦明天下班前确认一下排期"  # as said, the mention kept
    # Said again, it is never offered again.
    assert chat.run(ASK) == ""


def test_a_commitment_makes_an_action_item_the_author_owns_for_the_one_promised(chat, app):
    chat.run("@pm: /settings suggest on")
    offer = chat.run("@lee: @pm 我周五前把报价单发你")
    assert "把报价单发你（答应 @pm） · 截止 05-15 周五 18:00" in offer
    chat.run("@lee click 跟进 m2")
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.kind, item.owner.user_id, item.initiator.user_id) == ("action", "lee", "pm")
        assert item.title == "把报价单发你"


def test_a_commitment_to_nobody_named_is_the_authors_own_item(chat, app):
    chat.run("@pm: /settings lang en\n@pm: /settings suggest on")
    offer = chat.run("@ann: I'll send the deck by Friday")
    assert "Follow up?" in offer and "send the deck · due 05-15 Fri 18:00" in offer
    chat.run("@ann click Follow up m3")
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.owner.user_id, item.initiator.user_id, item.title) == ("ann", "ann", "send the deck")


def test_ignore_dismisses_for_good(chat, app):
    chat.run("@pm: /设置 建议 开")
    chat.run(ASK)
    out = chat.run("@pm click 忽略 m2")
    assert "[m3 ✎ m2 · 2026-05-11 10:00] 已忽略，不会再提。" in out
    assert chat.run(ASK) == ""  # the same request again: nothing
    assert chat.run(":advance 1d\n" + ASK) == ""  # nor tomorrow
    with app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        assert [x.status for x in s.scalars(select(Suggestion))] == ["dismissed"]


def test_someone_else_clicking_is_refused_and_changes_nothing(chat, app):
    chat.run("@pm: /设置 建议 开")
    chat.run(ASK)
    out = chat.run("@zed click 跟进 m2")
    assert out.splitlines() == ["[m3 → #demo (only @zed) · 2026-05-11 10:00]", "这条建议只有 @pm 能处理。"]
    with app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        assert s.scalar(select(Suggestion)).status == "open"


def test_the_one_asked_may_answer_for_the_author(chat, app):
    chat.run("@pm: /设置 建议 开")
    chat.run(ASK)
    chat.run("@wang click 跟进 m2")
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.initiator.user_id, item.owner.user_id) == ("pm", "wang")  # still the author's request


def test_a_button_works_once(chat, app):
    chat.run("@pm: /设置 建议 开")
    chat.run(ASK)
    chat.run("@pm click 跟进 m2")
    # A second press (a stale card, a double click): refused, no second item.
    when = datetime.fromisoformat("2026-05-11T10:00:00+08:00")
    app.process(IncomingEvent(platform="console", event_id="again", chat_id="demo", user_id="pm", user_name="pm",
                              kind=EventKind.BUTTON, button_value="follow:1", target_message_id="m2",
                              received_at=when), now=when)
    chat.sim.flush()
    assert "这条建议已处理（已跟进），按钮只能用一次。" in chat.buffer.getvalue()
    with app.sessions() as s:
        assert len(s.scalars(select(Item)).all()) == 1


def test_at_most_three_a_day_per_chat_then_again_tomorrow(chat, app):
    chat.run("@pm: /设置 建议 开")
    offered = [chat.run(line) for line in (
        "@pm: @wang 麻烦明天下班前确认一下排期", "@lee: 我周五前把报价单发你",
        "@ann: @bob could you send the deck by Friday?", "@zed: 我明天中午前给你回复")]
    assert [bool(o) for o in offered] == [True, True, True, False]
    assert chat.run(":advance 1d\n@zed: 我明天中午前给你回复") != ""
    with app.sessions() as s:
        assert len(s.scalars(select(Suggestion)).all()) == 4


def test_settings_refuse_a_switch_they_cannot_read(chat, app):
    assert "请写「开」或「关」" in chat.run("@pm: /设置 建议 也许")
    assert "Say on or off" in chat.run("@pm: /settings lang en\n@pm: /settings suggest maybe")


def test_near_misses_get_nothing_in_a_chat_that_wants_suggestions(chat, app):
    chat.run("@pm: /设置 建议 开")
    for line in ("@pm: 改天吃饭", "@pm: 我昨天发了", "@pm: 要不要我发?", "@pm: @wang 麻烦确认一下排期",
                 "@pm: 麻烦明天下班前确认一下排期", "@pm: > @wang 麻烦明天下班前确认一下排期"):
        assert chat.run(line) == "", line


def test_a_deadline_passed_before_the_click_makes_no_item(chat, app):
    chat.run("@pm: /设置 建议 开")
    chat.run("@pm: @wang 麻烦今天下午3点前确认一下排期")
    out = chat.run(":advance 6h\n@pm click 跟进 m2")
    assert "截止 05-11 周一 15:00 已过，没有建事项。需要的话用「/待办」重新写一个截止。" in out
    with app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        assert s.scalar(select(Suggestion)).status == "dismissed"


def test_a_bug_in_the_rules_never_answers_plain_chat(chat, app, monkeypatch):
    from bot.suggest import rules

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    chat.run("@pm: /设置 建议 开")
    monkeypatch.setattr(rules, "read", broken)
    assert chat.run(ASK) == ""
    assert "跟进建议 开" in chat.run("@pm: /设置")  # commands still work
