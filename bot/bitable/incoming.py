"""Edits people make in a bound table, applied to the items as if typed in the chat.

Each changed field becomes the action a command would take (a new owner: /reassign, a later
deadline: /extend, status 已完成: /done, …), with its checks, replies and reminders, in the name of
the person who edited the table; the history rows it adds say "via Bitable". A field that a check
refuses is told in the chat and set back in the table.

Echoes of the bot's own writes are told apart from people's edits by what the bot wrote lately
(`BitableRecord.written`): a row that reads as one of those, or a field holding a value the bot
wrote, is not a person's change. Conflicts: when the item changed here after the table edit was
made, the later change stands, the edit is recorded in the history and the table is set back.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.bitable import sync, table
from bot.bitable.strings import t
from bot.context import Ctx, UserError
from bot.directory import at, upsert_user
from bot.events import TableRow
from bot.items import actions, changes, proposals
from storage.models import BitableLink, BitableRecord, Item

ORDER = (table.TITLE, table.OWNER, table.DEADLINE, table.STANDARD, table.RISK_F, table.PROGRESS, table.STATUS_F)
VIA = {"via": "bitable"}


def apply_table_edit(ctx: Ctx) -> None:
    edit = ctx.event.table_edit
    if edit is None:
        return
    link = ctx.session.scalar(select(BitableLink).where(
        BitableLink.app_token == edit.app_token, BitableLink.table_id == edit.table_id,
        BitableLink.chat_id == ctx.chat.id))
    if link is None:
        return  # unbound meanwhile, or a table that was never ours
    for row in edit.rows:
        record = ctx.session.scalar(select(BitableRecord).where(
            BitableRecord.link_id == link.id, BitableRecord.record_id == row.record_id))
        if record is None:
            continue  # a row someone added: not an item (/todo makes one)
        if row.action == "record_deleted":  # the item stays; its row is written anew at its next change
            record.record_id, record.written = None, {}
        elif row.action == "record_edited":
            _apply_row(ctx, record, row)


def person_changes(record: BitableRecord, row: TableRow) -> dict[str, object]:
    """What a person changed: the fields the event names (or, when it names none, those holding a
    value the bot did not write lately); nothing when the row reads as one of the bot's writes."""
    values = dict(row.values)
    recent = (record.written or {}).get("recent") or []
    if any(all(snap.get(k) == v for k, v in values.items() if k in snap) for snap in recent):
        return {}  # the whole row reads as one of our writes: its echo
    if row.changed:
        return {k: values.get(k) for k in row.changed if k in table.FIELDS}
    return {k: v for k, v in values.items()
            if k in table.FIELDS and all(snap.get(k) != v for snap in recent)}


def _apply_row(ctx: Ctx, record: BitableRecord, row: TableRow) -> None:
    item = ctx.session.get(Item, record.item_id)
    values = dict(row.values)
    edits = person_changes(record, row)
    if item is None or not edits:
        return
    sync.touch(ctx.session, item)  # even if nothing here changes it: the table may need setting back
    names = {m.user_id: m.name for m in row.names}
    if ctx.event.received_at < last_change_here(item):  # a later change here wins
        actions.record(session=ctx.session, item=item, actor=ctx.actor, action="bitable_overridden", now=ctx.now,
                       from_status=item.status, note=", ".join(f"{k}={_shown(v, names)}" for k, v in edits.items()),
                       data={**VIA, "fields": {k: v for k, v in edits.items()}}, bump=False)
        ctx.reply(t(ctx.lang, "overridden", actor=at(ctx.actor), id=item.number, fields="、".join(edits)),
                  item_ids=(item.id,), thread_of=item.id)
    else:
        for field in ORDER:
            if field in edits:
                _apply_field(ctx, item, field, edits[field], names)
    # The table now shows `values`; whatever the item says instead is written back after this event.
    record.written = {**(record.written or {}), "now": {**((record.written or {}).get("now") or {}), **values}}


def last_change_here(item: Item) -> datetime:
    """When the item last changed other than through the table (its history says)."""
    return max((h.at for h in item.history if (h.data or {}).get("via") != "bitable"),
               default=datetime.min.replace(tzinfo=UTC))


