"""Shared helpers of the issue-log tests: a team, a clock, what the bot said and stored."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from storage.models import Issue, Reminder
from tests.conftest import ChatDriver

TEAM = """
@pm: /dept Tech head @wang liaison @li members @bob
@pm: /dept Mkt head @zhao liaison @qian
@pm: /settings managers @boss
"""


def driver(app, when: str) -> ChatDriver:
    return ChatDriver(app, datetime.strptime(when, "%Y-%m-%d %H:%M"))


def messages(out: str) -> list[tuple[str, str, str]]:
    """(where, when, body) of every new message."""
    return [(m.group(1), m.group(2), m.group(3).strip()) for m in
            re.finditer(r"^\[m\d+ → (\S+) · ([\d-]+ [\d:]+)\]\n(.*?)(?=^\[m|^> |\Z)", out, re.M | re.S)]


def with_text(out: str, needle: str) -> list[tuple[str, str]]:
    return [(where, when) for where, when, body in messages(out) if needle in body]


def issues(app) -> list[Issue]:
    with app.sessions() as s:
        found = list(s.scalars(select(Issue).order_by(Issue.id)))
        s.expunge_all()
        return found


def reminder_keys(app) -> list[str]:
    with app.sessions() as s:
        return sorted(s.scalars(select(Reminder.key)))
