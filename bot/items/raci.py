"""Changing an item's RACI roles: the approver (A), the people consulted (C) and informed (I).

Only the initiator names them. Each role that changes is a row of the item's history.
"""

from __future__ import annotations

from bot.context import Ctx, UserError
from bot.directory import at
from bot.items import actions, roles, states
from bot.items.strings import status_label, t
from storage.models import Item, ItemRole, User

APPROVER = "A"
ORDER = (APPROVER, roles.CONSULTED, roles.INFORMED)


def holders(item: Item, role: str) -> list[User]:
    if role == APPROVER:
        return [item.approver] if item.approver else []
    return roles.people(item, role)


def check_may_set(ctx: Ctx, item: Item) -> None:
    if item.status in states.FINAL:
        raise UserError(t(ctx.lang, "e.closed", id=item.number, status=status_label(ctx.lang, item.kind, item.status),
                          action=t(ctx.lang, "a.raci")))
    if ctx.actor.id != item.initiator_id:
        raise UserError(t(ctx.lang, "e.only_initiator_raci", initiator=at(item.initiator), id=item.number))


def set_roles(ctx: Ctx, item: Item, wanted: dict[str, list[User]]) -> None:
    """Give each role in `wanted` exactly the people listed (none: cleared); other roles stay."""
    check_may_set(ctx, item)
    approver = wanted.get(APPROVER) or []
    if len(approver) > 1:
        raise UserError(t(ctx.lang, "e.one_role_approver"))
    if approver and approver[0].id == item.owner_id:
        raise UserError(t(ctx.lang, "e.owner_as_approver", owner=at(item.owner), id=item.number))
    changed = False
    for role in ORDER:
        if role not in wanted:
            continue
        new = list({u.id: u for u in wanted[role]}.values())
        old = holders(item, role)
        if {u.id for u in old} == {u.id for u in new}:
            continue
        _assign(item, role, new)
        changed = True
        names = lambda users: "、".join("@" + u.name for u in users) or "—"  # noqa: E731
        actions.record(session=ctx.session, item=item, actor=ctx.actor, action="raci", now=ctx.now,
                       from_status=item.status, note=f"{role}: {names(old)} → {names(new)}",
                       data={"role": role, "old": [u.user_id for u in old], "new": [u.user_id for u in new]})
    if not changed:  # nothing to tell anyone: plain names
        ctx.reply(t(ctx.lang, "r.raci_same", id=item.number, roles=roles.summary(ctx.lang, item, ping=False)),
                  item_ids=(item.id,), thread_of=item.id)
        return
    actions.say(ctx, item, t(ctx.lang, "r.raci", id=item.number, actor=at(ctx.actor),
                             roles=roles.summary(ctx.lang, item)))


def _assign(item: Item, role: str, users: list[User]) -> None:
    if role == APPROVER:
        item.approver = users[0] if users else None
        return
    keep = {u.id for u in users}
    for row in [r for r in item.roles if r.role == role and r.user_id not in keep]:
        item.roles.remove(row)
    present = {r.user_id for r in item.roles if r.role == role}
    item.roles.extend(ItemRole(user=u, user_id=u.id, role=role) for u in users if u.id not in present)
