"""The grammar of deadline phrases: date and time rules, prefixes and suffixes, matched at one spot.

Grammar: [prefix] (date [time] | time [date] | relative) [suffix 前/内/之前/以内]. Every date rule
is tried at the same spot and the longest match wins. bot.deadlines reads whole phrases, phrases
at the start of a text and phrases inside a task with it. A match followed by what can only be
more of a time ("本月19号8点" read as 本月, "3点3刻" as 3点3) is no match at all: a phrase is read
whole or refused, never half-read. Traditional characters are mapped one for one before matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot import deadline_spans as spans
from bot.deadline_times import END as _END
from bot.deadline_times import NUM as _NUM
from bot.deadline_times import match_time as _match_time
from bot.deadline_times import num as _num
from bot.worktime import WorkCalendar


class DeadlineError(ValueError):
    def __init__(self, code: str, text: str, when: datetime | None = None) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code  # "unparseable" | "past"
        self.text = text  # the offending phrase
        self.when = when  # for "past": what the phrase meant, so the reply can say it


@dataclass(frozen=True)
class Clock:
    now: datetime  # in the calendar's tz
    today: date
    cal: WorkCalendar
    # Set by a rule that moved a date without a year (month) past today into the next one.
    rolled: list[date] = field(default_factory=list)


# A date rule yields (day, period hint) or an absolute datetime; None means "matched text, bad value".
_Hit = tuple[date, str | None] | datetime | None
_YEAR = r"(\d{4}|[零〇一二三四五六七八九]{4})"
_DAY_END = r"(?:[日号]|(?!\d))"  # "5月20日15点": a 日 may be followed by the hour; a bare number may not
_NOT_AFTER_NUM = r"(?<![\d零〇一二两三四五六七八九十今明后去前])"  # "年底", but not "19年底" or "三年前"



def _next_yearless(c: Clock, month: int, day: int) -> date:
    d = date(c.today.year, month, day)
    if d >= c.today:
        return d
    c.rolled.append(d)  # "11月11日" on 11-16: next year's, and the reply must say so
    return date(c.today.year + 1, month, day)


def _weekday(c: Clock, wd: int, which: str | None) -> date:
    monday = c.today - timedelta(days=c.today.weekday())
    if which in ("上", "上个", "last"):
        return monday + timedelta(days=wd - 7)
    if which == "上上":
        return monday + timedelta(days=wd - 14)
    if which in ("下", "下个", "next"):
        return monday + timedelta(days=7 + wd)
    if which == "下下":
        return monday + timedelta(days=14 + wd)
    if which in ("本", "这", "这个"):
        return monday + timedelta(days=wd)
    return c.today + timedelta(days=(wd - c.today.weekday()) % 7)  # bare / this / coming: next one


def _week_end(c: Clock, nxt: bool) -> tuple[date, None] | None:
    d = c.cal.last_working_day_of_week(c.today + timedelta(days=7 if nxt else 0))
    return (d, None) if d else None


def _month_end(c: Clock, nxt: bool) -> tuple[date, None]:
    return _month_part(c, "下" if nxt else "本", "底")


_MONTH_SHIFT = {"本": 0, "这": 0, "这个": 0, "当": 0, "同": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2,
                "上": -1, "上个": -1}


def _month_part(c: Clock, which: str | None, part: str) -> tuple[date, None]:
    """月底, 下月初, 上旬...: a month named relatively; none named: this one unless that part is over."""
    y, m = spans.add_months(c.today.year, c.today.month, _MONTH_SHIFT[which] if which else 0)
    d = spans.month_part(c.cal, y, m, part)
    if which is None and d < c.today:
        d = spans.month_part(c.cal, *spans.add_months(y, m, 1), part)
    return d, None


def _named_month_part(c: Clock, year: str | None, rel: str | None, month: str, part: str) -> tuple[date, None]:
    """12月中旬, 2027年3月底: a yearless one already over is next year's, and said so."""
    m = _num(month, 12)
    if year or rel:
        return spans.month_part(c.cal, _year_of(c, year, rel), m, part), None
    d = spans.month_part(c.cal, c.today.year, m, part)
    if d >= c.today:
        return d, None
    c.rolled.append(d)
    return spans.month_part(c.cal, c.today.year + 1, m, part), None


