"""Which Jira issue an item is linked to, and how that reads on its card and in /show."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.jira.keys import browse_url
from bot.jira.strings import t
from bot.policy import Policy
from storage.models import Item, JiraLink


def link_of(session: Session, item: Item) -> JiraLink | None:
    """The item's link (a key, or a creation still under way), if any."""
    if item.id is None:
        return None
    return session.scalar(select(JiraLink).where(JiraLink.item_id == item.id))


def linked_items(session: Session, key: str) -> list[JiraLink]:
    """The links to issue `key` (each item at most once), oldest first."""
    return list(session.scalars(select(JiraLink).where(JiraLink.key == key).order_by(JiraLink.id)))


def shown(policy: Policy, key: str) -> str:
    return browse_url(policy.jira_url, key)


def line(session: Session, policy: Policy, item: Item) -> str | None:
    """The item's Jira line for its card and /show, or None when it has no link."""
    link = link_of(session, item)
    if link is None:
        return None
    if link.key is None:
        return t(policy.lang, "line.creating", project=link.project or "?")
    if link.status:
        return t(policy.lang, "line.status", link=shown(policy, link.key), status=link.status)
    return t(policy.lang, "line", link=shown(policy, link.key))
