"""Keeping a bound table in step with the items: what to write after a change, and what the
platform's answers mean.

The core never calls Bitable. After each event it compares the items the event touched with what
it last queued for their rows, and queues what differs as outbox rows whose `extra["action"]` is
WRITE (or SETUP, once per binding: create the missing fields). Every row of one table waits in one
outbox queue of its own (`target`), so writes reach the table in order, are retried through an
outage and sent once, and a Bitable outage never holds the chat's messages up. Whether a row is
created or updated is decided when it is sent (a create queued before it has its record id by
then); the ids of created rows come back as the platform id, and `written` stores them.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.bitable import table
from bot.bitable.strings import t
from bot.events import OutgoingMessage
from storage.models import BitableLink, BitableRecord, Item, OutboxMessage, ProjectItem
from storage.outbox import enqueue

PLATFORM = "feishu"
SETUP, WRITE = "bitable_setup", "bitable_write"
CREATES_PER_ROW = 12  # their "item:record" ids must fit the outbox's 200-character platform id
UPDATES_PER_ROW = 100  # one batch_update call (Feishu takes up to 1,000)
SNAPSHOTS = 5  # rows written lately: an edit event that shows one of them is the echo of our write


TOUCHED = "bitable_items"  # session.info: the items changed in this transaction, by id


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Item):
            touch(session, obj)


def touch(session: Session, item: Item) -> None:
    """Have `follow` look at `item` (the flush listener does this for every changed item)."""
    session.info.setdefault(TOUCHED, {})[id(item)] = item


def watch(sessions: sessionmaker[Session]) -> None:
    """Note every item a transaction changes, for `follow` (the App calls this when the sync is on)."""
    event.listen(sessions, "before_flush", _before_flush)


def target(link: BitableLink) -> str:
    """The outbox queue of one table (not a chat: nothing is posted there)."""
    return f"bitable:{link.app_token}:{link.table_id}"


def _request(link: BitableLink, action: str, key: str, now: datetime, **extra: str) -> OutgoingMessage:
    return OutgoingMessage(key=key, platform=PLATFORM, chat_id=target(link), text=action, created_at=now,
                           extra={"action": action, "link": str(link.id), "app_token": link.app_token,
                                  "table_id": link.table_id, **extra})


def set_up(session: Session, link: BitableLink, lang: str, now: datetime) -> None:
    """Queue the request that creates the table's missing fields and subscribes to its edits."""
    enqueue(session=session, now=now, msg=_request(
        link, SETUP, setup_key(link), now, lang=lang, chat=link.chat.chat_id,
        fields=json.dumps(table.FIELDS, ensure_ascii=False),
        options=json.dumps(table.options(lang), ensure_ascii=False),
        ready=t(lang, "ready", table=link.table_id)))


def links_for(session: Session, chat_ids: set[int]) -> list[BitableLink]:
    if not chat_ids:
        return []
    return list(session.scalars(select(BitableLink).where(BitableLink.chat_id.in_(chat_ids))
                                .order_by(BitableLink.id)))


def items_of(session: Session, link: BitableLink) -> list[Item]:
    """Every item the link's table holds: the chat's, or its project's."""
    query = select(Item).where(Item.chat_id == link.chat_id).options(selectinload(Item.owner), selectinload(Item.chat))
    if link.project_id is not None:
        query = query.join(ProjectItem, ProjectItem.item_id == Item.id).where(
            ProjectItem.project_id == link.project_id)
    return list(session.scalars(query.order_by(Item.number)))


