"""/settings email (/设置 邮件): who gets the chat's minutes and weekly reports by email.

/settings email                      the list
/settings email [@person] ADDRESS    add (or re-assign) an address
/settings email remove ADDRESS       remove one
Anyone may read the list; changing it is for the admins, like every setting.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.commands import grammar
from bot.commands.items import resolve_target
from bot.context import Ctx, UserError
from bot.email import addresses
from bot.email.strings import t
from storage.models import User

KEYS = ("email", "emails", "mail", "e-mail", "邮件", "邮箱", "邮件地址")
REMOVE = ("remove", "delete", "del", "rm", "删除", "移除", "去掉")


def settings_email(ctx: Ctx, rest: str, *, may_change: Callable[[Ctx], None]) -> None:
    rest = rest.strip()
    if not rest:
        ctx.reply(_listing(ctx, addresses.entries(ctx.chat.settings or {})))
        return
    may_change(ctx)
    first, _, after = rest.partition(" ")
    if first.lower() in REMOVE:
        _remove(ctx, after)
    else:
        _add(ctx, rest)


def _one_address(ctx: Ctx, text: str) -> tuple[str, str]:
    """The one address typed (checked), and the words left over."""
    found, rest = addresses.split_addresses(text)
    if not found:
        raise UserError(t(ctx.lang, "need_address") + "\n" + t(ctx.lang, "usage"))
    if len(found) > 1:
        raise UserError(t(ctx.lang, "one_address", addresses=" ".join(found)))
    try:
        return addresses.check(found[0]), rest
    except addresses.BadAddress as err:
        raise UserError(t(ctx.lang, "bad_address", typed=found[0], why=err) + "\n" + t(ctx.lang, "usage")) from None


def _add(ctx: Ctx, text: str) -> None:
    address, rest = _one_address(ctx, text)
    refs, stray = grammar.take_people(rest)
    if stray:
        raise UserError(t(ctx.lang, "stray", words=stray) + "\n" + t(ctx.lang, "usage"))
    if len(refs) > 1:
        raise UserError(t(ctx.lang, "one_person"))
    user = None
    if refs:
        user = resolve_target(ctx, refs[0]).user
        if user is None:  # a department: an address belongs to a person (or to nobody named)
            raise UserError(t(ctx.lang, "one_person"))
    listed = addresses.entries(ctx.chat.settings or {})
    known = next((e for e in listed if addresses.same(e["address"], address)), None)
    if known is None and len(listed) >= addresses.MAX_ADDRESSES:
        raise UserError(t(ctx.lang, "too_many", n=addresses.MAX_ADDRESSES))
    if known is not None:
        known["user_id"] = user.user_id if user else known.get("user_id")
        said = t(ctx.lang, "updated", address=known["address"])
    else:
        listed.append({"address": address, "user_id": user.user_id if user else None})
        said = t(ctx.lang, "added", address=address)
    _save(ctx, listed, said)


def _remove(ctx: Ctx, text: str) -> None:
    found, _ = addresses.split_addresses(text)
    if len(found) != 1:
        raise UserError((t(ctx.lang, "one_address", addresses=" ".join(found)) if found
                         else t(ctx.lang, "need_address")) + "\n" + t(ctx.lang, "usage"))
    listed = addresses.entries(ctx.chat.settings or {})
    kept = [e for e in listed if not addresses.same(e["address"], found[0])]
    if len(kept) == len(listed):
        raise UserError(t(ctx.lang, "not_listed", address=found[0]))
    _save(ctx, kept, t(ctx.lang, "removed", address=found[0]))


def _save(ctx: Ctx, listed: list[dict], said: str) -> None:
    ctx.chat.settings = {**(ctx.chat.settings or {}), addresses.KEY: listed}
    ctx.reply(said + "\n" + _listing(ctx, listed))


def _listing(ctx: Ctx, listed: list[dict]) -> str:
    """The list, with each address's person as a plain @name (listing pings nobody)."""
    if not listed:
        text = t(ctx.lang, "list.empty", usage=t(ctx.lang, "usage"))
    else:
        ids = [e["user_id"] for e in listed if e.get("user_id")]
        names = {u.user_id: u.name or u.user_id for u in ctx.session.scalars(select(User).where(
            User.platform == ctx.event.platform, User.user_id.in_(ids)))} if ids else {}
        lines = [t(ctx.lang, "line", address=e["address"],
                   who=t(ctx.lang, "who", name="@" + names.get(e["user_id"], e["user_id"])) if e.get("user_id") else "")
                 for e in listed]
        text = t(ctx.lang, "list", lines="\n".join(lines))
    return text if ctx.policy.email else text + "\n" + t(ctx.lang, "not_configured")
