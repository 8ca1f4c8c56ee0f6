"""What happens to an item, whatever asked for it: a command, a reaction or a button.

Each action checks who may take it and from which status, records a history row,
answers in the item's thread and re-renders the item's card in place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.context import Ctx, UserError, card_key
from bot.deadlines import format_deadline
from bot.directory import at, member_ids
from bot.events import Card, OutgoingMessage
from bot.items import roles, states
from bot.items.render import item_card
from bot.items.strings import RISK, for_policy, pair, status_label, t
from bot.jira import links as jira_links
from bot.projects.joining import waiting_on
from storage.models import Item, ItemEvent, User


def record(*, session: Session, item: Item, actor: User | None, action: str, now: datetime,
           from_status: str | None, note: str | None = None, data: dict | None = None, bump: bool = True) -> None:
    """Append a history row; `bump` marks the item changed (its card gets a new version)."""
    item.history.append(ItemEvent(
        at=now, actor=actor, action=action, from_status=from_status, to_status=item.status,
        note=note, data=data or {},
    ))
    item.updated_at = now
    if bump:
        item.version = (item.version or 1) + 1


def sla_text(ctx: Ctx, item: Item) -> str:
    p = ctx.policy
    if item.urgency == "emergency":
        return t(ctx.lang, "sla.minutes", n=p.emergency_response_minutes)
    hours = p.urgent_response_hours if item.urgency == "urgent" else p.response_hours
    return t(ctx.lang, "sla.hours", n=f"{hours:g}")


def card_lines(ctx: Ctx, item: Item, *, first: bool = False) -> tuple[str, ...]:
    """The card's free lines. `first`: the item's first card, which no /jira can have linked yet."""
    lines: list[str] = []
    if item.status == "open":
        key = "card.created_request" if item.kind == "request" else "card.created_action"
        lines.append(t(ctx.lang, for_policy(key, ctx.policy), owner=at(item.owner), id=item.number,
                       sla=sla_text(ctx, item)))
    elif item.status == "done":
        lines.append(t(ctx.lang, for_policy("card.await_confirm", ctx.policy), initiator=_checkers(item),
                       id=item.number))
    if needs_standard(item):
        lines.append(t(ctx.lang, "card.need_standard", initiator=at(item.initiator), id=item.number))
    jira = None if first else jira_links.line(ctx.session, ctx.policy, item)
    if jira:
        lines.append(jira)
    return tuple(lines)


def needs_standard(item: Item) -> bool:
    """An open action item without its completion standard (完成标准待补充)."""
    return item.kind == "action" and not item.standard and item.status not in states.FINAL


def _checkers(item: Item) -> str:
    """Who may confirm: the initiator, and the approver when one is named."""
    people = [item.initiator] + ([item.approver] if item.approver and item.approver_id != item.initiator_id else [])
    return " ".join(at(p) for p in people)


def render_card(ctx: Ctx, item: Item, notes: tuple[str, ...] = (), *, first: bool = False) -> Card:
    return item_card(item, lang=ctx.lang, calendar=ctx.calendar, now=ctx.now,
                     lines=notes + card_lines(ctx, item, first=first))


def post_card(ctx: Ctx, item: Item, *, notes: tuple[str, ...] = ()) -> None:
    """The item's first card: the message its later updates replace. `notes`: about its deadline."""
    ctx.post(OutgoingMessage(
        key=card_key(item.id), platform=ctx.event.platform, chat_id=item.chat.chat_id,
        card=render_card(ctx, item, notes, first=True), item_ids=(item.id,),
        created_at=ctx.now,
    ))


def refresh_card(ctx: Ctx, item: Item) -> None:
    ctx.post(OutgoingMessage(
        key=f"{card_key(item.id)}:v{item.version}", platform=ctx.event.platform, chat_id=item.chat.chat_id,
        card=render_card(ctx, item), item_ids=(item.id,), edit_of_key=card_key(item.id), created_at=ctx.now,
    ))


def _approver_suffix(ctx: Ctx, item: Item) -> str:
    return t(ctx.lang, "e.approver_suffix", approver=at(item.approver)) if item.approver else ""


