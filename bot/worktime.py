"""Working-time arithmetic: the one place that knows which days and hours count as work.

Pure: never reads the clock, never touches the network. All datetimes must be timezone-aware;
inputs may be in any zone (UTC from the DB) and results come back in the calendar's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.holidays_cn import cn_holiday_name, is_cn_workday

if TYPE_CHECKING:
    import holidays

# A search for a working day gives up after this many days (only reachable with absurd configs).
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class CalendarConfig:
    timezone: str = "Asia/Shanghai"
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    lunch: tuple[time, time] | None = None  # excluded from working time, e.g. (12:00, 13:30)
    # "CN": China's statutory holidays + make-up days; other ISO codes via `holidays`; "" = plain Mon-Fri.
    country: str = "CN"
    extra_holidays: frozenset[date] = frozenset()  # admin-added days off
    extra_workdays: frozenset[date] = frozenset()  # admin-added make-up working days (调休上班)


class WorkCalendar:
    def __init__(self, config: CalendarConfig = CalendarConfig()) -> None:
        if config.work_start >= config.work_end:
            raise ValueError("work_start must be before work_end")
        self.config = config
        self.tz = ZoneInfo(config.timezone)
        self._spans: list[tuple[time, time]] = [(config.work_start, config.work_end)]
        if config.lunch is not None:
            ls, le = config.lunch
            if not (config.work_start < ls < le < config.work_end):
                raise ValueError("lunch must lie inside working hours")
            self._spans = [(config.work_start, ls), (le, config.work_end)]
        self._weekend: frozenset[int] = frozenset({5, 6})
        self._country_holidays: holidays.HolidayBase | None = None
        if config.country and config.country.upper() != "CN":
            # Years are filled lazily by the holidays package on lookup.
            import holidays  # only for countries other than China: 30 ms of start-up otherwise

            self._country_holidays = holidays.country_holidays(config.country.upper())
            self._weekend = frozenset(self._country_holidays.weekend)
        self._day_cache: dict[date, bool] = {}

    # -- days ---------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        cached = self._day_cache.get(d)
        if cached is None:
            cached = self._day_cache[d] = self._compute_working_day(d)
        return cached

    def _compute_working_day(self, d: date) -> bool:
        # Admin overrides win; a date in both sets counts as a day off.
        if d in self.config.extra_holidays:
            return False
        if d in self.config.extra_workdays:
            return True
        if self.config.country.upper() == "CN":
            return is_cn_workday(d)
        if self._country_holidays is not None and d in self._country_holidays:
            return False
        return d.weekday() not in self._weekend

    def is_holiday(self, d: date) -> bool:
        """A day off that is not a plain weekend: a statutory or admin-added holiday."""
        if self.is_working_day(d):
            return False
        return d.weekday() not in self._weekend or d in self.config.extra_holidays

    def day_off_reason(self, d: date) -> str | None:
        """Why `d` is not a working day: a holiday's name (English), "holiday", "weekend"; None if it is one."""
        if self.is_working_day(d):
            return None
        if self.config.country.upper() == "CN":
            name = cn_holiday_name(d)
        else:
            found = self._country_holidays.get(d) if self._country_holidays is not None else None
            name = str(found).split(";")[0] if found else None
        if name:
            return name
        return "holiday" if self.is_holiday(d) else "weekend"

    def next_working_day(self, d: date, n: int = 1) -> date:
        """The n-th working day strictly after `d` (n=0 returns `d`)."""
        return self._step_days(d, n, 1)

    def previous_working_day(self, d: date, n: int = 1) -> date:
        """The n-th working day strictly before `d` (n=0 returns `d`)."""
        return self._step_days(d, n, -1)

    def _step_days(self, d: date, n: int, sign: int) -> date:
        if n < 0:
            raise ValueError("n must be >= 0")
        for _ in range(n):
            d = self._scan(d + timedelta(days=sign), sign)
        return d

    def _scan(self, d: date, sign: int) -> date:
        """First working day at or after (sign=1) / at or before (sign=-1) `d`."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(d):
                return d
            d += timedelta(days=sign)
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days")

    def last_working_day_of_week(self, d: date) -> date | None:
        """Last working day of d's Mon-Sun week (a make-up Saturday counts); None if all off."""
        monday = d - timedelta(days=d.weekday())
        for i in range(6, -1, -1):
            day = monday + timedelta(days=i)
            if self.is_working_day(day):
                return day
        return None

    def end_of_working_day(self, d: date) -> datetime:
        return datetime.combine(d, self.config.work_end, tzinfo=self.tz)

    # -- instants -----------------------------------------------------------------------------

    def _local(self, t: datetime) -> datetime:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("naive datetime; pass a timezone-aware one")
        return t.astimezone(self.tz)

    def _segments(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(d):
            return []
        return [
            (datetime.combine(d, s, tzinfo=self.tz), datetime.combine(d, e, tzinfo=self.tz))
            for s, e in self._spans
        ]

    def is_working_time(self, t: datetime) -> bool:
        lt = self._local(t)
        return any(s <= lt < e for s, e in self._segments(lt.date()))

    def next_working_moment(self, t: datetime) -> datetime:
        """`t` itself if inside working hours, else the start of the next working span."""
        lt = self._local(t)
        for s, e in self._segments(lt.date()):
            if lt < e:
                return max(lt, s)
        nd = self.next_working_day(lt.date())
        return self._segments(nd)[0][0]

    def add_working_hours(self, t: datetime, hours: float) -> datetime:
        """`t` plus `hours` of working time; negative hours count backwards.

        Landing exactly on a span end stays there (Friday 17:00 + 1h = Friday 18:00), which is
        what a deadline means.
        """
        lt = self._local(t)
        remaining = timedelta(hours=abs(hours))
        if hours < 0:
            return self._sub_working(lt, remaining)
        day = lt.date()
        for _ in range(_MAX_SCAN_DAYS):
            for s, e in self._segments(day):
                if lt >= e:
                    continue
                start = max(lt, s)
                if remaining <= e - start:
                    return start + remaining
                remaining -= e - start
            day += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days")

    def _sub_working(self, lt: datetime, remaining: timedelta) -> datetime:
        day = lt.date()
        for _ in range(_MAX_SCAN_DAYS):
            for s, e in reversed(self._segments(day)):
                if lt <= s:
                    continue
                end = min(lt, e)
                if remaining <= end - s:
                    return end - remaining
                remaining -= end - s
            day -= timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days")

    def add_working_days(self, t: datetime, n: int) -> datetime:
        """Same clock time n working days later (n<0: earlier), clamped into working hours.

        Before work_start -> work_start; after work_end -> work_end; inside lunch -> lunch end.
        From a non-working day, counting starts as if from that day (Sat + 1 = Mon).
        """
        lt = self._local(t)
        d = lt.date()
        if n > 0:
            d = self.next_working_day(d, n)
        elif n < 0:
            d = self.previous_working_day(d, -n)
        else:
            d = self._scan(d, 1)
        clock = min(max(lt.time().replace(tzinfo=None), self.config.work_start), self.config.work_end)
        if self.config.lunch is not None and self.config.lunch[0] <= clock < self.config.lunch[1]:
            clock = self.config.lunch[1]
        return datetime.combine(d, clock, tzinfo=self.tz)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); zero if b <= a."""
        la, lb = self._local(a), self._local(b)
        total = timedelta()
        if lb <= la:
            return total
        day = la.date()
        while day <= lb.date():
            for s, e in self._segments(day):
                lo, hi = max(s, la), min(e, lb)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def working_day_length(self) -> timedelta:
        d = date(2000, 1, 3)  # any date: spans are the same every working day
        return sum(
            (datetime.combine(d, e) - datetime.combine(d, s) for s, e in self._spans), timedelta()
        )

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Whole working days of working time from a to b (floor); 0 if b <= a.

        Deadline Fri 18:00 -> Thu 10:00 is 3 (Mon, Tue, Wed full) -> "more than 3" from Thu 18:00.
        """
        return self.working_time_between(a, b) // self.working_day_length()
