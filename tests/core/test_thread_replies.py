"""Thread replies are follow-up records: the owner's plain reply under an item's message.

Driven through the console's `@USER reply mN: TEXT` (a reply in the thread of bot message mN).
The clock is Monday 2026-05-11 10:00; @pm asks, @lee owns #1.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from transcript import split

from adapters.console.script import ScriptError
from bot.events import EventKind, IncomingEvent, Mention
from storage.models import Item, ItemEvent, OutboxMessage, ProcessedEvent

SH = ZoneInfo("Asia/Shanghai")
CREATE = "@pm: /todo @lee 写活动页 截止 2026-05-15 标准：QA 通过"  # its card is m1


def history(app, number: int = 1) -> list[tuple[str, str | None, str | None]]:
    with app.sessions() as s:
        row = s.scalar(select(Item).where(Item.number == number))
        return [(h.action, h.actor.name if h.actor else None, h.note) for h in row.history]


def state(app, number: int = 1) -> tuple[str, int]:
    with app.sessions() as s:
        row = s.scalar(select(Item).where(Item.number == number))
        return row.status, row.progress


def outbox_count(app) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_owners_reply_is_a_follow_up_note_and_starts_the_work(chat, app):
    chat.run(CREATE)
    new, edits = split(chat.run("@lee reply m1: 在调样式，明天给你看"))
    assert len(new) == 1 and "📝 已记入 #1 的跟进记录，#1 进行中。" in new[0]
    assert len(edits) == 1 and "#1 行动项：写活动页 · 进行中" in edits[0]
    assert history(app)[-1] == ("note", "lee", "在调样式，明天给你看")
    assert state(app) == ("in_progress", 0)
    with app.sessions() as s:
        assert s.scalar(select(Item)).acknowledged_at == datetime(2026, 5, 11, 10, 0, tzinfo=SH)
    new, edits = split(chat.run("@lee reply m1: 接口联调中"))  # in progress already: one short line, no card update
    assert len(new) == 1 and "📝 已记入 #1 的跟进记录。" in new[0] and edits == []
    out = chat.run("@pm: /show #1")
    assert "@lee · 跟进 · 在调样式，明天给你看" in out and "@lee · 跟进 · 接口联调中" in out


@pytest.mark.parametrize("text", ["做完60%了", "进度 60%", "60% done", "60％"])
def test_a_stated_percentage_is_progress_as_with_the_command(chat, app, text):
    chat.run(CREATE)
    new, edits = split(chat.run(f"@lee reply m1: {text}"))
    assert len(new) == 1 and "📈 #1 进度 60%" in new[0] and "：" not in new[0].split("\n", 1)[1]
    assert len(edits) == 1 and "60%" in edits[0]
    assert state(app) == ("in_progress", 60)
    assert history(app)[-1] == ("progress", "lee", "60%")


def test_a_percentage_with_more_to_say_keeps_the_words_as_its_note(chat, app):
    chat.run(CREATE)
    out = chat.run("@lee reply m1: 60%了，样式还在调")
    assert "📈 #1 进度 60%：60%了，样式还在调" in out
    assert history(app)[-1] == ("progress", "lee", "60% 60%了，样式还在调")


@pytest.mark.parametrize("text", ["搞定了", "好了！", "做完了", "done ✅", "all done", "100%"])
def test_done_asks_with_a_button_and_only_the_owners_click_counts(chat, app, text):
    chat.run(CREATE)
    new, edits = split(chat.run(f"@lee reply m1: {text}"))
    assert len(new) == 1 and edits == []
    assert "标记 #1 完成？（之后由 pm 确认）" in new[0] and "[完成]" in new[0]
    assert state(app)[0] == "open"  # asked, not yet done
    ask = new[0].split(" ", 1)[0].strip("[")
    refused = chat.run(f"@pm click 完成 {ask}")
    assert "只有负责人 @lee 可以报告完成 #1。" in refused and state(app)[0] == "open"
    done = chat.run(f"@lee click 完成 {ask}")
    assert "🎉 #1 @lee 已完成。" in done and "@pm 请验收" in done  # exactly what /done says
    assert state(app) == ("done", 100)
    assert [h[0] for h in history(app)] == ["created", "done"]
    chat.run("@pm react ✅ m1")
    assert state(app)[0] == "confirmed"


def card_m(app, item_id: int = 1) -> str:
    with app.sessions() as s:
        return f"m{s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == f'card:{item_id}'))}"


def test_done_in_english(chat, app):
    chat.run("@pm: /settings lang en\n" + CREATE)
    out = chat.run(f"@lee reply {card_m(app)}: finished")
    assert "Mark #1 done? (pm then confirms it.)" in out and "[Done]" in out


def test_done_on_an_item_already_reported_done_asks_nothing(chat, app):
    chat.run(CREATE + "\n@lee: /done #1")
    before = outbox_count(app)
    assert chat.run("@lee reply m1: 搞定了") == ""
    assert outbox_count(app) == before and [h[0] for h in history(app)] == ["created", "done"]


def test_a_percentage_on_an_item_awaiting_confirmation_is_a_note(chat, app):
    chat.run(CREATE + "\n@lee: /done #1")
    out = chat.run("@lee reply m1: 补充：已上线 90% 的页面")
    assert "📝 已记入 #1 的跟进记录。" in out and state(app) == ("done", 100)


@pytest.mark.parametrize("who", ["pm", "han"])
def test_replies_by_others_record_nothing_and_say_nothing(chat, app, who):
    chat.run(CREATE)
    assert chat.run(f"@{who} reply m1: 做完60%了吗？周五前要上线") == ""
    assert chat.run(f"@{who} reply m1: 搞定了") == ""
    assert history(app) == [("created", "pm", None)] and state(app) == ("open", 0)


@pytest.mark.parametrize("text", ["谢谢", "ok👍", "👍", "收到", "Thanks!"])
def test_chatter_records_nothing(chat, app, text):
    chat.run(CREATE)
    assert chat.run(f"@lee reply m1: {text}") == ""
    assert history(app) == [("created", "pm", None)]


def test_a_reply_under_a_message_about_no_item_is_nothing(chat, app):
    chat.run("@pm: /help")  # m1: no item
    assert chat.run("@lee reply m1: 做完60%了") == ""
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ItemEvent)) == 0
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1  # only the /help


def test_a_reply_under_an_issue_log_message_is_nothing(chat, app):
    chat.run("@pm: /dept 技术部 head @bob")
    assert "📋 问题 #1 已登记" in chat.run("@pm: /issue minor 测试环境资源不足 @技术部")  # m2
    assert chat.run("@bob reply m2: 搞定了") == ""
    assert chat.run("@bob reply m2: 60%") == ""
    assert "测试环境资源不足 · @bob" in chat.run("@pm: /issues")  # still open, nothing recorded


def test_under_minutes_a_reply_is_about_the_repliers_own_item(chat, app):
    chat.run("@pm: /纪要 周会\n  - @lee 写活动页 截止 5月15日\n  - @han 备货 截止 5月14日")  # m1: the minutes card
    out = chat.run("@lee reply m1: 做完60%了")
    assert "📈 #1 进度 60%" in out
    assert state(app, 1) == ("in_progress", 60) and state(app, 2) == ("open", 0)
    assert chat.run("@pm reply m1: 大家加油") == ""  # owns neither


def test_a_reply_on_a_closed_item_records_nothing(chat, app):
    chat.run(CREATE + "\n@pm: /cancel #1 不做了")
    assert chat.run("@lee reply m1: 已经做了一半") == ""
    assert [h[0] for h in history(app)] == ["created", "cancel"]


def test_commands_in_a_thread_stay_commands(chat, app):
    chat.run(CREATE)
    assert "📈 #1 进度 30%" in chat.run("@lee reply m1: /progress #1 30%")
    out = chat.run("@lee reply m1: /progres #1 40%")
    assert "没有「progres」这个命令" in out and state(app) == ("in_progress", 30)


def test_a_redelivered_reply_is_recorded_once(app):
    now = datetime(2026, 5, 11, 10, 0, tzinfo=SH)
    base = dict(platform="console", chat_id="demo", kind=EventKind.MESSAGE, received_at=now)
    assert app.process(IncomingEvent(**base, event_id="c1", user_id="pm", user_name="pm",
                                     text="/todo <@lee|lee> 写活动页 截止 2026-05-15", mentions=(Mention("lee", "lee"),)), now=now)
    app.deliver(platform="console", sender=_Sink(), now=now)  # the card becomes m1
    reply = IncomingEvent(**base, event_id="c2", user_id="lee", user_name="lee", text="在做了",
                          message_id="c2", thread_id="m1")
    assert app.process(reply, now=now) is True
    assert app.process(reply, now=now) is False
    assert [h[0] for h in history(app)] == ["created", "note"]


class _Sink:
    def send(self, msg, *, outbox_id, reply_to, edit_of, maybe_sent=False):
        return edit_of or f"m{outbox_id}"


def test_bad_reply_lines_are_refused_with_their_line(chat):
    with pytest.raises(ScriptError, match="no message m9"):
        chat.run("@lee reply m9: 做完了")
    with pytest.raises(ScriptError, match="replies nothing"):
        chat.run("@lee reply m1:")
