"""/project (/项目), /milestone (/里程碑), /link (/关联) and /after (/依赖)."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.commands import grammar, when
from bot.commands.items import item_and_rest, load_item, resolve_target
from bot.commands.strings import usage
from bot.context import Ctx, UserError
from bot.deadlines import format_deadline
from bot.directory import at, find_department
from bot.events import Card
from bot.issues.render import open_lines
from bot.items.states import FINAL
from bot.items.strings import status_label
from bot.projects import critical, marker, rules, store, view
from bot.projects.joining import late_for_milestone
from bot.projects.strings import t
from storage.models import Department, Item, Milestone, Project

SUBWORDS = {
    "new": ("new", "create", "add", "新建", "创建", "新增"),
    "list": ("list", "ls", "all", "列表", "全部"),
    "show": ("show", "view", "详情", "查看"),
    "report": ("report", "weekly", "周报"),
    "close": ("close", "end", "关闭", "结束"),
}
GOAL = r"(?<![^\s,，;；])(?:目标|goal)\s*[:：]?"
DEADLINE = r"(?<![^\s,，;；])(?:截止(?:时间|日期)?\s*[:：]?|(?:due|by|deadline)\b\s*:?)"
LEAD = r"(?<![^\s,，;；])(?:牵头(?:部门)?|lead)\s*[:：]?"
BAD_NAME = re.compile(r"[\s#＃@/／]")
NONE_WORDS = ("无", "none", "-", "—")
OFF_WORDS = ("取消", "解除", "删除", "off", "remove", "delete")


def _sub(word: str) -> str | None:
    return next((name for name, words in SUBWORDS.items() if word.lower() in words), None)


def cmd_project(ctx: Ctx, rest: str) -> None:
    word, _, tail = rest.strip().partition(" ")
    sub = _sub(word)
    if sub is None and word and store.find_project(ctx.session, ctx.chat, marker.unquote(word)) is not None:
        sub, tail = "show", rest  # "/项目 618大促" shows it
    if sub is None:
        raise UserError(t(ctx.lang, "e.sub", word=word, usage=usage(ctx.lang, "project")) if word
                        else usage(ctx.lang, "project"))
    tail = tail.strip()
    if sub == "new":
        _new(ctx, tail)
    elif sub == "list":
        _list(ctx)
    else:
        project = _named(ctx, tail)
        if sub == "close":
            _close(ctx, project)
        else:
            snap = view.snapshot(ctx.session, project)
            card: Card | None
            if sub == "show":
                issues = open_lines(ctx.session, chat=ctx.chat, project_id=project.id, lang=ctx.lang,
                                    calendar=ctx.calendar, policy=ctx.policy, now=ctx.now)
                card = view.project_card(snap, lang=ctx.lang, now=ctx.now, calendar=ctx.calendar, issues=issues)
            else:
                card = view.weekly_card(snap, lang=ctx.lang, now=ctx.now, calendar=ctx.calendar)
            if card is None:
                ctx.reply(t(ctx.lang, "empty"))
            else:
                ctx.reply(card=card)


def _named(ctx: Ctx, text: str) -> Project:
    name = marker.unquote(text.split(" ")[0]) if text else ""
    if not name:
        raise UserError(t(ctx.lang, "need_project") + "\n" + usage(ctx.lang, "project"))
    project = store.find_project(ctx.session, ctx.chat, name)
    if project is None:
        raise marker.no_such_project(ctx.session, ctx.chat, name, ctx.lang)
    return project


def check_name(ctx: Ctx, name: str, key: str = "e.name") -> str:
    name = marker.unquote(name.strip())
    if not name or BAD_NAME.search(name) or len(name) > 40:
        raise UserError(t(ctx.lang, key) + "\n" + usage(ctx.lang, "project" if key == "e.name" else "milestone"))
    return name


def _new(ctx: Ctx, text: str) -> None:
    head, parts = when.split_with_deadline(ctx, text, {"deadline": DEADLINE, "goal": GOAL, "lead": LEAD})
    name = check_name(ctx, head)
    for field, word in (("goal", "目标" if ctx.lang != "en" else "goal"),
                        ("deadline", "截止" if ctx.lang != "en" else "due"),
                        ("lead", "牵头" if ctx.lang != "en" else "lead")):
        if field in parts and not parts[field]:
            raise UserError(t(ctx.lang, "e.empty_marker", marker=word) + "\n" + usage(ctx.lang, "project"))
    existing = store.find_project(ctx.session, ctx.chat, name)
    if existing is not None:
        raise UserError(t(ctx.lang, "e.exists", name=existing.name, status=t(ctx.lang, f"status.{existing.status}"),
                          example=f"{name}-2"))
    deadline = when.read(ctx, parts["deadline"]) if parts.get("deadline") else None
    lead = _lead(ctx, parts["lead"]) if parts.get("lead") else None
    project = Project(chat_id=ctx.chat.id, chat=ctx.chat, name=name, goal=parts.get("goal") or None,
                      deadline=deadline.when if deadline else None, lead_department=lead, creator=ctx.actor,
                      status="open", created_at=ctx.now, milestones=[])
    ctx.session.add(project)
    ctx.session.flush()
    snap = view.Snapshot(project, [], {}, {}, {})
    notes = tuple(when.notes(ctx, deadline)) if deadline else ()
    ctx.reply(card=Card(title=t(ctx.lang, "created", name=name), fields=tuple(view.fields(snap, ctx.lang, ctx.calendar)),
                        lines=(*notes, t(ctx.lang, "how_to_join", name=name))))


def _lead(ctx: Ctx, segment: str) -> Department:
    refs = grammar.find_mentions(segment)
    if len(refs) > 1:
        raise UserError(t(ctx.lang, "e.one_lead"))
    if refs:
        target = resolve_target(ctx, refs[0])
        if target.department is None:
            raise UserError(t(ctx.lang, "e.lead_dept", name="@" + refs[0].name))
        return target.department
    word = segment.split(" ")[0]
    dept = find_department(session=ctx.session, platform=ctx.event.platform, tenant=ctx.event.tenant, name=word)
    if dept is None:
        raise UserError(t(ctx.lang, "e.lead_dept", name=word))
    return dept


def _list(ctx: Ctx) -> None:
    projects = store.projects_of(ctx.session, ctx.chat)
    active = [p for p in projects if p.status == "open"]
    if not active:
        raise UserError(t(ctx.lang, "list.empty", usage=usage(ctx.lang, "project")))
    lines = []
    for project in active:
        items = [i for i, _ in store.project_items(ctx.session, project)]
        percent, done, total = rules.progress(items)
        late = sum(1 for i in items if rules.is_late(i, ctx.now))
        deadline = (t(ctx.lang, "list.deadline", when=format_deadline(project.deadline, lang=ctx.lang,
                                                                      calendar=ctx.calendar))
                    if project.deadline else "")
        lines.append(t(ctx.lang, "list.line", name=project.name, percent=percent, done=done, total=total,
                       late=t(ctx.lang, "list.late", n=late) if late else "", deadline=deadline))
    closed = len(projects) - len(active)
    if closed:
        lines.append(t(ctx.lang, "list.closed", n=closed))
    ctx.reply(card=Card(title=t(ctx.lang, "list.title", n=len(active)), lines=tuple(lines)))


def _close(ctx: Ctx, project: Project) -> None:
    if project.status != "open":
        raise UserError(t(ctx.lang, "e.already_closed", name=project.name))
    rules.check_steer(ctx, project, "steer.close")
    project.status, project.closed_at, project.closed_by_id = "closed", ctx.now, ctx.actor.id
    left = sum(1 for i, _ in store.project_items(ctx.session, project) if i.status not in FINAL)
    ctx.reply(t(ctx.lang, "closed", name=project.name, actor=at(ctx.actor),
                left=t(ctx.lang, "closed_left", n=left) if left else ""))


def _which_project(ctx: Ctx, example: str) -> Project:
    """The chat's only open project, when a command names none."""
    active = store.projects_of(ctx.session, ctx.chat, open_only=True)
    if not active:
        raise UserError(t(ctx.lang, "no_project_yet", usage=usage(ctx.lang, "project")))
    if len(active) > 1:
        word = "项目" if ctx.lang != "en" else "project"
        raise UserError(t(ctx.lang, "which_project", names="、".join(p.name for p in active),
                          example=f"{example} {word} {active[0].name}"))
    return active[0]


