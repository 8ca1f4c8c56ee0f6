"""Suggestions: follow-ups noticed in plain chat (bot/suggest). Gathered by storage.models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.core_models import Base, Chat, User, UTCDateTime


class Suggestion(Base):
    """One "要跟进吗？" offered to the author of a message, and what became of it.

    `fingerprint` (author, kind, person, task) is unique per chat: whatever was offered once,
    accepted or dismissed, is never offered again there.
    """

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("chat_id", "fingerprint", name="uq_suggestions_chat_fingerprint"),
        Index("ix_suggestions_chat_created", "chat_id", "created_at"),  # the daily cap counts these
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "request" | "commitment"
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The person asked (request) or the one promised to (commitment; None when nobody was named).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    phrase: Mapped[str] = mapped_column(String(64))  # the deadline as typed
    text: Mapped[str] = mapped_column(Text)  # the message, as said (nothing a user typed is lost)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # "open" | "accepted" | "dismissed"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))  # the item an accept created

    chat: Mapped[Chat] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