def _year_of(c: Clock, year: str | None, rel: str | None) -> int:
    if year:
        return _num(year)
    return c.today.year + {"今": 0, "明": 1, "后": 2}[rel or "今"]


def _year_part(c: Clock, rel: str | None, year: str | None, part: str) -> tuple[date, None]:
    """年底 / 明年初 / 2026年底; "年初" alone: this year's unless over, then next year's."""
    d = spans.year_part(c.cal, _year_of(c, year, rel), part)
    if not (rel or year) and d < c.today:
        d = spans.year_part(c.cal, c.today.year + 1, part)
    return d, None


def _month_day(c: Clock, which: str, day: str) -> tuple[date, None]:
    """本月19号, 下个月九号, 上个月15号 (past): the day of a month named relatively."""
    y, m = spans.add_months(c.today.year, c.today.month, _MONTH_SHIFT[which])
    return date(y, m, _num(day, 31)), None


def _festival(c: Clock, name: str, kind: str | None, before: str | None, after: str | None,
              working_days: int = 1) -> tuple[date, None] | None:
    """国庆, 国庆前, 国庆后, 国庆后第3个工作日 (the 1st is the first working day after the days off)."""
    if name == "十一" and not (kind or before or after):
        return None  # a bare 十一 is eleven, not National Day
    d = spans.festival(c.cal, c.today, name, "前" if before else "后" if after else None, working_days)
    return (d, None) if d else None


def _edge(word: str) -> tuple[str | None, str | None]:
    return (word, None) if word == "前" else (None, word)


def _holiday_edge(c: Clock, edge: str) -> tuple[date, None] | None:
    d = spans.next_holiday_edge(c.cal, c.today, edge)
    return (d, None) if d else None


def _count(c: Clock, number: str | None, half: str | None, ge: str | None, unit: str, suffix: str | None) -> _Hit:
    """一周内, 两个月内, 60日内, 半小时内, 一刻钟后: from now; a span of days ends with its last day."""
    if unit in ("钟", "月") and not ge:
        return None  # "三个钟", "两个月"; "3月" is March
    if unit in ("日", "年") and not suffix:
        return None  # "20日" is the 20th; "2026年" is a year
    if number is None and not half:
        return None
    amount = (_num(number) if number else 0) + (0.5 if half else 0)
    end = spans.count_end(c.now, amount, unit)
    return end if isinstance(end, datetime) else (end, None)


_EN_UNITS = {"minute": "分钟", "min": "分钟", "hour": "小时", "hr": "小时", "day": "天", "week": "周", "month": "月"}


def _en_count(c: Clock, number: str, unit: str) -> _Hit:
    n = int(number) if number.isdigit() else 1
    if unit.startswith(("working", "business")):
        return c.cal.next_working_day(c.today, _num(str(n), 500)), None
    end = spans.count_end(c.now, n, _EN_UNITS[unit.rstrip("s")])
    return end if isinstance(end, datetime) else (end, None)


def _day_of_month(c: Clock, day: int) -> tuple[date, None]:
    d = date(c.today.year, c.today.month, day) if day >= c.today.day else None
    if d is None:
        y, m = (c.today.year + 1, 1) if c.today.month == 12 else (c.today.year, c.today.month + 1)
        d = date(y, m, day)
        c.rolled.append(d)
    return d, None


_WD_CN = {**{ch: i for i, ch in enumerate("一二三四五六")}, "日": 6, "天": 6}
_WD_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MON_EN = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MON_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_EN_WD_RE = r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_REL_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "后日": 2, "大后天": 3, "昨天": -1, "昨日": -1,
             "前天": -2, "前日": -2, "today": 0, "tonight": 0, "yesterday": -1,
             "tomorrow": 1, "tmr": 1, "tmrw": 1, "day after tomorrow": 2, "the day after tomorrow": 2}
