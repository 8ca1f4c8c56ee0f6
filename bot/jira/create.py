"""/jira create: the request to Jira, carried by the outbox, and what the bot does with the answer.

The core never calls Jira. It enqueues one outbox row for the "jira" platform whose
`extra["action"]` is CREATE_ISSUE, keyed by the command's event, so however often delivery
retries it is one request; the Jira sender creates the issue (labelled with `extra["label"]`, so
a retry after a crash finds the issue instead of making a second) and returns its key as the
row's platform id. Delivery then calls `issue_created` in the transaction that records the send:
the link gets its key and the chat is told, both once.

A refusal from Jira (no such project, no permission) is an answer, not a delivery failure: the
sender returns REFUSED + the reason, and the chat is told why nothing was created.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.context import Ctx, card_key
from bot.deadlines import format_deadline
from bot.directory import chat_label
from bot.events import OutgoingMessage
from bot.items.actions import record
from bot.jira.keys import browse_url
from bot.jira.strings import t
from storage.models import Item, JiraLink
from storage.outbox import enqueue

PLATFORM = "jira"  # the outbox queue the Jira sender drains
CREATE_ISSUE = "jira_create"
REFUSED = "refused:"  # a platform id starting so: Jira said no, and why


def description(ctx: Ctx, item: Item) -> str:
    """The new issue's description: who, by when, to what standard, and where it came from."""
    lang = ctx.lang
    lines = [t(lang, "d.owner", name=item.owner.name if item.owner else "—"),
             t(lang, "d.initiator", name=item.initiator.name)]
    if item.deadline is not None:
        lines.append(t(lang, "d.deadline", when=format_deadline(item.deadline, lang=lang, calendar=ctx.calendar)))
    if item.standard:
        lines.append(t(lang, "d.standard", text=item.standard))
    lines.append(t(lang, "d.back", id=item.number, chat=chat_label(item.chat)))
    return "\n".join(lines)


def request(ctx: Ctx, item: Item, link: JiraLink) -> OutgoingMessage:
    """The outbox row asking Jira for the issue; its key makes it once per /jira create."""
    key = f"jira:create:{ctx.event.platform}:{ctx.event.event_id}"
    return OutgoingMessage(
        key=key, platform=PLATFORM, text=item.title, created_at=ctx.now,
        extra={"action": CREATE_ISSUE, "item": str(item.id), "link": str(link.id), "project": link.project or "",
               "summary": item.title, "description": description(ctx, item),
               "label": "genjin-" + hashlib.sha256(key.encode()).hexdigest()[:16],
               "chat_platform": item.chat.platform, "chat_id": item.chat.chat_id, "number": str(item.number),
               "lang": ctx.lang, "jira_url": ctx.policy.jira_url})


def issue_created(session: Session, msg: OutgoingMessage, answer: str, now: datetime) -> None:
    """Jira answered the request `msg`: record the key on the link and tell the chat.

    Called by the delivery code in the transaction that marks the request sent, so once.
    """
    info = msg.extra
    item = session.get(Item, int(info["item"]))
    if item is None:
        return
    lang, number, project = info.get("lang", "zh"), item.number, info["project"]
    link = session.get(JiraLink, int(info["link"]))
    pending = link is not None and link.item_id == item.id and link.key is None
    if answer.startswith(REFUSED) or not answer:
        reason = answer.removeprefix(REFUSED) or "?"
        if pending and link is not None:
            session.delete(link)
        record(session=session, item=item, actor=None, action="jira_refused", now=now, from_status=item.status,
               note=f"{project}: {reason}", data={"project": project}, bump=False)
        text = t(lang, "create_refused", id=number, project=project, reason=reason)
    else:
        shown = browse_url(info.get("jira_url", ""), answer)
        if pending and link is not None:
            link.key, link.project = answer, None
        record(session=session, item=item, actor=None, action="jira_created", now=now, from_status=item.status,
               note=answer, data={"key": answer, "linked": pending}, bump=False)
        text = t(lang, "created" if pending else "created_unlinked", id=number, link=shown)
    enqueue(session=session, now=now, msg=OutgoingMessage(
        key=f"{msg.key}:answer", platform=info["chat_platform"], chat_id=info["chat_id"], text=text,
        item_ids=(item.id,), reply_to_key=card_key(item.id), created_at=now))
