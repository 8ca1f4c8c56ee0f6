from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.deadlines import DeadlineError, format_deadline, parse_deadline, split_deadline
from bot.worktime import CalendarConfig, WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
SAT = "2026-11-21 10:00"  # Saturday
MON = "2026-11-23 10:00"
MON_EVE = "2026-11-23 19:00"
THU_OCT = "2026-10-08 10:00"  # week with the make-up Saturday 10-10
LATE_SEP = "2026-09-28 10:00"  # before National Day
MID_SEP = "2026-09-22 10:00"  # before Mid-Autumn (09-25)
DEC = "2026-12-28 10:00"


def at(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=SH)


def fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


PHRASES = [
    # relative days, with times of day
    (SAT, "今天", "2026-11-21 18:00"),
    (SAT, "明天", "2026-11-22 18:00"),
    (SAT, "后天", "2026-11-23 18:00"),
    (SAT, "明天下午3点", "2026-11-22 15:00"),
    (SAT, "明天下午三点半", "2026-11-22 15:30"),
    (SAT, "明天上午10点", "2026-11-22 10:00"),
    (SAT, "明天晚上8点", "2026-11-22 20:00"),
    (SAT, "明天早上8点", "2026-11-22 08:00"),
    (SAT, "明天中午12点", "2026-11-22 12:00"),
    (SAT, "明天中午", "2026-11-22 12:00"),
    (SAT, "明天下午", "2026-11-22 18:00"),
    (SAT, "明天下午3点15分", "2026-11-22 15:15"),
    (SAT, "明天十二点", "2026-11-22 12:00"),
    (SAT, "明天两点", "2026-11-22 14:00"),  # bare 1-6点 is afternoon
    (SAT, "明天 15:00", "2026-11-22 15:00"),
    (SAT, "明天15：00", "2026-11-22 15:00"),  # full-width colon
    (SAT, "明早九点", "2026-11-22 09:00"),
    (SAT, "明早", "2026-11-22 09:00"),
    (SAT, "后天上午十点半", "2026-11-23 10:30"),
    (SAT, "下午3点", "2026-11-21 15:00"),
    (SAT, "明天下午3点前", "2026-11-22 15:00"),
    (SAT, "4小时内", "2026-11-21 14:00"),
    # weekdays and weeks
    (SAT, "周五", "2026-11-27 18:00"),
    (SAT, "星期五", "2026-11-27 18:00"),
    (SAT, "礼拜五", "2026-11-27 18:00"),
    (SAT, "周五之前", "2026-11-27 18:00"),
    (SAT, "下周五", "2026-11-27 18:00"),
    (MON, "周五", "2026-11-27 18:00"),
    (MON, "下周五", "2026-12-04 18:00"),
    (MON, "下周一前", "2026-11-30 18:00"),
    (SAT, "下周一前", "2026-11-23 18:00"),
    (MON, "本周内", "2026-11-27 18:00"),
    (THU_OCT, "本周内", "2026-10-10 18:00"),  # make-up Saturday ends that week
    (SAT, "下周内", "2026-11-27 18:00"),
    # day counts
    (SAT, "3天后", "2026-11-24 18:00"),
    (SAT, "3天内", "2026-11-24 18:00"),
    (SAT, "三天内", "2026-11-24 18:00"),
    (SAT, "5个工作日内", "2026-11-27 18:00"),
    (SAT, "两个工作日内", "2026-11-24 18:00"),
    (LATE_SEP, "3个工作日内", "2026-10-08 18:00"),  # National Day skipped
    (THU_OCT, "2个工作日内", "2026-10-10 18:00"),  # make-up Saturday counted
    # month end
    (SAT, "月底", "2026-11-30 18:00"),
    (SAT, "月底前", "2026-11-30 18:00"),
    (SAT, "本月内", "2026-11-30 18:00"),
    (DEC, "月底", "2026-12-31 18:00"),
    (SAT, "下月底", "2026-12-31 18:00"),
    # explicit dates
    (SAT, "5月20日", "2027-05-20 18:00"),  # said in November: next year's
    (SAT, "5月20号", "2027-05-20 18:00"),
    (SAT, "12月1日", "2026-12-01 18:00"),
    (SAT, "十二月一日前", "2026-12-01 18:00"),
    (SAT, "12/01", "2026-12-01 18:00"),
    (SAT, "12/1", "2026-12-01 18:00"),
    (SAT, "12-01", "2026-12-01 18:00"),
    (SAT, "2026-12-01", "2026-12-01 18:00"),
    (SAT, "2026-12-01 14:00", "2026-12-01 14:00"),
    (SAT, "2026-12-01T14:00", "2026-12-01 14:00"),
    (SAT, "2026/12/01", "2026-12-01 18:00"),
    (SAT, "2026年12月1日", "2026-12-01 18:00"),
    (SAT, "20号前", "2026-12-20 18:00"),
    (SAT, "30号", "2026-11-30 18:00"),
    # holidays and end of work
    (LATE_SEP, "节后第一个工作日", "2026-10-08 18:00"),
    (MID_SEP, "节后第一个工作日", "2026-09-28 18:00"),  # Mid-Autumn comes first
    (SAT, "下班前", "2026-11-21 18:00"),
    (MON, "今天下班前", "2026-11-23 18:00"),
    (MON, "明天下班前", "2026-11-24 18:00"),
    # English
    (SAT, "today", "2026-11-21 18:00"),
    (SAT, "tomorrow", "2026-11-22 18:00"),
    (SAT, "tomorrow 3pm", "2026-11-22 15:00"),
    (SAT, "Tomorrow 3 PM", "2026-11-22 15:00"),
    (SAT, "tomorrow at 3:30pm", "2026-11-22 15:30"),
    (SAT, "tomorrow 15:00", "2026-11-22 15:00"),
    (SAT, "3pm tomorrow", "2026-11-22 15:00"),
    (SAT, "tomorrow eod", "2026-11-22 18:00"),
    (SAT, "friday", "2026-11-27 18:00"),
    (SAT, "Fri", "2026-11-27 18:00"),
    (SAT, "by Friday", "2026-11-27 18:00"),
    (SAT, "next friday", "2026-11-27 18:00"),
    (MON, "next friday", "2026-12-04 18:00"),
    (MON, "this week", "2026-11-27 18:00"),
    (MON, "end of week", "2026-11-27 18:00"),
    (MON, "EOW", "2026-11-27 18:00"),
    (SAT, "in 3 days", "2026-11-24 18:00"),
    (SAT, "in 2 working days", "2026-11-24 18:00"),
    (SAT, "in 2 business days", "2026-11-24 18:00"),
    (LATE_SEP, "in 3 business days", "2026-10-08 18:00"),
    (SAT, "end of month", "2026-11-30 18:00"),
    (SAT, "eom", "2026-11-30 18:00"),
    (SAT, "2026-11-27", "2026-11-27 18:00"),
    (SAT, "Nov 27", "2026-11-27 18:00"),
    (SAT, "November 27th", "2026-11-27 18:00"),
    (SAT, "27 Nov", "2026-11-27 18:00"),
    (SAT, "Jan 5", "2027-01-05 18:00"),
    (SAT, "12/01", "2026-12-01 18:00"),
    (SAT, "in 4 hours", "2026-11-21 14:00"),
    # tolerance: spaces, case, trailing 前/内/之前/以内, punctuation
    (SAT, "  明天前 ", "2026-11-22 18:00"),
    (SAT, "周五以内", "2026-11-27 18:00"),
    (SAT, "明天。", "2026-11-22 18:00"),
    (SAT, "ＴＯＭＯＲＲＯＷ", "2026-11-22 18:00"),
    (MON_EVE, "明天", "2026-11-24 18:00"),
]


