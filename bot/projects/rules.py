"""The rules of projects: who may do what, progress, late milestones, the on-time rate."""

from __future__ import annotations

from datetime import datetime

from bot.context import Ctx, UserError
from bot.directory import at
from bot.projects.strings import t
from storage.models import Item, Milestone, Project

ACTIVE = ("open", "in_progress", "blocked")
FINISHED = ("done", "confirmed")


def is_late(item: Item, now: datetime) -> bool:
    return item.status in ACTIVE and item.deadline is not None and item.deadline <= now


def counted(items: list[Item]) -> list[Item]:
    """The items progress is counted over: a cancelled one is no longer part of the plan."""
    return [i for i in items if i.status != "cancelled"]


def progress(items: list[Item]) -> tuple[int, int, int]:
    """(percent, confirmed, total): the mean of the items' progress, one reported done at 100%
    (so "100%, 6/7 confirmed" while the initiator has yet to check the last one)."""
    plan = counted(items)
    if not plan:
        return 0, 0, 0
    percent = round(sum(100 if i.status in FINISHED else i.progress for i in plan) / len(plan))
    return percent, sum(1 for i in plan if i.status == "confirmed"), len(plan)


def on_time(items: list[Item]) -> tuple[int, int]:
    """(on time, confirmed with a deadline): reported done at or before the deadline in force."""
    confirmed = [i for i in items if i.status == "confirmed" and i.deadline is not None]
    return sum(1 for i in confirmed if i.done_at and i.deadline and i.done_at <= i.deadline), len(confirmed)


def rate(lang: str, items: list[Item]) -> str:
    hits, total = on_time(items)
    if not total:
        return t(lang, "none")
    return t(lang, "on_time", rate=f"{100 * hits / total:.0f}%", on_time=hits, total=total)


def milestone_state(milestone: Milestone, items: list[Item], now: datetime) -> str:
    """late when any of its items is (or its day has passed with work unfinished); done when all are
    confirmed. An item reported done in time and awaiting confirmation is not late work."""
    plan = counted(items)
    if not plan:
        return "late" if milestone.due_at <= now else "empty"
    if any(is_late(i, now) for i in plan):
        return "late"
    if all(i.status == "confirmed" for i in plan):
        return "done"
    unfinished = any(i.status in ACTIVE for i in plan)
    return "late" if milestone.due_at <= now and unfinished else "on_track"


def may_steer(ctx: Ctx, project: Project) -> bool:
    """The creator, the lead department's head, the chat's managers or the admins."""
    actor = ctx.actor
    head = project.lead_department.head_id if project.lead_department else None
    return (actor.id in (project.creator_id, head) or actor.user_id in ctx.policy.managers
            or actor.user_id in ctx.policy.admins)


def check_steer(ctx: Ctx, project: Project, action: str) -> None:
    if may_steer(ctx, project):
        return
    lead = project.lead_department
    head = t(ctx.lang, "e.closers_head", head=at(lead.head)) if lead and lead.head else ""
    raise UserError(t(ctx.lang, "e.only_closers", creator=at(project.creator), head=head,
                      managers=t(ctx.lang, "e.closers_managers"), action=t(ctx.lang, action, name=project.name)))


def check_open(ctx: Ctx, project: Project, action: str) -> None:
    if project.status != "open":
        raise UserError(t(ctx.lang, "e.project_closed", name=project.name, action=t(ctx.lang, action)))


def check_item_person(ctx: Ctx, item: Item, action: str) -> None:
    """Only the item's initiator or owner may place it in a project or set what it waits for."""
    if ctx.actor.id in (item.initiator_id, item.owner_id):
        return
    raise UserError(t(ctx.lang, "e.only_item_people", id=item.number, initiator=at(item.initiator),
                      owner=at(item.owner), action=t(ctx.lang, action)))