def check_allowed(ctx: Ctx, item: Item, action: str) -> None:
    """Raise UserError unless the actor may take `action` on `item` now."""
    lang, actor = ctx.lang, ctx.actor
    if item.status in states.FINAL:
        raise UserError(t(lang, "e.closed", id=item.number, status=status_label(lang, item.kind, item.status),
                          action=t(lang, f"a.{action}")))
    who = states.ACTORS[action]
    is_owner = actor.id == item.owner_id
    # Anyone in the addressed department may pick up (acknowledge) a request sent to it.
    if action == "ack" and item.department is not None and actor.id in member_ids(item.department):
        is_owner = True
    is_initiator = actor.id in (item.initiator_id, item.approver_id)
    allowed = {"owner": is_owner, "initiator": is_initiator, "involved": is_owner or is_initiator}[who]
    if not allowed:
        names = dict(id=item.number, action=t(lang, f"a.{action}"), owner=at(item.owner),
                     initiator=at(item.initiator), approver=_approver_suffix(ctx, item))
        raise UserError(t(lang, {"owner": "e.only_owner", "initiator": "e.only_initiator",
                                 "involved": "e.only_involved"}[who], **names))
    if states.next_status(action, item.status) is None:
        if action == "ack":
            raise UserError(t(lang, "e.already_acked", id=item.number))
        if item.status == "done":
            raise UserError(t(lang, "e.awaiting_confirmation", id=item.number, initiator=at(item.initiator)))
        raise UserError(t(lang, "e.not_done", id=item.number, owner=at(item.owner),
                          status=status_label(lang, item.kind, item.status)))


def transition(ctx: Ctx, item: Item, action: str, *, note: str | None = None, data: dict | None = None) -> str:
    """Move the item along `action`, record it, and return the status it came from."""
    check_allowed(ctx, item, action)
    before = item.status
    item.status = states.next_status(action, before) or before
    record(session=ctx.session, item=item, actor=ctx.actor, action=action, now=ctx.now,
           from_status=before, note=note, data=data)
    return before


def say(ctx: Ctx, item: Item, text: str) -> None:
    """Answer in the item's thread and re-render its card."""
    ctx.reply(text, item_ids=(item.id,), thread_of=item.id)
    refresh_card(ctx, item)


def _note(ctx: Ctx, note: str | None) -> str:
    return t(ctx.lang, "r.note", note=note) if note else ""


def ack(ctx: Ctx, item: Item, note: str | None = None) -> None:
    check_allowed(ctx, item, "ack")
    if ctx.actor.id != item.owner_id:  # a department member picks the request up: a re-assignment
        previous = item.owner
        item.owner = ctx.actor
        record(session=ctx.session, item=item, actor=ctx.actor, action="reassign", now=ctx.now,
               from_status=item.status, note=f"{previous.name if previous else '—'} → {ctx.actor.name}",
               data={"from": previous.user_id if previous else None, "to": ctx.actor.user_id}, bump=False)
    transition(ctx, item, "ack", note=note)
    item.acknowledged_at = ctx.now
    say(ctx, item, t(ctx.lang, "r.ack", id=item.number, actor=at(ctx.actor), note=_note(ctx, note)))


def progress(ctx: Ctx, item: Item, percent: int, note: str | None) -> None:
    before = transition(ctx, item, "progress", note=f"{percent}%" + (f" {note}" if note else ""),
                         data={"progress": percent})
    item.progress = percent
    if item.acknowledged_at is None:
        item.acknowledged_at = ctx.now
    text = t(ctx.lang, "r.progress", id=item.number, progress=percent, note=_note(ctx, note))
    if before == "blocked":
        item.blocker_reason, item.blocker_eta, item.risk = None, None, "normal"
        text += t(ctx.lang, "r.unblocked")
    say(ctx, item, text)


def note(ctx: Ctx, item: Item, text: str) -> bool:
    """Add a follow-up note (跟进记录) to the item's history; True when it also started the work
    (an open item the owner answers is in progress, as after /ack), so its card changed."""
    before = transition(ctx, item, "note", note=text)
    if item.acknowledged_at is None:
        item.acknowledged_at = ctx.now
    if before == item.status:
        return False
    refresh_card(ctx, item)
    return True


def block(ctx: Ctx, item: Item, reason: str, eta: datetime | None) -> None:
    transition(ctx, item, "block", note=reason, data={"eta": eta.isoformat() if eta else None})
    item.blocker_reason, item.blocker_eta, item.risk = reason, eta, "high"
    eta_text = t(ctx.lang, "r.block_eta", eta=format_deadline(eta, lang=ctx.lang, calendar=ctx.calendar)) if eta else ""
    say(ctx, item, t(ctx.lang, "r.block", id=item.number, reason=reason, eta=eta_text, initiator=at(item.initiator))
        + roles.support_line(ctx.lang, item))