def cmd_milestone(ctx: Ctx, rest: str) -> None:
    text, placement = marker.take_project(session=ctx.session, chat=ctx.chat, text=rest.strip(), lang=ctx.lang,
                                          action="a.milestone")
    name, _, date = text.partition(" ")
    if not name:
        raise UserError(t(ctx.lang, "milestone.need_name") + "\n" + usage(ctx.lang, "milestone"))
    name = check_name(ctx, name, "e.milestone_name")
    if not date.strip():
        raise UserError(t(ctx.lang, "milestone.need_date") + "\n" + usage(ctx.lang, "milestone"))
    due = when.read(ctx, date.strip())
    word = "/里程碑" if ctx.lang != "en" else "/milestone"
    project = placement.project if placement else _which_project(ctx, f"{word} {text}")
    rules.check_steer(ctx, project, "steer.milestone")
    if store.find_milestone(project, name) is not None:
        raise UserError(t(ctx.lang, "milestone.exists", project=project.name, name=name))
    project.milestones.append(Milestone(name=name, due_at=due.when, created_at=ctx.now, creator_id=ctx.actor.id))
    ctx.session.flush()
    shown = format_deadline(due.when, lang=ctx.lang, calendar=ctx.calendar)
    ctx.reply("\n".join((t(ctx.lang, "milestone.added", project=project.name, name=name, due=shown),
                         *when.notes(ctx, due))))


