"""A status change made in Jira, applied to the items linked to the issue.

Adapters turn Jira's webhook into a `StatusChange`; the shell applies it in the transaction that
marks the stored webhook done, so it happens once. The change goes into each linked item's
history. A status in Jira's "done" category reports the item done, as /done would, and the
initiator is asked to confirm (nothing is closed from Jira).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.events import EventKind, IncomingEvent, admit_text
from bot.items import actions, states
from bot.items.strings import for_policy
from bot.items.strings import t as item_t
from bot.jira.links import linked_items
from bot.jira.strings import t
from bot.policy import Policy, for_chat
from storage.models import Item
from storage.outbox import enqueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusChange:
    event_id: str  # the stored webhook's id: replies are keyed by it
    key: str  # "SHOP-42"
    old: str  # the status it left ("" when Jira did not say)
    new: str  # the status it entered
    done: bool  # the new status is in Jira's "done" category
    who: str | None = None  # the Jira user who changed it (a display name: text, never a mention)


def apply_change(*, session: Session, change: StatusChange, now: datetime,
                 policy_for: Callable[[str], Policy]) -> int:
    """Apply `change` to every item linked to its issue; how many there were (0: ignored, logged)."""
    # Jira's words are data: a status or a name that reads like a mention must stay text.
    change = replace(change, old=admit_text(change.old, ()), new=admit_text(change.new, ()),
                     who=admit_text(change.who, ()) if change.who else None)
    links = linked_items(session, change.key)
    if not links:
        log.info("Jira event %s: no item is linked to %s; ignored", change.event_id, change.key)
        return 0
    for link in links:
        item = session.get(Item, link.item_id, with_for_update=True)
        if item is None:
            continue
        link.status = change.new
        ctx = _bot_ctx(session, item, change, now, policy_for(item.chat.platform))
        _apply(ctx, item, change)
        for msg in ctx.out:
            enqueue(session=session, msg=msg, now=now)
    return len(links)


def _bot_ctx(session: Session, item: Item, change: StatusChange, now: datetime, policy: Policy) -> Ctx:
    """A context for speaking in the item's chat as the bot, answering the webhook."""
    chat = item.chat
    event = IncomingEvent(platform=chat.platform, event_id=f"jira:{change.event_id}:{item.id}", chat_id=chat.chat_id,
                          user_id="jira", kind=EventKind.MESSAGE, received_at=now)
    return Ctx(session=session, event=event, now=now, chat=chat, actor=item.initiator,
               policy=for_chat(policy, chat.settings or {}))


def _apply(ctx: Ctx, item: Item, change: StatusChange) -> None:
    by = t(ctx.lang, "status.by", who=change.who) if change.who else ""
    note = t(ctx.lang, "status", key=change.key, old=change.old or "—", new=change.new, by=by)
    data = {"key": change.key, "from": change.old, "to": change.new, "who": change.who, "via": "jira"}
    finishing = (change.done and item.status not in states.FINAL
                 and states.next_status("done", item.status) is not None)
    if not finishing:  # the history has it; the card shows the new status, edited in place
        actions.record(session=ctx.session, item=item, actor=None, action="jira", now=ctx.now,
                       from_status=item.status, note=note, data=data)
        actions.refresh_card(ctx, item)
        return
    before = item.status
    item.status = states.next_status("done", before) or before
    actions.record(session=ctx.session, item=item, actor=None, action="done", now=ctx.now, from_status=before,
                   note=note, data={**data, "progress_before": item.progress})
    item.progress, item.done_at = 100, ctx.now
    item.blocker_reason, item.blocker_eta, item.risk = None, None, "normal"
    if item.acknowledged_at is None:
        item.acknowledged_at = ctx.now
    actions.say(ctx, item, t(ctx.lang, "done", id=item.number, key=change.key, status=change.new, by=by)
                + "\n" + item_t(ctx.lang, for_policy("card.await_confirm", ctx.policy),
                                initiator=actions._checkers(item), id=item.number))
