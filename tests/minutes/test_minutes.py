"""Meeting minutes in the console: the 618 example, all or nothing, list/show, confirming, disputes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Item, ItemEvent, Minutes, OutboxMessage
from tests.conftest import ChatDriver

SH = ZoneInfo("Asia/Shanghai")
MINUTES_618 = """\
@carol: /纪要 618活动协同推进会
  时间: 2026-05-10 14:00-16:00 线上
  主持: @zhao
  记录: @carol
  参会: @alice @bob @dave
  决议: 市场部5月12日前提交设计稿；技术部5月15日前完成前端开发
  - @alice 提交最终版设计稿 截止 5月12日 标准：市场总监确认
  - @bob 完成活动页前端开发 截止 5月15日 标准：测试通过
  - @dave 保障618库存 截止 5月18日
"""


def items(app) -> list[Item]:
    with app.sessions() as s:
        found = list(s.scalars(select(Item).order_by(Item.number)))
        for item in found:
            (item.owner, item.initiator, item.history)  # noqa: B018 - loaded before the session closes
        return found


def minutes(app) -> list[Minutes]:
    with app.sessions() as s:
        found = list(s.scalars(select(Minutes).order_by(Minutes.id)))
        for record in found:
            (record.poster, record.recorder)  # noqa: B018
        return found


def test_the_618_minutes_create_three_items(chat, app):
    out = chat.run(MINUTES_618)
    made = items(app)
    assert [(i.number, i.owner.name, i.title, i.standard) for i in made] == [
        (1, "alice", "提交最终版设计稿", "市场总监确认"),
        (2, "bob", "完成活动页前端开发", "测试通过"),
        (3, "dave", "保障618库存", None),
    ]
    assert [i.deadline.astimezone(SH) for i in made] == [
        datetime(2026, 5, d, 18, 0, tzinfo=SH) for d in (12, 15, 18)]
    assert {i.initiator.name for i in made} == {"carol"} and {i.kind for i in made} == {"action"}
    [record] = minutes(app)
    assert (record.number, record.title, record.poster.name, record.recorder.name) == (
        1, "618活动协同推进会", "carol", "carol")
    assert record.fields["time"] == "2026-05-10 14:00-16:00 线上"
    assert record.fields["decisions"].startswith("市场部5月12日前提交设计稿")
    assert "- <@dave> 保障618库存 截止 5月18日" in record.body  # as typed (console ids are the names)
    assert {i.minutes_id for i in made} == {record.id}
    # The reply: the minutes with every new item #N, and a button per line to confirm it.
    card = out.split("[m2 ")[0]
    assert "📝 会议纪要 #1：618活动协同推进会" in card and "主持：@zhao" in card
    assert "· #1 提交最终版设计稿 · @alice · 截止 2026-05-12 周二 18:00 · 标准：市场总监确认" in card
    assert "· #3 保障618库存 · @dave · 截止 2026-05-18 周一 18:00" in card
    assert "[收到 #1] [收到 #2] [收到 #3]" in card
    # Each item's own card is threaded under the minutes: the group sees one message.
    with app.sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert rows[0].key == f"minutes:{record.id}" and rows[0].reply_to_id is None
        assert [r.reply_to_id for r in rows[1:4]] == [rows[0].id] * 3


def test_one_bad_line_creates_nothing_and_names_the_line(chat, app):
    bad = MINUTES_618.replace("- @dave 保障618库存", "- 保障618库存")
    out = chat.run(bad)
    assert items(app) == [] and minutes(app) == []
    assert "会议纪要没有登记，什么都没有创建：1 行行动项需要改正。" in out
    assert "第 9 行「- 保障618库存 截止 5月18日」：缺负责人" in out
    assert "#1" not in out


def test_every_bad_line_is_quoted_with_what_it_lacks(chat, app):
    out = chat.run("""\
@carol: /minutes 周会
  - @alice 写周报
  - @bob 整理需求 截止 火星时间
  - @dave 盘点库存 截止 5月18日
""")
    assert items(app) == [] and minutes(app) == []
    assert "第 2 行「- @alice 写周报」：缺截止时间" in out
    assert "第 3 行「- @bob 整理需求 截止 火星时间」：看不懂截止时间「火星时间」" in out
    assert "第 4 行" not in out


def test_the_refusal_quotes_mentions_without_pinging(chat):
    chat.run("@carol: /minutes 周会\n  - @alice 写周报")
    with chat.app.sessions() as s:
        refusal = s.scalars(select(OutboxMessage)).one()
    assert "<@" not in refusal.payload["text"] and "@alice 写周报" in refusal.payload["text"]


def test_english_fields_any_order_and_other_markers(chat, app):
    out = chat.run("""\
