"""Deadline proposals (改期申请): the owner asks, the initiator or the approver decides.

The deadline in force changes only on approval, so warnings, overdue notices and
escalations keep following it meanwhile. An item has at most one open proposal: a new one
replaces the old. Every step is a row of the item's history (who asked, who decided, when).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.context import Ctx, UserError, card_key
from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Button, Card, OutgoingMessage
from bot.items import actions, states
from bot.items.strings import for_policy, status_label, t
from storage.models import DeadlineProposal, Item

BUTTON_ACTIONS = ("approve", "decline")


def message_key(proposal: DeadlineProposal) -> str:
    """The outbox key of the proposal's message; its updates are `<key>:<status>`."""
    return f"proposal:{proposal.id}"


def proposal_id_of_key(key: str) -> int | None:
    kind, _, rest = key.partition(":")
    number = rest.split(":")[0]
    return int(number) if kind == "proposal" and number.isdigit() else None


def open_proposal(ctx: Ctx, item: Item) -> DeadlineProposal | None:
    return ctx.session.scalar(select(DeadlineProposal).where(
        DeadlineProposal.item_id == item.id, DeadlineProposal.status == "open").order_by(DeadlineProposal.id.desc()))


def may_decide(ctx: Ctx, item: Item) -> bool:
    """The initiator or the approver (A) decide; their own /extend applies at once."""
    return ctx.actor.id in (item.initiator_id, item.approver_id)


def deciders(item: Item) -> str:
    people = [item.initiator] + ([item.approver] if item.approver and item.approver_id != item.initiator_id else [])
    return " ".join(at(p) for p in people)


def is_late(ctx: Ctx, item: Item) -> bool:
    """Asked less than the policy's notice (2 working days) before the deadline in force."""
    notice = ctx.policy.extend_notice_working_days
    if not notice or item.deadline is None:
        return False
    return ctx.calendar.working_days_between(ctx.now, item.deadline) < notice


def _fmt(ctx: Ctx, when: datetime | None) -> str:
    return format_deadline(when, lang=ctx.lang, calendar=ctx.calendar) if when else "—"


def _status_text(ctx: Ctx, proposal: DeadlineProposal) -> str:
    if proposal.status in ("approved", "declined"):
        decided_at = proposal.decided_at.astimezone(ctx.calendar.tz).strftime("%m-%d %H:%M") if proposal.decided_at else ""
        # A plain name: the status is a field, and the console's one-line summary shows it as typed.
        who = "@" + proposal.decided_by.name if proposal.decided_by else "—"
        return t(ctx.lang, f"p.{proposal.status}", actor=who, at=decided_at)
    return t(ctx.lang, f"p.{proposal.status}")


def proposal_card(ctx: Ctx, item: Item, proposal: DeadlineProposal, lines: tuple[str, ...] = ()) -> Card:
    """The message the deciders answer: buttons while it is open, its outcome afterwards."""
    fields = (
        (t(ctx.lang, "p.f.proposer"), at(proposal.proposer)),
        (t(ctx.lang, "p.f.in_force"), _fmt(ctx, proposal.old_deadline)),
        (t(ctx.lang, "p.f.new"), _fmt(ctx, proposal.deadline)),
        (t(ctx.lang, "p.f.reason"), proposal.reason),
        (t(ctx.lang, "p.f.status"), _status_text(ctx, proposal)),
    )
    late = (t(ctx.lang, "p.late", n=ctx.policy.extend_notice_working_days),) if proposal.late else ()
    buttons: tuple[Button, ...] = ()
    if proposal.status == "open":
        lines = (*lines, t(ctx.lang, for_policy("p.ask", ctx.policy), checkers=deciders(item), id=item.number))
        buttons = (Button(t(ctx.lang, "b.approve"), f"approve:{proposal.id}", "primary"),
                   Button(t(ctx.lang, "b.decline"), f"decline:{proposal.id}", "danger"))
    return Card(title=t(ctx.lang, "p.title", id=item.number, title=item.title), fields=fields,
                lines=(*late, *lines), buttons=buttons)


def _post(ctx: Ctx, item: Item, proposal: DeadlineProposal, lines: tuple[str, ...] = ()) -> None:
    """The proposal's message, in the item's thread; later calls update it in place."""
    first = proposal.status == "open"
    ctx.post(OutgoingMessage(
        key=message_key(proposal) if first else f"{message_key(proposal)}:{proposal.status}",
        edit_of_key=None if first else message_key(proposal),
        platform=ctx.event.platform, chat_id=item.chat.chat_id, card=proposal_card(ctx, item, proposal, lines),
        reply_to_key=card_key(item.id), created_at=ctx.now,
    ))


