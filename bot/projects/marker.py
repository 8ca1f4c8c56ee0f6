"""The `项目 NAME` / `project NAME[/MILESTONE]` marker on a line (/todo, /ask, minutes lines).

Taken out of the line before anything else reads it, so the title and the deadline are read
as if it were not there. A marker that names a project of the chat is taken wherever it
stands. One that names none is meant (and refused, so nothing is created on a typo) when it
says so plainly: with a colon (项目：X), at the end of the line, or 项目 at its start; otherwise
"the project plan" is just words of the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.context import UserError
from bot.projects import store
from bot.projects.strings import t
from storage.models import Chat, Milestone, Project

_BEFORE = r"(?<![^\s,，;；、(（【\[])"  # at the start, or after a space or punctuation
_NAME = r"「[^」\s]+」|“[^”\s]+”|\"[^\"\s]+\"|[^\s「“\",，;；。、]+"
MARKER = re.compile(_BEFORE + r"(项目|project)(\s*[:：]\s*|\s+)(" + _NAME + r")(?=[\s,，;；。]|$)", re.IGNORECASE)
SLASH = re.compile(r"[/／]")
LEADING_PEOPLE = re.compile(r"<@[^>]*>|@\S+")


@dataclass(frozen=True)
class Placement:
    """Where an item goes: a project of its chat, and maybe one of its milestones."""

    project: Project
    milestone: Milestone | None = None

    def label(self) -> str:
        return self.project.name + (f"/{self.milestone.name}" if self.milestone else "")


def unquote(word: str) -> str:
    return word.strip("「」“”\"")


def split_name(word: str) -> tuple[str, str | None]:
    """"618/设计定稿" -> ("618", "设计定稿"); "618" -> ("618", None)."""
    parts = SLASH.split(unquote(word), maxsplit=1)
    project = parts[0]
    milestone = parts[1] if len(parts) > 1 and parts[1] else None
    return project, milestone


def no_such_project(session: Session, chat: Chat, name: str, lang: str) -> UserError:
    """The refusal for a name no project of the chat has: it names those there are, or how to create it."""
    known = [p.name for p in store.projects_of(session, chat, open_only=True)]
    hint = t(lang, "e.known", names="、".join(known)) if known else t(lang, "e.known_none", name=name)
    return UserError(t(lang, "e.no_project", name=name, known=hint))


def resolve(session: Session, chat: Chat, word: str, lang: str, *, action: str = "a.link") -> Placement:
    """`NAME` or `NAME/MILESTONE` of an open project of the chat, or a refusal naming what exists."""
    name, milestone_name = split_name(word)
    project = store.find_project(session, chat, name)
    if project is None:
        raise no_such_project(session, chat, name, lang)
    if project.status != "open":
        raise UserError(t(lang, "e.project_closed", name=project.name, action=t(lang, action)))
    if milestone_name is None:
        return Placement(project)
    milestone = store.find_milestone(project, milestone_name)
    if milestone is None:
        names = "、".join(m.name for m in project.milestones)
        hint = (t(lang, "e.known_milestones", names=names) if names else
                t(lang, "e.known_milestones_none", name=milestone_name, project=project.name))
        raise UserError(t(lang, "e.no_milestone", project=project.name, name=milestone_name, known=hint))
    return Placement(project, milestone)


def take_project(*, session: Session, chat: Chat, text: str, lang: str,
                 action: str = "a.link") -> tuple[str, Placement | None]:
    """The line without its project marker, and where the marker puts the item (None: no marker).

    Raises UserError (nothing is changed) for a marker plainly meant that names no open project
    or milestone of the chat.
    """
    chosen = None
    for m in MARKER.finditer(text):
        name, _ = split_name(m.group(3))
        known = store.find_project(session, chat, name) is not None
        colon = bool(m.group(2).strip())
        at_end = not text[m.end():].strip(" ,，;；。")
        # at the start of the task: only the people it is for (@lee, a mention token) before it
        chinese_at_start = m.group(1) == "项目" and not LEADING_PEOPLE.sub("", text[:m.start()]).strip(" ,，;；、(（【[")
        if known or colon or at_end or chinese_at_start:
            chosen = m
    if chosen is None:
        return text, None
    placement = resolve(session, chat, chosen.group(3), lang, action=action)
    rest = (text[:chosen.start()].rstrip(" ,，;；、") + " " + text[chosen.end():].lstrip(" ,，;；。")).strip()
    return rest, placement
