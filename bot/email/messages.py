"""The email copy of a formal record (minutes, a weekly report): one message to all the chat's
addresses, through the outbox like every message.

Its key is the record's own key plus ":email", so it goes once whatever retries, restarts or
replicas do. The platform is "email"; `user_id` holds the recipients (comma-separated), so the
copies of one chat's records wait in one queue, in order. The files are named, not made: the
export (xlsx) is attached, and a weekly report shows its chart inline.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.context import calendar_for
from bot.directory import chat_label
from bot.email import addresses
from bot.email.strings import t
from bot.events import Attachment, Card, OutgoingMessage, render_mentions
from bot.policy import Policy
from storage.models import Chat, Project

PLATFORM = "email"
MINUTES, WEEKLY = "minutes", "weekly"
# Characters no file system (or mail client) takes in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def key_of(record_key: str) -> str:
    return f"{record_key}:email"


def file_stem(name: str) -> str:
    """`name` usable in a file name (项目名称 part of 项目名称-文档类型-YYYYMMDD)."""
    return _UNSAFE.sub("_", name).strip(" ._") or "genjin"


def _plain(text: str) -> str:
    return render_mentions(text, lambda user_id, name: "@" + (name or user_id))


def copy_of(*, chat: Chat, policy: Policy, record_key: str, card: Card, kind: str, now: datetime,
            project: Project | None = None) -> list[OutgoingMessage]:
    """The email copy of `card` (a `kind` record of `chat`, or of its `project`); none when email
    is not configured or the chat has no addresses."""
    to = addresses.addresses(chat.settings or {})
    if not policy.email or not to:
        return []
    lang = policy.lang
    day = now.astimezone(calendar_for(policy.calendar).tz).strftime("%Y%m%d")
    stem = file_stem(project.name if project is not None else chat.name or chat.chat_id)
    params = {"chat": str(chat.id), "project": str(project.id) if project is not None else "", "lang": lang}
    files = [Attachment(name=f"{stem}-{t(lang, f'doc.{kind}')}-{day}.xlsx", source="export",
                        params={**params, "since": "", "format": "xlsx"})]
    if kind == WEEKLY:
        files.insert(0, Attachment(name=f"{stem}-{t(lang, 'doc.chart')}-{day}.png", source="weekly_chart",
                                   kind="image", params=params))
    subject = t(lang, "subject", where=_plain(chat_label(chat)), title=_plain(card.title))
    return [OutgoingMessage(key=key_of(record_key), platform=PLATFORM, user_id=", ".join(to), card=card,
                            created_at=now, attachments=tuple(files),
                            extra={"subject": subject, "lang": lang, "kind": kind})]
