"""Reading and writing projects, milestones and the items placed in them (this domain's tables only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Chat, Item, Milestone, Project, ProjectItem, User


def find_project(session: Session, chat: Chat, name: str) -> Project | None:
    """The chat's project called `name` (any case), open or closed; None when there is none."""
    return session.scalar(select(Project).where(Project.chat_id == chat.id,
                                                func.lower(Project.name) == name.strip().lower()))


def get_project(session: Session, project_id: int | None) -> Project | None:
    """The project of that id (any chat), or None; for records that keep a project id."""
    return session.get(Project, project_id) if project_id is not None else None


def projects_of(session: Session, chat: Chat, *, open_only: bool = False) -> list[Project]:
    query = select(Project).where(Project.chat_id == chat.id)
    if open_only:
        query = query.where(Project.status == "open")
    return list(session.scalars(query.order_by(Project.id)))


def find_milestone(project: Project, name: str) -> Milestone | None:
    key = name.strip().lower()
    return next((m for m in project.milestones if m.name.lower() == key), None)


def placement_of(session: Session, item: Item) -> ProjectItem | None:
    return session.scalar(select(ProjectItem).where(ProjectItem.item_id == item.id)
                          .options(selectinload(ProjectItem.project), selectinload(ProjectItem.milestone)))


def place(session: Session, *, item: Item, project: Project, milestone: Milestone | None, by: User | None,
          now: datetime) -> Project | None:
    """Put `item` in `project` (and `milestone`); the project it was in before, if another."""
    row = placement_of(session, item)
    before = row.project if row is not None and row.project_id != project.id else None
    if row is None:
        row = ProjectItem(item_id=item.id, project_id=project.id, linked_at=now)
        session.add(row)
    row.project_id, row.project, row.milestone = project.id, project, milestone
    row.linked_at, row.linked_by_id = now, by.id if by else None
    session.flush()
    return before


def unplace(session: Session, item: Item) -> bool:
    return bool(cast(CursorResult[Any], session.execute(delete(ProjectItem).where(ProjectItem.item_id == item.id))).rowcount)


def project_items(session: Session, project: Project) -> list[tuple[Item, int | None]]:
    """The project's items by number, each with its milestone id; owners and history loaded with them."""
    rows = session.execute(
        select(Item, ProjectItem.milestone_id).join(ProjectItem, ProjectItem.item_id == Item.id)
        .where(ProjectItem.project_id == project.id).order_by(Item.number)
        .options(selectinload(Item.owner), selectinload(Item.initiator), selectinload(Item.history))).all()
    return [(item, milestone_id) for item, milestone_id in rows]


def lead_head(project: Project) -> User | None:
    """The project lead: the lead department's head; None when it has no lead department or head."""
    return project.lead_department.head if project.lead_department is not None else None


def lead_of(project: Project) -> User:
    """Whom the project's own reminders go to: its lead, else the person who created it."""
    return lead_head(project) or project.creator
