"""Helpers of the Jira tests: a team on a chat platform, the Jira settings, what was said."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from jira_fake import TOKEN, USER

from bot.events import EventKind, IncomingEvent, Mention, OutgoingMessage
from genjin.app import App
from genjin.config import load_settings

NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PEOPLE = {"pm": "Pat", "bob": "Bob"}
SECRET = "s3cret-webhook"


def jira_settings(url: str, **extra: str):
    env = {"GENJIN_JIRA_URL": url, "GENJIN_JIRA_USER": USER, "GENJIN_JIRA_API_TOKEN": TOKEN,
           "GENJIN_JIRA_WEBHOOK_SECRET": SECRET, **extra}
    return load_settings(None, environ=env)


class Chat:
    """A chat platform that keeps every post (a card as its title and lines), and a team on it."""

    def __init__(self, app: App, platform: str = "feishu") -> None:
        self.app, self.platform, self.n = app, platform, count(1)
        self.posts: list[str] = []

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        if msg.card is not None:
            text = "\n".join([msg.card.title, *(f"{k}: {v}" for k, v in msg.card.fields), *msg.card.lines])
        else:
            text = msg.text
        self.posts.append(("(edit) " if edit_of else "") + text)
        return f"m{outbox_id}"

    def say(self, who: str, text: str, *, now: datetime = NOW) -> list[str]:
        """`who` types `text`; what the bot posts in answer."""
        mentions = tuple(Mention(uid, name) for uid, name in PEOPLE.items() if f"@{uid}" in text.split())
        for m in mentions:
            text = " ".join(f"<@{m.user_id}|{m.name}>" if w == f"@{m.user_id}" else w for w in text.split())
        self.app.process(IncomingEvent(platform=self.platform, event_id=f"e{next(self.n)}", chat_id="group",
                                       user_id=who, user_name=PEOPLE[who], kind=EventKind.MESSAGE, text=text,
                                       mentions=mentions, addressed_to_bot=True, received_at=now), now=now)
        return self.deliver(now)

    def deliver(self, now: datetime = NOW) -> list[str]:
        start = len(self.posts)
        while self.app.deliver(platform=self.platform, sender=self, now=now):
            pass
        return [p for p in self.posts[start:] if not p.startswith("(edit) ")]

    def card(self) -> str:
        """The item card as it reads now (its latest edit)."""
        return next(p for p in reversed(self.posts) if p.startswith(("(edit) #", "#")))
