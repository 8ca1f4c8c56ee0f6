"""The records at the start of the closed loop: meeting minutes, RACI roles and deadline
proposals, projects with their milestones and dependencies. Gathered by storage.models:
import them from there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.core_models import Base, Chat, Department, Item, User, UTCDateTime


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
