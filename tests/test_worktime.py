import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import holidays_cn
from bot.worktime import CalendarConfig, WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
CN = WorkCalendar()
LUNCH = WorkCalendar(CalendarConfig(lunch=(time(12, 0), time(13, 30))))
US = WorkCalendar(CalendarConfig(timezone="America/New_York", country="US"))
PLAIN = WorkCalendar(CalendarConfig(country=""))
ADMIN = WorkCalendar(
    CalendarConfig(extra_holidays=frozenset({date(2026, 11, 24)}), extra_workdays=frozenset({date(2026, 11, 21)}))
)


def at(s: str, tz: ZoneInfo = SH) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=tz)


@pytest.mark.parametrize(
    ("cal", "day", "working"),
    [
        (CN, "2026-11-20", True),  # Friday
        (CN, "2026-11-21", False),  # Saturday
        (CN, "2026-11-22", False),  # Sunday
        (CN, "2026-10-01", False),  # National Day
        (CN, "2026-10-07", False),
        (CN, "2026-10-08", True),
        (CN, "2026-10-10", True),  # make-up Saturday (调休上班)
        (CN, "2026-09-20", True),  # make-up Sunday
        (CN, "2026-09-25", False),  # Mid-Autumn
        (CN, "2026-02-14", True),  # Spring Festival make-up Saturday
        (CN, "2026-02-17", False),  # Spring Festival
        (PLAIN, "2026-10-01", True),  # plain Mon-Fri knows no holidays
        (PLAIN, "2026-10-10", False),
        (US, "2026-11-26", False),  # Thanksgiving
        (US, "2026-11-27", True),
        (US, "2026-10-01", True),
        (ADMIN, "2026-11-24", False),  # extra_holidays beats a Tuesday
        (ADMIN, "2026-11-21", True),  # extra_workdays beats a Saturday
        (ADMIN, "2026-11-23", True),
    ],
)
def test_is_working_day(cal: WorkCalendar, day: str, working: bool) -> None:
    assert cal.is_working_day(date.fromisoformat(day)) is working


@pytest.mark.parametrize(
    ("cal", "start", "hours", "expected"),
    [
        (CN, "2026-11-20 17:00", 4, "2026-11-23 12:00"),  # Friday 17:00 + 4h -> Monday noon
        (CN, "2026-11-20 17:00", 1, "2026-11-20 18:00"),  # lands on the end, stays there
        (CN, "2026-11-21 10:00", 2, "2026-11-23 11:00"),  # from a weekend
        (CN, "2026-11-23 07:00", 0, "2026-11-23 09:00"),
        (CN, "2026-11-23 12:00", -4, "2026-11-20 17:00"),  # backwards
        (CN, "2026-09-30 16:00", 4, "2026-10-08 11:00"),  # across National Day
        (CN, "2026-10-09 17:00", 2, "2026-10-10 10:00"),  # make-up Saturday counts
        (LUNCH, "2026-11-23 11:00", 2, "2026-11-23 14:30"),  # lunch 12:00-13:30 skipped
        (LUNCH, "2026-11-23 12:30", 1, "2026-11-23 14:30"),  # starting inside lunch
        (LUNCH, "2026-11-20 17:00", 8, "2026-11-23 17:30"),  # 7.5h working day
    ],
)
def test_add_working_hours(cal: WorkCalendar, start: str, hours: float, expected: str) -> None:
    assert cal.add_working_hours(at(start, cal.tz), hours) == at(expected, cal.tz)


def test_inputs_in_other_zones_and_naive_rejected() -> None:
    utc = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
    result = CN.add_working_hours(utc, 4)
    assert result == at("2026-11-23 12:00") and result.tzinfo == SH
    with pytest.raises(ValueError):
        CN.add_working_hours(datetime(2026, 11, 20, 17, 0), 1)
    with pytest.raises(ValueError):
        CN.is_working_time(datetime(2026, 11, 20, 17, 0))


@pytest.mark.parametrize(
    ("cal", "t", "working", "next_moment"),
    [
        (CN, "2026-11-20 10:00", True, "2026-11-20 10:00"),
        (CN, "2026-11-20 18:00", False, "2026-11-23 09:00"),
        (CN, "2026-11-20 08:59", False, "2026-11-20 09:00"),
        (CN, "2026-09-30 19:00", False, "2026-10-08 09:00"),
        (CN, "2026-10-10 10:00", True, "2026-10-10 10:00"),
        (LUNCH, "2026-11-20 12:15", False, "2026-11-20 13:30"),
        (US, "2026-11-26 10:00", False, "2026-11-27 09:00"),
    ],
)
def test_working_time_and_next_moment(cal: WorkCalendar, t: str, working: bool, next_moment: str) -> None:
    assert cal.is_working_time(at(t, cal.tz)) is working
    assert cal.next_working_moment(at(t, cal.tz)) == at(next_moment, cal.tz)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-11-20 15:00", 1, "2026-11-23 15:00"),
        ("2026-11-20 20:00", 1, "2026-11-23 18:00"),  # clamped to work_end
        ("2026-11-20 07:00", 2, "2026-11-24 09:00"),  # clamped to work_start
        ("2026-11-21 10:00", 1, "2026-11-23 10:00"),  # from Saturday
        ("2026-09-30 10:00", 1, "2026-10-08 10:00"),
        ("2026-10-09 10:00", 1, "2026-10-10 10:00"),
        ("2026-11-23 10:00", -1, "2026-11-20 10:00"),
        ("2026-11-21 10:00", 0, "2026-11-23 10:00"),
    ],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert CN.add_working_days(at(start), n) == at(expected)