def done(ctx: Ctx, item: Item, note: str | None) -> None:
    transition(ctx, item, "done", note=note, data={"progress_before": item.progress})
    item.progress, item.done_at = 100, ctx.now
    item.blocker_reason, item.blocker_eta, item.risk = None, None, "normal"
    if item.acknowledged_at is None:
        item.acknowledged_at = ctx.now
    say(ctx, item, t(ctx.lang, "r.done", id=item.number, actor=at(ctx.actor), note=_note(ctx, note))
         + "\n" + t(ctx.lang, for_policy("card.await_confirm", ctx.policy), initiator=_checkers(item),
                     id=item.number)
         + "".join("\n" + line for line in waiting_on(ctx, item)))  # dependencies (projects) still unfinished


def confirm(ctx: Ctx, item: Item, note: str | None = None) -> None:
    transition(ctx, item, "confirm", note=note)
    item.closed_at = ctx.now
    say(ctx, item, _with(t(ctx.lang, "r.confirm", id=item.number, actor=at(ctx.actor), note=_note(ctx, note)),
                         roles.informed_line(ctx.lang, item)))


def reject(ctx: Ctx, item: Item, reason: str | None) -> None:
    """Back to work. Without a reason (❌, the button) the rejecter is asked for one."""
    reported = next((h for h in reversed(item.history) if h.action == "done"), None)
    transition(ctx, item, "reject", note=reason, data={} if reason else {"reason_pending": True})
    item.rework_count += 1
    # Rework resumes from the progress reported before "done", not from 100%.
    item.progress = (reported.data or {}).get("progress_before", 0) if reported else 0
    item.done_at = None
    shown = reason or t(ctx.lang, "reason_to_follow")
    say(ctx, item, t(ctx.lang, "r.reject", id=item.number, actor=at(ctx.actor), reason=shown,
                     owner=at(item.owner), n=item.rework_count))
    if not reason:
        ctx.reply(t(ctx.lang, "r.ask_reason", actor=at(ctx.actor), id=item.number),
                  item_ids=(item.id,), thread_of=item.id)


def pending_rejection(item: Item, user: User) -> ItemEvent | None:
    """The latest rejection of `item`, if `user` made it and its reason is still to come."""
    last = next((h for h in reversed(item.history) if h.action == "reject"), None)
    if last is None or last.actor_id != user.id or not (last.data or {}).get("reason_pending"):
        return None
    return last


def extend(ctx: Ctx, item: Item, deadline: datetime, reason: str, *, notes: tuple[str, ...] = ()) -> None:
    check_allowed(ctx, item, "extend")
    fmt = lambda d: format_deadline(d, lang=ctx.lang, calendar=ctx.calendar) if d else "—"  # noqa: E731
    if item.deadline == deadline:
        raise UserError(t(ctx.lang, "e.same_deadline", id=item.number, when=fmt(deadline)))
    old = item.deadline
    item.deadline = deadline
    transition(ctx, item, "extend", note=reason,
               data={"old": old.isoformat() if old else None, "new": deadline.isoformat(), "reason": reason})
    say(ctx, item, "\n".join((t(ctx.lang, "r.extend", id=item.number, old=fmt(old), new=fmt(deadline),
                                 actor=at(ctx.actor), reason=reason), *notes)))


def cancel(ctx: Ctx, item: Item, reason: str | None) -> None:
    transition(ctx, item, "cancel", note=reason)
    item.closed_at = ctx.now
    say(ctx, item, _with(t(ctx.lang, "r.cancel", id=item.number, actor=at(ctx.actor), reason=_note(ctx, reason)),
                         roles.informed_line(ctx.lang, item)))


def _with(text: str, line: str) -> str:
    return text + "\n" + line if line else text


def set_risk(ctx: Ctx, item: Item, risk: str, reason: str | None) -> None:
    transition(ctx, item, "risk", note=reason, data={"risk": risk})
    item.risk = risk
    say(ctx, item, t(ctx.lang, "r.risk", id=item.number, risk=pair(ctx.lang, RISK, risk), reason=_note(ctx, reason)))
