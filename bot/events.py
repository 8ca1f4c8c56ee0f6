"""The two shapes that cross the core's border: what comes in, what goes out.

Adapters turn a platform payload into one `IncomingEvent` and render an
`OutgoingMessage` into the platform's own format (Block Kit, Feishu card, text).

Mentions travel inside text as `<@USER_ID|Name>` tokens (Slack's syntax plus a
display name), so every renderer can make a real mention and the console can
print `@Name`. Only people the platform says were mentioned may become tokens:
`admit` defuses everything else that reads as one when an event enters the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    MESSAGE = "message"  # plain text said in the chat (may contain a command)
    COMMAND = "command"  # a platform slash command; text is the command line
    REACTION_ADDED = "reaction_added"
    REACTION_REMOVED = "reaction_removed"
    BUTTON = "button"  # a button on a bot message was pressed
    TABLE_EDIT = "table_edit"  # rows of a bound Bitable table were changed (bot/bitable)


@dataclass(frozen=True)
class Mention:
    user_id: str
    name: str


@dataclass(frozen=True)
class TableRow:
    """One changed row of a bound table, as it reads now: field name -> neutral value (text,
    a person's user id, a date in epoch milliseconds, an option's label, a number)."""

    record_id: str
    action: str  # "record_edited" | "record_added" | "record_deleted"
    values: tuple[tuple[str, object], ...] = ()
    names: tuple[Mention, ...] = ()  # the people in person fields, with the names the table shows
    changed: tuple[str, ...] = ()  # the fields this edit changed, when the platform says; () if unknown


@dataclass(frozen=True)
class TableEdit:
    app_token: str
    table_id: str
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class IncomingEvent:
    platform: str  # "console" | "slack" | "feishu" | "dingtalk"
    event_id: str  # the platform's id; the dedupe key
    chat_id: str
    user_id: str
    kind: EventKind
    received_at: datetime  # aware
    user_name: str | None = None
    text: str = ""
    # Users mentioned in `text` (the bot itself excluded). In `text` each one is
    # written as a `<@user_id>` or `<@user_id|name>` token.
    mentions: tuple[Mention, ...] = ()
    addressed_to_bot: bool = False  # @bot mention, direct chat or slash command
    is_direct: bool = False  # a one-to-one chat with the bot
    message_id: str | None = None  # the platform id of the user's own message
    target_message_id: str | None = None  # bot message reacted to / clicked
    reaction: str | None = None  # neutral emoji, e.g. "✅", "❌", "👀"
    button_value: str | None = None  # as set in `Button.value`
    thread_id: str | None = None  # the thread this message was posted in, if any
    # The text of the message this one quotes, where a quote has no thread (DingTalk): a quote
    # of a message naming one item `#N` is a reply in that item's thread.
    quoted_text: str | None = None
    # The workspace the chat belongs to (Slack team id, Feishu tenant key); None when the
    # deployment serves one workspace. Departments are kept apart per workspace.
    tenant: str | None = None
    table_edit: TableEdit | None = None  # kind TABLE_EDIT: what changed in the table


@dataclass(frozen=True)
class Button:
    label: str
    value: str  # "<action>:<item id>", e.g. "confirm:12"
    style: str = "default"  # "primary" | "danger" | "default"
    number: int | None = None  # the item's #N in its chat, for the typed command that does the same


@dataclass(frozen=True)
class Card:
    """A small platform-neutral card: a title, key/value fields, free lines, buttons."""

    title: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    lines: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message (an export, a chart).

    The core only names what to produce: `source` is a producer registered on the delivery side
    (reminders/attachments.py) and `params` its arguments. Delivery produces the bytes once, keeps
    them with the outbox row (so a retry sends the same file), and hands them to the sender in
    `data`; the payload stored in the outbox never holds the bytes.
    """

    name: str  # the file name people see, e.g. "618大促-行动项-20261116.xlsx"
    source: str  # the producer, e.g. "export", "weekly_chart"
    kind: str = "file"  # "file" | "image" (shown inline where the platform can)
    params: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None  # filled in by delivery just before the send


@dataclass(frozen=True)
class OutgoingMessage:
    key: str  # unique forever: the outbox refuses a second message with it
    platform: str
    chat_id: str | None = None  # to a group ...
    user_id: str | None = None  # ... or a direct message to this user
    text: str = ""  # used when card is None; may hold `<@id|name>` tokens
    card: Card | None = None
    item_ids: tuple[int, ...] = ()  # the items it concerns (reactions apply to them)
    reply_to_key: str | None = None  # thread under this earlier message, where supported
    thread_id: str | None = None  # else: thread under this platform message (the asker's thread)
    edit_of_key: str | None = None  # replace that earlier message in place, where supported
    created_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()  # sent with the message (uploaded) where supported


MENTION_TOKEN = re.compile(r"<@([^>|\s]+)(?:\|([^>]*))?>")
# What `admit` keeps: no `<` inside, so one kept token can never hide or start another.
_REAL_TOKEN = re.compile(r"<@([^<>|\s]+)(?:\|([^<>]*))?>")
INERT_AT = "‹@"  # what a typed "<@" becomes: reads the same, is never a token


def clean_name(name: str | None) -> str | None:
    """A display name safe inside a token: `<`, `>` or `|` would end it or forge another."""
    cleaned = re.sub(r"[<>|]", "", name or "").strip()
    return cleaned or None


def mention(user_id: str, name: str | None) -> str:
    """The token the core writes for a mention; renderers turn it into the real thing."""
    name = clean_name(name)
    return f"<@{user_id}|{name}>" if name else f"<@{user_id}>"


def admit_text(text: str, mentions: tuple[Mention, ...]) -> str:
    """`text` with a token only where a person in `mentions` was really mentioned.

    A token the user typed by hand (`<@U9|所有人>`, `<@all>`) becomes inert text, so no
    title, standard or note stored from it can ever turn into a mention when rendered.
    Kept tokens are rewritten from the platform's own name for that person.
    """
    real = {m.user_id: m for m in mentions}
    out, pos = [], 0
    for m in _REAL_TOKEN.finditer(text):
        person = real.get(m.group(1))
        if person is None:
            continue
        out.append(text[pos:m.start()].replace("<@", INERT_AT))
        out.append(mention(person.user_id, person.name if person.name != person.user_id else None))
        pos = m.end()
    out.append(text[pos:].replace("<@", INERT_AT))
    return "".join(out)


def admit(event: IncomingEvent) -> IncomingEvent:
    """The event as the core may trust it: names cleaned, typed mention tokens defused."""
    mentions = tuple(Mention(m.user_id, clean_name(m.name) or m.user_id) for m in event.mentions)
    return replace(event, text=admit_text(event.text, mentions), mentions=mentions,
                   user_name=clean_name(event.user_name))


def render_mentions(text: str, fmt) -> str:
    """Replace every mention token with fmt(user_id, name_or_None)."""
    return MENTION_TOKEN.sub(lambda m: fmt(m.group(1), m.group(2)), text)