def follow(session: Session, *, now: datetime, lang: str, items: list[Item] | None = None) -> int:
    """Queue the writes the items touched in this session need (or `items`); how many rows changed."""
    session.flush()
    touched = items if items is not None else list((session.info.pop(TOUCHED, None) or {}).values())
    links = links_for(session, {i.chat_id for i in touched})
    if not links:
        return 0
    in_project = dict(session.execute(select(ProjectItem.item_id, ProjectItem.project_id).where(
        ProjectItem.item_id.in_([i.id for i in touched]))).all()) if any(lk.project_id for lk in links) else {}
    records = {(r.link_id, r.item_id): r for r in session.scalars(select(BitableRecord).where(
        BitableRecord.link_id.in_([lk.id for lk in links]), BitableRecord.item_id.in_([i.id for i in touched])))}
    changed = 0
    for link in links:
        mine = [i for i in touched if i.chat_id == link.chat_id
                and (link.project_id is None or in_project.get(i.id) == link.project_id)]
        fresh: list[dict] = []
        known: list[dict] = []
        for item in sorted(mine, key=lambda i: i.number):
            values = table.row(item, lang)
            record = records.get((link.id, item.id))
            if record is not None and (record.written or {}).get("now") == values:
                continue
            if record is None:  # its row is created by this write; later ones update it
                record = BitableRecord(link_id=link.id, item_id=item.id, record_id=None, written={})
                session.add(record)
                fresh.append({"item": item.id, "values": values})
            else:  # created, or being created by a write queued before this one
                known.append({"item": item.id, "values": values})
            recent = [values, *((record.written or {}).get("recent") or [])][:SNAPSHOTS]
            record.written, record.written_version = {"now": values, "recent": recent}, item.version
        _queue(session, link, fresh, CREATES_PER_ROW, now)
        _queue(session, link, known, UPDATES_PER_ROW, now)
        changed += len(fresh) + len(known)
    return changed


def _queue(session: Session, link: BitableLink, rows: list[dict], size: int, now: datetime) -> None:
    for start in range(0, len(rows), size):
        link.writes = (link.writes or 0) + 1
        enqueue(session=session, now=now, msg=_request(
            link, WRITE, f"bitable:{link.id}:w{link.writes}", now,
            rows=json.dumps(rows[start:start + size], ensure_ascii=False)))


def unlink(session: Session, link: BitableLink) -> None:
    """Forget the binding (its rows' mapping with it) and drop the writes not yet on their way."""
    session.execute(update(OutboxMessage).where(
        OutboxMessage.platform == PLATFORM, OutboxMessage.target == target(link), OutboxMessage.status == "pending",
        OutboxMessage.claimed_by.is_(None)).values(status="superseded", last_error="unlinked")
        .execution_options(synchronize_session=False))
    session.delete(link)


def setup_key(link: BitableLink) -> str:
    return f"bitable:{link.id}:setup"


def setup_done(session: Session, msg: OutgoingMessage, platform_id: str, now: datetime) -> None:
    """The fields exist: remember it and say so in the chat (called once, as the row is marked sent)."""
    link = session.get(BitableLink, int(msg.extra["link"]))
    if link is None or link.ready_at is not None:
        return
    link.ready_at = now
    enqueue(session=session, now=now, msg=OutgoingMessage(
        key=f"bitable:{link.id}:ready", platform=PLATFORM, chat_id=msg.extra["chat"], text=msg.extra["ready"],
        created_at=now))


def written(session: Session, msg: OutgoingMessage, platform_id: str, now: datetime) -> None:
    """Rows were written; `platform_id` names the records created: "item:record,…"."""
    pairs = [p.split(":", 1) for p in platform_id.split(",") if ":" in p]
    ids = {int(item): record for item, record in pairs if item.isdigit() and record}
    if not ids:
        return
    for record in session.scalars(select(BitableRecord).where(
            BitableRecord.link_id == int(msg.extra["link"]), BitableRecord.item_id.in_(list(ids)))):
        record.record_id = record.record_id or ids[record.item_id]


def record_ids(session: Session, link_id: int, item_ids: list[int]) -> dict[int, str]:
    """The record ids known for these items of a link (what the sender updates rather than creates)."""
    found = session.execute(select(BitableRecord.item_id, BitableRecord.record_id).where(
        BitableRecord.link_id == link_id, BitableRecord.item_id.in_(item_ids),
        BitableRecord.record_id.is_not(None))).all()
    return {item_id: record_id for item_id, record_id in found if record_id}