@pm: /settings lang en
@carol: /minutes Weekly sync
  decisions: ship on Friday
  Recorder： @dave
  1. @bob write the report by 2026-05-15 standard: approved by pm
  • @alice book the room by 2026-05-12
  2、 @dave order stock by 2026-05-14 approver @pm
  we talked about the budget
  time: Monday 10:00
""")
    made = items(app)
    assert [(i.owner.name, i.title) for i in made] == [
        ("bob", "write the report"), ("alice", "book the room"), ("dave", "order stock")]
    assert made[0].standard == "approved by pm"
    with app.sessions() as s:
        assert s.get(Item, made[2].id).approver.name == "pm"
    [record] = minutes(app)
    assert record.recorder.name == "dave"
    assert record.fields == {"decisions": "ship on Friday", "recorder": "<@dave>", "time": "Monday 10:00",
                             "notes": "we talked about the budget"}
    assert "📝 Minutes #1: Weekly sync" in out and "Notes: we talked about the budget" in out
    assert "[Ack #1] [Ack #2] [Ack #3]" in out


def test_minutes_need_a_title_and_may_have_no_action_lines(chat, app):
    out = chat.run("@carol: /纪要")
    assert "请写上会议名称" in out and "用法：/纪要 会议名称" in out
    out = chat.run("@carol: /纪要 季度复盘\n  议题: Q2 目标")
    assert "📝 会议纪要 #1：季度复盘" in out and "（没有行动项）" in out
    assert items(app) == [] and len(minutes(app)) == 1


def test_list_and_show_tell_who_has_not_confirmed(chat, app):
    chat.run(MINUTES_618)
    chat.run("@carol: /纪要 周会\n  - @bob 写周报 截止 5月15日")
    chat.run("@alice: /收到 #1")
    out = chat.run("@carol: /纪要 列表")
    assert "会议纪要（2）" in out
    assert "#1 618活动协同推进会 · 2026-05-11 10:00 · @carol · 行动项 3 项，未确认 2" in out
    assert "#2 周会" in out
    out = chat.run("@carol: /minutes show 1")
    assert "· #1 提交最终版设计稿 · @alice · 2026-05-12 周二 18:00 · 进行中 · ✓ 已确认 2026-05-11 10:00" in out
    assert "· #2 完成活动页前端开发 · @bob · 2026-05-15 周五 18:00 · 未开始 · 未确认" in out
    assert "尚未确认：@bob、@dave" in out and "记录：@carol" in out
    assert "没有 #9 号会议纪要" in chat.run("@carol: /纪要 查看 9")
    assert "请写纪要编号" in chat.run("@carol: /纪要 查看 abc")


def test_show_reports_everyone_confirmed(chat):
    chat.run("@carol: /纪要 周会\n  - @bob 写周报 截止 5月15日")
    chat.run("@bob: /ack #1")
    assert "所有负责人都已确认" in chat.run("@carol: /纪要 查看 1")


def test_owners_confirm_with_ack_reaction_or_the_button(chat, app):
    chat.run(MINUTES_618)  # m1 the minutes, m2-m4 the items' cards
    chat.run("@alice: /ack #1")
    chat.run("@bob react 👀 m3")
    out = chat.run("@alice click 收到 #3 m1")  # not alice's line: refused, nothing changes
    assert "只有负责人 @dave 可以确认收到 #3" in out
    chat.run("@dave click 收到 #3 m1")
    assert [(i.status, i.acknowledged_at is not None) for i in items(app)] == [("in_progress", True)] * 3


def headers_with(out: str, needle: str) -> list[str]:
    found, header = [], None
    for line in out.splitlines():
        if line.startswith("[m"):
            header = line
        elif needle in line and header:
            found.append(header)
    return found


def test_an_unconfirmed_owner_is_nudged_once_after_one_working_day(chat):
    chat.run(MINUTES_618)
    chat.run("@alice: /收到 #1")
    out = chat.run(":advance 5d")
    nudges = headers_with(out, "还没有确认")
    assert [h.split("· ")[1] for h in nudges] == ["2026-05-12 10:00]"] * 2
    assert "📝 @bob，会议纪要分给你的 #2「完成活动页前端开发」（截止 2026-05-15 周五 18:00）还没有确认" in out
    assert "@dave，会议纪要分给你的 #3" in out and "@alice，会议纪要" not in out
    assert headers_with(chat.run(":advance 10d"), "还没有确认") == []


def _driver(app, when: str) -> ChatDriver:
    return ChatDriver(app, datetime.strptime(when, "%Y-%m-%d %H:%M"))


def test_minutes_posted_on_friday_are_nudged_on_monday(app):
    chat = _driver(app, "2026-05-15 10:00")  # a Friday
    out = chat.run("@carol: /纪要 周会\n  - @bob 写周报 截止 5月20日\n:advance 4d")
    assert [h.split("· ")[1] for h in headers_with(out, "还没有确认")] == ["2026-05-18 10:00]"]


def test_minutes_before_the_dragon_boat_holiday_are_nudged_after_it(app):
    chat = _driver(app, "2026-06-18 10:00")  # Thursday; 06-19 to 06-21 are off
    out = chat.run("@carol: /纪要 周会\n  - @bob 写周报 截止 6月26日\n:advance 6d")
    assert [h.split("· ")[1] for h in headers_with(out, "还没有确认")] == ["2026-06-22 10:00]"]


def test_no_nudge_once_confirmed_or_done_or_disputed(chat):
    chat.run("@carol: /纪要 周会\n  - @bob 写周报 截止 5月20日\n  - @dave 盘点 截止 5月20日\n"
             "  - @erin 订会议室 截止 5月20日")
    out = chat.run("@bob: /收到 #1\n@dave: /完成 #2\n@erin: /异议 #3 会议室归行政部\n:advance 3d")
    assert headers_with(out, "还没有确认") == []


def test_the_owner_disputes_a_line(chat, app):
    chat.run(MINUTES_618.replace("记录: @carol", "记录: @erin"))
    out = chat.run("@dave: /异议 #3 库存归仓储部，不归市场部")
    assert "⚠️ @dave 对 #3「保障618库存」有异议：库存归仓储部，不归市场部" in out
    assert "@erin @carol 请协调" in out
    with app.sessions() as s:
        item = s.scalars(select(Item).where(Item.number == 3)).one()
        assert item.status == "open" and item.acknowledged_at is None
        row = s.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id, ItemEvent.action == "dispute")).one()
        assert (row.actor.name, row.note) == ("dave", "库存归仓储部，不归市场部")
    assert "有异议：库存归仓储部，不归市场部" in chat.run("@carol: /纪要 查看 1")
    assert "库存归仓储部，不归市场部" in chat.run("@carol: /详情 #3")


def test_dispute_refuses_bad_input_and_others(chat, app):
    chat.run(MINUTES_618)
    assert "只有负责人 @dave 可以对 #3 提出异议" in chat.run("@carol: /dispute #3 wrong owner")
    assert "请写上异议的原因" in chat.run("@dave: /异议 #3")
    assert "请写明事项编号" in chat.run("@dave: /异议 库存")
    assert "找不到 #9" in chat.run("@dave: /异议 #9 原因")
    chat.run("@carol: /关闭 #3 取消")
    assert "不能再提出异议" in chat.run("@dave: /异议 #3 原因")
    with app.sessions() as s:
        assert s.scalars(select(ItemEvent).where(ItemEvent.action == "dispute")).all() == []


def test_dispute_of_a_plain_item_tells_its_initiator(chat):
    chat.run("@pm: /todo @lee write the spec by 2026-05-15")
    assert "@pm 请协调" in chat.run("@lee: /dispute #1 not my team")


def test_help_lists_the_new_commands(chat):
    out = chat.run("@pm: /帮助")
    assert "/纪要 (minutes)" in out and "/异议 (dispute)" in out
    assert "/dispute #N REASON" in chat.run("@pm: /settings lang en\n@pm: /help dispute")


def test_eyes_on_the_minutes_card_confirm_the_reactors_own_lines(chat, app):
    chat.run(MINUTES_618.replace("- @dave 保障618库存", "- @bob 保障618库存"))
    out = chat.run("@bob react 👀 m1")
    assert "#2 已收到，@bob 跟进中" in out and "#3 已收到，@bob 跟进中" in out
    assert chat.run("@zhao react 👀 m1") == ""  # nothing of theirs on it: nothing happens
    assert [i.acknowledged_at is not None for i in items(app)] == [False, True, True]


def test_long_minutes_offer_at_most_ten_buttons(chat, app):
    lines = "".join(f"\n  - @p{n} task {n} 截止 5月20日" for n in range(1, 13))
    out = chat.run("@carol: /纪要 大会" + lines)
    assert len(items(app)) == 12 and "· #12 task 12 · @p12" in out
    assert "[收到 #10]" in out and "[收到 #11]" not in out