def _close(ctx: Ctx, item: Item, proposal: DeadlineProposal, status: str, note: str | None = None) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, ctx.actor, ctx.now
    proposal.decision_note = note
    _post(ctx, item, proposal)


def propose(ctx: Ctx, item: Item, deadline: datetime, reason: str, *, notes: tuple[str, ...] = ()) -> None:
    """The owner asks to move the deadline: nothing changes until the initiator or A agrees."""
    actions.check_allowed(ctx, item, "extend")
    if item.deadline == deadline:
        raise UserError(t(ctx.lang, "e.same_deadline", id=item.number, when=_fmt(ctx, deadline)))
    previous = open_proposal(ctx, item)
    if previous is not None:
        _close(ctx, item, previous, "replaced")
    proposal = DeadlineProposal(item_id=item.id, proposer=ctx.actor, old_deadline=item.deadline, deadline=deadline,
                                reason=reason, late=is_late(ctx, item), status="open", created_at=ctx.now)
    ctx.session.add(proposal)
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="propose", now=ctx.now,
                   from_status=item.status, note=reason,
                   data={"old": item.deadline.isoformat() if item.deadline else None, "new": deadline.isoformat(),
                         "reason": reason, "late": proposal.late, "proposal": proposal.id,
                         "notice": ctx.policy.extend_notice_working_days}, bump=False)
    said = (t(ctx.lang, "p.replaces", old=_fmt(ctx, previous.deadline)),) if previous is not None else ()
    _post(ctx, item, proposal, (*said, *notes))


def check_may_decide(ctx: Ctx, item: Item, action: str) -> None:
    if item.status in states.FINAL:
        raise UserError(t(ctx.lang, "e.closed", id=item.number, status=status_label(ctx.lang, item.kind, item.status),
                          action=t(ctx.lang, f"a.{action}")))
    if not may_decide(ctx, item):
        approver = t(ctx.lang, "e.approver_suffix", approver=at(item.approver)) if item.approver else ""
        raise UserError(t(ctx.lang, "e.only_decider", initiator=at(item.initiator), approver=approver,
                          action=t(ctx.lang, f"a.{action}"), id=item.number))


def decide_open(ctx: Ctx, item: Item, action: str, reason: str | None = None) -> None:
    """/approve #N, /decline #N REASON: answer the item's open proposal."""
    check_may_decide(ctx, item, action)
    proposal = open_proposal(ctx, item)
    if proposal is None:
        raise UserError(t(ctx.lang, "e.no_proposal", id=item.number))
    decide(ctx, item, proposal, action, reason)


def decide(ctx: Ctx, item: Item, proposal: DeadlineProposal, action: str, reason: str | None = None) -> None:
    """Approve (the deadline moves) or decline (it stays) `proposal` of `item`."""
    check_may_decide(ctx, item, action)
    if proposal.status != "open":
        raise UserError(t(ctx.lang, "e.proposal_done", status=_status_text(ctx, proposal)))
    old, proposer = item.deadline, proposal.proposer
    common = {"proposal": proposal.id, "proposed_by": proposer.name, "asked_at": proposal.created_at.isoformat(),
              "late": proposal.late}
    if action == "approve":
        item.deadline = proposal.deadline
        _close(ctx, item, proposal, "approved", reason)
        actions.record(session=ctx.session, item=item, actor=ctx.actor, action="extend", now=ctx.now,
                       from_status=item.status, note=proposal.reason,
                       data={"old": old.isoformat() if old else None, "new": proposal.deadline.isoformat(),
                             "reason": proposal.reason, **common})
        actions.say(ctx, item, t(ctx.lang, "r.approved", id=item.number, actor=at(ctx.actor), old=_fmt(ctx, old),
                                 new=_fmt(ctx, item.deadline), proposer=at(proposer)))
        return
    _close(ctx, item, proposal, "declined", reason)
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="decline", now=ctx.now,
                   from_status=item.status, note=reason, data={"new": proposal.deadline.isoformat(), **common})
    actions.say(ctx, item, t(ctx.lang, "r.declined", id=item.number, actor=at(ctx.actor), old=_fmt(ctx, old),
                             proposer=at(proposer), reason=t(ctx.lang, "r.note", note=reason) if reason else ""))


def overtake(ctx: Ctx, item: Item) -> None:
    """The initiator or A set the deadline directly: an open proposal is void."""
    proposal = open_proposal(ctx, item)
    if proposal is not None:
        _close(ctx, item, proposal, "overtaken")
