"""A plain reply under an item's message, by the item's owner, is a follow-up record.

"Under an item's message" is the platform's own link: a Slack thread, a Feishu reply (its
root message), a console `reply mN`; the outbox knows which items each bot message concerns.
DingTalk has no threads: a quote of a message that names one item (`#N`) counts instead.

Only the owner's replies are recorded: the thread is also where the initiator and others
ask and discuss, and their decisions have their own commands (/confirm, /reject, /extend).
Chatter ("谢谢", "ok👍") and replies on closed items record nothing and say nothing.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.events import Button, Card, EventKind, IncomingEvent
from bot.items import actions
from bot.items.states import FINAL
from bot.items.strings import t as item_t
from bot.threads.reading import PERCENT, bare_words, read_reply
from bot.threads.strings import t
from storage.models import Chat, Item
from storage.outbox import items_for_platform_message

ITEM_NUMBER = re.compile(r"[#＃](\d{1,9})(?!\d)")
# Words that only restate a percentage ("做完60%了", "60% done"): such a reply needs no note.
PERCENT_FILLER = re.compile(r"已经?|大概|大约|约|目前|现在|进度|做完|完成|做了|了|啦|about|around|now|done|complete|"
                            r"completed|finished|progress|at|we'?re|i'?m|it'?s|\s")


def is_reply(event: IncomingEvent) -> bool:
    """A plain message posted under another message (not the thread's first message itself)."""
    if event.kind != EventKind.MESSAGE:
        return False
    threaded = bool(event.thread_id) and event.thread_id != event.message_id
    return threaded or bool(event.quoted_text)


def worth_a_look(event: IncomingEvent) -> bool:
    """A reply that may be a follow-up record (chatter never is): decided from the text alone."""
    return is_reply(event) and read_reply(event.text).kind != "chatter"


def thread_item_ids(session: Session, event: IncomingEvent) -> list[int]:
    """The items the message replied to concerns (its thread's first message, or the quote's #N)."""
    if event.thread_id and event.thread_id != event.message_id:
        ids = items_for_platform_message(session=session, platform=event.platform,
                                         platform_message_id=event.thread_id)
        if ids:
            return ids
    numbers = set(ITEM_NUMBER.findall(event.quoted_text or ""))
    if len(numbers) != 1:
        return []
    found = session.scalar(select(Item.id).join(Chat, Item.chat_id == Chat.id).where(
        Chat.platform == event.platform, Chat.chat_id == event.chat_id, Item.number == int(numbers.pop())))
    return [found] if found is not None else []


def in_item_thread(session: Session, event: IncomingEvent) -> bool:
    return worth_a_look(event) and bool(thread_item_ids(session, event))


def _the_item(ctx: Ctx) -> Item | None:
    """The one item the reply is about: the thread's item, or, under a message about several
    (minutes, a digest), the replier's own unfinished one when there is exactly one."""
    ids = thread_item_ids(ctx.session, ctx.event)
    items = [i for i in (ctx.session.get(Item, item_id) for item_id in ids) if i is not None]
    if len(items) > 1:
        items = [i for i in items if i.owner_id == ctx.actor.id and i.status not in FINAL]
    if len(items) != 1 or items[0].chat_id != ctx.chat.id:
        return None
    return ctx.session.get(Item, items[0].id, with_for_update=True)


def _note_for_percent(text: str) -> str | None:
    """The reply as a note beside its percentage, unless it says nothing more than the number."""
    rest = PERCENT_FILLER.sub("", bare_words(PERCENT.sub("", text)))
    return text if rest else None


def follow_up(ctx: Ctx) -> bool:
    """Record the reply on its item; False when it is no reply under an item's message."""
    if not is_reply(ctx.event):
        return False
    reading = read_reply(ctx.event.text)
    item = _the_item(ctx)
    if item is None:
        return False
    if reading.kind == "chatter" or ctx.actor.id != item.owner_id or item.status in FINAL:
        return True  # heard, and nothing to record
    text = ctx.event.text.strip()
    if reading.kind == "done":
        if item.status != "done":  # reported done already: the initiator's turn
            _ask_done(ctx, item)
    elif reading.kind == "progress" and reading.percent is not None and item.status != "done":
        actions.progress(ctx, item, reading.percent, _note_for_percent(text))
    else:
        started = actions.note(ctx, item, text)
        ctx.reply(t(ctx.lang, "noted_started" if started else "noted", id=item.number), item_ids=(item.id,))
    return True


def _ask_done(ctx: Ctx, item: Item) -> None:
    """One question with one button; the click is the /done button: only the owner's counts."""
    button = Button(item_t(ctx.lang, "b.done"), f"done:{item.id}", "primary", item.number)
    # The initiator's name, not a mention: they are called when the work is reported done, not asked.
    who = item.initiator.name if item.initiator else "—"
    card = Card(title=t(ctx.lang, "ask_done", id=item.number, initiator=who), buttons=(button,))
    ctx.reply(card=card, item_ids=(item.id,))
