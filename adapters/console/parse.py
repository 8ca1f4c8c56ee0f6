"""The console's one parse function: a script directive -> IncomingEvent."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from adapters.console.script import Click, React, Reply, Say
from bot.events import EventKind, IncomingEvent, Mention, mention

BOT_NAMES = ("genjin", "bot", "跟进")
# What people type for the three reactions that mean something to the core.
EMOJI = {
    "✅": "✅", "✔": "✅", "✔️": "✅", "☑️": "✅", "white_check_mark": "✅", "heavy_check_mark": "✅",
    "ok": "✅", "done": "✅",
    "❌": "❌", "✖": "❌", "x": "❌", "no": "❌",
    "👀": "👀", "eyes": "👀",
}
PLAIN_MENTION = re.compile(r"(?<![\w<])@([^\s@<>:：,，。]+)")


def _event_id() -> str:
    # Console events have no platform id; a fresh one per line keeps reruns from being deduped.
    return f"console-{uuid.uuid4().hex}"


def to_event(directive: Say | React | Click | Reply, *, chat: str, now: datetime, button_value: str | None = None,
             target: str | None = None, departments: frozenset[str] = frozenset()) -> IncomingEvent:
    """Translate one console action; the simulator looks up the clicked button's value and
    the platform id (`target`) of the message reacted to or clicked."""
    user = directive.user
    base = dict(platform="console", event_id=_event_id(), chat_id=chat, user_id=user, user_name=user,
                received_at=now)
    if isinstance(directive, React):
        emoji = directive.emoji.strip(":")
        return IncomingEvent(
            **base, kind=EventKind.REACTION_ADDED if directive.added else EventKind.REACTION_REMOVED,
            reaction=EMOJI.get(emoji.lower(), emoji), target_message_id=target or f"m{directive.message}",
        )
    if isinstance(directive, Click):
        return IncomingEvent(**base, kind=EventKind.BUTTON, button_value=button_value,
                             target_message_id=target or f"m{directive.message}")
    text, addressed = directive.text, False
    first, _, rest = text.partition(" ")
    if first.lstrip("@").lower() in BOT_NAMES and first.startswith("@"):
        text, addressed = rest.strip(), True
    # In the simulator every @name is a person (as if picked from the member list), except
    # registered department names, which stay typed text as they would on a real platform.
    def is_person(name: str) -> bool:
        return name.lower() not in departments

    names = [n for n in dict.fromkeys(PLAIN_MENTION.findall(text)) if is_person(n)]
    text = PLAIN_MENTION.sub(lambda m: mention(m.group(1), m.group(1)) if is_person(m.group(1)) else m.group(0),
                             text)
    return IncomingEvent(**base, kind=EventKind.MESSAGE, text=text, addressed_to_bot=addressed,
                         mentions=tuple(Mention(n, n) for n in names), message_id=base["event_id"],
                         thread_id=(target or f"m{directive.message}") if isinstance(directive, Reply) else None)