def _shown(value: object, names: dict[str, str]) -> str:
    return names.get(str(value), str(value)) if value not in (None, "") else "—"


def _apply_field(ctx: Ctx, item: Item, field: str, value: object, names: dict[str, str]) -> None:
    """One field's change, in its own savepoint: a refusal undoes it alone and is told."""
    history, out = len(item.history), len(ctx.out)
    try:
        with ctx.session.begin_nested():
            _change(ctx, item, field, value, names)
    except UserError as why:
        del ctx.out[out:]
        ctx.session.refresh(item)
        ctx.reply(t(ctx.lang, "refused", actor=at(ctx.actor), id=item.number, why=str(why)),
                  item_ids=(item.id,), thread_of=item.id)
        return
    for row in item.history[history:]:
        row.data = {**(row.data or {}), **VIA}


def _change(ctx: Ctx, item: Item, field: str, value: object, names: dict[str, str]) -> None:
    reason, lang, n = t(ctx.lang, "reason"), ctx.lang, item.number
    if field == table.TITLE:
        _retitle(ctx, item, str(value or "").strip())
    elif field == table.OWNER:
        if not value:
            raise UserError(t(lang, "no_owner", id=n))
        owner = upsert_user(session=ctx.session, platform=ctx.event.platform, user_id=str(value),
                            name=names.get(str(value)))
        if owner.id != item.owner_id:
            changes.reassign(ctx, item, owner, None, reason)
    elif field == table.DEADLINE:
        if not isinstance(value, int | float):
            raise UserError(t(lang, "no_deadline", id=n))
        deadline = datetime.fromtimestamp(value / 1000, UTC)
        if item.deadline is None or deadline != item.deadline:
            if proposals.may_decide(ctx, item):
                actions.extend(ctx, item, deadline, reason)
                proposals.overtake(ctx, item)
            else:  # the owner asks; the initiator decides, as with /extend
                actions.check_allowed(ctx, item, "extend")
                proposals.propose(ctx, item, deadline, reason)
    elif field == table.STANDARD:
        if value and str(value) != (table.plain(item.standard) or ""):
            changes.set_standard(ctx, item, str(value))
    elif field == table.RISK_F:
        risk = table.risk_of(str(value or ""))
        if risk is not None and risk != item.risk:
            actions.set_risk(ctx, item, risk, reason)
    elif field == table.PROGRESS:
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise UserError(t(lang, "bad_progress", id=n, value=value if value is not None else "—"))
        if int(value) != item.progress and item.status != "done":
            actions.progress(ctx, item, int(value), None)
    elif field == table.STATUS_F:
        _set_status(ctx, item, str(value or ""), reason)


def _set_status(ctx: Ctx, item: Item, label: str, reason: str) -> None:
    status = table.status_of(label)
    if status is None:
        raise UserError(t(ctx.lang, "bad_status", id=item.number, value=label or "—"))
    if status == item.status:
        return
    if status == "open":
        raise UserError(t(ctx.lang, "reopen", id=item.number, value=label))
    if status == "in_progress":
        if item.status == "open":
            actions.ack(ctx, item)
        elif item.status == "done":
            actions.reject(ctx, item, reason)
        else:
            actions.progress(ctx, item, item.progress, None)
    elif status == "blocked":
        actions.block(ctx, item, reason, None)  # a reason is required: the table gives none
    elif status == "done":
        actions.done(ctx, item, None)
    elif status == "confirmed":
        actions.confirm(ctx, item)
    elif status == "cancelled":
        actions.cancel(ctx, item, None)


def _retitle(ctx: Ctx, item: Item, title: str) -> None:
    if not title:
        raise UserError(t(ctx.lang, "no_title", id=item.number))
    if title == table.plain(item.title):
        return
    actions.check_allowed(ctx, item, "standard")  # closed items stay as they are
    if ctx.actor.id not in (item.owner_id, item.initiator_id, item.approver_id):
        raise UserError(t(ctx.lang, "only_involved", id=item.number))
    before, item.title = item.title, title.replace("<@", "‹@")  # typed text is never a mention
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="retitle", now=ctx.now,
                   from_status=item.status, note=title, data={"old": before})
    actions.say(ctx, item, t(ctx.lang, "retitled", id=item.number, title=title, actor=at(ctx.actor)))
