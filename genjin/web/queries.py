"""What the web view reads, always inside the link's scope: one chat's items, or one project's of it.

Every query starts from `scoped_items`, so no filter, item id or owner id in a URL can reach
another chat's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from bot.items.render import OPEN_STATUSES
from bot.items.strings import STATUS
from bot.ports import ViewScope
from storage.models import Chat, Department, Item, Project, ProjectItem, User

PAGE_LIMIT = 200  # rows on one page; more than that asks for a narrower filter
STATUSES = tuple(STATUS)  # open, in_progress, blocked, done, confirmed, cancelled
LATE_STATUSES = ("open", "in_progress", "blocked")  # overdue: still to be done past its deadline


@dataclass(frozen=True)
class Place:
    """The chat (and project) a link is for, as found in the database."""

    chat: Chat
    project: Project | None


@dataclass(frozen=True)
class Filters:
    status: str = ""  # "": not finished yet; "all"; or one of STATUSES
    owner: int | None = None  # users.id
    department: int | None = None  # departments.id
    overdue: bool = False
    ignored: tuple[str, ...] = field(default=(), compare=False)  # parameters that could not be read

    @classmethod
    def parse(cls, params: dict[str, str]) -> Filters:
        """From a page's query string; a value that cannot be read is named in `ignored` and left out."""
        ignored = []
        status = params.get("status", "")
        if status not in ("", "all", *STATUSES):
            ignored.append(f"status={status}")
            status = ""
        ids: dict[str, int | None] = {}
        for name in ("owner", "department"):
            value = params.get(name, "")
            ids[name] = int(value) if value.isdigit() and len(value) <= 12 else None
            if value and ids[name] is None:
                ignored.append(f"{name}={value}")
        overdue = params.get("overdue", "")
        if overdue not in ("", "1", "on"):
            ignored.append(f"overdue={overdue}")
        return cls(status, ids["owner"], ids["department"], overdue in ("1", "on"), tuple(ignored))


def open_place(session: Session, scope: ViewScope) -> Place | None:
    """The link's chat and project; None when either is gone, or the project is not that chat's."""
    chat = session.get(Chat, scope.chat_id)
    if chat is None:
        return None
    project = None
    if scope.project_id is not None:
        project = session.get(Project, scope.project_id)
        if project is None or project.chat_id != chat.id:
            return None
    return Place(chat, project)


def scoped_items(place: Place) -> Select:
    query = select(Item).where(Item.chat_id == place.chat.id)
    if place.project is not None:
        query = query.where(Item.id.in_(select(ProjectItem.item_id).where(ProjectItem.project_id == place.project.id)))
    return query


def find_items(session: Session, place: Place, filters: Filters, *, now: datetime) -> tuple[list[Item], int]:
    """The items the filters select, soonest deadline first (at most PAGE_LIMIT), and how many there are."""
    query = scoped_items(place)
    if filters.status == "":
        query = query.where(Item.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        query = query.where(Item.status == filters.status)
    if filters.owner is not None:
        query = query.where(Item.owner_id == filters.owner)
    if filters.department is not None:
        query = query.where(Item.department_id == filters.department)
    if filters.overdue:
        query = query.where(Item.deadline < now, Item.status.in_(LATE_STATUSES))
    ordered = query.order_by(Item.deadline.is_(None), Item.deadline, Item.number).limit(PAGE_LIMIT + 1)
    items = list(session.scalars(ordered.options(selectinload(Item.owner), selectinload(Item.department))))
    if len(items) <= PAGE_LIMIT:
        return items, len(items)
    total = session.scalar(query.with_only_columns(func.count(Item.id))) or 0
    return items[:PAGE_LIMIT], total


def owners(session: Session, place: Place) -> list[User]:
    """The people who own an item in the scope (the owner filter's choices)."""
    ids = scoped_items(place).with_only_columns(Item.owner_id)
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)))


def departments(session: Session, place: Place) -> list[Department]:
    """The departments an item in the scope is addressed to (the department filter's choices)."""
    ids = scoped_items(place).with_only_columns(Item.department_id)
    return list(session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name)))


def find_item(session: Session, place: Place, item_id: int) -> Item | None:
    """The item of that id if the link's scope holds it; None for any other (another chat's: 404)."""
    query = scoped_items(place).where(Item.id == item_id)
    return session.scalar(query.options(selectinload(Item.history), selectinload(Item.owner)))


def project_of(session: Session, item: Item) -> Project | None:
    return session.scalar(select(Project).join(ProjectItem, ProjectItem.project_id == Project.id)
                          .where(ProjectItem.item_id == item.id))
