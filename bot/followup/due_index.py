"""The due index: each open item and each chat knows when the sweep must next look at it.

The sweep only reads rows whose moment has come, so an idle tick is one indexed query
and its cost grows with what is due, not with what is stored. The moments themselves
are computed by the sweep (it has the policy and the calendar); anything that changes
an item, or a chat's settings, marks it REVIEW ("look at it at the next sweep"). A
session hook does the marking, so no command can forget it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Chat, Issue, Item, Project, SweepState

# A moment long past: "due for review now". The sweep replaces it with the real next moment.
REVIEW = datetime(2000, 1, 1, tzinfo=UTC)
OPEN = ("open", "in_progress", "blocked")
RULES_KEY = "due_index_rules"


def _changed(obj, attr: str) -> bool:
    return inspect(obj).attrs[attr].history.has_changes()


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Item) and not _changed(obj, "next_due_at"):
            obj.next_due_at = REVIEW if obj.status in OPEN else None
        elif isinstance(obj, Chat) and _changed(obj, "settings") and obj.id is not None:
            # Its timezone, rules or digest times may differ now: look at all of it again.
            obj.next_digest_at = REVIEW
            session.info.setdefault("review_chats", set()).add(obj.id)
        elif isinstance(obj, Issue) and not _changed(obj, "next_due_at"):
            obj.next_due_at = REVIEW if obj.status == "open" else None
        elif isinstance(obj, Project) and not _changed(obj, "next_due_at"):
            obj.next_due_at = REVIEW if obj.status == "closed" else None  # its retrospective reminder


def _after_flush(session: Session, _context) -> None:
    chats = session.info.pop("review_chats", None)
    if chats:
        session.execute(update(Item).where(Item.chat_id.in_(chats), Item.status.in_(OPEN))
                        .values(next_due_at=REVIEW).execution_options(synchronize_session=False))
    new_chats = {obj.chat_id for obj in session.new if isinstance(obj, Item) and obj.chat_id is not None
                 and _digests_idle(session, obj.chat_id)}
    if new_chats:  # a chat's first item in a while: its digests start again
        session.execute(update(Chat).where(Chat.id.in_(new_chats), Chat.next_digest_at.is_(None))
                        .values(next_digest_at=REVIEW).execution_options(synchronize_session=False))
    if chats:  # the issue log's moments follow the chat's calendar too
        session.execute(update(Issue).where(Issue.chat_id.in_(chats), Issue.status == "open")
                        .values(next_due_at=REVIEW).execution_options(synchronize_session=False))
        session.execute(update(Project).where(Project.chat_id.in_(chats), Project.next_due_at.is_not(None))
                        .values(next_due_at=REVIEW).execution_options(synchronize_session=False))
    logged = {obj.chat_id for obj in session.new if isinstance(obj, Issue) and obj.chat_id is not None}
    if logged:  # a chat's first issue: its monthly summary starts
        session.execute(update(Chat).where(Chat.id.in_(logged), Chat.next_issue_summary_at.is_(None))
                        .values(next_issue_summary_at=REVIEW).execution_options(synchronize_session=False))


def _digests_idle(session: Session, chat_id: int) -> bool:
    """Whether the chat may have no digest moment set (unknown unless it is loaded: ask the database)."""
    chat = session.identity_map.get(inspect(Chat).identity_key_from_primary_key((chat_id,)))
    return chat is None or chat.next_digest_at is None


def watch(sessions: sessionmaker[Session]) -> None:
    """Keep the index honest for every session `sessions` makes."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)


def rebuild_if_rules_changed(*, session: Session, rules: str) -> bool:
    """After the organisation's rules changed (a new config), look at every open item again."""
    digest = hashlib.sha256(rules.encode()).hexdigest()
    state = session.get(SweepState, RULES_KEY)
    if state is not None and state.value == digest:
        return False
    session.execute(update(Item).where(Item.status.in_(OPEN)).values(next_due_at=REVIEW)
                    .execution_options(synchronize_session=False))
    session.execute(update(Chat).where(Chat.next_digest_at.is_not(None)).values(next_digest_at=REVIEW)
                    .execution_options(synchronize_session=False))
    session.execute(update(Issue).where(Issue.status == "open").values(next_due_at=REVIEW)
                    .execution_options(synchronize_session=False))
    session.execute(update(Chat).where(Chat.next_issue_summary_at.is_not(None)).values(next_issue_summary_at=REVIEW)
                    .execution_options(synchronize_session=False))
    session.execute(update(Project).where(Project.next_due_at.is_not(None)).values(next_due_at=REVIEW)
                    .execution_options(synchronize_session=False))
    if state is None:
        session.add(SweepState(key=RULES_KEY, value=digest))
    else:
        state.value = digest
    return True
