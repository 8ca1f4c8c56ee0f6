"""Numbers and times of day in deadline phrases ("十二", "两", "3点3刻", "下午三点半", "3pm", "EOD").

Split from bot.deadline_phrases, whose date rules use the same numerals: a time is matched at
one spot, after a date or before it, and the longest reading wins.
"""

from __future__ import annotations

import re
from datetime import time

from bot.worktime import WorkCalendar

NUM = r"(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
END = r"(?![a-z])"  # an English word ends here ("fri" but not "friends")


def num(s: str, cap: int = 9999) -> int:
    """Arabic or Chinese numeral ("十二", "两", "二零"); ValueError/KeyError if malformed or > cap."""
    n = _parse_num(s)
    if n > cap:
        raise ValueError(f"{n} > {cap}")  # keeps day/working-day scans bounded
    return n


def _parse_num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))


# Times. A period word alone stands for a time of its own (上午 -> noon, 下午 -> end of work).
_PERIOD = r"(早上|早晨|上午|中午|下午|晚上|傍晚|凌晨|晚间|夜里|夜间|深夜|半夜|晚(?![些点了饭]))"
_EVENING = ("晚上", "傍晚", "晚间", "夜里", "夜间", "深夜", "半夜", "晚")
_TIME_CN = re.compile(rf"{_PERIOD}? ?({NUM})(?:点钟?|时)(?:(半)|([一二两三123])刻|({NUM})分?)?")
_QUARTERS = {"一": 1, "1": 1, "二": 2, "两": 2, "2": 2, "三": 3, "3": 3}
_TIME_COLON = re.compile(rf"{_PERIOD}? ?(?:at |@ ?)?(\d{{1,2}}):(\d{{2}})(?!\d)(?: ?([ap])\.?m\.?{END})?")
_TIME_EN = re.compile(rf"(?:at |@ ?)?(\d{{1,2}}) ?([ap])\.?m\.?{END}")
_TIME_WORD = re.compile(rf"(下班|收工|eod|end of (?:the )?day|cob|close of business|(?:at )?noon{END})|{_PERIOD}")


def _adjust(hour: int, period: str | None) -> tuple[int, int] | None:
    if period == "下午" or period in _EVENING:
        if period != "下午" and hour == 12:
            return 23, 59  # "midnight" as a deadline: the very end of that day
        hour += 12 if 1 <= hour < 12 else 0
    elif period == "中午" and 1 <= hour <= 5:
        hour += 12
    return (hour, 0) if 0 <= hour <= 23 else None


def _cn_clock(m: re.Match[str], hint: str | None) -> time | None:
    try:
        h, minute = num(m[2]), 30 if m[3] else (15 * _QUARTERS[m[4]] if m[4] else num(m[5] or "0"))
    except (KeyError, ValueError):  # "十十点"
        return None
    period = m[1] or hint
    if period is None and 1 <= h <= 6:
        period = "下午"  # nobody sets a 3 a.m. deadline: bare 1-6点 is afternoon
    hm = _adjust(h, period)
    return time(hm[0], hm[1] or minute) if hm and minute < 60 else None


def match_time(s: str, pos: int, hint: str | None, cal: WorkCalendar) -> tuple[time, int] | None:
    """Longest time-of-day at `pos`; `hint` is a period implied by the date (明早 -> 早上)."""
    found: list[tuple[time, int]] = []
    m = _TIME_CN.match(s, pos)
    if m and (t := _cn_clock(m, hint)) is not None:
        found.append((t, m.end()))
    m = _TIME_COLON.match(s, pos)
    if m:
        h = int(m[2]) % 12 + (12 if m[4] == "p" else 0) if m[4] else int(m[2])
        hm = _adjust(h, m[1] or hint)
        if hm and int(m[3]) < 60:
            found.append((time(hm[0], hm[1] or int(m[3])), m.end()))
    m = _TIME_EN.match(s, pos)
    if m and 1 <= int(m[1]) <= 12:
        found.append((time(int(m[1]) % 12 + (12 if m[2] == "p" else 0)), m.end()))
    m = _TIME_WORD.match(s, pos)
    if m and m[0] != "凌晨":  # "明天凌晨" alone names no hour a deadline could take
        word = m[1] or m[2]
        defaults = {"早上": cal.config.work_start, "早晨": cal.config.work_start, "上午": time(12),
                    "中午": time(12), "晚上": time(22), "晚间": time(22), "夜里": time(22), "夜间": time(22),
                    "晚": time(22), "深夜": time(23, 59), "半夜": time(23, 59), "傍晚": time(19), "noon": time(12)}
        found.append((defaults.get(word.removeprefix("at "), cal.config.work_end), m.end()))
    return max(found, key=lambda f: f[1]) if found else None

