"""Every command that takes a deadline reads it whole or refuses it: no part of it becomes the reason.

The chat clock starts on Monday 2026-05-11 10:00 (Asia/Shanghai).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from transcript import split

from storage.models import Item

SH = ZoneInfo("Asia/Shanghai")


def deadlines(app) -> list[str | None]:
    with app.sessions() as s:
        return [i.deadline.astimezone(SH).strftime("%Y-%m-%d %H:%M") if i.deadline else None
                for i in s.scalars(select(Item).order_by(Item.id))]


@pytest.mark.parametrize(("phrase", "shown", "stored"), [
    ("本月19号8点", "2026-05-19 周二 08:00", "2026-05-19 08:00"),  # was 05-31 18:00, reason "19号8点"
    ("下周周六", "2026-05-23 周六 18:00", "2026-05-23 18:00"),  # was Friday 05-22
    ("3点3刻", "2026-05-11 周一 15:45", "2026-05-11 15:45"),  # was 15:03
    ("5月20日15点", "2026-05-20 周三 15:00", "2026-05-20 15:00"),
])
def test_extend_reads_the_whole_deadline_and_keeps_the_reason_clean(chat, app, phrase, shown, stored):
    chat.run("@pm: /待办 @bob 写方案 截止 周五 标准：ok")
    reply = split(chat.run(f"@pm: /延期 #1 {phrase} 供应商延迟"))[0][0]
    assert shown in reply
    assert "供应商延迟" in reply and f"{phrase} 供应商" not in reply
    assert deadlines(app) == [stored]


def test_extend_refuses_a_deadline_whose_rest_would_continue_it(chat, app):
    chat.run("@pm: /待办 @bob 写方案 截止 周五 标准：ok")
    reply = split(chat.run("@pm: /延期 #1 下周 周六 供应商延迟"))[0][0]
    assert "看不懂截止时间「下周 周六」" in reply
    assert "/延期" in reply  # the usage, with an example
    assert deadlines(app) == ["2026-05-15 18:00"]


@pytest.mark.parametrize(("phrase", "shown", "stored"), [
    ("国庆前", "2026-09-30 周三 18:00", "2026-09-30 18:00"),
    ("国庆后第一个工作日", "2026-10-08 周四 18:00", "2026-10-08 18:00"),
    ("下月15号", "2026-06-15 周一 18:00", "2026-06-15 18:00"),
    ("两周内", "2026-05-25 周一 18:00", "2026-05-25 18:00"),
    ("下週五", "2026-05-22 周五 18:00", "2026-05-22 18:00"),
    ("end of next week", "2026-05-22 周五 18:00", "2026-05-22 18:00"),
])
def test_todo_reads_the_new_families(chat, app, phrase, shown, stored):
    [card] = split(chat.run(f"@pm: /待办 @bob 写方案 截止 {phrase} 标准：ok"))[0]
    assert f"截止：{shown}" in card
    assert deadlines(app) == [stored]


def test_a_past_word_is_refused_with_the_moment_understood(chat, app):
    [reply] = split(chat.run("@pm: /待办 @bob 写方案 截止 昨天 标准：ok"))[0]
    assert "截止时间「昨天」（2026-05-10 周日 18:00）已经过去了" in reply
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_a_festival_inside_a_task_is_its_title_not_its_deadline(chat, app):
    [reply] = split(chat.run("@pm: /待办 @bob 国庆活动方案"))[0]
    assert "行动项需要截止时间，没有创建。" in reply
    [card] = split(chat.run("@pm: /待办 @bob 国庆前提交活动方案 标准：ok"))[0]
    assert "#1 行动项：提交活动方案" in card and "截止：2026-09-30 周三 18:00" in card


def test_a_blocker_eta_uses_the_same_reading(chat, app):
    chat.run("@pm: /待办 @bob 写方案 截止 下周五 标准：ok")
    reply = split(chat.run("@bob: /受阻 #1 等接口 预计 下周周六"))[0][0]
    assert "预计 2026-05-23 周六 18:00 解决" in reply
    reply = split(chat.run("@bob: /受阻 #1 等接口 预计 本月19号8点前"))[0][0]
    assert "预计 2026-05-19 周二 08:00 解决" in reply


@pytest.mark.parametrize("line", [
    "/待办 @bob 修复登录 截止 下周 周六",  # after the marker: 周六 alone would leave "截止 下周" in the title
    "/todo @bob fix login 截止 下周 周六",
    "/待办 @bob 修复登录 下周 周六前",  # no marker: 周六前 alone would leave "下周" in the title
])
def test_todo_refuses_a_deadline_split_by_a_space_instead_of_half_reading_it(chat, app, line):
    reply = split(chat.run(f"@pm: {line}"))[0][0]
    assert "看不懂截止时间「下周 周六" in reply
    assert deadlines(app) == []


def test_a_word_before_the_deadline_that_is_no_deadline_stays_in_the_title(chat, app):
    [card] = split(chat.run("@pm: /待办 @bob 发布 12.5 版本 周五前"))[0]
    assert "发布 12.5 版本" in card and "截止：2026-05-15 周五 18:00" in card
