"""Offer a follow-up for a plain message, and answer its two buttons.

Off unless the chat turned it on (/settings suggest on). The offer goes to the author alone where
the platform can (`extra["ephemeral"]`: Slack's chat.postEphemeral), else as a small card in the
chat. One click makes the item exactly as /ask (a request) or /todo (a commitment) would; either
click closes the offer for good, and the same offer is never made again in that chat.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from bot.commands.create import create_item
from bot.context import Ctx, UserError
from bot.deadlines import Reading
from bot.directory import Target, upsert_user
from bot.events import Button, Card, OutgoingMessage
from bot.suggest import rules
from bot.suggest.strings import t
from storage.models import Suggestion, User
from storage.outbox import dialect_insert

log = logging.getLogger(__name__)
BUTTON_ACTIONS = ("follow", "ignore")
SETTING = "suggest"  # the chat's settings key: True when suggestions are on
EPHEMERAL = {"ephemeral": "1"}  # to `user_id` alone, in `chat_id`, where the platform can


class PrivateRefusal(UserError):
    """A refused click on a suggestion: told to the clicker alone where the platform can."""


def enabled(ctx: Ctx) -> bool:
    return bool((ctx.chat.settings or {}).get(SETTING))


def consider(ctx: Ctx) -> bool:
    """Offer a follow-up for the event's plain message when one fits. Whether the message read as a
    request or a commitment (offered, or held back by the daily cap or an earlier offer): then it
    was no mistyped command either."""
    event = ctx.event
    if event.is_direct or not enabled(ctx):
        return False
    try:
        verdict = rules.read(event.text, author_id=event.user_id, mentions=event.mentions, now=ctx.now,
                             calendar=ctx.calendar)
    except Exception:  # a bug in reading plain chat must never answer it with an error
        log.exception("suggestion rules failed on %s/%s", event.platform, event.event_id)
        return False
    if verdict.label is None or verdict.reading is None:
        return False
    if _offered_today(ctx) >= ctx.policy.suggestions_per_chat_per_day:
        log.info("suggestion cap reached in %s/%s", event.platform, event.chat_id)
        return True
    person = upsert_user(session=ctx.session, platform=event.platform, user_id=verdict.person.user_id,
                         name=verdict.person.name) if verdict.person else None
    suggestion_id = _store(ctx, verdict, person)
    if suggestion_id is None:
        return True  # offered before in this chat (answered or not): never again
    suggestion = ctx.session.get(Suggestion, suggestion_id)
    assert suggestion is not None
    ctx.post(_message(ctx, suggestion, key=message_key(suggestion), buttons=True))
    return True


def message_key(suggestion: Suggestion) -> str:
    return f"suggest:{suggestion.id}"


def _offered_today(ctx: Ctx) -> int:
    tz = ctx.calendar.tz
    midnight = datetime.combine(ctx.now.astimezone(tz).date(), time(0), tzinfo=tz)
    return ctx.session.scalar(select(func.count()).select_from(Suggestion).where(
        Suggestion.chat_id == ctx.chat.id, Suggestion.created_at >= midnight,
        Suggestion.created_at < midnight + timedelta(days=1))) or 0


def fingerprint(*, author: str, kind: str, person: str | None, title: str) -> str:
    """Who promised or asked whom for what: the same offer, however often it is said."""
    task = re.sub(r"[\W_]+", "", title.lower())
    return hashlib.sha256(f"{author}\x00{kind}\x00{person or ''}\x00{task}".encode()).hexdigest()


def _store(ctx: Ctx, verdict: rules.Verdict, person: User | None) -> int | None:
    """The new suggestion's id; None when the chat was offered the same before (one statement)."""
    assert verdict.reading is not None and verdict.label is not None
    insert = dialect_insert(ctx.session)
    s = Suggestion
    row = ctx.session.execute(insert(s).values(
        chat_id=ctx.chat.id, kind=verdict.label, author_id=ctx.actor.id, person_id=person.id if person else None,
        title=verdict.title, deadline=verdict.reading.when, phrase=verdict.reading.phrase[:64],
        text=ctx.event.text, status="open", created_at=ctx.now,
        fingerprint=fingerprint(author=ctx.actor.user_id, kind=verdict.label,
                                person=person.user_id if person else None, title=verdict.title),
    ).on_conflict_do_nothing(index_elements=[s.chat_id, s.fingerprint]).returning(s.id)).first()
    return row[0] if row else None


