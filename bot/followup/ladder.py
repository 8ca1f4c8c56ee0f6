"""The escalation ladder: doer → liaison → department head → the chat's managers (分管领导).

Each step tells the next rung that has somebody on it (a missing rung is skipped), at most
once per item and per deadline (the "scope"), and is written into the item's history so the
next step can say who was already told, and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import department_of, head_of, liaisons, upsert_user
from bot.followup.due import Due
from bot.policy import Policy
from storage.models import Department, Item, ItemEvent, User

# How far up each step reaches, counted in rungs above the doer.
REACH = {"nudge1": 0, "overdue": 0, "nudge2": 1, "climb3": 2, "climb4": 3,
         "escalate": 1, "escalate2": 2, "risk": 1, "risk2": 2}


@dataclass(frozen=True)
class Rung:
    role: str  # "liaison" | "head" | "managers"
    people: tuple[User, ...]


@dataclass
class Ladder:
    department: Department | None
    rungs: list[Rung]  # above the doer, missing ones left out
    missing: list[str] = field(default_factory=list)  # "head", "managers": whom the chat should name


def ladder_for(session: Session, item: Item, policy: Policy, kind: str) -> Ladder:
    """The rungs above the item's doer that a step of `kind` may reach.

    An unanswered request climbs liaison → head → managers; a late or high-risk item goes
    to the head, then the managers.
    """
    owner = item.owner
    dept = item.department or (department_of(session=session, user=owner) if owner else None)
    head = dept.head if dept is not None and dept.head is not None else (
        head_of(session=session, user=owner) if owner else None)
    seen = {owner.id} if owner else set()
    rungs: list[Rung] = []
    missing: list[str] = []
    if kind in ("nudge2", "climb3", "climb4") and dept is not None:
        found = tuple(u for u in liaisons(dept) if u.id not in seen)
        seen |= {u.id for u in found}
        if found:
            rungs.append(Rung("liaison", found))
    if head is not None and head.id not in seen:
        seen.add(head.id)
        rungs.append(Rung("head", (head,)))
    elif head is None:
        missing.append("head")
    managers = tuple(m for m in _managers(session, item, policy) if m.id not in seen)
    if managers:
        rungs.append(Rung("managers", managers))
    elif not policy.managers:
        missing.append("managers")
    return Ladder(dept, rungs, missing)


def _managers(session: Session, item: Item, policy: Policy) -> list[User]:
    platform = item.chat.platform
    known = {u.user_id: u for u in session.scalars(
        select(User).where(User.platform == platform, User.user_id.in_(policy.managers)))} if policy.managers else {}
    return [known.get(uid) or upsert_user(session=session, platform=platform, user_id=uid, name=None)
            for uid in policy.managers]


@dataclass(frozen=True)
class Step:
    """Whom one step tells now, who had been told before (name, when), and who is missing."""

    new: list[User]
    before: list[tuple[str, datetime]]
    missing: list[str]
    reached_top: bool  # the step wanted a rung beyond the last one there is
    department: Department | None = None  # the doer's, whose head is a rung


def step_for(session: Session, item: Item, due: Due, policy: Policy) -> Step:
    reach = REACH.get(due.kind, 0)
    before = told_before(item, due.scope)
    if reach == 0:
        return Step([], before, [], False)
    ladder = ladder_for(session, item, policy, due.kind)
    told_ids = {uid for row in _rows(item, due.scope) for uid in (row.data or {}).get("to", [])}
    told_ids |= _told_this_sweep(session).get((item.id, due.scope), set())
    wanted = [p for rung in ladder.rungs[:reach] for p in rung.people]
    new = [p for p in dict.fromkeys(wanted) if p.id not in told_ids]
    return Step(new, before, ladder.missing, len(ladder.rungs) < reach, ladder.department)


def _told_this_sweep(session: Session) -> dict[tuple[int, str], set[int]]:
    """Who earlier steps of this very transaction told (their rows are not in item.history)."""
    return session.info.setdefault("ladder_told", {})


def _rows(item: Item, scope: str) -> list[ItemEvent]:
    return [row for row in item.history
            if row.action in ("remind", "escalate") and (row.data or {}).get("scope") == scope]


def told_before(item: Item, scope: str) -> list[tuple[str, datetime]]:
    """Everyone the ladder told about `scope` so far: (plain @name, when), in order."""
    first: dict[str, datetime] = {}
    for row in _rows(item, scope):
        for name in (row.data or {}).get("names", []):
            first.setdefault("@" + name, row.at)  # each person once, with when they were first told
    return list(first.items())


def record(session: Session, item: Item, due: Due, people: list[User], now: datetime) -> None:
    """Write the step into the item's history (the bot is its actor), without touching the item."""
    beyond_owner = any(p.id != item.owner_id for p in people)
    row = ItemEvent(item_id=item.id, at=now, actor_id=None, action="escalate" if beyond_owner else "remind",
                    from_status=item.status, to_status=item.status, note=", ".join(p.name for p in people),
                    data={"kind": due.kind, "scope": due.scope, "to": [p.id for p in people],
                          "names": [p.name for p in people]})
    session.add(row)  # not item.history.append: that would mark the item changed for the due index
    _told_this_sweep(session).setdefault((item.id, due.scope), set()).update(p.id for p in people)
