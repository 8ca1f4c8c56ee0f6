"""Fast seeding: SQLAlchemy Core inserts of many rows at once, past the ORM and its session hooks.

The due index is filled in as the sweep would have left it (each row's moment set explicitly),
so what is timed afterwards is the steady state, not a first review of every row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, text

from bench.core import NOW
from storage.models import Chat, Item, ItemEvent, User

CHUNK = 20_000
LOCAL = timedelta(hours=8)  # Asia/Shanghai, the default calendar's zone (no DST)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Shanghai wall time on 2026-11-`day`, as aware UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NOW.tzinfo) - LOCAL


TOMORROW_DIGEST = local(26, 9, 30)  # Thursday's daily digest: each chat's next digest moment at NOW


def _insert(engine: Engine, table, rows) -> None:
    """Insert `rows` in batches; keys the table does not have (yet, or any more) are left out."""
    batch: list[dict] = []
    columns = set(table.c.keys())
    with engine.begin() as conn:
        for row in rows:
            batch.append({k: v for k, v in row.items() if k in columns})
            if len(batch) >= CHUNK:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)


def _numbered(rows):
    """Items numbered per chat (#1, #2, ...) where the schema numbers them."""
    if "number" not in Item.__table__.c:
        yield from rows
        return
    last: dict[int, int] = {}
    for row in rows:
        last[row["chat_id"]] = row["number"] = last.get(row["chat_id"], 0) + 1
        yield row


def _items(engine: Engine, rows) -> None:
    _insert(engine, Item.__table__, _numbered(rows))
    if "last_item_number" in Chat.__table__.c:
        with engine.begin() as conn:
            conn.execute(text("UPDATE chats SET last_item_number = "
                              "(SELECT coalesce(max(number), 0) FROM items WHERE items.chat_id = chats.id)"))


def analyze(engine: Engine) -> None:
    """PostgreSQL plans from statistics; autovacuum would have gathered them on a live server."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def people_and_chats(engine: Engine, *, chats: int, users: int, digest_at: datetime | None) -> None:
    """Chats c0.. and users u0.. on the console platform; chat ids and user ids are 1-based in order."""
    _insert(engine, Chat.__table__, ({"platform": "console", "chat_id": f"c{i}", "name": f"chat {i}", "settings": {},
                                      "created_at": NOW - timedelta(days=60), "next_digest_at": digest_at}
                                     for i in range(chats)))
    _insert(engine, User.__table__, ({"platform": "console", "user_id": f"u{i}", "name": f"u{i}"}
                                     for i in range(users)))


def _spread(i: int) -> int:
    """A well-mixed number for `i` (Knuth's multiplicative hash): chats and people uncorrelated
    with the i % 10 pattern that decides an item's state."""
    return ((i * 2654435761) & 0xFFFFFFFF) >> 4


def _item(i: int, *, chats: int, users: int, **values) -> dict:
    mixed = _spread(i)
    row = {"kind": "action" if i % 3 else "request", "chat_id": 1 + mixed % chats, "title": f"task {i}",
           "initiator_id": 1 + (mixed // chats) % users, "owner_id": 1 + (mixed // chats + 1) % users, "department_id": None,
           "approver_id": None, "standard": None, "urgency": "normal", "progress": 0, "risk": "normal",
           "blocker_reason": None, "blocker_eta": None, "deadline": None, "rework_count": 0,
           "snoozed_until": None, "acknowledged_at": None, "done_at": None, "closed_at": None, "version": 1,
           "next_due_at": None}
    row.update(values)
    return row


def scale(engine: Engine, n: int) -> dict:
    """`n` items, a tenth of them open (in progress, deadlines 5-14 days out), 1% done (awaiting
    confirmation), the rest closed long ago; one history row each, plus a risk mark on a tenth of
    the open ones. Open items' next_due_at is their deadline warning (the day before, a future
    moment: nothing is due at NOW); each chat's next digest is tomorrow's 09:30.

    Chats: max(50, n/1000) (so 100 open items a chat at 100k and 1M); users: 1,000.
    """
    chats, users = max(50, n // 1000), 1000
    people_and_chats(engine, chats=chats, users=users, digest_at=TOMORROW_DIGEST)
    created = NOW - timedelta(days=30)

    def rows():
        for i in range(n):
            if i % 10 == 0:  # open
                deadline = NOW + timedelta(days=5 + (i // 10) % 10)
                yield _item(i, chats=chats, users=users, status="in_progress", acknowledged_at=created,
                            deadline=deadline, risk="high" if i % 100 == 0 else "normal", created_at=created,
                            updated_at=created, next_due_at=deadline - timedelta(days=1))
            elif i % 100 == 1:  # done, awaiting the initiator's confirmation
                yield _item(i, chats=chats, users=users, status="done", acknowledged_at=created,
                            progress=100, created_at=created, updated_at=NOW - timedelta(days=1),
                            done_at=NOW - timedelta(days=1))
            else:  # confirmed long ago
                closed = created - timedelta(days=1 + i % 300)
                yield _item(i, chats=chats, users=users, status="confirmed", acknowledged_at=closed,
                            progress=100, created_at=closed - timedelta(days=3), updated_at=closed,
                            done_at=closed, closed_at=closed)

    _items(engine, rows())
    _insert(engine, ItemEvent.__table__, _history(n, created))
    _insert(engine, ItemEvent.__table__, ({"item_id": 1 + i, "at": created + timedelta(days=1), "actor_id": 1,
                                           "action": "risk", "from_status": None, "to_status": None,
                                           "note": "vendor late", "data": {"risk": "high"}}
                                          for i in range(0, n, 100)))
    analyze(engine)
    return {"chats": chats, "users": users, "open": (n + 9) // 10}


def _history(n: int, at: datetime):
    for i in range(n):
        yield {"item_id": 1 + i, "at": at, "actor_id": 1 + i % 1000, "action": "create", "from_status": None,
               "to_status": "open", "note": None, "data": {}}


def backlog(engine: Engine, n: int, *, chats: int = 100, users: int = 2000) -> None:
    """`n` open requests nobody answered, created Tuesday 15:00 (4 working hours passed by Wednesday
    11:00: the first nudge of each is due), their due moment reached while no sweep ran.

    Owners spread over `users` people (five each at 10k), so the daily cap of five nudges per
    person holds none back.
    """
    people_and_chats(engine, chats=chats, users=users, digest_at=TOMORROW_DIGEST)
    created = local(24, 15)
    _items(engine, (
        _item(i, chats=chats, users=users, kind="request", status="open", created_at=created, updated_at=created,
              next_due_at=created) for i in range(n)))
    _insert(engine, ItemEvent.__table__, _history(n, created))
    analyze(engine)


DIGEST_MOMENT = local(25, 9, 30)  # Wednesday's daily digest


def digests(engine: Engine, chats: int, per_chat: int) -> None:
    """`chats` chats of `per_chat` items each, a digest's worth: due tomorrow, overdue, blocked, awaiting
    confirmation, unanswered, on track; two moved yesterday. Every chat's digest is due at 09:30
    Wednesday; no item is (their next moments are a week away, so only digests are timed).
    """
    users = 1000
    people_and_chats(engine, chats=chats, users=users, digest_at=DIGEST_MOMENT)
    created = NOW - timedelta(days=10)
    later = NOW + timedelta(days=7)
    shapes = [
        dict(status="in_progress", deadline=local(26, 18)),  # due tomorrow
        dict(status="in_progress", deadline=local(20, 18)),  # overdue
        dict(status="blocked", blocker_reason="waiting for legal", deadline=local(30, 18)),
        dict(status="done", progress=100, done_at=local(24, 16)),
        dict(kind="request", status="open", acknowledged_at=None),
        dict(status="in_progress", progress=40, deadline=local(30, 18)),
    ]

    def rows():
        for c in range(chats):
            for k in range(per_chat):
                i = c * per_chat + k
                shape = dict(shapes[k % len(shapes)])
                kind = shape.pop("kind", "action")
                open_ = shape["status"] in ("open", "in_progress", "blocked")
                yield _item(i, chats=chats, users=users, **{
                    "chat_id": 1 + c, "kind": kind, "acknowledged_at": created, "created_at": created,
                    "updated_at": created, "next_due_at": later if open_ else None, **shape})

    _items(engine, rows())
    _insert(engine, ItemEvent.__table__, _history(chats * per_chat, created))
    moved = local(24, 17)
    _insert(engine, ItemEvent.__table__, ({"item_id": 1 + c * per_chat + k, "at": moved, "actor_id": 1,
                                           "action": "progress", "from_status": None, "to_status": None,
                                           "note": "halfway", "data": {}}
                                          for c in range(chats) for k in (0, 5) if k < per_chat))
    analyze(engine)
