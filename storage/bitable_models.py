"""The Feishu Bitable (多维表格) sync: which table a chat or project writes to, and which row
holds which item. Gathered by storage.models: import them from there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.core_models import Base, Chat, Item, User, UTCDateTime
from storage.planning_models import Project


class BitableLink(Base):
    """A chat (or one project of it) bound to a Bitable table by /bitable link."""

    __tablename__ = "bitable_links"
    __table_args__ = (UniqueConstraint("app_token", "table_id", name="uq_bitable_links_table"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    app_token: Mapped[str] = mapped_column(String(64))
    table_id: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the platform said the fields exist (the outbox's answer to the setup request).
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    writes: Mapped[int] = mapped_column(Integer, default=0)  # numbers the batch writes' outbox keys

    chat: Mapped[Chat] = relationship()
    project: Mapped[Project | None] = relationship()
    created_by: Mapped[User] = relationship()


class BitableRecord(Base):
    """The table row of one item; `written` is what the bot last wrote there (an edit that only
    repeats it is the echo of the bot's own write, not a person's change)."""

    __tablename__ = "bitable_records"
    __table_args__ = (UniqueConstraint("link_id", "item_id", name="uq_bitable_records_link_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("bitable_links.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[str | None] = mapped_column(String(64), index=True)  # None until the platform answers
    written_version: Mapped[int] = mapped_column(Integer, default=0)  # Item.version last queued
    written: Mapped[dict] = mapped_column(JSON, default=dict)  # field name -> neutral value last queued

    link: Mapped[BitableLink] = relationship()
    item: Mapped[Item] = relationship()
