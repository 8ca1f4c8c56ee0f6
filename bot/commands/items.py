"""Item commands after creation: find the item by its number, parse the line, hand over to actions.

Creation (/todo, /ask) lives in bot.commands.create.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from bot.commands import grammar, when
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.deadlines import DeadlineError
from bot.directory import Target, chat_label, counterpart, member_ids, resolve
from bot.items import actions, changes, proposals
from bot.items import strings as item_strings
from bot.items.states import FINAL
from storage.models import Chat, Department, DepartmentMember, Item

ETA = r"(?<!\S)(?:预计|eta|expected)\s*[:：]?"
RISK_WORDS = {"high": ("高", "高风险", "风险", "high"), "normal": ("正常", "低", "normal", "low", "ok")}


def resolve_target(ctx: Ctx, ref: grammar.MentionRef) -> Target:
    target = resolve(session=ctx.session, platform=ctx.event.platform, tenant=ctx.event.tenant, ref=ref)
    if target is None:
        raise UserError(item_strings.t(ctx.lang, "e.unknown_person", name="@" + ref.name))
    return target


def load_item(ctx: Ctx, number: int) -> Item:
    """The item `#number` of this chat (a direct chat: of the chats one is involved in), or a refusal.

    The row is locked until the event commits, so two events on one item (two replicas,
    two worker threads) apply one after the other, each to the state the other left.
    """
    here = select(Item.id).where(Item.chat_id == ctx.chat.id, Item.number == number)
    if not ctx.event.is_direct:
        item_id = ctx.session.scalar(here)
        if item_id is None:
            elsewhere = _involving_actor(ctx, number)
            if len(elsewhere) == 1:
                raise UserError(item_strings.t(ctx.lang, "e.other_chat", id=number, title=elsewhere[0].title,
                                               chat=chat_label(elsewhere[0].chat)))
            raise UserError(item_strings.t(ctx.lang, "e.no_item", id=number))
        return load_item_by_id(ctx, item_id)
    found = {i.id: i for i in _involving_actor(ctx, number)}
    found.update({i.id: i for i in ctx.session.scalars(select(Item).where(Item.id.in_(here)))})
    candidates = list(found.values())
    if len(candidates) > 1:  # the same number in several chats: the open one, if only one is
        candidates = [i for i in candidates if i.status not in FINAL] or candidates
    if not candidates:
        raise UserError(item_strings.t(ctx.lang, "e.no_item", id=number))
    if len(candidates) > 1:
        where = "、".join(item_strings.t(ctx.lang, "e.which_line", id=number, title=i.title, chat=chat_label(i.chat))
                         for i in candidates)
        raise UserError(item_strings.t(ctx.lang, "e.which", id=number, items=where))
    return load_item_by_id(ctx, candidates[0].id)


def _involving_actor(ctx: Ctx, number: int) -> list[Item]:
    """Items numbered `number` in other chats of this platform that the actor owns, asked or approves."""
    me = ctx.actor.id
    departments = select(DepartmentMember.department_id).where(DepartmentMember.user_id == me).union(
        select(Department.id).where(Department.head_id == me))
    return list(ctx.session.scalars(select(Item).join(Item.chat).where(
        Item.number == number, Item.chat_id != ctx.chat.id, Chat.platform == ctx.event.platform,
        or_(Item.owner_id == me, Item.initiator_id == me, Item.approver_id == me,
            Item.department_id.in_(departments))).order_by(Item.id)))


def load_item_by_id(ctx: Ctx, item_id: int) -> Item:
    """The item with internal id `item_id` (a button, a reaction), as this chat may act on it."""
    item = ctx.session.get(Item, item_id, with_for_update=True)
    if item is None or item.chat.platform != ctx.event.platform:
        raise UserError(item_strings.t(ctx.lang, "e.no_item", id=item_id))
    if item.chat_id != ctx.chat.id:
        if not ctx.event.is_direct:
            raise UserError(item_strings.t(ctx.lang, "e.other_chat", id=item.number, title=item.title,
                                           chat=chat_label(item.chat)))
        if not involved(ctx.actor, item):
            raise UserError(item_strings.t(ctx.lang, "e.no_item", id=item.number))
    return item


def involved(user, item: Item) -> bool:
    if user.id in (item.owner_id, item.initiator_id, item.approver_id):
        return True
    return item.department is not None and user.id in member_ids(item.department)


def item_and_rest(ctx: Ctx, rest: str, command: str) -> tuple[Item, str]:
    item_id, rest = grammar.take_item_ref(rest)
    if item_id is None:
        raise UserError(t(ctx.lang, "need_item") + "\n" + usage(ctx.lang, command))
    return load_item(ctx, item_id), rest


def _require(ctx: Ctx, value: str, what: str, command: str) -> str:
    if not value:
        raise UserError(t(ctx.lang, what) + "\n" + usage(ctx.lang, command))
    return value


def cmd_ack(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "ack")
    actions.ack(ctx, item, note or None)


def cmd_progress(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "progress")
    word, _, note = rest.partition(" ")
    percent = grammar.parse_percent(word)
    if percent is None:
        raise UserError(t(ctx.lang, "need_percent") + "\n" + usage(ctx.lang, "progress"))
    actions.progress(ctx, item, percent, note.strip() or None)


def cmd_block(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "block")
    reason, parts = grammar.split_markers(rest, {"eta": ETA})
    _require(ctx, reason, "need_reason", "block")
    eta = when.read(ctx, parts["eta"]).when if parts.get("eta") else None
    actions.block(ctx, item, reason, eta)


def cmd_done(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "done")
    actions.done(ctx, item, note or None)


def cmd_confirm(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "confirm")
    actions.confirm(ctx, item, note or None)


def cmd_reject(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "reject")
    pending = actions.pending_rejection(item, ctx.actor)
    if pending is not None and item.status != "done":  # the reason for a ❌ given earlier
        changes.give_reject_reason(ctx, item, pending, _require(ctx, reason, "need_reason", "reject"))
        return
    actions.check_allowed(ctx, item, "reject")
    actions.reject(ctx, item, _require(ctx, reason, "need_reason", "reject"))


def cmd_standard(ctx: Ctx, rest: str) -> None:
    item, standard = item_and_rest(ctx, rest, "standard")
    changes.set_standard(ctx, item, _require(ctx, standard, "need_standard", "standard"))


def cmd_reassign(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "reassign")
    refs, reason = grammar.take_leading_mentions(rest)
    if not refs:
        raise UserError(t(ctx.lang, "need_owner") + "\n" + usage(ctx.lang, "reassign"))
    if len(refs) > 1:
        raise UserError(t(ctx.lang, "one_new_owner"))
    target = resolve_target(ctx, refs[0])
    owner = target.user
    if target.department is not None:
        owner = counterpart(target.department)
        if owner is None:
            raise UserError(item_strings.t(ctx.lang, "e.no_counterpart", dept=target.department.name))
    changes.reassign(ctx, item, owner, target.department, _require(ctx, reason, "need_reason", "reassign"))


def cmd_extend(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "extend")
    actions.check_allowed(ctx, item, "extend")
    _require(ctx, rest, "need_deadline", "extend")
    try:
        reading = when.read_first(ctx, rest)
    except DeadlineError as err:
        raise UserError(when.deadline_error(ctx, err.text or rest.split(" ")[0], err) + "\n"
                        + usage(ctx.lang, "extend")) from None
    reason = _require(ctx, reading.rest, "need_reason", "extend")
    if not proposals.may_decide(ctx, item):  # the owner asks; the initiator or A decides
        proposals.propose(ctx, item, reading.when, reason, notes=tuple(when.notes(ctx, reading)))
        return
    actions.extend(ctx, item, reading.when, reason, notes=tuple(when.notes(ctx, reading)))
    proposals.overtake(ctx, item)


def cmd_cancel(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "cancel")
    actions.cancel(ctx, item, reason or None)


def cmd_risk(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "risk")
    word, _, reason = rest.partition(" ")
    risk = next((r for r, words in RISK_WORDS.items() if word.lower() in words), None)
    if risk is None:
        raise UserError(t(ctx.lang, "need_risk") + "\n" + usage(ctx.lang, "risk"))
    actions.set_risk(ctx, item, risk, reason.strip() or None)

