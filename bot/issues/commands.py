"""/issue, /resolve, /issues, /emergency, /plan — and /show, /ack on an issue's #N.

Issues and emergencies take their #N from the chat's item numbering, so /show and /ack
first look for an issue of that number here and otherwise hand over to the item commands.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.commands import grammar
from bot.commands.items import resolve_target
from bot.context import Ctx, UserError
from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Card
from bot.issues import render, rooms, rules
from bot.issues.projects import project_named
from bot.issues.strings import severity, t, usage
from bot.items.numbers import next_number
from storage.models import Issue, IssueParty

PROJECT = r"(?<!\S)(?:项目|project)\s*[:：]?(?=\s)"
LESSON = r"(?<!\S)(?:教训|经验教训|lessons?)\s*[:：]?"
IMPACT = r"(?<!\S)(?:影响|impact)\s*[:：]?"
Handler = Callable[[Ctx, str], None]


def find_issue(ctx: Ctx, number: int | None) -> Issue | None:
    """Issue #number of this chat, locked until the event commits (as items are); in an
    emergency's coordination room, that emergency (#number of its own chat, or no number)."""
    found = None
    if number is not None:
        found = ctx.session.scalar(select(Issue).where(Issue.chat_id == ctx.chat.id, Issue.number == number)
                                   .with_for_update())
    return found or rooms.room_emergency(ctx, number)


def _issue_and_rest(ctx: Ctx, rest: str, command: str) -> tuple[Issue, str]:
    number, rest = grammar.take_item_ref(rest)
    issue = find_issue(ctx, number)
    if number is None and issue is None:
        raise UserError(t(ctx.lang, "need_item") + "\n" + usage(ctx.lang, command))
    if issue is None:
        raise UserError(t(ctx.lang, "no_issue", id=number))
    return issue, rest.strip()


def _open_and_involved(ctx: Ctx, issue: Issue) -> None:
    if issue.status != "open":
        raise UserError(t(ctx.lang, "already_resolved", id=issue.number,
                          when=render.stamp(issue.resolved_at or ctx.now, ctx.calendar)))
    if not rules.involved(ctx.session, issue, ctx.actor, ctx.policy):
        raise UserError(t(ctx.lang, "not_involved", id=issue.number))