@pytest.mark.parametrize(
    ("cal", "a", "b", "between", "days"),
    [
        (CN, "2026-11-20 17:00", "2026-11-23 12:00", timedelta(hours=4), 0),
        (CN, "2026-11-23 12:00", "2026-11-20 17:00", timedelta(0), 0),  # b before a
        (CN, "2026-11-20 18:00", "2026-11-26 10:00", timedelta(hours=28), 3),
        (CN, "2026-11-20 18:00", "2026-11-26 18:00", timedelta(hours=36), 4),
        (CN, "2026-09-30 18:00", "2026-10-08 18:00", timedelta(hours=9), 1),  # holiday not counted
        (LUNCH, "2026-11-23 09:00", "2026-11-23 18:00", timedelta(hours=7.5), 1),
        (LUNCH, "2026-11-23 11:00", "2026-11-23 14:00", timedelta(hours=1.5), 0),
    ],
)
def test_between(cal: WorkCalendar, a: str, b: str, between: timedelta, days: int) -> None:
    assert cal.working_time_between(at(a), at(b)) == between
    assert cal.working_days_between(at(a), at(b)) == days


@pytest.mark.parametrize(
    ("fn", "day", "n", "expected"),
    [
        ("next", "2026-11-20", 1, "2026-11-23"),
        ("next", "2026-09-30", 1, "2026-10-08"),
        ("next", "2026-10-08", 2, "2026-10-10"),
        ("next", "2026-11-20", 0, "2026-11-20"),
        ("prev", "2026-11-23", 1, "2026-11-20"),
        ("prev", "2026-10-08", 1, "2026-09-30"),
        ("prev", "2026-10-12", 1, "2026-10-10"),
    ],
)
def test_next_previous_working_day(fn: str, day: str, n: int, expected: str) -> None:
    f = CN.next_working_day if fn == "next" else CN.previous_working_day
    assert f(date.fromisoformat(day), n) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("cal", "day", "expected"),
    [
        (CN, "2026-11-18", "2026-11-20"),  # normal week
        (CN, "2026-10-08", "2026-10-10"),  # make-up Saturday ends the week
        (CN, "2026-10-01", "2026-09-30"),  # National Day week: Wednesday is the last
        (PLAIN, "2026-10-08", "2026-10-09"),
        (US, "2026-11-26", "2026-11-27"),
    ],
)
def test_last_working_day_of_week(cal: WorkCalendar, day: str, expected: str | None) -> None:
    got = cal.last_working_day_of_week(date.fromisoformat(day))
    assert got == (date.fromisoformat(expected) if expected else None)


def test_last_working_day_of_week_all_off() -> None:
    off = frozenset(date(2026, 11, 23) + timedelta(days=i) for i in range(5))
    cal = WorkCalendar(CalendarConfig(extra_holidays=off))
    assert cal.last_working_day_of_week(date(2026, 11, 25)) is None


def test_end_of_working_day() -> None:
    assert CN.end_of_working_day(date(2026, 11, 27)) == at("2026-11-27 18:00")
    assert US.end_of_working_day(date(2026, 11, 27)).tzinfo == ZoneInfo("America/New_York")


def test_2027_falls_back_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    holidays_cn._warned_years.discard(2027)
    holidays_cn.is_cn_workday.cache_clear()
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING, logger="bot.holidays_cn"):
        assert cal.is_working_day(date(2027, 3, 3)) is True  # Wednesday
        assert cal.is_working_day(date(2027, 3, 6)) is False  # Saturday
        assert cal.is_working_day(date(2027, 10, 1)) is False  # National Day (estimated)
        assert WorkCalendar().add_working_hours(at("2027-09-30 17:00"), 2) > at("2027-10-01 09:00")
        assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)  # 2027-01-01 estimated off
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1
    assert "config" in warnings[0].getMessage()


def test_admin_days_override_2027() -> None:
    cal = WorkCalendar(CalendarConfig(extra_workdays=frozenset({date(2027, 10, 1)})))
    assert cal.is_working_day(date(2027, 10, 1)) is True


def test_bad_config() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(CalendarConfig(work_start=time(18), work_end=time(9)))
    with pytest.raises(ValueError):
        WorkCalendar(CalendarConfig(lunch=(time(8), time(10))))
