"""What each due reminder says, to whom: the group, the person, the next rungs of the ladder.

Every reminder becomes parts (a line in the group, a direct message); the parts of one sweep
for the same person (or the same chat's escalations) go out as one message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.context import calendar_for, card_key
from bot.deadlines import format_deadline
from bot.directory import at, chat_label
from bot.email import messages as email
from bot.events import Attachment, Card, OutgoingMessage
from bot.followup import ladder
from bot.followup.digests import days_late
from bot.followup.due import LADDER, Due, response_period
from bot.followup.strings import for_policy, t
from bot.policy import Policy
from storage.models import Chat, Item, User

# Characters no file system takes in a name (Windows' list, the strictest).
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
Claim = Callable[[str, str, int], bool]  # (key, kind, chat id) -> claimed now (False: done before)


@dataclass(frozen=True)
class Notice:
    item: Item
    due: Due
    policy: Policy


@dataclass(frozen=True)
class Part:
    """One thing to say: alone it is `text`; bundled with others of its `bundle`, it is `line`."""

    key: str
    item: Item
    lang: str
    bundle: str  # "person:<id>", "escalations", "dm"
    text: str
    line: str
    user: User | None = None  # a direct message to them; None: to the item's chat
    person: User | None = None  # whom a group bundle addresses
    hints: str = ""  # how to name a missing rung: said once at the end, bundled or not


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
    return dict(id=item.number, title=item.title, owner=at(item.owner), initiator=at(item.initiator),
                deadline=deadline, progress=item.progress, waited=_waited(item, policy, now),
                chat=chat_label(item.chat))


def _before(n: Notice, step: ladder.Step) -> str:
    """" 此前已通知：@lee（11-23 13:00）" — plain names: the earlier rungs are not pinged again."""
    if not step.before:
        return ""
    tz = calendar_for(n.policy.calendar).tz
    who = "、".join(f"{name}（{moment.astimezone(tz):%m-%d %H:%M}）" for name, moment in step.before)
    return t(n.policy.lang, "told_before", who=who)


def _why(n: Notice, now: datetime) -> str:
    lang = n.policy.lang
    if n.due.family == "deadline":
        return t(lang, "why_late", days=days_late(n.item, now, calendar_for(n.policy.calendar)))
    reason = n.item.blocker_reason
    return t(lang, "why_risk", reason=f"（{reason}）" if reason and lang != "en" else f" ({reason})" if reason else "")


def _hints(n: Notice, step: ladder.Step, claim: Claim) -> str:
    """How to name a missing rung: told once per chat (and department)."""
    lang, item, out = n.policy.lang, n.item, []
    dept = step.department
    for role in step.missing:
        scope = f"{dept.id}" if role == "head" and dept is not None else "any"
        if not claim(f"setup:{role}:{item.chat_id}:{scope}", "setup", item.chat_id):
            continue
        if role == "head":
            out.append(t(lang, "hint.head", dept=dept.name) if dept is not None
                       else t(lang, "hint.no_department", owner="@" + (item.owner.name if item.owner else "—")))
        else:
            out.append(t(lang, "hint.managers"))
    return "".join("\n" + line for line in out)


def _personal(n: Notice, now: datetime, person: User | None, text_key: str, told: str = "",
              hints: str = "") -> Part:
    f, lang = _fields(n, now), n.policy.lang
    return Part(key=f"remind:{n.due.key}", item=n.item, lang=lang,
                bundle=f"person:{person.id if person else 0}", person=person, hints=hints,
                text=t(lang, for_policy(text_key, n.policy), **f) + (t(lang, "told_now", who=told) if told else ""),
                line=t(lang, f"bundle.{n.due.kind}", **f) + (t(lang, "told_now_line", who=told) if told else ""))


def _parts(session: Session, n: Notice, now: datetime, claim: Claim) -> list[Part]:
    lang, kind, item = n.policy.lang, n.due.kind, n.item
    f = _fields(n, now)
    if kind == "standard":
        return [_personal(n, now, item.initiator, "standard")]
    if kind == "warn":
        return [_personal(n, now, item.owner, "warn")]
    if kind == "unconfirmed":
        return [_personal(n, now, item.owner, "unconfirmed")]
    step = ladder.step_for(session, item, n.due, n.policy)
    told = [item.owner] if kind in ("nudge1", "nudge2", "overdue") and item.owner else []
    new = " ".join(at(p) for p in step.new)
    parts: list[Part] = []
    if kind in ("nudge1", "overdue"):
        parts.append(_personal(n, now, item.owner, kind))
    elif kind == "nudge2":
        parts.append(_personal(n, now, item.owner, "nudge2", new, _hints(n, step, claim)))
        if item.owner is not None:
            parts.append(Part(key=f"remind:{n.due.key}:dm", item=item, lang=lang, bundle="dm", user=item.owner,
                              text=t(lang, "nudge2", **f), line=t(lang, "bundle.nudge2", **f)))
    elif step.new:  # a further step of the ladder, said in the group too
        said = (t(lang, "climb_group", who=new, **f) if n.due.family in ("response", "climb")
                else t(lang, "escalate_group", why=_why(n, now), managers=new, **f))
        parts.append(Part(key=f"remind:{n.due.key}", item=item, lang=lang, bundle="escalations",
                          text=said + _before(n, step), line=said, hints=_hints(n, step, claim)))
    elif (step.reached_top and not ladder.ladder_for(session, item, n.policy, kind).rungs
          and claim(f"nobody:{item.id}:{n.due.scope}", "setup", item.chat_id)):
        # nobody to tell at all: say so once for this item and deadline, and how to fix it
        said = (t(lang, "climb_nobody", **f) if n.due.family in ("response", "climb")
                else t(lang, "escalate_nobody", why=_why(n, now), **f))
        parts.append(Part(key=f"remind:{n.due.key}", item=item, lang=lang, bundle="escalations",
                          text=said, line=said, hints=_hints(n, step, claim)))
    for person in step.new:
        response = n.due.family in ("response", "climb")
        dm = (t(lang, "nudge2_head", head=at(person), **f) if response
              else t(lang, "escalate_dm", why=_why(n, now), **f)) + _before(n, step)
        short = t(lang, "bundle.climb", **f) if response else t(lang, "bundle.escalate", why=_why(n, now), **f)
        parts.append(Part(key=f"remind:{n.due.key}:dm:{person.user_id}", item=item, lang=lang, bundle="dm",
                          user=person, text=dm, line=short + _before(n, step)))
    if kind in LADDER and (told or step.new):
        ladder.record(session, item, n.due, told + step.new, now)
    return parts


def _message(parts: list[Part]) -> OutgoingMessage:
    first = parts[0]
    item = first.item
    hints = "".join(dict.fromkeys(p.hints for p in parts))
    user_id = first.user.user_id if first.user else None
    chat_id = None if first.user else item.chat.chat_id
    if len(parts) == 1:
        return OutgoingMessage(key=first.key, platform=item.chat.platform, text=first.text + hints,
                               item_ids=(item.id,),
                               reply_to_key=None if first.user else card_key(item.id), user_id=user_id,
                               chat_id=chat_id)
    lang = first.lang
    if first.bundle == "dm":
        header = t(lang, "bundle.dm", n=len(parts))
    elif first.bundle == "escalations":
        header = t(lang, "bundle.escalations", n=len(parts))
    else:
        header = t(lang, "bundle", owner=at(first.person), n=len(parts))
    digest = hashlib.sha1("|".join(sorted(p.key for p in parts)).encode()).hexdigest()[:16]
    lines = tuple("· " + p.line for p in parts)
    return OutgoingMessage(key=f"remind:bundle:{digest}", platform=item.chat.platform,
                           text="\n".join((header, *lines)) + hints, item_ids=tuple(dict.fromkeys(p.item.id for p in parts)),
                           user_id=user_id, chat_id=chat_id)


def notices_for(*, session: Session, notices: list[Notice], now: datetime, claim: Claim) -> list[OutgoingMessage]:
    """The messages for the reminders one sweep issues in one chat: one per person and kind of part."""
    groups: dict[tuple, list[Part]] = {}
    for n in notices:
        for part in _parts(session, n, now, claim):
            urgent = n.item.urgency == "emergency"  # an emergency is said on its own, at once
            where = (part.user.id if part.user else None, part.bundle, part.key if urgent else "")
            groups.setdefault(where, []).append(part)
    return [_message(parts) for parts in groups.values()]


def chart_attachment(*, scope: str, policy: Policy, now: datetime, chat_id: int,
                     project_id: int | None = None) -> Attachment:
    """The weekly report's picture (drawn at delivery by the "weekly_chart" producer)."""
    lang = policy.lang
    day = now.astimezone(ZoneInfo(policy.calendar.timezone)).strftime("%Y%m%d")
    name = UNSAFE_IN_FILE_NAME.sub("_", t(lang, "chart.file", scope=scope, day=day))
    return Attachment(name=name, source="weekly_chart", kind="image",
                      params={"chat": str(chat_id), "project": str(project_id or ""), "lang": lang})


def digest_messages(*, chat: Chat, card: Card, key: str, kind: str, policy: Policy,
                    now: datetime) -> list[OutgoingMessage]:
    """The digest in the group; the weekly report (with its chart) also to each manager directly, and by email."""
    files = (chart_attachment(scope=chat.name or chat.chat_id, policy=policy, now=now, chat_id=chat.id),) \
        if kind == "weekly" else ()
    out = [OutgoingMessage(key=key, platform=chat.platform, chat_id=chat.chat_id, card=card, created_at=now,
                           attachments=files)]
    if kind == "weekly":
        out += [OutgoingMessage(key=f"{key}:dm:{m}", platform=chat.platform, user_id=m, card=card, created_at=now,
                                attachments=files) for m in policy.managers]
        out += email.copy_of(chat=chat, policy=policy, record_key=key, card=card, kind=email.WEEKLY, now=now)
    return out
