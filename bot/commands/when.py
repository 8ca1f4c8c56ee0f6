"""Deadlines typed in commands: where they are in the line, and what to tell the user about them.

A deadline follows a marker ("截止 周五", "by friday") or sits inside the task itself
("周五前提交设计稿", "明天下午3点前完成报表"). The reply always says the exact moment
understood, and says it out loud when that moment is a day off or next year's date.
"""

from __future__ import annotations

from bot.commands import grammar
from bot.context import Ctx, UserError
from bot.deadlines import DeadlineError, Reading, find_deadline, format_deadline, read_leading, read_phrase
from bot.items import strings as item_strings

# A marker glued inside a word ("无截止任务") is part of the word: it must stand on its own.
_STANDALONE_BEFORE = " \t\n,，;；、。:：([（【"


def deadline_error(ctx: Ctx, text: str, err: DeadlineError) -> str:
    if err.code == "past" and err.when is not None:
        return item_strings.t(ctx.lang, "e.deadline_past", text=err.text or text,
                              when=format_deadline(err.when, lang=ctx.lang, calendar=ctx.calendar))
    return item_strings.t(ctx.lang, "e.deadline", text=text)


def read(ctx: Ctx, text: str) -> Reading:
    """Parse a deadline phrase or refuse with a reply that says what we understood."""
    try:
        return read_phrase(text, now=ctx.now, calendar=ctx.calendar)
    except DeadlineError as err:
        raise UserError(deadline_error(ctx, text, err)) from None


def read_first(ctx: Ctx, text: str) -> Reading:
    """The deadline at the start of `text` ("5月20日 供应商延迟"), the rest kept as the reason."""
    return read_leading(text, now=ctx.now, calendar=ctx.calendar)


def find(ctx: Ctx, text: str) -> Reading | None:
    """A deadline said inside the task ("周五前提交设计稿"), or None; a past one is refused."""
    try:
        return find_deadline(text, now=ctx.now, calendar=ctx.calendar)
    except DeadlineError as err:
        raise UserError(deadline_error(ctx, err.text, err)) from None


def _standalone(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] in _STANDALONE_BEFORE


def split_with_deadline(ctx: Ctx, text: str, markers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Split at the markers, choosing the deadline marker whose phrase reads as a deadline.

    "by" also occurs in plain words ("approved by legal"); the latest occurrence that
    parses wins. When none does, a marker standing on its own is kept so the reply can
    name what could not be read; one glued inside a word ("无截止任务") is just text.
    """
    positions = grammar.marker_positions(text, markers["deadline"])
    for position in reversed(positions):
        head, parts = grammar.split_markers(text, markers, at={"deadline": position})
        phrase = parts.get("deadline", "")
        try:
            read_phrase(phrase, now=ctx.now, calendar=ctx.calendar)
        except DeadlineError as err:
            if err.code == "past":
                return head, parts
            if not head and (title := _title_after_deadline(ctx, phrase)):
                # "截止周五 完成前端": the deadline came first and the task follows it.
                return title, {**parts, "deadline": phrase[:len(phrase) - len(title)].strip()}
            continue
        return head, parts
    others = {name: pattern for name, pattern in markers.items() if name != "deadline"}
    head, parts = grammar.split_markers(text, others)
    standalone = [p for p in positions if _standalone(text, p)]
    inside = find(ctx, head)
    # A deadline found after a marker that stands on its own is the tail of that marker's
    # phrase ("截止 下周 周六" found as 周六): refuse the whole phrase rather than half-read it.
    if inside is not None and not (standalone and text.rfind(inside.phrase) > standalone[0]):
        return head, parts  # the deadline is inside the task
    if inside is None and not standalone:
        return head, parts  # no deadline marker at all
    return grammar.split_markers(text, markers)


def _title_after_deadline(ctx: Ctx, phrase: str) -> str:
    try:
        return read_leading(phrase, now=ctx.now, calendar=ctx.calendar).rest
    except DeadlineError:
        return ""


def notes(ctx: Ctx, reading: Reading) -> list[str]:
    """What the user should know about a deadline they gave: next year's date, a day off."""
    out = []
    day = reading.when.astimezone(ctx.calendar.tz).date()
    if reading.rolled is not None:
        out.append(item_strings.t(ctx.lang, "note.rolled", phrase=reading.phrase, date=day.isoformat(),
                                  passed=reading.rolled.isoformat()))
    reason = ctx.calendar.day_off_reason(day)
    if reason == "weekend":
        weekday = format_deadline(reading.when, lang=ctx.lang, calendar=ctx.calendar).split(" ")[1]
        out.append(item_strings.t(ctx.lang, "note.weekend", date=day.isoformat(), weekday=weekday))
    elif reason is not None:
        out.append(item_strings.t(ctx.lang, "note.holiday", date=day.isoformat(),
                                  name=item_strings.holiday_name(ctx.lang, reason)))
    return out
