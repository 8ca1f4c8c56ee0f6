"""The request fields the handbooks ask for, on /todo and /ask: goal, cooperating departments, channel.

Each follows its own marker with a colon (`目标：`, `配合：`, `渠道：`, `goal:`, `with:`,
`channel:`) standing on its own, so words inside a task ("meet with the team",
"达成目标") stay part of it; a field's text runs to the next marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import grammar
from bot.commands.items import resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from storage.models import Item

_ALONE = r"(?<![^\s,，;；、。])"
MARKERS = {
    "goal": _ALONE + r"(?:目标|goal)\s*[:：]",
    "partners": _ALONE + r"(?:配合部门|配合|协作部门|with)\s*[:：]",
    "channel": _ALONE + r"(?:沟通渠道|渠道|channel)\s*[:：]",
}
CHANNEL_MAX = 100


@dataclass(frozen=True)
class RequestFields:
    goal: str | None = None
    partners: str | None = None
    channel: str | None = None

    def apply(self, item: Item) -> None:
        item.goal, item.partners, item.channel = self.goal, self.partners, self.channel


def read(ctx: Ctx, parts: dict[str, str], command: str) -> RequestFields:
    """The fields found by `grammar.split_markers` with MARKERS; a marker with nothing usable after it is refused."""
    goal = parts.get("goal")
    channel = parts.get("channel")
    for name, value in (("goal", goal), ("channel", channel)):
        if value is not None and not value.strip():
            raise UserError(t(ctx.lang, f"field.need_{name}") + "\n" + usage(ctx.lang, command))
    if channel is not None and len(channel) > CHANNEL_MAX:
        raise UserError(t(ctx.lang, "field.channel_long", n=CHANNEL_MAX))
    partners = _partners(ctx, parts["partners"], command) if "partners" in parts else None
    return RequestFields(goal=goal or None, partners=partners, channel=channel or None)


def _partners(ctx: Ctx, segment: str, command: str) -> str:
    """The departments (or people) named after `配合：`, by name, "、"-joined."""
    refs, stray = grammar.take_people(segment)
    if stray:
        raise UserError(t(ctx.lang, "field.partners_stray", words=stray) + "\n" + usage(ctx.lang, command))
    if not refs:
        raise UserError(t(ctx.lang, "field.need_partners") + "\n" + usage(ctx.lang, command))
    names = []
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.department is not None:
            names.append(target.department.name)
        else:
            assert target.user is not None  # a target is a person or a department
            names.append("@" + target.user.name)  # plain text: showing the field pings nobody
    return "、".join(dict.fromkeys(names))
