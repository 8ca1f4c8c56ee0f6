"""The rules of the issue log and emergencies (DOMAIN.md): who handles what, and by when.

Conflicts: minor ones the departments' liaisons settle within 1 working day, medium ones the
project lead within 3, major ones management within 5. An issue due and unresolved goes once
to the next level. Emergencies run on the wall clock: a response within 30 minutes (the
policy's emergency_response_minutes, as for emergency requests), a first plan within 2 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import heads_of, liaisons, upsert_user
from bot.issues.projects import project_lead
from bot.policy import Policy
from bot.worktime import WorkCalendar
from storage.models import Issue, User

SEVERITY_WORDS: dict[str, tuple[str, ...]] = {
    "minor": ("一般", "minor", "low", "轻微"),
    "medium": ("中度", "中等", "medium"),
    "major": ("重大", "严重", "major", "high"),
}
DUE_WORKING_DAYS = {"minor": 1, "medium": 3, "major": 5}
# Who handles an issue, by severity: an index into `levels` (liaisons, heads, managers).
# Medium issues belong to the project lead (the issue's project's lead department head); an issue
# with no project, or a project with no lead, has the named departments' heads there instead.
OWNER_LEVEL = {"minor": 0, "medium": 1, "major": 2}
EMERGENCY_PLAN_MINUTES = 120


def severity_of(word: str) -> str | None:
    word = word.lower().strip("[]【】()（）")
    return next((s for s, words in SEVERITY_WORDS.items() if word in words), None)


def due_at(severity: str, created_at: datetime, calendar: WorkCalendar) -> datetime:
    """1 / 3 / 5 working days after it was logged (same clock time, kept inside working hours)."""
    return calendar.add_working_days(created_at, DUE_WORKING_DAYS[severity])


def plan_due_at(created_at: datetime) -> datetime:
    """An emergency's first plan: 2 hours of wall time, nights and holidays included."""
    return created_at + timedelta(minutes=EMERGENCY_PLAN_MINUTES)


def response_due_at(issue: Issue, policy: Policy) -> datetime:
    return issue.created_at + timedelta(minutes=policy.emergency_response_minutes)


def managers(session: Session, platform: str, policy: Policy) -> list[User]:
    if not policy.managers:
        return []
    known = {u.user_id: u for u in session.scalars(
        select(User).where(User.platform == platform, User.user_id.in_(policy.managers)))}
    return [known.get(uid) or upsert_user(session=session, platform=platform, user_id=uid, name=None)
            for uid in policy.managers]


def _unique(people) -> list[User]:
    return list({p.id: p for p in people if p is not None}.values())


def levels(session: Session, issue: Issue, policy: Policy) -> list[list[User]]:
    """The ladder of an issue: the named departments' liaisons, the project lead (else the departments'
    heads), the chat's managers."""
    depts = [p.department for p in issue.parties if p.department is not None]
    lead = project_lead(session, issue)
    return [_unique(u for d in depts for u in liaisons(d)), [lead] if lead else _unique(d.head for d in depts),
            managers(session, issue.chat.platform, policy)]


def owners(session: Session, issue: Issue, policy: Policy) -> tuple[int, list[User]]:
    """(level, people) handling the issue: its severity's level, else the next one with somebody."""
    ladder = levels(session, issue, policy)
    for level in range(OWNER_LEVEL[issue.severity or "minor"], len(ladder)):
        if ladder[level]:
            return level, ladder[level]
    return len(ladder), []


def escalation_targets(session: Session, issue: Issue, policy: Policy) -> list[User]:
    """The next level above the owners with somebody on it (none above management)."""
    level, handling = owners(session, issue, policy)
    seen = {u.id for u in handling}
    for people in levels(session, issue, policy)[level + 1:]:
        fresh = [u for u in people if u.id not in seen]
        if fresh:
            return fresh
    return []


def emergency_people(session: Session, issue: Issue) -> list[User]:
    """Whom an unanswered emergency pings: the people named (a department: its liaisons) and their heads."""
    named: list[User] = []
    heads: list[User] = []
    for party in issue.parties:
        if party.user is not None:
            named.append(party.user)
            heads += heads_of(session=session, user=party.user)
        elif party.department is not None:
            named += liaisons(party.department)
            if party.department.head is not None:
                heads.append(party.department.head)
    return _unique(named + heads)


def involved(session: Session, issue: Issue, user: User, policy: Policy) -> bool:
    """Who may answer, plan or resolve: the reporter, anyone on its ladder or named, the managers.

    An issue that names nobody may be handled by anyone in the chat.
    """
    if not issue.parties or user.id == issue.reporter_id or user.user_id in policy.admins:
        return True
    if user.user_id in policy.managers:
        return True
    people = {u.id for level in levels(session, issue, policy) for u in level}
    people |= {p.department.head_id for p in issue.parties if p.department is not None and p.department.head_id}
    people |= {u.id for u in emergency_people(session, issue)}
    return user.id in people
