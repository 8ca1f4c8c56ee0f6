"""Changes to an item's terms rather than its progress: who owns it, when it is done, why it was sent back.

Each is a row of the item's history (the handbooks' 调整说明: who, when, why).
"""

from __future__ import annotations

from bot.context import Ctx, UserError
from bot.directory import at, chat_label, heads_of, member_ids
from bot.events import OutgoingMessage
from bot.items import actions, states
from bot.items.strings import status_label, t
from storage.models import Department, Item, ItemEvent, User


def set_standard(ctx: Ctx, item: Item, standard: str) -> None:
    """Record the completion standard (完成标准), against which the initiator will confirm."""
    actions.check_allowed(ctx, item, "standard")
    before = item.standard
    item.standard = standard
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="standard", now=ctx.now,
                   from_status=item.status, note=standard, data={"old": before})
    actions.say(ctx, item, t(ctx.lang, "r.standard", id=item.number, standard=standard, actor=at(ctx.actor)))


def may_reassign(item: Item, user: User, heads: list[User]) -> bool:
    """The initiator, or the head of the owner's department."""
    return user.id == item.initiator_id or any(h.id == user.id for h in heads)


def owner_heads(ctx: Ctx, item: Item) -> list[User]:
    heads = [item.department.head] if item.department is not None and item.department.head else []
    if item.owner is not None:
        heads += heads_of(session=ctx.session, user=item.owner)
    return list(dict.fromkeys(heads))


def reassign(ctx: Ctx, item: Item, owner: User, department: Department | None, reason: str) -> None:
    """Hand the item to `owner` (of `department`, when it was addressed to one), and tell them."""
    if item.status in states.FINAL:
        raise UserError(t(ctx.lang, "e.closed", id=item.number, status=status_label(ctx.lang, item.kind, item.status),
                          action=t(ctx.lang, "a.reassign")))
    heads = owner_heads(ctx, item)
    if not may_reassign(item, ctx.actor, heads):
        who = " ".join(["@" + item.initiator.name] + ["@" + h.name for h in heads])
        raise UserError(t(ctx.lang, "e.only_reassigner", id=item.number, who=who))
    if owner.id == item.owner_id:
        raise UserError(t(ctx.lang, "e.same_owner", id=item.number, owner=at(owner)))
    previous = item.owner
    item.owner = owner
    if department is not None:
        item.department = department
    elif item.department is not None and owner.id not in member_ids(item.department):
        item.department = None  # handed outside the department it was addressed to
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="reassign", now=ctx.now,
                   from_status=item.status, note=reason,
                   data={"from": previous.user_id if previous else None, "to": owner.user_id, "reason": reason,
                         "from_name": previous.name if previous else None, "to_name": owner.name})
    actions.say(ctx, item, t(ctx.lang, "r.reassign", id=item.number, actor=at(ctx.actor),
                             old=at(previous), new=at(owner), reason=reason))
    if owner.id != ctx.actor.id:
        ctx.post(OutgoingMessage(
            key=f"reassign:{ctx.event.platform}:{ctx.event.event_id}:{owner.user_id}", platform=ctx.event.platform,
            user_id=owner.user_id, item_ids=(item.id,), created_at=ctx.now,
            text=t(ctx.lang, "dm.reassigned", actor=at(ctx.actor), id=item.number, title=item.title,
                   chat=chat_label(item.chat), reason=reason, old=at(previous)),
        ))


def give_reject_reason(ctx: Ctx, item: Item, rejection: ItemEvent, reason: str) -> None:
    """The reason for a rejection made with ❌ or the button, given afterwards by the rejecter."""
    rejection.note = reason
    rejection.data = {**(rejection.data or {}), "reason_pending": False}
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="reject_reason", now=ctx.now,
                   from_status=item.status, note=reason, bump=False)
    ctx.reply(t(ctx.lang, "r.reject_reason", id=item.number, actor=at(ctx.actor), reason=reason,
                owner=at(item.owner)), item_ids=(item.id,), thread_of=item.id)
