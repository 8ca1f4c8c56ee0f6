"""The one entry into the core: `handle_event`.

Every adapter hands its `IncomingEvent`s here. The caller owns the transaction and
commits after; the event's records and its replies (outbox rows) land together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.bitable import commands as bitable_commands
from bot.bitable import incoming as bitable_incoming
from bot.bitable import sync as bitable_sync
from bot.commands import admin, create, departments, followup, grammar, roles, views
from bot.commands import items as item_commands
from bot.commands.strings import t
from bot.context import Ctx, UserError
from bot.dashboard import commands as dashboard_commands
from bot.directory import forget_event_rows, load_event_rows, upsert_user
from bot.events import EventKind, IncomingEvent, admit
from bot.export import commands as export_commands
from bot.issues import commands as issue_commands
from bot.items import actions, proposals
from bot.jira import commands as jira_commands
from bot.minutes import commands as minutes_commands
from bot.policy import Policy, for_chat
from bot.ports import ViewLinks
from bot.projects import commands as project_commands
from bot.retro import commands as retro_commands
from bot.suggest import flow as suggest_flow
from bot.suggest.rules import worth_reading
from bot.threads import replies as thread_replies
from storage.models import Item, ProcessedEvent
from storage.outbox import enqueue, items_for_platform_message

log = logging.getLogger(__name__)

Handler = Callable[[Ctx, str], None]
COMMANDS: dict[str, Handler] = {
    "todo": create.cmd_todo,
    "ask": create.cmd_ask,
    "ack": item_commands.cmd_ack,
    "progress": item_commands.cmd_progress,
    "block": item_commands.cmd_block,
    "done": item_commands.cmd_done,
    "confirm": item_commands.cmd_confirm,
    "reject": item_commands.cmd_reject,
    "extend": item_commands.cmd_extend,
    "cancel": item_commands.cmd_cancel,
    "risk": item_commands.cmd_risk,
    "standard": item_commands.cmd_standard,
    "reassign": item_commands.cmd_reassign,
    "list": views.cmd_list,
    "show": views.cmd_show,
    "help": views.cmd_help,
    "dept": departments.cmd_dept,
    "settings": admin.cmd_settings,
    "digest": followup.cmd_digest,
    "weekly": followup.cmd_weekly,
    "snooze": followup.cmd_snooze,
    "minutes": minutes_commands.cmd_minutes,
    "dispute": minutes_commands.cmd_dispute,
    "issue": issue_commands.cmd_issue,
    "resolve": issue_commands.cmd_resolve,
    "issues": issue_commands.cmd_issues,
    "emergency": issue_commands.cmd_emergency,
    "plan": issue_commands.cmd_plan,
    "retro": retro_commands.cmd_retro,
    "raci": roles.cmd_raci,
    "approve": roles.cmd_approve,
    "decline": roles.cmd_decline,
    "project": project_commands.cmd_project,
    "milestone": project_commands.cmd_milestone,
    "link": project_commands.cmd_link,
    "after": project_commands.cmd_after,
    "dashboard": dashboard_commands.cmd_dashboard,
    "export": export_commands.cmd_export,
    "jira": jira_commands.cmd_jira,
    "bitable": bitable_commands.cmd_bitable,
}
COMMANDS.update(issue_commands.with_issues(COMMANDS))  # #N may name an issue: /show, /ack work on it

# Neutral reactions (adapters map platform emoji names onto these) -> item action.
REACTIONS = {"✅": "confirm", "❌": "reject", "👀": "ack"}


def mark_processed(*, session: Session, event: IncomingEvent, now: datetime) -> bool:
    """Record the event id; False when it was seen before (a redelivery)."""
    # INSERT … ON CONFLICT DO NOTHING: one statement, no savepoint (both our databases have it).
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stored = session.connection().execute(insert(ProcessedEvent).values(
        platform=event.platform, event_id=event.event_id, processed_at=now)
        .on_conflict_do_nothing().returning(ProcessedEvent.id))
    return stored.scalar() is not None


def concerns_the_bot(event: IncomingEvent) -> bool:
    """Chatter, removed reactions and unrelated emoji need no record at all."""
    if event.kind in (EventKind.MESSAGE, EventKind.COMMAND):
        addressed = event.addressed_to_bot or event.is_direct or event.kind == EventKind.COMMAND
        if grammar.split_command(event.text, addressed=addressed) is not None:
            return True
        # A plain message that may ask someone, or promise, by a date: read where suggestions are on.
        return event.kind == EventKind.MESSAGE and not event.is_direct and worth_reading(event.text, event.mentions)
    if event.kind == EventKind.REACTION_ADDED:
        return event.reaction in REACTIONS
    return event.kind in (EventKind.BUTTON, EventKind.TABLE_EDIT)


@dataclass(frozen=True)
class Outcome:
    """What became of one event: handled at all, and the refusal told to the user, if any."""

    handled: bool
    refusal: str | None = None


def handle_event(*, session: Session, event: IncomingEvent, now: datetime, policy: Policy,
                 links: ViewLinks | None = None) -> bool:
    """Apply one incoming event. False when nothing happened: a redelivery, or chatter."""
    return apply_event(session=session, event=event, now=now, policy=policy, links=links).handled


def apply_event(*, session: Session, event: IncomingEvent, now: datetime, policy: Policy,
                links: ViewLinks | None = None) -> Outcome:
    """Apply one incoming event and say how it went (a card click's toast shows it)."""
    event = admit(event)  # from here on, a mention token is a person the user really mentioned
    # A plain reply under an item's message is a follow-up record (bot.threads); other chatter is nothing.
    if not concerns_the_bot(event) and not thread_replies.in_item_thread(session, event):
        return Outcome(False)
    if not mark_processed(session=session, event=event, now=now):
        log.info("duplicate event %s/%s ignored", event.platform, event.event_id)
        return Outcome(False)
    try:
        return _apply_admitted(session, event, now, policy, links)
    finally:
        forget_event_rows(session)


def _apply_admitted(session: Session, event: IncomingEvent, now: datetime, policy: Policy,
                    links: ViewLinks | None) -> Outcome:
    # The chat, the actor and the people mentioned: one query when the chat is known.
    chat = load_event_rows(session=session, platform=event.platform, chat_id=event.chat_id,
                           user_ids=list(dict.fromkeys([event.user_id, *(m.user_id for m in event.mentions)])),
                           now=now)
    actor = upsert_user(session=session, platform=event.platform, user_id=event.user_id, name=event.user_name)
    ctx = Ctx(session=session, event=event, now=now, chat=chat, actor=actor,
              policy=for_chat(policy, chat.settings or {}), links=links)
    refusal = None
    try:
        with session.begin_nested():
            route(ctx)
    except UserError as why:
        refusal = str(why)
        ctx.out.clear()
        if isinstance(why, suggest_flow.PrivateRefusal):  # a click on someone else's suggestion
            ctx.post(suggest_flow.private_refusal(ctx, refusal))
        else:
            ctx.reply(refusal)
    except OperationalError:
        raise  # the database, not the command, failed (lost connection, deadlock): roll back all, retry
    except Exception:
        # A bug must not reach the chat as a traceback, nor leave half a change behind.
        log.exception("event %s/%s failed", event.platform, event.event_id)
        refusal = t(ctx.lang, "error")
        ctx.out.clear()
        ctx.reply(refusal)
    if ctx.policy.bitable:
        _keep_tables_in_step(ctx)
    for msg in ctx.out:
        enqueue(session=session, msg=msg, now=now)
    return Outcome(True, refusal)


def _keep_tables_in_step(ctx: Ctx) -> None:
    """Queue the Bitable writes for the items this event changed (bot/bitable/sync.py)."""
    try:
        with ctx.session.begin_nested():
            bitable_sync.follow(ctx.session, now=ctx.now, lang=ctx.lang)
    except OperationalError:
        raise
    except Exception:  # the table falls behind; the command itself stands
        log.exception("bitable sync after %s/%s failed", ctx.event.platform, ctx.event.event_id)


def route(ctx: Ctx) -> None:
    event = ctx.event
    if event.kind in (EventKind.MESSAGE, EventKind.COMMAND):
        addressed = event.addressed_to_bot or event.is_direct or event.kind == EventKind.COMMAND
        line = grammar.split_command(event.text, addressed=addressed)
        typed_slash = event.text.strip()[:1] in ("/", "／")
        # Not a command (an unknown first word of a message to the bot, on DingTalk every message):
        # under an item's message it is a follow-up record.
        if (line is None or (not line.name and not typed_slash)) and thread_replies.follow_up(ctx):
            return
        if line is None:
            suggest_flow.consider(ctx)
            return
        if not line.name:
            # DingTalk delivers only messages that @ the bot: one that asks or promises is no typo.
            if event.kind == EventKind.MESSAGE and suggest_flow.consider(ctx):
                return
            near = grammar.closest(line.word)
            hint = (t(ctx.lang, "did_you_mean", word=near) if near else "") + t(ctx.lang, "hint")
            raise UserError(t(ctx.lang, "unknown", word=line.word, hint=hint))
        COMMANDS[line.name](ctx, line.rest)
    elif event.kind == EventKind.REACTION_ADDED:
        if roles.answer_reaction(ctx):  # ✅ / ❌ on a deadline proposal's message
            return
        action = REACTIONS.get(event.reaction or "")
        item = _single_item(ctx) if action else None
        if item is not None:
            _apply(ctx, action, item, via=event.reaction or "")
        elif action == "ack":  # 👀 on a message about several items (minutes): the reactor's own open ones
            for own in _own_open_items(ctx):
                actions.ack(ctx, own)
    elif event.kind == EventKind.BUTTON:
        action, _, item_id = (event.button_value or "").partition(":")
        if action in ("ack", "done", "confirm", "reject") and item_id.isdigit():
            _apply(ctx, action, item_commands.load_item_by_id(ctx, int(item_id)), via="button")
        elif action in proposals.BUTTON_ACTIONS and item_id.isdigit():  # its id is a proposal's
            roles.answer_button(ctx, action, int(item_id))
        elif action in suggest_flow.BUTTON_ACTIONS and item_id.isdigit():  # its id is a suggestion's
            suggest_flow.answer(ctx, action, int(item_id))
    elif event.kind == EventKind.TABLE_EDIT:
        bitable_incoming.apply_table_edit(ctx)
    # Removing a reaction undoes nothing (concerns_the_bot drops it): confirmations stand,
    # as the handbooks' sign-offs do.


def _single_item(ctx: Ctx) -> Item | None:
    """The item a reacted-to bot message concerns, when it concerns exactly one."""
    if not ctx.event.target_message_id:
        return None
    ids = items_for_platform_message(session=ctx.session, platform=ctx.event.platform,
                                     platform_message_id=ctx.event.target_message_id)
    return item_commands.load_item_by_id(ctx, ids[0]) if len(ids) == 1 else None


def _own_open_items(ctx: Ctx) -> list[Item]:
    if not ctx.event.target_message_id:
        return []
    ids = items_for_platform_message(session=ctx.session, platform=ctx.event.platform,
                                     platform_message_id=ctx.event.target_message_id)
    found = [item_commands.load_item_by_id(ctx, i) for i in ids]
    return [i for i in found if i.owner_id == ctx.actor.id and i.status == "open"]


def _apply(ctx: Ctx, action: str, item: Item, *, via: str) -> None:
    if action == "ack":
        actions.ack(ctx, item)
    elif action == "done":
        actions.done(ctx, item, None)
    elif action == "confirm":
        actions.confirm(ctx, item)
    elif action == "reject":  # no reason comes with ❌ or the button: the rejecter is asked for it
        actions.check_allowed(ctx, item, "reject")
        actions.reject(ctx, item, None)
