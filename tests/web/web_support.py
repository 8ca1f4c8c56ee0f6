"""A scripted chat for the web view's tests, the links /dashboard sends, and a clock to move."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from genjin.serve import build_asgi
from storage.models import Chat, Item
from tests.conftest import ChatDriver

BASE_URL = "https://genjin.test"
SECRET = "test-secret-0123456789"
LINK = re.compile(re.escape(BASE_URL) + r"(/dashboard/[A-Za-z0-9._-]+)")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & <@U9|所有人>'

# Chat "ops": Tech is a department; #1 in project 618 (in progress, 60%), #2 a request to Tech due
# Tuesday (overdue by Wednesday), #3 a hostile title, #4 confirmed. Chat "hr": one item, in its
# project payroll.
SCRIPT = f"""
:chat ops
:now 2026-05-11 10:00
@pm: /dept Tech head @wang liaison @lee
@pm: /todo @lee campaign page by 2026-05-15 standard: passes QA on staging
@pm: /ask @Tech secure the stock by 2026-05-12
@pm: /todo @zhang {HOSTILE} by 2026-05-14
@pm: /todo @lee old task by 2026-05-14
@lee: /ack #1
@lee: /progress #1 60% integrating the API
@lee: /done #4
@pm: /confirm #4
@pm: /project new 618 due 2026-06-18
@pm: /link #1 618
:chat hr
@boss: /todo @amy salary review by 2026-05-20
@boss: /project new payroll due 2026-06-30
@boss: /link #1 payroll
"""
NOW = datetime(2026, 5, 13, 10, 0, tzinfo=UTC)  # Wednesday: #2 (due Tuesday 18:00) is overdue


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def scripted(app) -> ChatDriver:
    chat = ChatDriver(app, datetime(2026, 5, 11, 10, 0))
    chat.run(SCRIPT)
    with app.sessions.begin() as session:  # the platform's name for the chat (the console has none)
        session.scalar(select(Chat).where(Chat.chat_id == "ops")).name = "618 战情室"
    return chat


def ask_link(chat: ChatDriver, line: str) -> tuple[str, str]:
    """Play `line` (a /dashboard command); the path of the link it sent, and all it printed."""
    out = chat.run(line)
    found = LINK.findall(out)
    assert len(found) == 1, out
    return found[0], out


def item_id(app, chat_id: str, number: int) -> int:
    with app.sessions() as session:
        return session.scalar(select(Item.id).join(Chat, Chat.id == Item.chat_id)
                              .where(Chat.chat_id == chat_id, Item.number == number))


def client(app, clock: Clock):
    from starlette.testclient import TestClient

    return TestClient(build_asgi([], app, clock))


def listed(html: str) -> list[int]:
    """The item numbers a list page shows, in order."""
    return [int(n) for n in re.findall(r'class="item-title"><a href="[^"]*">#(\d+) ', html)]


def user_id_of(app, user: str) -> int:
    from storage.models import User

    with app.sessions() as session:
        return session.scalar(select(User.id).where(User.user_id == user))
