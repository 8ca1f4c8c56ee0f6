"""/dept: a workspace's departments, their head, liaisons and members.

A request sent to a department goes to its liaison, so changing a department re-routes
other people's work. Hence: departments belong to one workspace (tenant); once one has
a head, only that head or an admin changes it; every change is told to the head.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.commands import grammar
from bot.commands.admin import admin_names, require_admin
from bot.commands.items import resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.directory import at, find_department, liaisons, tenant_key
from bot.events import Card, OutgoingMessage
from storage.models import Department, DepartmentMember, User

ROLE_MARKERS = {
    "head": r"(?:负责人|部门负责人)\s*[:：]?|(?<!\S)head:?(?=\s|$)",
    "liaison": r"(?:对接人|联络人)\s*[:：]?|(?<!\S)liaisons?:?(?=\s|$)",
    "member": r"(?:成员)\s*[:：]?|(?<!\S)members?:?(?=\s|$)",
}
ROLE_NAMES = {"head": ("负责人", "head"), "liaison": ("对接人", "liaison"), "member": ("成员", "members")}


def _line(ctx: Ctx, dept: Department) -> str:
    members = [m.user for m in dept.members if m.role == "member"]
    return t(ctx.lang, "dept.line", name=dept.name, head=at(dept.head),
             liaisons=" ".join(at(u) for u in liaisons(dept)) or "—",
             members=" ".join(at(u) for u in members) or "—")


def _people(ctx: Ctx, segment: str, role: str) -> list[User]:
    refs, stray = grammar.take_people(segment)
    name = ROLE_NAMES[role][1 if ctx.lang == "en" else 0]
    if not refs:
        raise UserError(t(ctx.lang, "dept.need_mentions", role=name) + "\n" + usage(ctx.lang, "dept"))
    if stray:  # a word we would otherwise drop: say so rather than guess
        raise UserError(t(ctx.lang, "dept.stray", words=stray, role=name) + "\n" + usage(ctx.lang, "dept"))
    if role == "head" and len(refs) > 1:
        raise UserError(t(ctx.lang, "dept.one_head"))
    people = []
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.user is None:
            raise UserError(t(ctx.lang, "dept.dept_as_person", name=ref.name))
        people.append(target.user)
    return list(dict.fromkeys(people))


def _list(ctx: Ctx) -> None:
    depts = ctx.session.scalars(select(Department).where(
        Department.platform == ctx.event.platform, Department.tenant == tenant_key(ctx.event.tenant),
    ).order_by(Department.name)).all()
    if not depts:
        ctx.reply(t(ctx.lang, "dept.list_empty", usage=usage(ctx.lang, "dept")))
        return
    ctx.reply(card=Card(title=t(ctx.lang, "dept.list_title", n=len(depts)),
                        lines=tuple(_line(ctx, d) for d in depts)))


def cmd_dept(ctx: Ctx, rest: str) -> None:
    if not rest.strip():
        _list(ctx)
        return
    name, parts = grammar.split_markers(rest, ROLE_MARKERS)
    name = name.lstrip("@")
    if not name or " " in name:
        raise UserError(usage(ctx.lang, "dept"))
    dept = find_department(session=ctx.session, platform=ctx.event.platform, tenant=ctx.event.tenant, name=name)
    if dept is not None and not parts:  # "/dept Tech": just show it
        ctx.reply(_line(ctx, dept))
        return
    _may_change(ctx, dept)
    roles = {role: _people(ctx, segment, role) for role, segment in parts.items()}
    if len(roles.get("liaison", [])) > 2:
        raise UserError(t(ctx.lang, "dept.too_many_liaisons"))
    before, head_before = (_line(ctx, dept), dept.head) if dept is not None else (None, None)
    if dept is None:
        dept = Department(platform=ctx.event.platform, tenant=tenant_key(ctx.event.tenant), name=name)
        ctx.session.add(dept)
    if "head" in roles:
        dept.head = roles["head"][0]
    for role in ("liaison", "member"):
        if role in roles:
            _set_role(dept, role, roles[role])
    ctx.session.flush()
    after = _line(ctx, dept)
    ctx.reply(t(ctx.lang, "dept.saved", line=after))
    if before is not None and after != before:  # a new department changes nobody's routing yet
        _announce(ctx, dept, before=before, after=after, heads=(head_before, dept.head))


def _set_role(dept: Department, role: str, people: list[User]) -> None:
    """Naming a role's people replaces that role; a person has one role (one row) per department.

    Someone who already has a row (a member made liaison, a liaison named again) keeps it with
    the new role: a second row would break the department's one-row-per-person key.
    """
    wanted = {u.id for u in people}
    dept.members = [m for m in dept.members if m.user.id in wanted or m.role != role]
    rows = {m.user.id: m for m in dept.members}
    for user in people:
        if user.id in rows:
            rows[user.id].role = role
        else:
            dept.members.append(DepartmentMember(user=user, role=role))


def _may_change(ctx: Ctx, dept: Department | None) -> None:
    """Admins always; the head of a department that has one; otherwise as /settings (admins if set)."""
    head = dept.head if dept is not None else None
    if head is None:
        require_admin(ctx)
        return
    if ctx.actor.id == head.id or ctx.actor.user_id in ctx.policy.admins:
        return
    admins = admin_names(ctx)
    suffix = t(ctx.lang, "dept.or_admins", admins=admins) if admins else ""
    # The head's plain name, not a mention: a refused attempt should not ping them.
    raise UserError(t(ctx.lang, "dept.head_only", name=dept.name, head="@" + head.name, admins=suffix))


def _announce(ctx: Ctx, dept: Department, *, before: str, after: str, heads) -> None:
    """Tell the head (before and after the change) in a direct message, unless they made it."""
    where = t(ctx.lang, "dept.in_dm") if ctx.event.is_direct else (ctx.chat.name or ctx.chat.chat_id)
    text = (t(ctx.lang, "dept.changed", actor=at(ctx.actor), name=dept.name, where=where, after=after)
            + "\n" + t(ctx.lang, "dept.was", before=before))
    for head in dict.fromkeys(h for h in heads if h is not None and h.id != ctx.actor.id):
        ctx.post(OutgoingMessage(
            key=f"dept:{ctx.event.platform}:{ctx.event.event_id}:{head.user_id}", platform=ctx.event.platform,
            user_id=head.user_id, text=text, created_at=ctx.now,
        ))