def short_when(ctx: Ctx, when: datetime) -> str:
    """"11-17 周二 18:00" / "11-17 Tue 18:00": the year is this one or the next, never in doubt."""
    local = when.astimezone(ctx.calendar.tz)
    day = ("周" + "一二三四五六日"[local.weekday()]) if ctx.lang == "zh" else local.strftime("%a")
    return f"{local:%m-%d} {day} {local:%H:%M}"


def describe(ctx: Ctx, suggestion: Suggestion) -> str:
    """One line: whom, what, by when. Plain @names: an offer pings nobody."""
    when = short_when(ctx, suggestion.deadline)
    person = suggestion.person
    if suggestion.kind == "request":
        return t(ctx.lang, "line", person=f"@{person.name} " if person else "", title=suggestion.title, when=when)
    to = t(ctx.lang, "to", person="@" + person.name) if person else ""
    return t(ctx.lang, "commitment_line", title=suggestion.title, to=to, when=when)


def _message(ctx: Ctx, suggestion: Suggestion, *, key: str, buttons: bool, outcome: str = "") -> OutgoingMessage:
    if buttons:
        card = Card(title=t(ctx.lang, "title"), lines=(describe(ctx, suggestion),),
                    buttons=(Button(t(ctx.lang, "b.accept"), f"follow:{suggestion.id}", "primary"),
                             Button(t(ctx.lang, "b.dismiss"), f"ignore:{suggestion.id}")))
    else:
        card = Card(title=outcome, lines=(describe(ctx, suggestion),))
    return OutgoingMessage(
        key=key, platform=ctx.event.platform, chat_id=suggestion.chat.chat_id, user_id=suggestion.author.user_id,
        card=card, edit_of_key=None if buttons else message_key(suggestion), created_at=ctx.now,
        thread_id=ctx.event.thread_id if buttons else None, extra=dict(EPHEMERAL),
    )


def may_answer(suggestion: Suggestion, user: User) -> bool:
    """The author, or the one asked (a request is theirs too); nobody else."""
    return user.id == suggestion.author_id or (suggestion.kind == "request" and user.id == suggestion.person_id)


def answer(ctx: Ctx, action: str, suggestion_id: int) -> None:
    """跟进 / 忽略 pressed on a suggestion."""
    suggestion = ctx.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.chat_id != ctx.chat.id:
        raise PrivateRefusal(t(ctx.lang, "e.missing"))
    if not may_answer(suggestion, ctx.actor):
        raise PrivateRefusal(t(ctx.lang, "e.not_yours", who="@" + suggestion.author.name))
    if suggestion.status != "open":
        raise PrivateRefusal(t(ctx.lang, "e.gone", status=t(ctx.lang, f"status.{suggestion.status}")))
    suggestion.decided_at, suggestion.decided_by_id = ctx.now, ctx.actor.id
    if action == "ignore":
        suggestion.status = "dismissed"
        outcome = t(ctx.lang, "dismissed")
    elif suggestion.deadline <= ctx.now:
        suggestion.status = "dismissed"
        outcome = t(ctx.lang, "e.deadline_passed", when=short_when(ctx, suggestion.deadline))
    else:
        item = _create(ctx, suggestion)
        suggestion.status, suggestion.item_id = "accepted", item.id
        outcome = t(ctx.lang, "accepted", number=item.number, title=item.title)
    ctx.post(_message(ctx, suggestion, key=f"{message_key(suggestion)}:{suggestion.status}", buttons=False,
                      outcome=outcome))


def _create(ctx: Ctx, suggestion: Suggestion):
    """The item, made as /ask (request: the author asks the person) or /todo (commitment: the author
    owns it; the person promised to is the initiator, else the author holds themself to it)."""
    deadline = Reading(when=suggestion.deadline, rest="", phrase=suggestion.phrase)
    if suggestion.kind == "request":
        assert suggestion.person is not None
        as_author = replace(ctx, actor=suggestion.author)
        return create_item(as_author, kind="request", target=Target(user=suggestion.person, department=None),
                           title=suggestion.title, deadline=deadline)
    initiator = suggestion.person or suggestion.author
    return create_item(replace(ctx, actor=initiator), kind="action",
                       target=Target(user=suggestion.author, department=None), title=suggestion.title,
                       deadline=deadline)


def private_refusal(ctx: Ctx, text: str) -> OutgoingMessage:
    """A refused click, for the clicker alone where the platform can."""
    return OutgoingMessage(key=f"reply:{ctx.event.platform}:{ctx.event.event_id}:0", platform=ctx.event.platform,
                           chat_id=ctx.chat.chat_id, user_id=ctx.actor.user_id, text=text, created_at=ctx.now,
                           extra=dict(EPHEMERAL))
