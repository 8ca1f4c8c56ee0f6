"""When a retrospective is owed: within 5 working days after a project ends (DOMAIN.md).

The due index (bot/followup/due.py `project_dues`) keeps each closed project's `reminder_due_at`;
the projects' share of the sweep (bot/projects/retro_reminder.py), when that moment has come and
`retro_posted` is False, claims the key `reminder_key(project_id)` and posts `reminder_text` to
the lead, once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.retro.strings import t
from bot.worktime import WorkCalendar
from storage.models import RetroReport

RETRO_WITHIN_WORKING_DAYS = 5


def reminder_due_at(closed_at: datetime, calendar: WorkCalendar) -> datetime:
    """When the lead is reminded if no retrospective was posted: 5 working days after closing."""
    return calendar.add_working_days(closed_at, RETRO_WITHIN_WORKING_DAYS)


def reminder_key(project_id: int) -> str:
    return f"retro_reminder:{project_id}"


def retro_posted(session: Session, *, project_id: int, since: datetime) -> bool:
    """Whether a retrospective of the project was posted since `since` (its closing)."""
    return session.scalar(select(RetroReport.id).where(RetroReport.project_id == project_id,
                                                       RetroReport.posted_at >= since).limit(1)) is not None


def reminder_text(lang: str, *, lead: str, project: str) -> str:
    return t(lang, "reminder", lead=lead, project=project, n=RETRO_WITHIN_WORKING_DAYS)
