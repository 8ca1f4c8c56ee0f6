"""When each reminder of an item falls due: the rules of DOMAIN.md as plain arithmetic.

A reminder's key names the item and what it is about (e.g. the deadline it concerns),
so it is issued once; moving a deadline re-arms the deadline reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.policy import Policy
from bot.worktime import WorkCalendar
from storage.models import Item

# Within a family only the most advanced reminder due at once is sent (after downtime,
# "overdue" replaces a stale "due tomorrow").
RANK = {"nudge1": 1, "nudge2": 2, "warn": 1, "overdue": 2, "escalate": 3, "risk": 1}
FAMILY = {"nudge1": "response", "nudge2": "response", "warn": "deadline", "overdue": "deadline",
          "escalate": "deadline", "risk": "risk"}
# Said to one person in the group; these count against the per-person daily cap and bundle.
PERSONAL = frozenset({"nudge1", "warn", "overdue"})


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    item_id: int
    at: datetime  # when it may go out (working time, after any snooze)

    @property
    def family(self) -> str:
        return FAMILY[self.kind]


def response_period(item: Item, policy: Policy) -> tuple[float, bool]:
    """(length, in working hours?) of the window a request has for its first answer."""
    if item.urgency == "emergency":
        return policy.emergency_response_minutes / 60, False
    if item.urgency == "urgent":
        return policy.urgent_response_hours, True
    return policy.response_hours, True


def _after(start: datetime, hours: float, working: bool, calendar: WorkCalendar) -> datetime:
    return calendar.add_working_hours(start, hours) if working else start + timedelta(hours=hours)


def item_dues(item: Item, *, policy: Policy, calendar: WorkCalendar,
              risk_mark: tuple[int, datetime] | None = None) -> list[Due]:
    """Every reminder the item will need, issued or not, with the time it may go out.

    `risk_mark` is (id, time) of the history row that marked a high risk; the sweep reads
    them for all items in one query, otherwise the item's history is read here.
    """
    urgent = item.urgency == "emergency"

    def due(key: str, kind: str, at: datetime) -> Due:
        if item.snoozed_until and item.snoozed_until > at:
            at = item.snoozed_until
        if not urgent:
            at = calendar.next_working_moment(at)
        return Due(key, kind, item.id, at)

    found: list[Due] = []
    if item.kind == "request" and item.status == "open" and item.acknowledged_at is None:
        hours, working = response_period(item, policy)
        first = _after(item.created_at, hours, working, calendar)
        found.append(due(f"nudge1:{item.id}", "nudge1", first))
        found.append(due(f"nudge2:{item.id}", "nudge2", _after(first, hours, working, calendar)))
    if item.deadline is not None and item.status in ("open", "in_progress", "blocked"):
        stamp = item.deadline.strftime("%Y%m%dT%H%M")
        # "1 working day before": the start of the working day(s) before the deadline's day.
        deadline_day = item.deadline.astimezone(calendar.tz).date()
        warn_day = calendar.previous_working_day(deadline_day, policy.warn_working_days_before)
        warn_at = datetime.combine(warn_day, calendar.config.work_start, tzinfo=calendar.tz)
        if policy.warn_working_days_before and warn_at > item.created_at:
            found.append(due(f"warn:{item.id}:{stamp}", "warn", warn_at))
        found.append(due(f"overdue:{item.id}:{stamp}", "overdue", item.deadline))
        late_at = calendar.add_working_days(item.deadline, policy.escalate_after_working_days)
        found.append(due(f"escalate:{item.id}:{stamp}", "escalate", late_at))
    if item.risk == "high" and item.status in ("open", "in_progress", "blocked"):
        if risk_mark is None:
            marked = next((h for h in reversed(item.history) if h.action in ("block", "risk")), None)
            risk_mark = (marked.id, marked.at) if marked else None
        if risk_mark is not None:
            found.append(due(f"risk:{item.id}:{risk_mark[0]}", "risk", risk_mark[1]))
    return found