def _mentions_out(text: str, refs: list[grammar.MentionRef]) -> str:
    """The text without the mentions standing at its ends; one inside it stays as a plain @name."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for ref in refs:
        parts += [(False, text[pos:ref.span[0]]), (True, "@" + ref.name)]
        pos = ref.span[1]
    parts.append((False, text[pos:]))

    def blank(part: tuple[bool, str]) -> bool:
        return part[0] or all(w.lower() in grammar.CONNECTORS for w in part[1].replace("、", " ").split())

    while parts and blank(parts[0]):
        parts.pop(0)
    while parts and blank(parts[-1]):
        parts.pop()
    return "".join(s for _, s in parts).strip(grammar.SEPARATORS)


def _project(ctx: Ctx, text: str, segment: str | None, command: str) -> tuple[str, int | None, str]:
    """(the text with what followed the project's name, the named project's id, the reply's note).

    The name is the marker's first word; an unknown one is refused, naming the chat's projects.
    """
    if segment is None:
        return text, None, ""
    name, _, after = segment.partition(" ")
    if not name:
        raise UserError(t(ctx.lang, "need_project_name") + "\n" + usage(ctx.lang, command))
    project = project_named(ctx, name)
    return f"{text} {after}".strip(), project.id, t(ctx.lang, "in_project", name=project.name)


def _new(ctx: Ctx, **fields) -> Issue:
    issue = Issue(number=next_number(session=ctx.session, chat=ctx.chat), chat=ctx.chat, reporter=ctx.actor,
                  status="open", created_at=ctx.now, escalations=0, **fields)
    ctx.session.add(issue)
    return issue


def cmd_issue(ctx: Ctx, rest: str) -> None:
    word, _, rest = rest.strip().partition(" ")
    level = rules.severity_of(word)
    if level is None:
        raise UserError(t(ctx.lang, "need_severity") + "\n" + usage(ctx.lang, "issue"))
    text, parts = grammar.split_markers(rest, {"project": PROJECT})
    text, project_id, note = _project(ctx, text, parts.get("project"), "issue")
    refs = grammar.find_mentions(text)
    description = _mentions_out(text, refs)
    if not description:
        raise UserError(t(ctx.lang, "need_description") + "\n" + usage(ctx.lang, "issue"))
    departments = []
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.department is None:
            raise UserError(t(ctx.lang, "not_dept", name="@" + ref.name) + "\n" + usage(ctx.lang, "issue"))
        departments.append(target.department)
    issue = _new(ctx, kind="issue", severity=level, description=description, project_id=project_id,
                 due_at=rules.due_at(level, ctx.now, ctx.calendar),
                 parties=[IssueParty(department=d) for d in dict.fromkeys(departments)])
    ctx.session.flush()
    _, handling = rules.owners(ctx.session, issue, ctx.policy)
    lines = [t(ctx.lang, "logged", id=issue.number, severity=severity(ctx.lang, level), description=description)
             + note]
    if departments:
        lines.append(t(ctx.lang, "logged.depts", depts=render.depts(issue)))
    lines.append(t(ctx.lang, "logged.owners", owners=render.people(handling)) if handling else t(ctx.lang, "nobody"))
    lines.append(t(ctx.lang, "logged.due", due=format_deadline(issue.due_at, lang=ctx.lang, calendar=ctx.calendar),
                   n=rules.DUE_WORKING_DAYS[level]))
    ctx.reply("\n".join(lines))


def cmd_emergency(ctx: Ctx, rest: str) -> None:
    want_room, rest = rooms.take_flag(rest)
    text, parts = grammar.split_markers(rest, {"impact": IMPACT, "project": PROJECT})
    text, project_id, note = _project(ctx, text, parts.get("project"), "emergency")
    refs = grammar.find_mentions(text)
    description = _mentions_out(text, refs)
    if not description:
        raise UserError(t(ctx.lang, "need_emergency") + "\n" + usage(ctx.lang, "emergency"))
    targets = list(dict.fromkeys(resolve_target(ctx, ref) for ref in refs))
    issue = _new(ctx, kind="emergency", description=description, impact=parts.get("impact") or None,
                 project_id=project_id, due_at=rules.plan_due_at(ctx.now),
                 parties=[IssueParty(user=target.user, department=target.department) for target in targets])
    ctx.session.flush()
    lines = [t(ctx.lang, "emergency.logged", id=issue.number, description=description) + note]
    if issue.impact:
        lines.append(t(ctx.lang, "emergency.impact", impact=issue.impact))
    lines.append(t(ctx.lang, "emergency.urgency"))
    named = rules.emergency_people(ctx.session, issue)
    if named:
        lines.append(t(ctx.lang, "emergency.people", people=render.people(named)))
    lines.append(t(ctx.lang, "emergency.clock", id=issue.number,
                   respond=render.stamp(rules.response_due_at(issue, ctx.policy), ctx.calendar),
                   plan=render.stamp(issue.due_at, ctx.calendar)))
    if not want_room:
        ctx.reply("\n".join(lines))
        return
    why_not = rooms.why_not(ctx)
    if why_not is not None:  # the emergency stands; the reply says why it stays in this chat
        ctx.reply("\n".join(lines + [t(ctx.lang, why_not)]))
        return
    people = rooms.members(ctx.session, issue)
    ctx.reply("\n".join(lines + [t(ctx.lang, "room.opening", people=render.people(people))]))
    ctx.post(rooms.request(ctx, issue, people, lines))


def _answered(ctx: Ctx, issue: Issue) -> bool:
    """The response clock stops at the first answer from someone other than the reporter."""
    if issue.responded_at is None and ctx.actor.id != issue.reporter_id:
        issue.responded_at = ctx.now
        return True
    return False


def cmd_plan(ctx: Ctx, rest: str) -> None:
    issue, text = _issue_and_rest(ctx, rest, "plan")
    if issue.kind != "emergency":
        raise UserError(t(ctx.lang, "not_emergency", id=issue.number))
    _open_and_involved(ctx, issue)
    if not text:
        raise UserError(t(ctx.lang, "need_plan") + "\n" + usage(ctx.lang, "plan"))
    _answered(ctx, issue)
    issue.plan, issue.plan_at = text, ctx.now
    said = t(ctx.lang, "planned", id=issue.number, actor=at(ctx.actor), plan=text)
    ctx.reply(said)
    rooms.mirror(ctx, issue, said)


def cmd_resolve(ctx: Ctx, rest: str) -> None:
    issue, text = _issue_and_rest(ctx, rest, "resolve")
    _open_and_involved(ctx, issue)
    result, parts = grammar.split_markers(text, {"lesson": LESSON})
    if not result and issue.kind == "issue":
        raise UserError(t(ctx.lang, "need_result") + "\n" + usage(ctx.lang, "resolve"))
    _answered(ctx, issue)
    issue.status, issue.resolved_at, issue.resolver = "resolved", ctx.now, ctx.actor
    issue.result, issue.lesson = result or None, parts.get("lesson") or None
    took = render.took(issue, ctx.now, lang=ctx.lang, calendar=ctx.calendar)
    lines = [t(ctx.lang, "resolved", id=issue.number, description=issue.description, took=took,
               result=result or "—")]
    if issue.kind == "issue" and ctx.now > issue.due_at:
        lines[0] += t(ctx.lang, "resolved.late", due=format_deadline(issue.due_at, lang=ctx.lang, calendar=ctx.calendar))
    if issue.lesson:
        lines.append(t(ctx.lang, "resolved.lesson", lesson=issue.lesson))
    if issue.kind == "emergency":
        lines.append(t(ctx.lang, "review_ask", id=issue.number))
    ctx.reply("\n".join(lines))
    rooms.mirror(ctx, issue, lines[0])


def cmd_issues(ctx: Ctx, rest: str) -> None:
    """/issues: the chat's open issues and emergencies; /issues PROJECT: that project's only."""
    name = rest.strip()
    if " " in name:
        raise UserError(usage(ctx.lang, "issues"))
    try:
        project = project_named(ctx, name) if name else None
    except UserError as refusal:
        raise UserError(f"{refusal}\n{usage(ctx.lang, 'issues')}") from None
    lines = render.open_lines(ctx.session, chat=ctx.chat, project_id=project.id if project else None,
                              lang=ctx.lang, calendar=ctx.calendar, policy=ctx.policy, now=ctx.now)
    if not lines:
        ctx.reply(t(ctx.lang, "list.empty_project", name=project.name) if project else t(ctx.lang, "list.empty"))
        return
    title = (t(ctx.lang, "list.title_project", name=project.name, n=len(lines)) if project
             else t(ctx.lang, "list.title", n=len(lines)))
    ctx.reply(card=Card(title=title, lines=tuple(lines)))


def _ack(ctx: Ctx, issue: Issue, rest: str) -> None:
    if issue.kind != "emergency":  # an issue is answered by settling it
        raise UserError(t(ctx.lang, "not_emergency", id=issue.number))
    _open_and_involved(ctx, issue)
    if ctx.actor.id == issue.reporter_id:
        raise UserError(t(ctx.lang, "ack.reporter", id=issue.number))
    if not _answered(ctx, issue):
        raise UserError(t(ctx.lang, "acked.again", id=issue.number))
    said = t(ctx.lang, "acked", id=issue.number, actor=at(ctx.actor),
             took=render.took(issue, ctx.now, lang=ctx.lang, calendar=ctx.calendar))
    ctx.reply(said)
    rooms.mirror(ctx, issue, said)


def _show(ctx: Ctx, issue: Issue, rest: str) -> None:
    ctx.reply(card=render.card(ctx.session, issue, lang=ctx.lang, calendar=ctx.calendar, policy=ctx.policy))


def _not_for_issues(ctx: Ctx, issue: Issue, rest: str) -> None:
    raise UserError(t(ctx.lang, "item_only", id=issue.number))


def or_issue(on_item: Handler, on_issue: Callable[[Ctx, Issue, str], None]) -> Handler:
    """An item command on `#N` as before; when no item is N here but an issue is, `on_issue`.

    The item goes first, so an item command costs nothing more; its refusal comes before any change.
    """
    def handler(ctx: Ctx, rest: str) -> None:
        try:
            on_item(ctx, rest)
        except UserError:
            number, after = grammar.take_item_ref(rest)
            issue = find_issue(ctx, number)  # no number: only in an emergency's room
            if issue is None:
                raise
            on_issue(ctx, issue, after.strip())
    return handler


ITEM_ONLY = ("progress", "block", "done", "confirm", "reject", "extend", "cancel", "risk", "standard",
             "reassign", "snooze", "dispute", "raci", "approve", "decline", "link", "after")


def with_issues(commands: dict[str, Handler]) -> dict[str, Handler]:
    """The item commands of the table, taught that #N may be an issue: /show and /ack work on it,
    the others say what to use instead (dispatch replaces its own entries with these)."""
    wrapped = {"show": or_issue(commands["show"], _show), "ack": or_issue(commands["ack"], _ack)}
    return wrapped | {name: or_issue(commands[name], _not_for_issues) for name in ITEM_ONLY}
