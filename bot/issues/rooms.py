"""Emergency coordination groups (/emergency … --room): asked for, opened, and kept in step.

The core never calls a platform. It enqueues one platform-neutral request (an outbox row whose
`extra["action"]` is CREATE_ROOM, keyed by the emergency, so it is carried out once however often
delivery retries); the platform's sender creates the group with the people in `members` and
returns the new chat's id as the row's platform id. The delivery code then calls `room_opened`
in the transaction that records the send: the emergency remembers the room and the facts are
queued for it, both once.

In the room, `#N` is the original chat's number (a room has no emergencies of its own): a command
there finds its emergency by `Issue.room_chat_id`, and may leave the number out. /ack, /plan and
/resolve, typed in either place, are posted to the other one too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands import grammar
from bot.context import Ctx
from bot.directory import at, chat_label
from bot.events import OutgoingMessage
from bot.issues import rules
from bot.issues.strings import t
from storage.models import Chat, Issue, User
from storage.outbox import enqueue

CREATE_ROOM = "create_room"
ROOM_PLATFORMS = frozenset({"feishu", "slack"})  # where a bot may create a group and invite people
FLAG: dict[str, tuple[str, ...]] = {"room": ("--room", "--群", "建群")}  # at either end, or bracketed anywhere: 【建群】


def take_flag(text: str) -> tuple[bool, str]:
    """Whether the command asks for a room, and its text without the flag."""
    found, rest = grammar.take_flags(text, FLAG)
    return bool(found), rest


def why_not(ctx: Ctx) -> str | None:
    """The string key saying why no room can be opened from this chat, or None when one can."""
    if ctx.event.platform not in ROOM_PLATFORMS:
        return "room.unsupported"
    return None if ctx.policy.emergency_rooms else "room.disabled"


def members(session: Session, issue: Issue) -> list[User]:
    """The reporter, the people named (a department: its liaisons) and their heads."""
    people = [issue.reporter, *rules.emergency_people(session, issue)]
    return list({p.id: p for p in people}.values())


def request(ctx: Ctx, issue: Issue, people: list[User], facts: list[str]) -> OutgoingMessage:
    """The outbox row asking the platform for the room; its key makes it once per emergency."""
    name = t(ctx.lang, "room.name", id=issue.number, description=issue.description)
    header = t(ctx.lang, "room.facts", id=issue.number, chat=chat_label(ctx.chat))
    body = [header, *facts, t(ctx.lang, "room.reporter", reporter=at(issue.reporter)), t(ctx.lang, "room.commands")]
    return OutgoingMessage(
        key=f"room:{ctx.event.platform}:{issue.id}", platform=ctx.event.platform, chat_id=ctx.chat.chat_id,
        text=name, created_at=ctx.now,
        extra={"action": CREATE_ROOM, "issue": str(issue.id), "number": str(issue.number),
               "name": name if len(name) <= 60 else name[:59] + "…",
               "members": ",".join(p.user_id for p in people), "facts": "\n".join(body),
               "opened": t(ctx.lang, "room.opened", id=issue.number), "lang": ctx.lang})


def room_opened(session: Session, msg: OutgoingMessage, room_id: str, now: datetime) -> None:
    """The platform created the room asked for by `msg`: remember it and queue the facts there.

    Called by the delivery code in the transaction that marks the request sent, so once.
    """
    issue = session.get(Issue, int(msg.extra["issue"]))
    if issue is None or not room_id or issue.room_chat_id:
        return
    issue.room_chat_id = room_id
    facts, lang = msg.extra["facts"], msg.extra.get("lang", "zh")
    if issue.status != "open":  # what happened while the room was being made
        facts += "\n" + t(lang, "f.status") + "：" + t(lang, f"status.{issue.status}") + " · " + (issue.result or "—")
    elif issue.plan:
        facts += "\n" + t(lang, "state.plan", plan=issue.plan)
    enqueue(session=session, now=now, msg=OutgoingMessage(
        key=f"room:facts:{msg.platform}:{issue.id}", platform=msg.platform, chat_id=room_id,
        text=facts, created_at=now))
    enqueue(session=session, now=now, msg=OutgoingMessage(
        key=f"room:opened:{msg.platform}:{issue.id}", platform=msg.platform, chat_id=issue.chat.chat_id,
        text=msg.extra["opened"], created_at=now))


def room_emergency(ctx: Ctx, number: int | None) -> Issue | None:
    """When this chat is an emergency's room: that emergency (if `number` is given, only when it
    is that emergency's #N in its own chat), locked as find_issue locks."""
    query = (select(Issue).join(Chat, Chat.id == Issue.chat_id)
             .where(Issue.room_chat_id == ctx.chat.chat_id, Chat.platform == ctx.chat.platform))
    if number is not None:
        query = query.where(Issue.number == number)
    return ctx.session.scalar(query.order_by(Issue.id.desc()).limit(1).with_for_update(of=Issue))


def mirror(ctx: Ctx, issue: Issue, text: str) -> None:
    """Post what was just said about `issue` in the other of its two places, if it has a room."""
    if not issue.room_chat_id:
        return
    in_room = ctx.chat.chat_id == issue.room_chat_id and ctx.chat.platform == issue.chat.platform
    other = issue.chat.chat_id if in_room else issue.room_chat_id
    note = t(ctx.lang, "mirror.origin") if in_room else t(ctx.lang, "mirror.room", chat=chat_label(ctx.chat))
    ctx.post(OutgoingMessage(key=f"mirror:{ctx.event.platform}:{ctx.event.event_id}", platform=issue.chat.platform,
                             chat_id=other, text=text + note, created_at=ctx.now))
