"""/raci (who approves, who is consulted, who is kept informed) and the answers to a deadline proposal:
/approve, /decline, the proposal message's buttons and ✅ / ❌ on it."""

from __future__ import annotations

from sqlalchemy import select

from bot.commands import grammar
from bot.commands.items import item_and_rest, load_item_by_id, resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.items import proposals, raci, roles
from bot.items import strings as item_strings
from storage.models import DeadlineProposal, OutboxMessage, User

# A role word stands on its own, followed by a mention, a colon, "none" or the end.
_AFTER = r"\s*[:：]?(?=\s*(?:@|<@|‹@|无|none|-|$))"
ROLE_MARKERS = {
    raci.APPROVER: r"(?<![^\s,，;；、])(?:a|approver|审批人?|验收人)" + _AFTER,
    roles.CONSULTED: r"(?<![^\s,，;；、])(?:c|consulted|consult|咨询人?)" + _AFTER,
    roles.INFORMED: r"(?<![^\s,，;；、])(?:i|informed|inform|知会人?)" + _AFTER,
}
CLEAR = ("无", "none", "-", "—")


def cmd_raci(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "raci")
    head, segments = grammar.split_markers(rest, ROLE_MARKERS)
    if head:
        raise UserError(item_strings.t(ctx.lang, "e.role_stray", words=head, role="A / C / I") + "\n"
                        + usage(ctx.lang, "raci"))
    if not segments:  # "/raci #3": show who holds what
        raci.check_may_set(ctx, item)
        ctx.reply(item_strings.t(ctx.lang, "r.raci_show", id=item.number, roles=roles.summary(ctx.lang, item, ping=False))
                  + "\n" + usage(ctx.lang, "raci"), item_ids=(item.id,), thread_of=item.id)
        return
    raci.check_may_set(ctx, item)  # refuse before naming unknown people
    wanted = {role: _people(ctx, role, segment) for role, segment in segments.items()}
    raci.set_roles(ctx, item, wanted)


def _people(ctx: Ctx, role: str, segment: str) -> list[User]:
    name = item_strings.t(ctx.lang, f"role.{role}")
    if segment.strip().lower() in CLEAR:
        return []
    refs, stray = grammar.take_people(segment)
    if stray:
        raise UserError(item_strings.t(ctx.lang, "e.role_stray", words=stray, role=name) + "\n"
                        + usage(ctx.lang, "raci"))
    if not refs:
        raise UserError(item_strings.t(ctx.lang, "e.role_need_people", role=name) + "\n" + usage(ctx.lang, "raci"))
    users = []
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.user is None:
            raise UserError(t(ctx.lang, "dept.dept_as_person", name=ref.name))
        users.append(target.user)
    return users


def cmd_approve(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "approve")
    proposals.decide_open(ctx, item, "approve", note or None)


def cmd_decline(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "decline")
    proposals.check_may_decide(ctx, item, "decline")
    if not reason:
        raise UserError(t(ctx.lang, "need_reason") + "\n" + usage(ctx.lang, "decline"))
    proposals.decide_open(ctx, item, "decline", reason)


def answer_button(ctx: Ctx, action: str, proposal_id: int) -> None:
    """同意 / 拒绝 pressed on a proposal's message."""
    proposal = ctx.session.get(DeadlineProposal, proposal_id)
    if proposal is None:
        raise UserError(item_strings.t(ctx.lang, "e.no_item", id=proposal_id))
    item = load_item_by_id(ctx, proposal.item_id)
    proposals.decide(ctx, item, proposal, action)


REACTIONS = {"✅": "approve", "❌": "decline"}


def answer_reaction(ctx: Ctx) -> bool:
    """✅ / ❌ on a proposal's message; False when the message is no proposal."""
    action = REACTIONS.get(ctx.event.reaction or "")
    if action is None or not ctx.event.target_message_id:
        return False
    keys = ctx.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.platform == ctx.event.platform,
        OutboxMessage.platform_message_id == ctx.event.target_message_id))
    found = next((pid for key in keys if (pid := proposals.proposal_id_of_key(key)) is not None), None)
    if found is None:
        return False
    answer_button(ctx, action, found)
    return True


