"""When each reminder of an item falls due: the rules of DOMAIN.md as plain arithmetic.

A reminder's key names the item and what it is about (e.g. the deadline it concerns),
so it is issued once; moving a deadline re-arms the deadline reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.policy import Policy
from bot.retro import rules as retro_rules
from bot.worktime import WorkCalendar
from storage.models import Issue, Item, Project

# Within a family only the most advanced reminder due at once is sent (after downtime,
# "overdue" replaces a stale "due tomorrow"); a step of the ladder also tells the rungs
# below it that were not told yet. The owner's own reminders of a request (nudge1, nudge2)
# and the climb above them are families of their own, so after downtime both are said.
RANK = {"nudge1": 1, "nudge2": 2, "climb3": 3, "climb4": 4, "warn": 1, "overdue": 2, "escalate": 3,
        "escalate2": 4, "risk": 1, "risk2": 2, "standard": 1, "unconfirmed": 1}
FAMILY = {"nudge1": "response", "nudge2": "response", "climb3": "climb", "climb4": "climb",
          "warn": "deadline", "overdue": "deadline", "escalate": "deadline", "escalate2": "deadline",
          "risk": "risk", "risk2": "risk", "standard": "standard", "unconfirmed": "minutes"}
# Said to one person in the group; these count against the per-person daily cap, wait for the
# gap between two reminders to the same person, and are bundled.
PERSONAL = frozenset({"nudge1", "nudge2", "warn", "overdue", "standard", "unconfirmed"})
# Steps of the escalation ladder: recorded in the item's history, once per item and deadline.
LADDER = frozenset({"nudge1", "nudge2", "climb3", "climb4", "overdue", "escalate", "escalate2", "risk", "risk2"})


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    item_id: int
    at: datetime  # when it may go out (working time, after any snooze)
    scope: str = ""  # what the ladder climbs for: "response", "deadline:<stamp>", "risk:<mark>"

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

    def due(key: str, kind: str, at: datetime, scope: str = "") -> Due:
        if item.snoozed_until and item.snoozed_until > at:
            at = item.snoozed_until
        if not urgent:
            at = calendar.next_working_moment(at)
        return Due(key, kind, item.id, at, scope)

    found: list[Due] = []
    active = item.status in ("open", "in_progress", "blocked")
    if item.kind == "request" and item.status == "open" and item.acknowledged_at is None:
        hours, working = response_period(item, policy)
        moment = item.created_at
        # One window for the owner, a second one (owner again, and the next rung), then one
        # more rung per further window: liaison, department head, the chat's managers.
        for kind in ("nudge1", "nudge2", "climb3", "climb4"):
            moment = _after(moment, hours, working, calendar)
            found.append(due(f"{kind}:{item.id}", kind, moment, "response"))
    if item.kind == "action" and not item.standard and active and policy.standard_reminder_hours:
        found.append(due(f"standard:{item.id}", "standard",
                         calendar.add_working_hours(item.created_at, policy.standard_reminder_hours)))
    if item.minutes_id is not None and item.acknowledged_at is None and active and _not_disputed(item):
        # An owner who has not confirmed their line of the minutes is nudged once, by name.
        found.append(due(f"unconfirmed:{item.id}", "unconfirmed",
                         calendar.add_working_days(item.created_at, policy.minutes_confirm_working_days)))
    if item.deadline is not None and active:
        stamp = item.deadline.strftime("%Y%m%dT%H%M")
        scope = f"deadline:{stamp}"
        # "1 working day before": the start of the working day(s) before the deadline's day.
        deadline_day = item.deadline.astimezone(calendar.tz).date()
        warn_day = calendar.previous_working_day(deadline_day, policy.warn_working_days_before)
        warn_at = datetime.combine(warn_day, calendar.config.work_start, tzinfo=calendar.tz)
        if policy.warn_working_days_before and warn_at > item.created_at:
            found.append(due(f"warn:{item.id}:{stamp}", "warn", warn_at, scope))
        found.append(due(f"overdue:{item.id}:{stamp}", "overdue", item.deadline, scope))
        late_at = calendar.add_working_days(item.deadline, policy.escalate_after_working_days)
        found.append(due(f"escalate:{item.id}:{stamp}", "escalate", late_at, scope))
        found.append(due(f"escalate2:{item.id}:{stamp}", "escalate2",
                         calendar.add_working_days(late_at, policy.escalate_step_working_days), scope))
    if item.risk == "high" and active:
        if risk_mark is None:
            marked = next((h for h in reversed(item.history) if h.action in ("block", "risk")), None)
            risk_mark = (marked.id, marked.at) if marked else None
        if risk_mark is not None:
            scope = f"risk:{risk_mark[0]}"
            found.append(due(f"risk:{item.id}:{risk_mark[0]}", "risk", risk_mark[1], scope))
            found.append(due(f"risk2:{item.id}:{risk_mark[0]}", "risk2",
                             calendar.add_working_days(risk_mark[1], policy.escalate_step_working_days), scope))
    return found


def _not_disputed(item: Item) -> bool:
    """An owner who disputed their line has answered it: the poster sorts it out, no nudge."""
    return not any(row.action == "dispute" for row in item.history)
# -- The issue log and emergencies (bot/issues): their reminders, each keyed once per issue -----
# issue_escalate: an issue past its 1/3/5 working days and unresolved goes once to the next level
# (held to working time like an item's). emergency_response / emergency_plan: no answer within the
# response window, no plan within 2 hours — wall clock, nights and holidays included. The monthly
# issue summary is keyed per chat and month (issue_summary:<chat>:<YYYY-MM>).
ISSUE_KINDS = frozenset({"issue_escalate", "emergency_response", "emergency_plan"})


def issue_dues(issue: Issue, *, policy: Policy, calendar: WorkCalendar) -> list[Due]:
    """Every reminder the open issue or emergency will need (`Due.item_id` holds the issue's id)."""
    if issue.status != "open":
        return []
    if issue.kind != "emergency":
        return [Due(f"issue_escalate:{issue.id}", "issue_escalate", issue.id,
                    calendar.next_working_moment(issue.due_at))]
    found = []
    if issue.responded_at is None:
        found.append(Due(f"emergency_response:{issue.id}", "emergency_response", issue.id,
                         issue.created_at + timedelta(minutes=policy.emergency_response_minutes)))
    if issue.plan_at is None:
        found.append(Due(f"emergency_plan:{issue.id}", "emergency_plan", issue.id, issue.due_at))
    return found


ISSUE_SUMMARY_AT = time(10, 0)


def issue_summary_at(after: datetime, calendar: WorkCalendar) -> datetime:
    """The first moment after `after` for a monthly issue summary: a month's first working day, 10:00."""
    local = after.astimezone(calendar.tz).date()
    month = local.replace(day=1)
    for _ in range(3):
        first = month if calendar.is_working_day(month) else calendar.next_working_day(month)
        moment = datetime.combine(first, ISSUE_SUMMARY_AT, tzinfo=calendar.tz)
        if moment > after:
            return moment
        month = (month + timedelta(days=32)).replace(day=1)
    raise ValueError("no month start found")  # unreachable: a month ahead always has a first working day


# -- Projects (bot/projects, bot/retro): a closed project's retrospective reminder -----------------
# retro_reminder: five working days after a project closes, if no /retro PROJECT was posted since,
# its lead is reminded once in the project's chat (keyed once per project: retro_reminder:<project>).
PROJECT_KINDS = frozenset({"retro_reminder"})


def project_dues(project: Project, *, calendar: WorkCalendar) -> list[Due]:
    """Every reminder the project will need (`Due.item_id` holds the project's id): none while it is open."""
    if project.status != "closed" or project.closed_at is None:
        return []
    return [Due(retro_rules.reminder_key(project.id), "retro_reminder", project.id,
                calendar.next_working_moment(retro_rules.reminder_due_at(project.closed_at, calendar)))]