@pytest.mark.parametrize(("now", "phrase", "expected"), PHRASES)
def test_parse_deadline(now: str, phrase: str, expected: str) -> None:
    result = parse_deadline(phrase, now=at(now), calendar=CAL)
    assert fmt(result) == expected
    assert result.tzinfo == SH


SPLITS = [
    (SAT, "下周五 客户改需求", "2026-11-27 18:00", "客户改需求"),
    (SAT, "下周五客户改需求", "2026-11-27 18:00", "客户改需求"),
    (SAT, "下周五 前端联调", "2026-11-27 18:00", "前端联调"),  # 前端 is not the suffix 前
    (SAT, "下周五前端联调", "2026-11-27 18:00", "前端联调"),
    (SAT, "下周五前 前端联调", "2026-11-27 18:00", "前端联调"),
    (SAT, "2026-12-01 14:00 waiting on vendor", "2026-12-01 14:00", "waiting on vendor"),
    (SAT, "2026-12-01 waiting on vendor", "2026-12-01 18:00", "waiting on vendor"),
    (SAT, "明天下午3点前 原因", "2026-11-22 15:00", "原因"),
    (SAT, "明天 下午3点 原因", "2026-11-22 15:00", "原因"),
    (SAT, "tomorrow 3pm because vendor", "2026-11-22 15:00", "because vendor"),
    (SAT, "friday friends are late", "2026-11-27 18:00", "friends are late"),
    (SAT, "12/01 3 items left", "2026-12-01 18:00", "3 items left"),
    (SAT, "月底前", "2026-11-30 18:00", ""),
]


