"""Deadline phrases (Chinese and English) -> aware datetimes, counted on the WorkCalendar.

A focused, table-driven regex parser rather than a library. Tried on our phrase list (now = Sat
2026-11-21): dateparser 1.5 missed 17 of 32 (明天下午3点, 下周五, 月底, 5月20日, N个工作日内, eom,
"in 2 working days"...), and gives 00:00 for bare dates so "no time" cannot be told apart.
jionlp 1.5 reads more Chinese but put 明早九点 on today, 周五 and 5月20日 in the past, failed on
月底 / 节后 / 下班前, knows no English, no make-up working days (调休) and pulls ~90 MB of deps.
Neither knows our rules (bare date = end of working day), so wrapping one would mean re-parsing.
On issue 14's public corpus (Duckling, JioNLP, Time-NLP phrasings) jionlp read 36 of 213 wrong and
dateparser almost no Chinese; ours must read none wrong (tests/test_deadline_corpus.py, 404 phrases).

The phrase grammar lives in bot.deadline_phrases (spans such as 月初, 国庆前, 一周内 in
bot.deadline_spans); here: reading a phrase on its own, at the start of a text, or inside a task
("周五前提交设计稿"), and writing a deadline back. Every command that takes a deadline reads it
through these functions, so each gets the same strict reading: whole, or refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.deadline_phrases import (
    GLUE,
    Clock,
    DeadlineError,
    Phrase,
    check_future,
    clock,
    match_at,
    normalise,
)
from bot.worktime import WorkCalendar

__all__ = ["DeadlineError", "Reading", "find_deadline", "format_deadline", "parse_deadline", "read_leading",
           "read_phrase", "split_deadline"]


@dataclass(frozen=True)
class Reading:
    """A deadline as read from text: the moment, the text around it, and what to tell the user."""

    when: datetime
    rest: str  # the text without the phrase
    phrase: str  # the phrase as typed
    rolled: date | None = None  # the phrase named a date already past this year: taken as next year's


def _cut_mid_word(s: str, start: int, end: int) -> bool:
    """Whether [start, end) starts or ends inside an ASCII word ("3pmx", "xmay 5")."""
    def joined(a: int) -> bool:
        return 0 < a < len(s) and all(ch.isascii() and ch.isalnum() for ch in (s[a - 1], s[a]))
    return joined(start) or joined(end)


def read_leading(text: str, *, now: datetime, calendar: WorkCalendar) -> Reading:
    """Consume the longest deadline phrase at the start of `text`; what follows may not continue it."""
    c, s = clock(now, calendar), normalise(text)
    start = len(s) - len(s.lstrip())
    found = match_at(s, start, c)
    after = len(s) - len(s[found.end:].lstrip()) if found else 0
    if found is None or _cut_mid_word(s, start, found.end) or (after > found.end and match_at(s, after, c)):
        # "下周 周六 原因": the reason may not start with more of the deadline; refuse, never guess
        words = text.split()
        raise DeadlineError("unparseable", " ".join(words[:2] if found else words[:1]) or text)
    phrase = text[start:found.end].strip()
    return Reading(check_future(found.when, c, phrase), text[found.end:].strip(), phrase, found.rolled)


def read_phrase(text: str, *, now: datetime, calendar: WorkCalendar) -> Reading:
    """The whole `text` is one deadline phrase (trailing punctuation tolerated)."""
    try:
        reading = read_leading(text, now=now, calendar=calendar)
    except DeadlineError as e:
        raise DeadlineError(e.code, text.strip(), e.when) from None
    if reading.rest.strip("。.!！,，;；"):
        raise DeadlineError("unparseable", text.strip())
    return reading


# Phrases too weak to be a deadline without 前/截止/by: "3号楼", "1/2", "12.5版本", "the sun",
# a festival ("国庆活动方案"), a bare count ("两个月的数据", "一个小时的演示").
_WEAK = re.compile(r"^(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})[号日]$|^\d{1,2}[/.·・-]\d{1,2}$"
                   r"|^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)$"
                   r"|^(?:元旦|春节|过年|清明|劳动节|五一|端午|中秋|国庆|十一)(?:节|假期|长假|小长假|假)?$"
                   r"|^(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,4})?个?半?个?(?:分钟|刻钟|小时|钟头|钟|天|日|周|星期|礼拜|月|年)$")
_NUMERAL = "0123456789零〇一二两三四五六七八九十"
_TRAILING = " 。.!！,，;；:："


def find_deadline(text: str, *, now: datetime, calendar: WorkCalendar) -> Reading | None:
    """A deadline said inside a task: "明天下午3点前完成报表", "周五前提交设计稿", "ship it friday".

    Taken when plainly a deadline (截止/by before it, 前/之前/以内 after it) anywhere, else a
    phrase naming a future day at the very start or end of the text. A plain deadline already past
    raises.
    """
    c, s = clock(now, calendar), normalise(text)
    found: list[tuple[int, int, Phrase]] = []  # (preference, start, match)
    for i, ch in enumerate(s):
        if ch == " " or _cut_mid_word(s, i, i) or (ch in _NUMERAL and i and s[i - 1] in _NUMERAL + ".:/·・-"):
            continue  # not inside a word, nor inside a number ("1.5小时" is not "5小时")
        m = match_at(s, i, c)
        if m is None or _cut_mid_word(s, i, m.end):
            continue
        phrase = GLUE.sub("", s[i:m.end].strip(), count=1)
        at_start, at_end = not s[:i].strip(), not s[m.end:].strip(_TRAILING)
        if m.strong:
            found.append((0, i, m))
        elif m.dated and not _WEAK.match(phrase) and (at_start or at_end) and m.when >= c.now:
            # a past day without 前/截止 names what the task is about: "昨天的会议纪要整理一下"
            found.append((1 if at_start else 2, i, m))
    if not found:
        return None
    _, i, m = min(found, key=lambda f: (f[0], f[1]))
    _refuse_split_phrase(s, i, m.end, c)
    phrase = text[i:m.end].strip()
    before, after = text[:i].rstrip(_TRAILING), text[m.end:].strip(_TRAILING)
    glue = " " if before[-1:].isascii() or after[:1].isascii() else ""  # CJK closes up: "提交的报告"
    rest = (before + glue + after).strip()
    return Reading(check_future(m.when, c, phrase), rest, phrase, m.rolled)


def _refuse_split_phrase(s: str, start: int, end: int, c: Clock) -> None:
    """"修复登录 下周 周六前": the word just before the phrase is a deadline of its own, so the two
    together were meant as one moment that cannot be read; refuse, never half-read."""
    before = s[:start]
    if not before.endswith(" "):
        return
    before = before.rstrip()
    word_start = before.rfind(" ") + 1
    previous = match_at(s, word_start, c)
    if previous is not None and previous.end >= len(before) and not _WEAK.match(before[word_start:]):
        raise DeadlineError("unparseable", s[word_start:end].strip())


def split_deadline(text: str, *, now: datetime, calendar: WorkCalendar) -> tuple[datetime, str]:
    """Consume the longest deadline phrase at the start of `text`; return (deadline, rest)."""
    reading = read_leading(text, now=now, calendar=calendar)
    return reading.when, reading.rest


def parse_deadline(text: str, *, now: datetime, calendar: WorkCalendar) -> datetime:
    """The whole `text` is one deadline phrase (trailing punctuation tolerated)."""
    return read_phrase(text, now=now, calendar=calendar).when


_WEEKDAYS = {"zh": "一二三四五六日", "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def format_deadline(dt: datetime, *, lang: str, calendar: WorkCalendar) -> str:
    """'2026-11-27 周五 18:00' (zh) / '2026-11-27 Fri 18:00' (en), in the calendar's zone."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime; pass a timezone-aware one")
    local = dt.astimezone(calendar.tz)
    wd = local.weekday()
    name = f"周{_WEEKDAYS['zh'][wd]}" if lang.lower().startswith("zh") else _WEEKDAYS["en"][wd]
    return f"{local:%Y-%m-%d} {name} {local:%H:%M}"