_PARTS = r"(上旬|中旬|下旬|初|中|底|末|尾|头)"
_WHICH_MONTH = r"(本|这个?|当|同|下下个?|下个?|上个?)"
_FESTIVAL = r"(元旦|春节|过年|清明|劳动节|五一|端午|中秋|国庆|十一)"

_DATE_RULES: list[tuple[str, Callable[[re.Match[str], Clock], _Hit]]] = [
    (r"(大后天|后天|后日|明天|明日|今天|今日|昨天|昨日|前天|前日)",
     lambda m, c: (c.today + timedelta(days=_REL_DAYS[m[1]]), None)),
    (r"(今|明|当)(早上?|晨|晚上?|夜(?!间))",
     lambda m, c: (c.today + timedelta(days=m[1] == "明"), "早上" if m[2][0] in "早晨" else "晚上")),
    (rf"((?:the )?day after tomorrow|today|tonight|tomorrow|tmrw|tmr|yesterday){_END}",
     lambda m, c: (c.today + timedelta(days=_REL_DAYS[m[1]]), "晚上" if m[1] == "tonight" else None)),
    (r"(上上|上个?|下下|下个?|本|这个?)?(?:周|星期|礼拜)(?:的)?(?:周|星期|礼拜)?([一二三四五六日天1-7])",
     lambda m, c: (_weekday(c, _WD_CN.get(m[2], int(m[2]) - 1 if m[2].isdigit() else 0), m[1]), None)),
    (rf"(?:(next|this|coming) )?{_EN_WD_RE}{_END}",
     lambda m, c: (_weekday(c, _WD_EN[m[2][:3]], m[1]), None)),
    (r"(本|这个?|下个?)(?:周|星期|礼拜)", lambda m, c: _week_end(c, m[1].startswith("下"))),
    (r"(?:本|这个?)?周末", lambda m, c: _week_end(c, False)),
    (rf"(?:(?:the )?end of (?:the )?(this |next )?week|eow|this week|(next )week){_END}",
     lambda m, c: _week_end(c, "next " in (m[1], m[2]))),
    (rf"{_WHICH_MONTH}?月(?:的)?{_PARTS}", lambda m, c: _month_part(c, m[1], m[2])),
    (r"(?:本|这个?|当|下下个?|下个?)月(?:底|末)?", lambda m, c: _month_part(c, m[0].split("月")[0] or "本", "底")),
    (r"(?:(本|这个?|下个?)月)?(上旬|中旬|下旬)", lambda m, c: _month_part(c, m[1], m[2])),
    (rf"(?:{_YEAR}年|(今|明|后)年)?({_NUM})月份?(?:的)?{_PARTS}",
     lambda m, c: _named_month_part(c, m[1], m[2], m[3], m[4])),
    (rf"{_NOT_AFTER_NUM}(?:(今|明|后)|{_YEAR})?年年?(底|末|尾|初|头)", lambda m, c: _year_part(c, m[1], m[2], m[3])),
    (rf"{_WHICH_MONTH}月(?:的)?({_NUM}){_DAY_END}", lambda m, c: _month_day(c, m[1], m[2])),
    (rf"{_FESTIVAL}(节?(?:假期|长假|小长假|假)?)(?:(之前|以前|前)(?:的?最后一个工作日|的?最后一天)?"
     rf"|(之后|以后|过后|后)(?:的?第一个工作日|的?首个工作日|第一天上班|的?上班第一天|的?第一天|上班"
     rf"|的?第?({_NUM})个工作日)?)?",
     lambda m, c: _festival(c, m[1], m[2], m[3], m[4], _num(m[5], 60) if m[5] else 1)),
    (rf"{_NOT_AFTER_NUM}(?:过完|过)?年(前|后)(?!\d)", lambda m, c: _festival(c, "春节", None, *_edge(m[1]))),
    (r"过完年", lambda m, c: _festival(c, "春节", None, None, "后")),
    (r"节前(?:的?最后一个工作日|的?最后一天)?", lambda m, c: _holiday_edge(c, "前")),
    (rf"({_NUM})?(个)?(半)?(个)?(分钟|刻钟|小时|钟头|钟|天|日|周|星期|礼拜|月|年)"
     r"(内|之内|以内|后|之后|以后|过后)?(?![之以]?前)",
     lambda m, c: _count(c, m[1], m[3], m[2] or m[4], m[5], m[6])),
    (rf"(?:in|within) (\d{{1,3}}|an?|one) ?(minutes?|mins?|hours?|hrs?|days?|weeks?|months?"
     rf"|(?:working|business) days?){_END}", lambda m, c: _en_count(c, m[1], m[2])),
    (rf"(?:(?:the )?end of (?:the )?(this |next )?year|eoy){_END}",
     lambda m, c: (spans.year_part(c.cal, c.today.year + (m[1] == "next "), "底"), None)),
    (rf"(?:(?:the )?end of (?:the )?(this |next )?month|eom|this month){_END}",
     lambda m, c: _month_end(c, m[1] == "next ")),
    (rf"({_NUM})个?工作日(?:后|之后)?", lambda m, c: (c.cal.next_working_day(c.today, _num(m[1], 500)), None)),
    (rf"(\d{{4}})[-/.年](\d{{1,2}})[-/.月](\d{{1,2}}){_DAY_END}",
     lambda m, c: (date(int(m[1]), int(m[2]), int(m[3])), None)),
    (rf"{_YEAR}年({_NUM})月({_NUM}){_DAY_END}", lambda m, c: (date(_num(m[1]), _num(m[2]), _num(m[3])), None)),
    (rf"(今|明|后)年({_NUM})月({_NUM}){_DAY_END}",
     lambda m, c: (date(_year_of(c, None, m[1]), _num(m[2]), _num(m[3])), None)),
    (rf"({_NUM})月({_NUM}){_DAY_END}", lambda m, c: (_next_yearless(c, _num(m[1]), _num(m[2])), None)),
    (r"(\d{1,2})[/.·・-](\d{1,2})(?:[日号]|(?![\d/.·・-]))",
     lambda m, c: (_next_yearless(c, int(m[1]), int(m[2])), None)),
    (rf"({_NUM})[号日]", lambda m, c: _day_of_month(c, _num(m[1]))),
    (r"(?:节后|假期后|假后|节假日后|放假回来)(?:的?第一个工作日|的?首个工作日|的?第一天|的?上班第一天|上班)?",
     lambda m, c: _holiday_edge(c, "后")),
    (rf"{_MON_RE}\.? ?(\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?(?!\d)",
     lambda m, c: _en_date(c, m[1], m[2], m[3])),
    (rf"(\d{{1,2}})(?:st|nd|rd|th)? ?(?:of )?{_MON_RE}\.?(?:,? (\d{{4}}))?{_END}",
     lambda m, c: _en_date(c, m[2], m[1], m[3])),
]
_DATE_PATTERNS = [(re.compile(p), h) for p, h in _DATE_RULES]


