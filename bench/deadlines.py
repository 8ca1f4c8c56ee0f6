"""Figure 9: deadline phrases read per second, whole ("截止 PHRASE") and found inside a task line.

Reading a deadline is on every command that takes one; it must stay far from being a cost there
(a command commits in milliseconds: figure 5). No database: the reader is pure.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.core import Config, Row
from bot.deadlines import DeadlineError, find_deadline, read_phrase
from bot.worktime import WorkCalendar

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The families of issue 14, as typed; a few are refused (past, unreadable) and timed too.
PHRASES = ["明天下午3点", "周五", "下周一前", "5月20日15点", "2026年12月1日9点", "本月19号8点", "下月15号", "月底",
           "年底", "下旬", "国庆前", "春节后第一个工作日", "节前最后一个工作日", "3个工作日内", "两周内", "半小时内",
           "3点3刻", "今晚", "後天", "下週五之前", "下周周六", "6·30", "12/5", "EOD", "end of next week",
           "in 2 hours", "by Friday noon", "2026-12-01 14:00", "昨天", "garbage"]
TASKS = ["明天下午3点前完成报表", "周五前提交设计稿", "整理会议纪要 下周一", "finish the deck by Friday",
         "修3号楼电梯的报修单和巡检记录"]


def _rate(read, texts: list[str], seconds: float) -> float:
    """Texts read per second, over at least `seconds` of repeated passes."""
    count, start = 0, time.perf_counter()
    while (took := time.perf_counter() - start) < seconds:
        for text in texts:
            try:
                read(text, now=NOW, calendar=CALENDAR)
            except DeadlineError:
                pass
        count += len(texts)
    return count / took


CALENDAR = WorkCalendar()


def phrases_per_second(cfg: Config) -> None:
    seconds = 0.5 if cfg.quick else 2.0
    _rate(read_phrase, PHRASES, 0.05)  # warm the calendar's and the holidays' caches
    for label, read, texts, target in (("whole phrase", read_phrase, PHRASES, 2000),
                                       ("found in a task", find_deadline, TASKS, 500)):
        rate = _rate(read, texts, seconds)
        cfg.add(Row(f"9 deadlines read, {label}", "-", f"{len(texts)} texts", round(rate), "/s", None,
                    f"≥ {target:,}/s", f"{1e6 / rate:.0f} µs each", met=rate >= target))
