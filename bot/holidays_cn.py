"""China's working-day rule: statutory holidays plus make-up working weekends (调休上班).

Sources, compared on 2026 data:
- `chinesecalendar` (import `chinese_calendar`) carries the State Council's yearly notice, including
  the make-up working days (e.g. Sunday 2026-09-20 and Saturday 2026-10-10 are working days). It is
  authoritative, but only up to the last published year and raises NotImplementedError beyond it.
- `holidays` (holidays.China) lists the days off and names substitutions in labels, but has no way to
  ask "is this Saturday a working day"; for years without a notice it only estimates the days off.
So: chinese_calendar whenever it has the year; `holidays` days off + Mon-Fri as the fallback.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

import chinese_calendar
import holidays

log = logging.getLogger(__name__)

# Years already warned about, per process (not per calendar) so the log is not flooded.
_warned_years: set[int] = set()


@lru_cache(maxsize=8192)
def is_cn_workday(d: date) -> bool:
    """True if `d` is a working day under China's official calendar (or the estimate beyond it)."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        _warn_once(d.year)
        return d.weekday() < 5 and d not in _fallback_holidays(d.year)


@lru_cache(maxsize=64)
def _fallback_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def _warn_once(year: int) -> None:
    if year in _warned_years:
        return
    _warned_years.add(year)
    log.warning(
        "China's official holiday data (chinesecalendar) does not cover %d; using estimated holidays "
        "and Mon-Fri without make-up working days. Admins can add days in config "
        "(extra_holidays / extra_workdays), or upgrade chinesecalendar once the State Council publishes.",
        year,
    )


def cn_holiday_name(d: date) -> str | None:
    """The English name of the statutory holiday `d` falls in ("National Day"), if any."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        name = _fallback_holidays(d.year).get(d)
        return str(name).split(";")[0] if name else None
    return str(name) if on_holiday and name else None
