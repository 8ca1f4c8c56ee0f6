"""An action item always has a deadline, read where people put it, and said back plainly.

The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai); "周五" is 2026-05-15.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from transcript import split

from storage.models import Item

SH = ZoneInfo("Asia/Shanghai")


def items(app) -> list[tuple]:
    with app.sessions() as s:
        return [(i.title, i.deadline.astimezone(SH).strftime("%Y-%m-%d %H:%M") if i.deadline else None)
                for i in s.scalars(select(Item).order_by(Item.id))]


def count(app) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(Item))


@pytest.mark.parametrize(("line", "title", "deadline", "shown"), [
    ("/待办 @bob 明天下午3点前完成报表 标准：ok", "完成报表", "2026-05-12 15:00", "截止：2026-05-12 周二 15:00"),
    ("/待办 @bob 周五前提交设计稿 标准：ok", "提交设计稿", "2026-05-15 18:00", "截止：2026-05-15 周五 18:00"),
    ("/todo @bob finish the deck by Friday standard: ok", "finish the deck", "2026-05-15 18:00",
     "截止：2026-05-15 周五 18:00"),
    ("/todo @bob finish the deck friday standard: ok", "finish the deck", "2026-05-15 18:00", "周五 18:00"),
    ("/待办 @bob 整理会议纪要 明天 标准：ok", "整理会议纪要", "2026-05-12 18:00", "2026-05-12 周二 18:00"),
    ("/待办 @bob 提交下周一前的周报 标准：ok", "提交的周报", "2026-05-18 18:00", "2026-05-18 周一 18:00"),
    ("/待办 @bob 任务截止明天 标准：ok", "任务", "2026-05-12 18:00", "2026-05-12 周二 18:00"),
])
def test_the_deadline_is_read_inside_the_task(chat, app, line, title, deadline, shown):
    [card] = split(chat.run(f"@pm: {line}"))[0]
    assert f"#1 行动项：{title}" in card
    assert shown in card
    assert items(app) == [(title, deadline)]


def test_a_request_may_carry_its_deadline_in_the_text_too(chat, app):
    chat.run("@pm: /需求 @lee 周五前确认排期")
    assert items(app) == [("确认排期", "2026-05-15 18:00")]


@pytest.mark.parametrize(("line", "example"), [
    ("/待办 @bob 写季度总结", "/待办 @bob 写季度总结 截止 周五 标准：……"),
    # a marker inside a word is a word: "无截止任务" is the task, and it has no deadline
    ("/待办 @bob 无截止任务", "/待办 @bob 无截止任务 截止 周五 标准：……"),
    # "3号楼" is a building, not the 3rd of the month
    ("/待办 @bob 修3号楼电梯", "/待办 @bob 修3号楼电梯 截止 周五"),
])
def test_no_deadline_creates_nothing_and_asks_with_an_example(chat, app, line, example):
    [reply] = split(chat.run(f"@pm: {line}"))[0]
    assert "行动项需要截止时间，没有创建。" in reply
    assert example in reply
    assert count(app) == 0


def test_an_english_chat_is_asked_in_english(chat, app):
    chat.run("@pm: /settings lang en")
    [reply] = split(chat.run("@pm: /todo @bob write the summary"))[0]
    assert "An action item needs a deadline; nothing was created." in reply
    assert "/todo @bob write the summary by Friday standard: …" in reply
    assert count(app) == 0


def test_a_chat_may_allow_open_ended_items(chat, app):
    reply = split(chat.run("@pm: /设置 无截止 允许"))[0][0]
    assert "行动项截止时间 可不设" in reply
    [card] = split(chat.run("@pm: /待办 @bob 整理知识库 标准：目录清楚"))[0]
    assert "截止：未设置（/延期 #1 日期 原因）" in card
    assert items(app) == [("整理知识库", None)]
    chat.run("@pm: /settings open-ended off")
    assert "行动项需要截止时间" in chat.run("@pm: /待办 @bob 再整理一次")
    assert count(app) == 1


def test_a_deadline_on_a_holiday_is_accepted_and_said(chat, app):
    chat.run(":now 2026-09-28 10:00")
    [card] = split(chat.run("@pm: /待办 @bob 写总结 截止 2026-10-03 标准：ok"))[0]
    assert "截止：2026-10-03 周六 18:00" in card
    assert "📅 2026-10-03 是国庆假期，不是工作日。" in card
    assert items(app) == [("写总结", "2026-10-03 18:00")]


def test_a_deadline_on_a_weekend_is_accepted_and_said(chat, app):
    [card] = split(chat.run("@pm: /待办 @bob 写总结 截止 2026-05-16 标准：ok"))[0]
    assert "📅 2026-05-16 是周六，不是工作日。" in card
    assert items(app) == [("写总结", "2026-05-16 18:00")]


def test_a_make_up_working_saturday_is_a_working_day(chat, app):
    chat.run(":now 2026-10-08 10:00")
    [card] = split(chat.run("@pm: /待办 @bob 写总结 截止 2026-10-10 标准：ok"))[0]
    assert "不是工作日" not in card


def test_a_weekend_deadline_in_english(chat, app):
    chat.run("@pm: /settings lang en")
    [card] = split(chat.run("@pm: /todo @bob write it by 2026-05-16 standard: ok"))[0]
    assert "📅 2026-05-16 is a Sat, not a working day." in card


@pytest.mark.parametrize("line", ["/待办 @bob 准备材料 截止 11月11日 标准：ok", "/待办 @bob 11月11日前准备材料 标准：ok"])
def test_a_date_just_passed_is_next_years_and_the_reply_says_so(chat, app, line):
    chat.run(":now 2026-11-16 10:00")
    [card] = split(chat.run(f"@pm: {line}"))[0]
    assert "截止：2027-11-11 周四 18:00" in card
    assert "已经过去（2026-11-11），按 = 2027-11-11 处理" in card and "「11月11日" in card
    assert items(app) == [("准备材料", "2027-11-11 18:00")]


def test_moving_a_deadline_to_a_passed_date_warns_too(chat, app):
    chat.run(":now 2026-11-16 10:00\n@pm: /待办 @bob 准备材料 截止 周五 标准：ok")
    reply = split(chat.run("@pm: /延期 #1 11月13日 供应商延迟"))[0][0]
    assert "= 2027-11-13" in reply
    with app.sessions() as s:
        assert s.scalar(select(Item.deadline)) == datetime(2027, 11, 13, 18, 0, tzinfo=SH)


def test_a_past_time_inside_the_task_is_refused(chat, app):
    [reply] = split(chat.run("@pm: /待办 @bob 今天上午9点前完成报表"))[0]
    assert "已经过去了" in reply
    assert count(app) == 0
