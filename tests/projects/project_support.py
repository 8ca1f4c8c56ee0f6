"""Helpers for the projects tests: a console chat at a given time, and what the bot said."""

from __future__ import annotations

import re
from datetime import datetime

from tests.conftest import ChatDriver

TEAM = """
@pm: /dept Tech head @wang liaison @li members @lee
@pm: /dept Marketing head @mia members @pm
@pm: /settings managers @boss
"""


def driver(app, when: str) -> ChatDriver:
    """A console chat whose clock starts at `when` (Asia/Shanghai); 2026-11-23 is a Monday."""
    return ChatDriver(app, datetime.strptime(when, "%Y-%m-%d %H:%M"))


def messages(out: str) -> list[tuple[str, str, str]]:
    """(where, when, body) of every new message (card updates left out)."""
    return [(m.group(1), m.group(2), m.group(3).strip())
            for m in re.finditer(r"^\[m\d+ → (\S+) · ([\d-]+ [\d:]+)\]\n(.*?)(?=^\[m|\Z)", out, re.M | re.S)]


def last(out: str) -> str:
    """The body of the last new message."""
    return messages(out)[-1][2]


def bodies(out: str) -> list[str]:
    return [body for _, _, body in messages(out)]
