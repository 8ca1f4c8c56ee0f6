"""The records at the end of the closed loop: the issue and conflict log, emergencies and
retrospectives. Gathered by storage.models: import them from there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.core_models import Base, Chat, Department, User, UTCDateTime

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
