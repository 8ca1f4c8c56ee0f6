"""SQLAlchemy 2 models. All instants are stored as UTC (timezone-aware on read)."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


# -- Meeting minutes (会议纪要) ------------------------------------------------------------------
class Minutes(Base):
    """A meeting's minutes as posted in the chat: its fields, its raw text, who posted and recorded it.

    Its action items are items whose `minutes_id` points here. Kept as posted: an edit of the
    message on the platform is not read again; a new /minutes is a new record.
    """

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("chat_id", "number", name="uq_minutes_chat_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)  # per chat, from 1 (纪要 #1, #2 …)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    # The field lines read: {"time": …, "place": …, "host": …, "recorder": …, "attendees": …,
    # "topics": …, "decisions": …, "notes": …}; only those given.
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)  # the message as typed, after the title
    poster_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    chat: Mapped[Chat] = relationship()
    poster: Mapped[User] = relationship(foreign_keys=[poster_id])
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])
# -- The issue and conflict log, emergencies, retrospectives (bot/issues, bot/retro) -----------

class Issue(Base):
    """An issue or conflict (问题/冲突台账) or an emergency (紧急事务): `kind` tells which.

    Numbered with the chat's items (Chat.last_item_number), so `#N` names either one.
    """

    __tablename__ = "issues"
    __table_args__ = (UniqueConstraint("chat_id", "number", name="uq_issues_chat_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "issue" | "emergency"
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    # The project it belongs to; no foreign key yet: the projects table comes with migration 0012.
    project_id: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str | None] = mapped_column(String(16))  # issues: minor | medium | major
    description: Mapped[str] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)  # emergencies: who or what is hit (影响)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)  # "open" | "resolved"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Issues: resolve by (1/3/5 working days); emergencies: the first plan is due by (2 wall hours).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plan: Mapped[str | None] = mapped_column(Text)
    plan_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(Text)
    lesson: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The due index (as Item.next_due_at): when the sweep must next look at it; None: nothing left.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Emergencies opened with --room: the platform id of the coordination group, once it exists
    # (a command typed there finds its emergency through it).
    room_chat_id: Mapped[str | None] = mapped_column(String(64), index=True)

    chat: Mapped[Chat] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    resolver: Mapped[User | None] = relationship(foreign_keys=[resolver_id])
    parties: Mapped[list[IssueParty]] = relationship(cascade="all, delete-orphan", order_by="IssueParty.id")


class IssueParty(Base):
    """A department (issues) or a person (emergencies) an issue names."""

    __tablename__ = "issue_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department: Mapped[Department | None] = relationship()
    user: Mapped[User | None] = relationship()


class RetroNote(Base):
    """A highlight, problem or improvement collected for the retrospective (复盘)."""

    __tablename__ = "retro_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key yet, as Issue.project_id
    kind: Mapped[str] = mapped_column(String(16))  # highlight | problem | improvement
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[User] = relationship()


class RetroReport(Base):
    """A retrospective posted: the project-close reminder asks whether one was."""

    __tablename__ = "retro_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key yet, as Issue.project_id
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
# -- Item roles (RACI's C and I) and deadline proposals (bot/items/roles.py, proposals.py) -------


class ItemRole(Base):
    """A person consulted (C, 咨询人) or kept informed (I, 知会人) about an item."""

    __tablename__ = "item_roles"
    __table_args__ = (UniqueConstraint("item_id", "user_id", "role", name="uq_item_roles_item_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # "C" | "I"

    item: Mapped[Item] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()


class DeadlineProposal(Base):
    """An owner's request to move a deadline (改期申请); the deadline in force moves only on approval."""

    __tablename__ = "deadline_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    old_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in force when proposed
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    # Made less than the policy's notice (2 working days) before the deadline in force.
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # open | approved | declined | replaced (by a newer proposal) | overtaken (the deadline was set directly)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[Item] = relationship()
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
# -- Projects (协同项目): projects, milestones, the items in them, dependencies between items ----
class Project(Base):
    """A cross-department project of one chat: its goal, lead department and deadline."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("chat_id", "name", name="uq_projects_chat_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    goal: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    creator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The due index (as Item.next_due_at): a closed project's retrospective reminder; None: nothing left.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    chat: Mapped[Chat] = relationship()
    creator: Mapped[User] = relationship(foreign_keys=[creator_id])
    lead_department: Mapped[Department | None] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="(Milestone.due_at, Milestone.id)", cascade="all, delete-orphan", back_populates="project")


class Milestone(Base):
    """A milestone (里程碑) of a project: late when any of its items is."""

    __tablename__ = "project_milestones"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_project_milestones_project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="milestones")


class ProjectItem(Base):
    """An item's place in a project (one project per item), and in one of its milestones."""

    __tablename__ = "project_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("project_milestones.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship()
    item: Mapped[Item] = relationship()
    milestone: Mapped[Milestone | None] = relationship()


class ItemDependency(Base):
    """`item` cannot really finish before `depends_on` (the critical path, 关键路径)."""

    __tablename__ = "item_dependencies"
    __table_args__ = (UniqueConstraint("item_id", "depends_on_id", name="uq_item_dependencies_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
