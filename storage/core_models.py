"""The core records: chats, people, departments, items and their history, the inbox, the outbox
and the reminders. All instants are stored as UTC (timezone-aware on read). Import them from
storage.models, which gathers every domain's records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:  # mapped in its own module; the relationship finds it by name on the Base
    from storage.planning_models import ItemRole


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; SQLite has no zone, so re-attach UTC on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Chat(Base):
    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(200))
    # Per-chat overrides of the organisation's settings (lang, timezone, digest times...).
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the sweep must next look at this chat's digests; None: no digest to send.
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The last item number given out here: each chat numbers its items #1, #2, ...
    last_item_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the sweep must next look at this chat's monthly issue summary (bot/issues); None: none due.
    next_issue_summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))


class Department(Base):
    """A department of one workspace: its head, liaisons and members."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("platform", "tenant", "name", name="uq_departments_platform_tenant_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    # The workspace (Slack team id, Feishu tenant key); "" for a single-workspace deployment,
    # not NULL, because a unique key treats NULLs as all different.
    tenant: Mapped[str] = mapped_column(String(128), default="", server_default="")
    name: Mapped[str] = mapped_column(String(100))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    head: Mapped[User | None] = relationship(foreign_keys=[head_id])
    members: Mapped[list[DepartmentMember]] = relationship(
        cascade="all, delete-orphan", order_by="DepartmentMember.id"
    )


class DepartmentMember(Base):
    __tablename__ = "department_members"
    __table_args__ = (UniqueConstraint("department_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16))  # "liaison" | "member"
    user: Mapped[User] = relationship()


class Item(Base):
    """A request (沟通需求) or an action item (行动项); `kind` tells which."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("chat_id", "number", name="uq_items_chat_number"),)

    # The internal id: outbox keys, buttons and reaction links use it; people never see it.
    id: Mapped[int] = mapped_column(primary_key=True)
    # What people type and see (#N): numbered per chat, from 1.
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "request" | "action"
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    initiator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    standard: Mapped[str | None] = mapped_column(Text)  # completion standard (完成标准)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")  # normal|urgent|emergency
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    risk: Mapped[str] = mapped_column(String(16), default="normal")  # normal|late|high
    blocker_reason: Mapped[str | None] = mapped_column(Text)
    blocker_eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change, so each re-render of the item's card gets its own outbox key.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The due index: when the sweep must next look at this item; None: nothing left to remind.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    chat: Mapped[Chat] = relationship()
    initiator: Mapped[User] = relationship(foreign_keys=[initiator_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    department: Mapped[Department | None] = relationship()
    history: Mapped[list[ItemEvent]] = relationship(
        order_by="ItemEvent.id", cascade="all, delete-orphan", back_populates="item"
    )
    # The meeting minutes (会议纪要) whose action line created it, if any.
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id"), index=True)
    # The request fields the handbooks ask for (goal, cooperating departments, channel).
    goal: Mapped[str | None] = mapped_column(Text)
    partners: Mapped[str | None] = mapped_column(Text)  # cooperating departments/people, "、"-joined names
    channel: Mapped[str | None] = mapped_column(String(100))
    # RACI beyond R (owner) and A (approver_id): the people consulted (C) and kept informed (I).
    roles: Mapped[list[ItemRole]] = relationship(
        order_by="ItemRole.id", cascade="all, delete-orphan", back_populates="item"
    )


class ItemEvent(Base):
    """One row of an item's history: who did what, when, and why."""

    __tablename__ = "item_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the bot itself
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    item: Mapped[Item] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class ProcessedEvent(Base):
    """Incoming events already handled; the unique key makes redelivery a no-op."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SweepState(Base):
    """Small facts the sweep keeps between runs (e.g. the rules its due index was built with)."""

    __tablename__ = "sweep_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class InboxEvent(Base):
    """A raw platform payload, stored before the platform is acknowledged.

    Processed after the ack by a worker (here or on another replica); kept with its
    error when it keeps failing, never dropped. The unique key makes a redelivery
    of an event already stored a no-op.
    """

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending | done | failed (gave up after a few tries; kept with its error)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


Index("ix_inbox_pending", InboxEvent.status, InboxEvent.not_before)


class OutboxMessage(Base):
    """A message waiting to be (or already) delivered. `id` is the console's mN."""

    __tablename__ = "outbox"
    # Delivery reads each target's pending rows in id order from this index (no sort, no table scan).
    __table_args__ = (Index("ix_outbox_queue", "platform", "status", "target", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[str | None] = mapped_column(String(128))
    # The queue the message waits in, in id order: its chat_id, else "@" + user_id (outbox.target_of).
    target: Mapped[str] = mapped_column(String(140))
    payload: Mapped[dict] = mapped_column(JSON)  # the serialised OutgoingMessage
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    # pending | sent | failed | superseded (an older card update overtaken by a newer one)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the delivering process
    # Committed just before the platform is called, cleared when an answer says nothing was posted:
    # found still set, an earlier post may exist unrecorded (the sender is told maybe_sent).
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    platform_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxFile(Base):
    """The bytes of an outbox message's attachment, produced once by delivery and kept, so a
    retry (or another replica) uploads exactly the file the first attempt made."""

    __tablename__ = "outbox_files"
    __table_args__ = (UniqueConstraint("outbox_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxQueue(Base):
    """One per target that has had messages: when delivery must next look at its queue.

    `next_at` is NULL while nothing is pending. It may be early (delivery then reads the head
    and puts it right), never late: a claim reads only the queues due by this index, and of
    each only its head run, so its cost grows with what may go now, not with what waits.
    """

    __tablename__ = "outbox_queues"
    __table_args__ = (UniqueConstraint("platform", "target"),
                      Index("ix_outbox_queues_due", "platform", "next_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(140))  # as OutboxMessage.target
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageItem(Base):
    """Which items a bot message concerns: a reaction on it applies to them."""

    __tablename__ = "message_items"
    __table_args__ = (UniqueConstraint("outbox_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)


class Reminder(Base):
    """A reminder already issued (nudge, warning, escalation, digest): its key is unique."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    # The person reminded (for the per-person daily cap); None for group digests.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# -- Slack, installed in several workspaces ("Add to Slack", OAuth) ----------------------------
# The installations and the OAuth states live in the schema of slack_sdk's SQLAlchemy stores,
# which read and write these tables themselves; they are declared here so that the migrations
# create them (an upgrade of slack_sdk that changes them fails tests/test_architecture.py).
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, "slack_installations")
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, "slack_oauth_states")


class SlackConversation(Base):
    """The workspace a Slack channel or user belongs to: an outgoing message names only a
    channel or a user, and each workspace has a token of its own."""

    __tablename__ = "slack_conversations"

    conversation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
