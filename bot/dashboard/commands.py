"""/dashboard (/看板) [project NAME]: a signed link to the read-only web view, sent privately."""

from __future__ import annotations

import re

from bot.commands.strings import usage
from bot.context import Ctx, UserError
from bot.dashboard.strings import t
from bot.directory import at
from bot.events import OutgoingMessage
from bot.ports import ViewScope
from bot.projects import find_project, no_such_project

PROJECT_WORD = re.compile(r"^(?:项目|project)(?:\s*[:：]\s*|\s+)", re.IGNORECASE)


def cmd_dashboard(ctx: Ctx, rest: str) -> None:
    if ctx.links is None:  # [web] not configured: say who can turn it on, and how
        raise UserError(t(ctx.lang, "not_set_up"))
    name = PROJECT_WORD.sub("", rest.strip()).strip().strip("「」“”\"")
    if re.search(r"\s", name):
        raise UserError(t(ctx.lang, "one_project", name=name) + "\n" + usage(ctx.lang, "dashboard"))
    project = None
    if name:
        project = find_project(ctx.session, ctx.chat, name)
        if project is None:  # refused, naming the chat's projects
            raise no_such_project(ctx.session, ctx.chat, name, ctx.lang)
    scope = ViewScope(chat_id=ctx.chat.id, project_id=project.id if project else None)
    url = ctx.links.link(scope, lang=ctx.lang, now=ctx.now)
    if project is not None:
        what = t(ctx.lang, "scope.project", name=project.name)
    else:
        what = t(ctx.lang, "scope.chat", name=ctx.chat.name) if ctx.chat.name else t(ctx.lang, "scope.chat_unnamed")
    text = t(ctx.lang, "link", scope=what, url=url, days=ctx.links.days)
    if ctx.event.is_direct:  # asked in a one-to-one chat: that is already private
        ctx.reply(text)
        return
    # The link opens the chat's records to whoever holds it: it goes to the asker alone, never the group.
    ctx.post(OutgoingMessage(key=f"dashboard:{ctx.event.platform}:{ctx.event.event_id}", platform=ctx.event.platform,
                             user_id=ctx.actor.user_id, text=text, created_at=ctx.now))
    ctx.reply(t(ctx.lang, "sent", who=at(ctx.actor)))