def _en_date(c: Clock, mon: str, day: str, year: str | None) -> tuple[date, None]:
    month = _MON_EN.index(mon[:3]) + 1
    if year:
        return date(int(year), month, int(day)), None
    return _next_yearless(c, month, int(day)), None


_SUFFIX = re.compile(r"(?:之前|以前|以内|之内|前(?![端台面期]|提(?!交))|内(?![容部测网])|为止)")
# A prefix that says "deadline" by itself; 在/于 ("在3号楼") only glue a phrase to its verb.
_PREFIX = re.compile(r"(?:(?:by|before|until|till|due|no later than|not later than) |截止到?|截至|最晚|最迟|不晚于)")
GLUE = re.compile(r"(?:在|于)")
_CONNECT = re.compile(r" ?(?:的|,|t(?=\d))? ?")


def _skip(s: str, pos: int) -> int:
    """Past the optional glue between a date and a time ("明天 下午", "tomorrow, 3pm")."""
    m = _CONNECT.match(s, pos)
    return m.end() if m else pos



@dataclass(frozen=True)
class Phrase:
    when: datetime
    end: int
    strong: bool  # with a prefix (截止, by) or a suffix (前, 之前, 以内): plainly a deadline
    dated: bool  # names a day, not only a time of today
    rolled: date | None  # a day-and-month (or a day) already past, moved to next year (month)


