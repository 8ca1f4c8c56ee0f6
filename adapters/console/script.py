"""The console script language (a contract that docs, demos and tests rely on).

    @USER: TEXT                 USER says TEXT in the current chat
      MORE TEXT                 an indented line (2+ spaces or a tab) continues that message
    @USER react EMOJI mN        reaction on bot message mN (unreact removes it)
    @USER click LABEL mN        presses the button LABEL on bot message mN
    @USER reply mN: TEXT        USER says TEXT in the thread of bot message mN
    :chat NAME                  later lines happen in chat NAME
    :now YYYY-MM-DD HH:MM       set the simulated clock (forward only)
    :advance N(m|h|d)           move the clock forward; what falls due happens in order
    blank lines and lines starting with # are ignored
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta


class ScriptError(ValueError):
    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


@dataclass(frozen=True)
class Say:
    user: str
    text: str


@dataclass(frozen=True)
class React:
    user: str
    emoji: str
    message: int
    added: bool


@dataclass(frozen=True)
class Click:
    user: str
    label: str
    message: int


@dataclass(frozen=True)
class Reply:
    user: str
    message: int
    text: str


@dataclass(frozen=True)
class SwitchChat:
    name: str


@dataclass(frozen=True)
class SetClock:
    at: datetime  # naive, in the chat's local time


@dataclass(frozen=True)
class Advance:
    by: timedelta


Directive = Say | React | Click | Reply | SwitchChat | SetClock | Advance

SAY = re.compile(r"^@([^\s:：]+)\s*[:：]\s?(.*)$", re.S)
CONTINUATION = re.compile(r"^(?: {2,}|\t)\s*\S")
# "@pm: react ✅ m2" is a slip for "@pm react ✅ m2": the colon is not part of the name.
REACT = re.compile(r"^@([^\s:：]+)(?:[:：]\s*|\s+)(react|unreact)\s+(\S+)\s+m(\d+)\s*$")
REPLY = re.compile(r"^@([^\s:：]+)(?:[:：]\s*|\s+)reply\s+m(\d+)\s*[:：]\s?(.*)$", re.S)
CLICK = re.compile(r"^@([^\s:：]+)(?:[:：]\s*|\s+)click\s+(.+?)\s+m(\d+)\s*$")
ADVANCE = re.compile(r"^(\d+)\s*([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def is_continuation(line: str) -> bool:
    """An indented line: it continues the `@USER:` message above it, on a new line."""
    return bool(CONTINUATION.match(line))


def logical_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(number of its first line, text) per directive: indented lines are joined to the
    `@USER:` line above them with a newline (minutes are pasted as one message)."""
    held: tuple[int, str] | None = None
    for lineno, line in enumerate(lines, start=1):
        if is_continuation(line):
            if held is None or not (SAY.match(held[1].strip()) or REPLY.match(held[1].strip())):
                raise ScriptError(lineno, "an indented line continues an '@USER: TEXT' message, "
                                          "but there is none right above it")
            held = (held[0], held[1].rstrip() + "\n" + line.strip())
            continue
        if held is not None:
            yield held
        held = (lineno, line)
    if held is not None:
        yield held


def parse_line(line: str, lineno: int) -> Directive | None:
    """One script line -> a directive (None for blanks and comments); ScriptError if malformed."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if line.startswith(":"):
        word, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        if word == "chat" and arg and " " not in arg:
            return SwitchChat(arg.lstrip("#"))
        if word == "now":
            try:
                return SetClock(datetime.strptime(arg, "%Y-%m-%d %H:%M"))
            except ValueError:
                raise ScriptError(lineno, f"':now' wants YYYY-MM-DD HH:MM, got {arg!r}") from None
        if word == "advance":
            m = ADVANCE.match(arg)
            if not m:
                raise ScriptError(lineno, f"':advance' wants N followed by m, h or d (e.g. 4h), got {arg!r}")
            return Advance(timedelta(**{UNITS[m.group(2)]: int(m.group(1))}))
        raise ScriptError(lineno, f"unknown directive {line!r} (:chat NAME, :now, :advance)")
    if m := REACT.match(line):
        return React(m.group(1), m.group(3), int(m.group(4)), m.group(2) == "react")
    if m := CLICK.match(line):
        return Click(m.group(1), m.group(2).strip("[]"), int(m.group(3)))
    if m := REPLY.match(line):
        if not m.group(3).strip():
            raise ScriptError(lineno, f"@{m.group(1)} replies nothing under m{m.group(2)}")
        return Reply(m.group(1), int(m.group(2)), m.group(3).strip())
    if m := SAY.match(line):
        if not m.group(2).strip():
            raise ScriptError(lineno, f"@{m.group(1)} says nothing")
        return Say(m.group(1), m.group(2).strip())
    raise ScriptError(lineno, f"can't read {line!r}: expected '@USER: TEXT', '@USER react EMOJI mN', "
                              "'@USER click LABEL mN', "
                              "'@USER reply mN: TEXT' or a ':' directive")
