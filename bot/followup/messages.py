"""What each due reminder says, to whom: the group, the person, their head, the managers."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.context import calendar_for, card_key
from bot.deadlines import format_deadline
from bot.directory import at, head_of
from bot.events import Card, OutgoingMessage
from bot.followup.digests import days_late
from bot.followup.due import PERSONAL, Due, response_period
from bot.followup.strings import t
from bot.policy import Policy
from storage.models import Chat, Item, User


@dataclass(frozen=True)
class Notice:
    item: Item
    due: Due
    policy: Policy


def _waited(item: Item, policy: Policy, now: datetime) -> str:
    """How long the request has really waited: wall-clock minutes or working hours."""
    _, working = response_period(item, policy)
    if not working:
        return t(policy.lang, "minutes", n=round((now - item.created_at).total_seconds() / 60))
    hours = calendar_for(policy.calendar).working_time_between(item.created_at, now).total_seconds() / 3600
    return t(policy.lang, "hours", n=f"{round(hours * 2) / 2:g}")


def _fields(n: Notice, now: datetime) -> dict:
    item, policy = n.item, n.policy
    cal = calendar_for(policy.calendar)
    deadline = format_deadline(item.deadline, lang=policy.lang, calendar=cal) if item.deadline else "—"
    return dict(id=item.id, title=item.title, owner=at(item.owner), initiator=at(item.initiator),
                deadline=deadline, progress=item.progress, waited=_waited(item, policy, now),
                chat=item.chat.name or "#" + item.chat.chat_id)


def _group(n: Notice, text: str, key: str, *, thread: bool = True) -> OutgoingMessage:
    return OutgoingMessage(
        key=key, platform=n.item.chat.platform, chat_id=n.item.chat.chat_id, text=text,
        item_ids=(n.item.id,), reply_to_key=card_key(n.item.id) if thread else None,
    )


def _dm(n: Notice, user: User, text: str, key: str) -> OutgoingMessage:
    return OutgoingMessage(key=key, platform=n.item.chat.platform, user_id=user.user_id, text=text,
                           item_ids=(n.item.id,))


def _managers(session: Session, n: Notice) -> list[User]:
    """Whom an escalation goes to: the owner's department head, else the chat's managers."""
    item = n.item
    head = (item.department.head if item.department else None) or (
        head_of(session=session, user=item.owner) if item.owner else None)
    if head is not None:
        return [head]
    ids = list(n.policy.managers)
    if not ids:
        return []
    return list(session.scalars(select(User).where(User.platform == item.chat.platform, User.user_id.in_(ids))))


def _escalation(session: Session, n: Notice, now: datetime) -> list[OutgoingMessage]:
    lang, f = n.policy.lang, _fields(n, now)
    if n.due.kind == "escalate":
        why = t(lang, "why_late", days=days_late(n.item, now, calendar_for(n.policy.calendar)))
    else:
        reason = n.item.blocker_reason
        why = t(lang, "why_risk", reason=f"（{reason}）" if reason and lang != "en" else f" ({reason})" if reason else "")
    managers = _managers(session, n)
    out = [_dm(n, m, t(lang, "escalate_dm", why=why, **f), f"remind:{n.due.key}:dm:{m.user_id}") for m in managers]
    if managers:
        text = t(lang, "escalate_group", why=why, managers=" ".join(at(m) for m in managers), **f)
    else:  # nobody to tell: say so, and how to fix it
        text = t(lang, "escalate_nobody", why=why, **f)
    out.append(_group(n, text, f"remind:{n.due.key}"))
    return out


def _single(session: Session, n: Notice, now: datetime) -> list[OutgoingMessage]:
    lang, f, kind = n.policy.lang, _fields(n, now), n.due.kind
    if kind in ("nudge1", "warn", "overdue"):
        return [_group(n, t(lang, kind, **f), f"remind:{n.due.key}")]
    if kind == "nudge2":
        out = [_group(n, t(lang, "nudge2", **f), f"remind:{n.due.key}")]
        if n.item.owner is not None:
            out.append(_dm(n, n.item.owner, t(lang, "nudge2", **f), f"remind:{n.due.key}:dm"))
        head = _managers(session, n)
        if head and head[0].id != n.item.owner_id:
            out.append(_dm(n, head[0], t(lang, "nudge2_head", head=at(head[0]), **f), f"remind:{n.due.key}:head"))
        return out
    return _escalation(session, n, now)


def _bundle(notices: list[Notice], now: datetime) -> OutgoingMessage:
    """Several reminders for one person at once: one message listing them."""
    first = notices[0]
    lang = first.policy.lang
    lines = tuple("· " + t(lang, f"bundle.{n.due.kind}", **_fields(n, now)) for n in notices)
    digest = hashlib.sha1("|".join(sorted(n.due.key for n in notices)).encode()).hexdigest()[:16]
    return OutgoingMessage(
        key=f"remind:bundle:{digest}", platform=first.item.chat.platform, chat_id=first.item.chat.chat_id,
        text="\n".join((t(lang, "bundle", owner=at(first.item.owner), n=len(notices)), *lines)),
        item_ids=tuple(n.item.id for n in notices),
    )


def notices_for(*, session: Session, notices: list[Notice], now: datetime) -> list[OutgoingMessage]:
    personal: dict[tuple[int, int | None], list[Notice]] = defaultdict(list)
    out: list[OutgoingMessage] = []
    for n in notices:
        if n.due.kind in PERSONAL and n.item.urgency != "emergency":
            personal[(n.item.chat_id, n.item.owner_id)].append(n)
        else:
            out += _single(session, n, now)
    for group in personal.values():
        out += _single(session, group[0], now) if len(group) == 1 else [_bundle(group, now)]
    return out


def digest_messages(*, chat: Chat, card: Card, key: str, kind: str, policy: Policy,
                    now: datetime) -> list[OutgoingMessage]:
    """The digest in the group; the weekly report also to each manager directly."""
    out = [OutgoingMessage(key=key, platform=chat.platform, chat_id=chat.chat_id, card=card, created_at=now)]
    if kind == "weekly":
        out += [OutgoingMessage(key=f"{key}:dm:{m}", platform=chat.platform, user_id=m, card=card, created_at=now)
                for m in policy.managers]
    return out