@pytest.mark.parametrize(("now", "text", "expected", "rest"), SPLITS)
def test_split_deadline(now: str, text: str, expected: str, rest: str) -> None:
    dt, got_rest = split_deadline(text, now=at(now), calendar=CAL)
    assert (fmt(dt), got_rest) == (expected, rest)


ERRORS = [
    (SAT, "garbage", "unparseable"),
    (SAT, "", "unparseable"),
    (SAT, "明天吧吧", "unparseable"),
    (SAT, "2月30日", "unparseable"),
    (SAT, "2026-13-01", "unparseable"),
    (SAT, "25:00", "unparseable"),
    (SAT, "fridays", "unparseable"),
    (MON_EVE, "今天", "past"),  # today 18:00 when it is 19:00
    (MON_EVE, "下班前", "past"),
    (SAT, "本周内", "past"),  # the week's last working day was yesterday
    (SAT, "2026-11-20", "past"),
    (SAT, "本周五", "past"),
    (SAT, "today 9am", "past"),
]


@pytest.mark.parametrize(("now", "phrase", "code"), ERRORS)
def test_parse_errors(now: str, phrase: str, code: str) -> None:
    with pytest.raises(DeadlineError) as exc:
        parse_deadline(phrase, now=at(now), calendar=CAL)
    assert exc.value.code == code
    assert exc.value.text == phrase.strip()


@pytest.mark.parametrize(("text", "code"), [("客户改需求 下周五", "unparseable"), ("2026-11-20 late", "past")])
def test_split_errors(text: str, code: str) -> None:
    with pytest.raises(DeadlineError) as exc:
        split_deadline(text, now=at(SAT), calendar=CAL)
    assert exc.value.code == code


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError):
        parse_deadline("明天", now=datetime(2026, 11, 21, 10), calendar=CAL)


def test_now_in_utc_and_other_calendar_zone() -> None:
    # 2026-11-21 20:00 UTC is already Sunday 04:00 in Shanghai.
    now = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
    assert fmt(parse_deadline("明天", now=now, calendar=CAL)) == "2026-11-23 18:00"
    us = WorkCalendar(CalendarConfig(timezone="America/New_York", country="US", work_end=time(17)))
    result = parse_deadline("in 4 business days", now=now, calendar=us)  # Thanksgiving 11-26 skipped
    assert fmt(result) == "2026-11-27 17:00"
    assert result.tzinfo == ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "2026-11-27 周五 18:00"), ("en", "2026-11-27 Fri 18:00"), ("zh-CN", "2026-11-27 周五 18:00")],
)
def test_format_deadline(lang: str, expected: str) -> None:
    utc = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert format_deadline(utc, lang=lang, calendar=CAL) == expected


def test_format_deadline_weekend_and_naive() -> None:
    assert format_deadline(at("2026-11-22 09:05"), lang="en", calendar=CAL) == "2026-11-22 Sun 09:05"
    with pytest.raises(ValueError):
        format_deadline(datetime(2026, 11, 22), lang="zh", calendar=CAL)


def test_extra_workdays_shift_working_day_counts() -> None:
    cal = WorkCalendar(CalendarConfig(extra_workdays=frozenset({date(2026, 11, 22)})))
    assert fmt(parse_deadline("2个工作日内", now=at(SAT), calendar=cal)) == "2026-11-23 18:00"


@pytest.mark.parametrize("phrase", ["十十点", "明天十十点", "9999个工作日内", "in 999 business days", "99999天后"])
def test_odd_numbers_are_unparseable_not_crashes(phrase: str) -> None:
    with pytest.raises(DeadlineError) as exc:
        parse_deadline(phrase, now=at(SAT), calendar=CAL)
    assert exc.value.code == "unparseable"
