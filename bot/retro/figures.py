"""The retrospective's figures, computed from the items' histories and the issue log.

Definitions (each figure is shown with its target from the handbooks):
- first response: working time from an item's creation to its owner's first ack, progress or
  done (wall-clock minutes for emergencies). Median and p90 (nearest rank: the value at
  position ceil(0.9·n) of the sorted times) of the answered items; the share within the SLA
  counts the answered items and those unanswered whose window has already passed.
- on-time delivery: confirmed items whose accepted /done (the last done before the confirmation)
  came at or before the deadline in force at that moment (the creation's deadline as moved by
  every /extend made up to then) ÷ confirmed items with a deadline (target ≥ 95%).
- rework: rejections ÷ /done reports (target < 8%).
- escalations (ladder steps beyond the owner, and the issue log's), blocked time (working hours
  spent in 受阻), deadline changes (/extend).
- issue resolution: working time from logging to resolution, by severity, against 1 / 3 / 5 days.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.policy import Policy
from bot.worktime import WorkCalendar
from storage.models import Issue, Item, ItemEvent

RESPONSES = ("ack", "progress", "done", "note")  # "note": the owner's reply under the item (bot.threads)
ON_TIME_TARGET = 0.95
REWORK_TARGET = 0.08


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass
class Response:
    hours: list[float] = field(default_factory=list)  # answered items, working hours
    within: int = 0  # answered within their SLA
    counted: int = 0  # answered, or unanswered past their SLA


@dataclass
class Emergencies:
    minutes: list[float] = field(default_factory=list)  # answered ones
    within: int = 0
    counted: int = 0


@dataclass
class IssueFigures:
    logged: int = 0
    resolved: int = 0
    on_time: int = 0
    days: list[float] = field(default_factory=list)  # working days to resolve, resolved ones
    open_late: int = 0


@dataclass
class Figures:
    response: Response
    emergencies: Emergencies
    confirmed: int
    on_time: int
    no_deadline: int  # confirmed items without a deadline: not counted in the on-time rate
    done_reports: int
    rejections: int
    escalations: int
    blocked_hours: float
    deadline_changes: int
    issues: dict[str, IssueFigures]


def first_response(item: Item) -> ItemEvent | None:
    return next((h for h in item.history if h.action in RESPONSES), None)


def _sla(item: Item, policy: Policy) -> tuple[float, bool]:
    """(window, in working hours?) of the item's first answer."""
    if item.urgency == "emergency":
        return policy.emergency_response_minutes / 60, False
    return (policy.urgent_response_hours if item.urgency == "urgent" else policy.response_hours), True


def deadline_in_force(item: Item, moment: datetime) -> datetime | None:
    """The deadline as it stood at `moment`: the creation's, moved by each /extend made by then."""
    deadline = None
    for row in item.history:
        if row.at > moment:
            break
        if row.action == "created" and (row.data or {}).get("deadline"):
            deadline = datetime.fromisoformat(row.data["deadline"])
        elif row.action == "extend" and (row.data or {}).get("new"):
            deadline = datetime.fromisoformat(row.data["new"])
    return deadline


def _blocked(item: Item, now: datetime, calendar: WorkCalendar) -> timedelta:
    total, since = timedelta(), None
    for row in item.history:
        if row.to_status == "blocked" and since is None:
            since = row.at
        elif row.to_status != "blocked" and since is not None:
            total += calendar.working_time_between(since, row.at)
            since = None
    if since is not None:
        total += calendar.working_time_between(since, now)
    return total


def _responses(items: list[Item], emergencies: list[Issue], policy: Policy, calendar: WorkCalendar,
               now: datetime) -> tuple[Response, Emergencies]:
    response, urgent = Response(), Emergencies()
    for item in items:
        window, working = _sla(item, policy)
        answer = first_response(item)
        if not working:  # an emergency request: wall-clock minutes, counted with the emergencies
            limit = item.created_at + timedelta(hours=window)
            if answer is not None:
                urgent.minutes.append((answer.at - item.created_at).total_seconds() / 60)
            if answer is not None or now > limit:
                urgent.counted += 1
                urgent.within += answer is not None and answer.at <= limit
            continue
        limit = calendar.add_working_hours(item.created_at, window)
        if answer is not None:
            response.hours.append(calendar.working_time_between(item.created_at, answer.at).total_seconds() / 3600)
        if answer is not None or now > limit:
            response.counted += 1
            response.within += answer is not None and answer.at <= limit
    for issue in emergencies:
        limit = issue.created_at + timedelta(minutes=policy.emergency_response_minutes)
        if issue.responded_at is not None:
            urgent.minutes.append((issue.responded_at - issue.created_at).total_seconds() / 60)
        if issue.responded_at is not None or now > limit:
            urgent.counted += 1
            urgent.within += issue.responded_at is not None and issue.responded_at <= limit
    return response, urgent


def _issue_figures(issues: list[Issue], calendar: WorkCalendar, now: datetime) -> dict[str, IssueFigures]:
    day = calendar.working_day_length()
    found = {s: IssueFigures() for s in ("minor", "medium", "major")}
    for issue in issues:
        f = found[issue.severity or "minor"]
        f.logged += 1
        if issue.resolved_at is None:
            f.open_late += now > issue.due_at
            continue
        f.resolved += 1
        f.on_time += issue.resolved_at <= issue.due_at
        f.days.append(calendar.working_time_between(issue.created_at, issue.resolved_at) / day)
    return found


def compute(*, items: list[Item], issues: list[Issue], policy: Policy, calendar: WorkCalendar,
            now: datetime) -> Figures:
    """The figures of `items` and `issues` (those in the retrospective's scope) at `now`."""
    confirmed = on_time = no_deadline = 0
    for item in items:
        confirm = next((h for h in reversed(item.history) if h.action == "confirm"), None)
        if item.status != "confirmed" or confirm is None:
            continue
        accepted = next((h for h in reversed(item.history) if h.action == "done" and h.id < confirm.id), None)
        deadline = deadline_in_force(item, accepted.at) if accepted else None
        if deadline is None:
            no_deadline += 1
            continue
        confirmed += 1
        on_time += accepted is not None and accepted.at <= deadline
    rows = [h for item in items for h in item.history]
    response, urgent = _responses(items, [i for i in issues if i.kind == "emergency"], policy, calendar, now)
    return Figures(
        response=response, emergencies=urgent, confirmed=confirmed, on_time=on_time, no_deadline=no_deadline,
        done_reports=sum(h.action == "done" for h in rows), rejections=sum(h.action == "reject" for h in rows),
        escalations=sum(h.action == "escalate" for h in rows) + sum(i.escalations for i in issues),
        blocked_hours=sum((_blocked(i, now, calendar) for i in items), timedelta()).total_seconds() / 3600,
        deadline_changes=sum(h.action == "extend" for h in rows),
        issues=_issue_figures([i for i in issues if i.kind == "issue"], calendar, now),
    )


def median(values: list[float]) -> float:
    return statistics.median(values)
