"""Spans a deadline names by their end: parts of a month or a year, holidays and their edges, counts.

Said as a deadline, a span means its end, on the working calendar: "月初" is the last working day
of the 1st-10th (Duckling's 月头/上旬), "月中" of the 11th-20th, "年初" of January-February
(JioNLP's 年初), "一周内" the end of the 7th day from today. "国庆前" is the last working day
before the National Day days off and "国庆后" the first one after them, so make-up working days
(调休) count: before the 2026 Spring Festival that is Saturday 02-14. Festival days themselves
come from the `holidays` package (lunar dates for any year), the days off around them from the
calendar (chinesecalendar's notices, estimated beyond them, plus the admins' extra days).
"""

from __future__ import annotations

import calendar as monthdays
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from bot.worktime import WorkCalendar

# Where each part of a month ends (0: the month's last day).
MONTH_PARTS = {"初": 10, "头": 10, "上旬": 10, "中": 20, "中旬": 20, "底": 0, "末": 0, "尾": 0, "下旬": 0}
# The festival each name means, by its name in `holidays`' Chinese calendar.
FESTIVALS = {"元旦": "New Year's Day", "春节": "Chinese New Year (Spring Festival)",
             "过年": "Chinese New Year (Spring Festival)", "清明": "Tomb-Sweeping Day", "劳动节": "Labor Day",
             "五一": "Labor Day", "端午": "Dragon Boat Festival", "中秋": "Mid-Autumn Festival",
             "国庆": "National Day", "十一": "National Day"}
_MAX_RUN = 20  # no run of days off around a festival is longer


def working_on_or_before(cal: WorkCalendar, d: date) -> date:
    return d if cal.is_working_day(d) else cal.previous_working_day(d)


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def month_part(cal: WorkCalendar, year: int, month: int, part: str) -> date:
    """The last working day of that part of the month ("底": the whole month)."""
    end = MONTH_PARTS[part] or monthdays.monthrange(year, month)[1]
    return working_on_or_before(cal, date(year, month, end))


def year_part(cal: WorkCalendar, year: int, part: str) -> date:
    """底/末/尾: the last working day of the year; 初/头: of its first two months."""
    end = date(year, 12, 31) if part in "底末尾" else date(year, 3, 1) - timedelta(days=1)
    return working_on_or_before(cal, end)


@lru_cache(maxsize=64)
def _festivals(year: int) -> dict[str, date]:
    out: dict[str, date] = {}
    for day, name in sorted(holidays.country_holidays("CN", years=year).items()):
        out.setdefault(str(name), day)
    return out


def _days_off_around(cal: WorkCalendar, day: date) -> tuple[date, date]:
    """The run of days off that `day` falls in; (day, day) when it is a working day."""
    first = last = day
    if cal.is_working_day(day):
        return first, last
    for _ in range(_MAX_RUN):
        if cal.is_working_day(first - timedelta(days=1)):
            break
        first -= timedelta(days=1)
    for _ in range(_MAX_RUN):
        if cal.is_working_day(last + timedelta(days=1)):
            break
        last += timedelta(days=1)
    return first, last


def festival(cal: WorkCalendar, today: date, name: str, edge: str | None, working_days: int = 1) -> date | None:
    """The festival's day (edge None), the last working day before its days off ("前"), or the
    n-th after them ("后"); this year's unless its days off are over, then next year's."""
    english = FESTIVALS[name]
    for year in (today.year, today.year + 1):
        day = _festivals(year).get(english)
        if day is None:
            continue
        first, last = _days_off_around(cal, day)
        if last >= today:
            if edge == "前":
                return cal.previous_working_day(first)
            return cal.next_working_day(last, working_days) if edge == "后" else day
    return None


def next_holiday_edge(cal: WorkCalendar, today: date, edge: str) -> date | None:
    """节前 / 节后: the edges of the next run of holidays (not a plain weekend) from today."""
    for i in range(400):
        d = today + timedelta(days=i)
        if cal.is_holiday(d):
            first, last = _days_off_around(cal, d)
            return cal.previous_working_day(first) if edge == "前" else cal.next_working_day(last)
    return None


# Counts: the unit, and whether the span ends at a moment (minutes, hours) or at the end of a day.
UNITS = {"分钟": timedelta(minutes=1), "刻钟": timedelta(minutes=15), "小时": timedelta(hours=1),
         "钟头": timedelta(hours=1), "钟": timedelta(hours=1), "天": timedelta(days=1), "日": timedelta(days=1),
         "周": timedelta(weeks=1), "星期": timedelta(weeks=1), "礼拜": timedelta(weeks=1)}
_CAPS = {"月": 120, "年": 10}  # months and years: "2025年后" is a year, never 2025 years from now


def count_end(now: datetime, amount: float, unit: str) -> datetime | date:
    """`amount` units from now: a moment for minutes and hours, a day for longer spans."""
    if unit in ("月", "年"):
        if amount != int(amount) and not (unit == "月" and amount == 0.5):
            raise ValueError("only whole months and years (or half a month)")
        if amount > _CAPS[unit]:
            raise ValueError("too far")
        if amount == 0.5:
            return now.date() + timedelta(days=15)
        y, m = add_months(now.year, now.month, int(amount) * (12 if unit == "年" else 1))
        return date(y, m, min(now.day, monthdays.monthrange(y, m)[1]))
    step = UNITS[unit]
    if step >= timedelta(days=1):
        if amount != int(amount) or amount * step.days > 3660:
            raise ValueError("whole days, at most ten years")
        return now.date() + step * int(amount)
    if amount * step > timedelta(days=30):
        raise ValueError("at most a month of hours")
    return now + step * amount
