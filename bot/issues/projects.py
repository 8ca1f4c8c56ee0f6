"""Where issues meet projects: an issue keeps its project's id; the projects domain finds it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import Ctx
from bot.projects import find_project, get_project, lead_head, no_such_project
from storage.models import Issue, Project, User


def project_named(ctx: Ctx, name: str) -> Project:
    """This chat's project called `name` (open or closed); an unknown name is refused, naming those there are."""
    project = find_project(ctx.session, ctx.chat, name.strip().strip("「」“”\""))
    if project is None:
        raise no_such_project(ctx.session, ctx.chat, name.strip(), ctx.lang)
    return project


def project_of(session: Session, issue: Issue) -> Project | None:
    return get_project(session, issue.project_id)


def project_lead(session: Session, issue: Issue) -> User | None:
    """The lead of the issue's project (its lead department's head), if it has one."""
    project = project_of(session, issue)
    return lead_head(project) if project is not None else None