def _item_refs(ctx: Ctx, rest: str, command: str) -> tuple[list[Item], str]:
    items: list[Item] = []
    while True:
        rest = rest.strip()
        bare = rest[:1] not in ("#", "＃")
        if bare and (items or store.find_project(ctx.session, ctx.chat, rest.split(" ")[0])):
            break  # a bare number is an item only first, and only if no project is called so (618)
        number, after = grammar.take_item_ref(rest)
        if number is None:
            break
        items.append(load_item(ctx, number))
        rest = after
    if not items:
        raise UserError(t(ctx.lang, "need_item") + "\n" + usage(ctx.lang, command))
    return list(dict.fromkeys(items)), rest.strip()


def cmd_link(ctx: Ctx, rest: str) -> None:
    items, rest = _item_refs(ctx, rest, "link")
    words = rest.split()
    if words and words[0].lower() in ("项目", "project", "项目:", "项目：", "project:"):
        words = words[1:]
    if not words:
        raise UserError(t(ctx.lang, "need_project") + "\n" + usage(ctx.lang, "link"))
    if len(words) > 1:
        raise UserError(t(ctx.lang, "one_project_each") + "\n" + usage(ctx.lang, "link"))
    for item in items:
        rules.check_item_person(ctx, item, "a.link_item")
    refs = "、".join(f"#{i.number}" for i in items)
    if words[0].lower() in NONE_WORDS:
        missing = [i for i in items if store.placement_of(ctx.session, i) is None]
        if missing:
            raise UserError(t(ctx.lang, "not_linked", id=missing[0].number))
        for item in items:
            store.unplace(ctx.session, item)
        ctx.reply(t(ctx.lang, "unlinked", items=refs))
        return
    placement = marker.resolve(ctx.session, ctx.chat, words[0], ctx.lang)
    notes, moved = [], []
    for item in items:
        before = store.place(ctx.session, item=item, project=placement.project, milestone=placement.milestone,
                             by=ctx.actor, now=ctx.now)
        moved += [before.name] if before is not None else []
        notes += late_for_milestone(ctx, item, placement.milestone)
    was = t(ctx.lang, "moved", old="、".join(dict.fromkeys(moved))) if moved else ""
    ctx.reply("\n".join((t(ctx.lang, "linked", items=refs, where=placement.label(), moved=was), *notes)))


def cmd_after(ctx: Ctx, rest: str) -> None:
    first, rest = item_and_rest(ctx, rest, "after")
    number, rest = grammar.take_item_ref(rest.strip())
    if number is None:
        raise UserError(t(ctx.lang, "dep.need_two") + "\n" + usage(ctx.lang, "after"))
    second = load_item(ctx, number)
    off = rest.strip().lower() in OFF_WORDS
    if rest.strip() and not off:
        raise UserError(t(ctx.lang, "e.sub", word=rest.strip(), usage=usage(ctx.lang, "after")))
    n, m = first.number, second.number
    if first.id == second.id:
        raise UserError(t(ctx.lang, "dep.self") + "\n" + usage(ctx.lang, "after"))
    if first.chat_id != second.chat_id:
        raise UserError(t(ctx.lang, "dep.other_chat", n=n, m=m))
    rules.check_item_person(ctx, first, "a.depend")
    if off:
        if not critical.remove(ctx.session, item=first, depends_on=second):
            raise UserError(t(ctx.lang, "dep.absent", n=n, m=m))
        ctx.reply(t(ctx.lang, "dep.removed", n=n, m=m))
        return
    if first.status in FINAL:
        raise UserError(t(ctx.lang, "dep.finished", n=n, status=status_label(ctx.lang, first.kind, first.status)))
    edges = critical.edges_of_chats(ctx.session, [first.chat_id])
    if second.id in edges.get(first.id, []):
        raise UserError(t(ctx.lang, "dep.exists", n=n, m=m))
    loop = critical.path(edges, second.id, first.id)
    if loop is not None:
        numbers = {i.id: i.number for i in ctx.session.scalars(select(Item).where(Item.id.in_(loop)))}
        chain = " → ".join(f"#{numbers[x]}" for x in [first.id, *loop])
        raise UserError(t(ctx.lang, "dep.cycle", n=n, m=m, path=chain))
    critical.add(ctx.session, item=first, depends_on=second, by=ctx.actor, now=ctx.now)
    edges.setdefault(first.id, []).append(second.id)
    reach = set(critical.path_ids(edges, second.id))
    known = {i.id: i for i in ctx.session.scalars(select(Item).where(Item.id.in_(reach)))} | {first.id: first}
    risk = critical.causes(first, edges, known, ctx.now)
    shown = "".join(t(ctx.lang, "dep.now_at_risk", cause=critical.cause_text(ctx.lang, c, ctx.now, ctx.calendar))
                    for c in risk)
    ctx.reply(t(ctx.lang, "dep.added", n=n, m=m, title=second.title, risk=shown))
