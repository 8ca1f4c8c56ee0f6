"""The public corpus of deadline phrases (tests/deadline_corpus.py): none read wrong, nearly all read.

A phrase counts as read right when it gives exactly the expected moment (or, for a past one, is
refused as past with exactly that moment); wrong when it gives any other moment; refused when it
is not read. Wrong must stay 0; refused may not exceed 5%.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deadline_corpus import rows

from bot.deadlines import DeadlineError, read_phrase
from bot.worktime import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def outcome(ref: str, phrase: str) -> str:
    """What the reader made of `phrase` at `ref`: "YYYY-MM-DD HH:MM", "past …" or "refused"."""
    now = datetime.fromisoformat(ref).replace(tzinfo=SH)
    try:
        when = read_phrase(phrase, now=now, calendar=CAL).when
    except DeadlineError as err:
        if err.code == "past" and err.when is not None:
            return "past " + err.when.astimezone(SH).strftime("%Y-%m-%d %H:%M")
        return "refused"
    return when.astimezone(SH).strftime("%Y-%m-%d %H:%M")


def measure() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]], list[tuple[str, str, str]]]:
    right, wrong, refused = [], [], []
    for ref, phrase, expected in rows():
        got = outcome(ref, phrase)
        if got == expected:
            right.append((ref, phrase, expected))
        elif got == "refused":
            refused.append((ref, phrase, expected))
        else:
            wrong.append((ref, phrase, expected, got))
    return right, wrong, refused


def test_the_corpus_is_large_enough():
    assert len(rows()) >= 300


def test_no_phrase_is_read_wrong_and_nearly_all_are_read():
    right, wrong, refused = measure()
    total = len(right) + len(wrong) + len(refused)
    print(f"\ncorpus: {total} phrases, {len(right)} right, {len(wrong)} wrong, {len(refused)} refused")
    assert wrong == []
    assert len(right) / total >= 0.95, f"refused: {refused}"