def match_at(s: str, pos: int, c: Clock) -> Phrase | None:
    """The longest deadline phrase starting exactly at `pos` of the normalised text."""
    strong = False
    if (m := _PREFIX.match(s, pos)) is not None:
        pos, strong = m.end(), True
    elif (m := GLUE.match(s, pos)) is not None:
        pos = m.end()
    cands: list[tuple[datetime, int, bool, date | None]] = []
    tz, work_end = c.cal.tz, c.cal.config.work_end

    def dates_at(p: int) -> list[tuple[tuple[date, str | None] | datetime, int, date | None]]:
        out: list[tuple[_Hit, int, date | None]] = []
        for pat, handler in _DATE_PATTERNS:
            if (dm := pat.match(s, p)) is not None:
                c.rolled.clear()
                try:
                    out.append((handler(dm, c), dm.end(), c.rolled[0] if c.rolled else None))
                except (ValueError, KeyError):  # 2月30日, 13/45 and friends
                    pass
        return [(h, e, r) for h, e, r in out if h is not None]  # the hits, Nones dropped

    for hit, end, rolled in dates_at(pos):
        if isinstance(hit, datetime):
            cands.append((hit, end, True, rolled))
            continue
        day, hint = hit
        t = _match_time(s, _skip(s, end), hint, c.cal)
        if t:
            cands.append((datetime.combine(day, t[0], tzinfo=tz), t[1], True, rolled))
        default = _match_time(hint, 0, None, c.cal) if hint else None
        cands.append((datetime.combine(day, default[0] if default else work_end, tzinfo=tz), end, True, rolled))
    if (t := _match_time(s, pos, None, c.cal)) is not None:  # time first: "3pm tomorrow", "下午3点"
        cands.append((datetime.combine(c.today, t[0], tzinfo=tz), t[1], False, None))
        for hit, end, rolled in dates_at(_skip(s, t[1])):
            if isinstance(hit, tuple):
                cands.append((datetime.combine(hit[0], t[0], tzinfo=tz), end, True, rolled))
    if not cands:
        return None
    dt, end, dated, rolled = max(cands, key=lambda x: x[1])
    if (m := _SUFFIX.match(s, end)) is not None:
        end, strong = m.end(), True
    if continues(s, end):
        return None  # "3点3刻" read as 15:03, "本月19号" as 本月: a phrase is read whole or not at all
    return Phrase(dt.astimezone(tz), end, strong or s[:end].endswith("前"), dated, rolled)


# What may only continue a time phrase: a number, an hour, a weekday, a part of the day.
_CONTINUES = re.compile(r"[\d零〇一二两三四五六七八九十点时刻号半]|[.:/·・-]\d|个?(?:小时|钟头|工作日)|个月"
                        r"|(?:周|星期|礼拜)[一二三四五六日天1-7]|[上下中]午|早上|晚上|[ap]\.?m\b")


def continues(s: str, pos: int) -> bool:
    """Whether the text at `pos` can only be more of a time phrase: the phrase before it is partial."""
    return _CONTINUES.match(s, pos) is not None


# Traditional characters (Taiwan, Hong Kong) and colloquial forms, one character for one.
_SIMPLIFIED = str.maketrans("後週這個號點時鐘禮兩內節勞動慶當頭間於過國誕聖俩", "后周这个号点时钟礼两内节劳动庆当头间于过国诞圣两")


def normalise(text: str) -> str:
    """NFKC + lower case + simplified, char by char so indexes still line up with the original text."""
    out = []
    for ch in text.translate(_SIMPLIFIED):
        n = unicodedata.normalize("NFKC", ch).lower()
        out.append(n if len(n) == 1 else ch)
    return re.sub(r"\s", " ", "".join(out))


def clock(now: datetime, calendar: WorkCalendar) -> Clock:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime; pass a timezone-aware one")
    local = now.astimezone(calendar.tz)
    return Clock(local, local.date(), calendar)


def check_future(dt: datetime, c: Clock, phrase: str) -> datetime:
    if dt < c.now:
        raise DeadlineError("past", phrase, dt)
    return dt
