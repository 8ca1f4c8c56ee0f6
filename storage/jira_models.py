"""An item's link to a Jira issue (bot/jira). Gathered by storage.models: import it from there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.core_models import Base, Item, User, UTCDateTime


class JiraLink(Base):
    """One item's Jira issue: linked by hand (/jira #N KEY-1), or being created (/jira create).

    While the bot asks Jira to create the issue, `key` is None and `project` says where; the
    outbox row carrying the request fills `key` in once Jira has answered.
    """

    __tablename__ = "jira_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    key: Mapped[str | None] = mapped_column(String(64), index=True)  # "PROJ-123"; None: being created
    project: Mapped[str | None] = mapped_column(String(32))  # /jira create: the project asked for
    status: Mapped[str | None] = mapped_column(String(100))  # the Jira status, as the last webhook said
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()
    linked_by: Mapped[User | None] = relationship()
