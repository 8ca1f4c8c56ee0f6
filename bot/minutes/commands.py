"""/minutes (/纪要) and /dispute (/异议).

/minutes TITLE takes the rest of the message as the minutes: field lines, action lines
(read by the /todo grammar) and notes. All or nothing: one bad action line and nothing is
created; the reply names every bad line and what it lacks.
"""

from __future__ import annotations

from dataclasses import replace

from bot.commands import create, grammar, when
from bot.commands.items import item_and_rest, resolve_target
from bot.commands.strings import usage
from bot.context import Ctx, UserError, card_key
from bot.directory import at
from bot.email import messages as email
from bot.events import Card, OutgoingMessage
from bot.items import actions
from bot.items.states import FINAL
from bot.items.strings import status_label
from bot.minutes import parse, records, render
from bot.minutes.strings import t
from storage.models import Item, Minutes, User


def minutes_key(record: Minutes) -> str:
    return f"minutes:{record.id}"


def cmd_minutes(ctx: Ctx, rest: str) -> None:
    sub = parse.subcommand(rest)
    if sub is not None:
        (_list if sub[0] == "list" else _show)(ctx, sub[1])
        return
    text = parse.read(rest)
    if not text.title:
        raise UserError(t(ctx.lang, "need_title") + "\n" + usage(ctx.lang, "minutes"))
    lines, bad = _read_actions(ctx, text.actions)
    if bad:
        raise UserError(t(ctx.lang, "bad_lines", n=len(bad), lines="\n".join(bad)))
    record = records.add(session=ctx.session, chat=ctx.chat, title=text.title, fields=text.fields, body=text.body,
                         poster=ctx.actor, recorder=_recorder(ctx, text.fields.get("recorder", "")), now=ctx.now)
    _take(ctx, record, lines)


def _read_actions(ctx: Ctx, actions_: list[parse.ActionLine]) -> tuple[list[create.TodoLine], list[str]]:
    """Every action line read as /todo (a deadline always required); the bad ones, said briefly."""
    lines, bad = [], []
    for action in actions_:
        try:
            lines.append(create.read_todo(ctx, action.text, deadline_required=True))
        except create.TodoLineError as err:
            bad.append(_bad(ctx, action, t(ctx.lang, f"gap.{err.gap}")))
        except UserError as err:  # an unreadable or past deadline, an unknown person: its own words
            bad.append(_bad(ctx, action, str(err).split("\n")[0]))
    return lines, bad


def _bad(ctx: Ctx, action: parse.ActionLine, why: str) -> str:
    return t(ctx.lang, "bad_line", lineno=action.lineno, typed=render.plain(action.typed), why=why)


def _recorder(ctx: Ctx, field: str) -> User | None:
    """The first person named on the recorder line (a real mention or a known name)."""
    for ref in grammar.find_mentions(field):
        try:
            target = resolve_target(ctx, ref)
        except UserError:
            continue
        if target.user is not None:
            return target.user
    return None


def _take(ctx: Ctx, record: Minutes, lines: list[create.TodoLine]) -> None:
    """Create every item (the poster is each one's initiator), then the one reply and the items' cards
    under it: the cards are what acknowledgements, reminders and later changes update in place."""
    made: list[tuple[Item, tuple[str, ...]]] = []
    for line in lines:
        for target in line.targets:
            item = create.create_item(ctx, kind="action", target=target, title=line.title, deadline=line.deadline,
                                      standard=line.standard, approver=line.approver, note=line.note,
                                      urgency=line.urgency, minutes_id=record.id, card=False,
                                      fields=line.fields, placement=line.placement)
            notes = tuple(when.notes(ctx, line.deadline)) if line.deadline else ()
            made.append((item, notes))
    items = [item for item, _ in made]
    notes = tuple(f"#{item.number}: {note}" for item, found in made for note in found)
    card = render.posted_card(record, items, lang=ctx.lang, calendar=ctx.calendar, notes=notes,
                              confirm_days=ctx.policy.minutes_confirm_working_days)
    key = minutes_key(record)
    ctx.post(OutgoingMessage(key=key, platform=ctx.event.platform, chat_id=ctx.chat.chat_id, card=card,
                             item_ids=tuple(i.id for i in items), thread_id=ctx.event.thread_id,
                             created_at=ctx.now))
    for copy in email.copy_of(chat=ctx.chat, policy=ctx.policy, record_key=key, card=_for_email(card), kind=email.MINUTES,
                              now=ctx.now):
        ctx.post(copy)
    for item, found in made:
        ctx.post(OutgoingMessage(key=card_key(item.id), platform=ctx.event.platform, chat_id=ctx.chat.chat_id,
                                 card=actions.render_card(ctx, item, found), item_ids=(item.id,),
                                 reply_to_key=key, created_at=ctx.now))


def _for_email(card: Card) -> Card:
    """The minutes as read outside the chat: no buttons to press (owners confirm in the chat)."""
    return replace(card, buttons=())


def _list(ctx: Ctx, _arg: str) -> None:
    found = records.in_chat(session=ctx.session, chat=ctx.chat)
    if not found:
        ctx.reply(t(ctx.lang, "list.empty", usage=usage(ctx.lang, "minutes")))
        return
    items = records.items_of(session=ctx.session, minutes_ids=[m.id for m in found])
    recent = found[-ctx.policy.list_limit:]
    lines = tuple(render.list_line(m, items[m.id], lang=ctx.lang, calendar=ctx.calendar) for m in reversed(recent))
    ctx.reply(card=Card(title=t(ctx.lang, "list.title", n=len(found)), lines=lines))


def _show(ctx: Ctx, arg: str) -> None:
    word = arg.split(" ")[0].lstrip("#＃")
    if not word.isdigit():
        raise UserError(t(ctx.lang, "need_number") + "\n" + usage(ctx.lang, "minutes"))
    record = records.by_number(session=ctx.session, chat=ctx.chat, number=int(word))
    if record is None:
        raise UserError(t(ctx.lang, "no_minutes", n=int(word)))
    items = records.items_of(session=ctx.session, minutes_ids=[record.id])[record.id]
    ctx.reply(card=render.record_card(record, items, lang=ctx.lang, calendar=ctx.calendar, now=ctx.now))


def cmd_dispute(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "dispute")
    if item.status in FINAL:
        raise UserError(t(ctx.lang, "dispute.closed", id=item.number,
                          status=status_label(ctx.lang, item.kind, item.status)))
    if ctx.actor.id != item.owner_id:
        raise UserError(t(ctx.lang, "dispute.only_owner", owner=at(item.owner), id=item.number))
    if not reason:
        raise UserError(t(ctx.lang, "dispute.need_reason") + "\n" + usage(ctx.lang, "dispute"))
    # The item stays as it is; the disagreement is on its record, and those who wrote the line are told.
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="dispute", now=ctx.now,
                   from_status=item.status, note=reason, bump=False)
    told = _told_of_dispute(ctx, item)
    ctx.reply(t(ctx.lang, "dispute.said", owner=at(ctx.actor), id=item.number, title=item.title, reason=reason,
                who=" ".join(at(p) for p in told)), item_ids=(item.id,), thread_of=item.id)


def _told_of_dispute(ctx: Ctx, item: Item) -> list[User]:
    """The minutes' recorder and poster (for an item of no minutes, its initiator), each once."""
    record = records.by_id(session=ctx.session, minutes_id=item.minutes_id) if item.minutes_id else None
    people = [record.recorder, record.poster] if record is not None else [item.initiator]
    return list({p.id: p for p in people if p is not None and p.id != ctx.actor.id}.values()) or [item.initiator]
