"""/bitable (/多维表格): bind this chat or one of its projects to a Bitable table, show, unbind."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.bitable import sync
from bot.bitable.strings import t, usage
from bot.commands.admin import admin_names
from bot.context import Ctx, UserError
from bot.directory import chat_label
from bot.projects.store import find_project
from storage.models import BitableLink, BitableRecord, Project
from storage.outbox import find

LINK_WORDS = ("link", "bind", "绑定", "关联")
UNLINK_WORDS = ("unlink", "unbind", "解绑", "解除绑定", "取消绑定")
PROJECT_WORDS = ("project", "项目")
APP_TOKEN = re.compile(r"^[A-Za-z0-9]{10,64}$")
TABLE_ID = re.compile(r"^tbl[A-Za-z0-9]{3,60}$")
# https://xxx.feishu.cn/base/APP_TOKEN?table=tblXXX&view=vewYYY (or /wiki/… pages show the same query)
URL = re.compile(r"https?://\S*?/base/([A-Za-z0-9]+)\S*?[?&]table=(tbl[A-Za-z0-9]+)")


def cmd_bitable(ctx: Ctx, rest: str) -> None:
    if ctx.event.platform != sync.PLATFORM:
        raise UserError(t(ctx.lang, "feishu_only"))
    if not ctx.policy.bitable:
        raise UserError(t(ctx.lang, "disabled"))
    words = rest.split()
    verb = words[0].lower() if words else ""
    if verb in LINK_WORDS:
        _require_admin(ctx)
        _link(ctx, words[1:])
    elif verb in UNLINK_WORDS:
        _require_admin(ctx)
        _unlink(ctx, _project(ctx, words[1:]))
    elif not words or verb in PROJECT_WORDS:
        _show(ctx, _project(ctx, words))
    else:
        raise UserError(t(ctx.lang, "unknown_sub", word=words[0]) + "\n" + usage(ctx.lang))


def _require_admin(ctx: Ctx) -> None:
    """Where the chat's items are written is set-up, as /settings is: the admins decide, if any are set."""
    if ctx.policy.admins and ctx.actor.user_id not in ctx.policy.admins:
        raise UserError(t(ctx.lang, "admin_only", admins=admin_names(ctx)))


def _project(ctx: Ctx, words: list[str]) -> Project | None:
    """`项目 NAME` (or `project NAME`) at the end of the words: that project of this chat."""
    if not words:
        return None
    if words[0].lower() not in PROJECT_WORDS or len(words) < 2:
        raise UserError(t(ctx.lang, "unknown_sub", word=" ".join(words)) + "\n" + usage(ctx.lang))
    name = " ".join(words[1:])
    project = find_project(ctx.session, ctx.chat, name)
    if project is None:
        raise UserError(t(ctx.lang, "no_project", name=name))
    return project


def _scope(ctx: Ctx, project: Project | None) -> str:
    return t(ctx.lang, "scope.project", name=project.name) if project else t(ctx.lang, "scope.chat")


def _ids(ctx: Ctx, words: list[str]) -> tuple[str, str, list[str]]:
    """(app_token, table_id, the words left) from two ids or a pasted table URL."""
    if words:
        found = URL.search(words[0])
        if found:
            return found.group(1), found.group(2), words[1:]
    if len(words) < 2:
        raise UserError(t(ctx.lang, "need_ids") + "\n" + usage(ctx.lang))
    if not APP_TOKEN.match(words[0]):
        raise UserError(t(ctx.lang, "bad_token", word=words[0][:80]) + "\n" + usage(ctx.lang))
    if not TABLE_ID.match(words[1]):
        raise UserError(t(ctx.lang, "bad_table", word=words[1][:80]) + "\n" + usage(ctx.lang))
    return words[0], words[1], words[2:]


def find_link(ctx: Ctx, project: Project | None) -> BitableLink | None:
    query = select(BitableLink).where(BitableLink.chat_id == ctx.chat.id)
    query = query.where(BitableLink.project_id == project.id) if project else query.where(
        BitableLink.project_id.is_(None))
    return ctx.session.scalar(query)


def _link(ctx: Ctx, words: list[str]) -> None:
    app_token, table_id, rest = _ids(ctx, words)
    project = _project(ctx, rest)
    current = find_link(ctx, project)
    if current is not None:
        raise UserError(t(ctx.lang, "already", scope=_scope(ctx, project), table=current.table_id))
    taken = ctx.session.scalar(select(BitableLink).where(BitableLink.app_token == app_token,
                                                         BitableLink.table_id == table_id))
    if taken is not None:
        where = _scope(ctx, taken.project) if taken.chat_id == ctx.chat.id else chat_label(taken.chat)
        raise UserError(t(ctx.lang, "taken", where=where))
    link = BitableLink(chat=ctx.chat, project=project, app_token=app_token, table_id=table_id,
                       created_by=ctx.actor, created_at=ctx.now, writes=0)
    ctx.session.add(link)
    ctx.session.flush()
    sync.set_up(ctx.session, link, ctx.lang, ctx.now)
    items = sync.items_of(ctx.session, link)
    sync.follow(ctx.session, now=ctx.now, lang=ctx.lang, items=items)
    ctx.reply(t(ctx.lang, "linked", scope=_scope(ctx, project), table=table_id, app=app_token, n=len(items)))


def _unlink(ctx: Ctx, project: Project | None) -> None:
    link = find_link(ctx, project)
    if link is None:
        raise UserError(t(ctx.lang, "not_linked", scope=_scope(ctx, project)))
    table_id = link.table_id
    sync.unlink(ctx.session, link)
    ctx.reply(t(ctx.lang, "unlinked", scope=_scope(ctx, project), table=table_id))


def _show(ctx: Ctx, project: Project | None) -> None:
    link = find_link(ctx, project)
    if link is None:
        raise UserError(t(ctx.lang, "not_linked", scope=_scope(ctx, project)) + "\n" + usage(ctx.lang))
    n = ctx.session.scalar(select(func.count()).select_from(BitableRecord).where(
        BitableRecord.link_id == link.id, BitableRecord.record_id.is_not(None)))
    setup = find(session=ctx.session, key=sync.setup_key(link))
    failed = link.ready_at is None and setup is not None and setup.status == "failed"
    state = t(ctx.lang, "state.ready" if link.ready_at else "state.failed" if failed else "state.setup")
    ctx.reply(t(ctx.lang, "show", scope=_scope(ctx, project), table=link.table_id, app=link.app_token, n=n,
                state=state))
