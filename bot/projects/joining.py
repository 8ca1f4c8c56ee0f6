"""What the item commands ask of projects: placing a new item, and the lines /show adds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.context import Ctx
from bot.deadlines import format_deadline
from bot.items.strings import status_label
from bot.projects import critical, store
from bot.projects.marker import Placement
from bot.projects.rules import ACTIVE
from bot.projects.strings import t
from storage.models import Item, Milestone


def join_new_item(ctx: Ctx, item: Item, placement: Placement | None) -> tuple[str, ...]:
    """Place a just-created item where its `项目 NAME` marker said; the lines its card shows about it."""
    if placement is None:
        return ()
    store.place(ctx.session, item=item, project=placement.project, milestone=placement.milestone,
                by=ctx.actor, now=ctx.now)
    return (t(ctx.lang, "joined", where=placement.label()), *late_for_milestone(ctx, item, placement.milestone))


def late_for_milestone(ctx: Ctx, item: Item, milestone: Milestone | None) -> list[str]:
    """A note when the item is due after the milestone it joins."""
    if milestone is None or item.deadline is None or item.deadline <= milestone.due_at:
        return []
    fmt = lambda d: format_deadline(d, lang=ctx.lang, calendar=ctx.calendar)  # noqa: E731
    return [t(ctx.lang, "after_milestone", id=item.number, deadline=fmt(item.deadline), name=milestone.name,
              due=fmt(milestone.due_at))]


def waiting_on(ctx: Ctx, item: Item) -> list[str]:
    """Reported done while something it waits for is unfinished: say so (it cannot really be finished)."""
    return [t(ctx.lang, "done_waiting", id=item.number, dep=d.number, title=d.title,
              status=status_label(ctx.lang, d.kind, d.status))
            for d in critical.waits_for(ctx.session, item) if d.status in ACTIVE]


def show_lines(ctx: Ctx, item: Item) -> list[str]:
    """/show #N: its project and milestone, what it waits for and what waits for it, and why it is at risk."""
    lines = []
    row = store.placement_of(ctx.session, item)
    if row is not None:
        where = row.project.name + (f"/{row.milestone.name}" if row.milestone else "")
        lines.append(t(ctx.lang, "show.project", name=where))
    waits, needed = critical.neighbours(ctx.session, item)

    def listed(items: list[Item]) -> str:
        return "、".join(t(ctx.lang, "dep.item", id=i.number, status=status_label(ctx.lang, i.kind, i.status))
                        for i in items)

    if waits:
        lines.append(t(ctx.lang, "show.depends", items=listed(waits)))
    if needed:
        lines.append(t(ctx.lang, "show.needed_by", items=listed(needed)))
    if waits:
        edges = critical.edges_of_chats(ctx.session, [item.chat_id])
        reach = critical.path_ids(edges, item.id)
        known = {i.id: i for i in ctx.session.scalars(select(Item).where(Item.id.in_(reach))
                                                     .options(selectinload(Item.owner)))} | {item.id: item}
        lines += [t(ctx.lang, "show.risk", cause=critical.cause_text(ctx.lang, c, ctx.now, ctx.calendar))
                  for c in critical.causes(item, edges, known, ctx.now)]
    return lines
