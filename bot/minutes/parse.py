"""How minutes are written: a title line, field lines, action lines; everything else is kept as notes.

Pure text work: the lines are read here, the action lines' owners and deadlines by the
/todo grammar (bot.commands.create) when the minutes are taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# field -> the words that name it (Chinese and English), before ":" or "："
FIELDS: dict[str, tuple[str, ...]] = {
    "time": ("时间", "会议时间", "日期", "time", "date", "when"),
    "place": ("地点", "会议地点", "形式", "place", "location", "where"),
    "host": ("主持", "主持人", "host", "chair"),
    "recorder": ("记录", "记录人", "recorder", "minutes by", "note taker"),
    "attendees": ("参会", "参会人", "参会人员", "出席", "与会", "attendees", "participants"),
    "topics": ("议题", "议程", "topics", "agenda"),
    "decisions": ("决议", "决议事项", "决定", "decisions"),
}
_FIELD_WORD = {word: name for name, words in FIELDS.items() for word in words}
FIELD_LINE = re.compile(
    r"^(" + "|".join(sorted(map(re.escape, _FIELD_WORD), key=len, reverse=True)) + r")\s*[:：]\s*(.*)$",
    re.IGNORECASE)
# "- ", "* ", "• ", "1. ", "1、", "1）": an action line. "5.12前…" is a date, not a number.
ACTION_LINE = re.compile(r"^(?:[-*•·]|\d{1,2}\s*[.、．)）](?!\d))\s*(.*)$")
LIST_WORDS = ("list", "ls", "列表", "全部")
SHOW_WORDS = ("show", "详情", "查看")


@dataclass(frozen=True)
class ActionLine:
    lineno: int  # in the message: the command's own line is 1
    typed: str  # the line as typed
    text: str  # after its marker: read as a /todo line


@dataclass
class MinutesText:
    title: str
    body: str
    fields: dict[str, str] = field(default_factory=dict)
    actions: list[ActionLine] = field(default_factory=list)


def read(rest: str) -> MinutesText:
    """The minutes in `rest` (what follows /minutes): title on the first line, the body after it."""
    title, _, body = rest.partition("\n")
    found = MinutesText(title=title.strip(), body=body.strip("\n"))
    notes: list[str] = []
    for offset, raw in enumerate(body.split("\n"), start=2):
        line = raw.strip()
        if not line:
            continue
        if m := FIELD_LINE.match(line):
            name, value = _FIELD_WORD[m.group(1).lower()], m.group(2).strip()
            if value:  # the same field twice: both are kept
                found.fields[name] = f"{found.fields[name]}；{value}" if name in found.fields else value
        elif m := ACTION_LINE.match(line):
            found.actions.append(ActionLine(offset, line, m.group(1).strip()))
        else:
            notes.append(line)  # discussion and anything else: kept, never dropped
    if notes:
        found.fields["notes"] = "\n".join(notes)
    return found


def subcommand(rest: str) -> tuple[str, str] | None:
    """("list", "") or ("show", "N") when `rest` is one of those and not a title."""
    if "\n" in rest.strip():
        return None
    word, _, arg = rest.strip().partition(" ")
    if word.lower() in LIST_WORDS and not arg.strip():
        return "list", ""
    if word.lower() in SHOW_WORDS:
        return "show", arg.strip()
    return None
