"""/todo and /ask: read who, what, by when and how urgent from one line, then create the item.

An action item always has one owner and a deadline (unless the chat allows open-ended
items); its completion standard is asked for when missing. Flags (紧急, urgent, 各一项)
may stand anywhere: at either end of the line or of a part of it, or in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import grammar, request_fields, when
from bot.commands.items import resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.deadlines import Reading
from bot.directory import Target, counterpart, find_department
from bot.items import actions
from bot.items import strings as item_strings
from bot.items.numbers import next_number
from bot.projects import Placement, take_project
from bot.projects.joining import join_new_item
from storage.models import Item, User

DEADLINE = r"截止(?:时间|日期)?\s*[:：]?|(?<!\S)(?:by|due|deadline:?)(?=\s)"
STANDARD = r"(?:完成标准|交付标准|验收标准|标准)\s*[:：]|(?<!\S)(?:standard|done when)\s*:"
APPROVER = r"(?:审批人?|验收人)\s*[:：]?(?=\s*(?:@|<@))|(?<!\S)approver:?(?=\s*(?:@|<@))"
FLAGS: dict[str, tuple[str, ...]] = {"urgent": ("紧急", "加急", "urgent"), "emergency": ("特急", "非常紧急", "emergency")}
# "One item each" is said right after the people ("@bob @carol 各一项 写报告"), nowhere else.
EACH: dict[str, tuple[str, ...]] = {"each": ("各一项", "每人一项", "各建一项", "each")}


def _owner_of(ctx: Ctx, target: Target) -> User:
    if target.department is None:
        assert target.user is not None  # a target is a person or a department
        return target.user
    owner = counterpart(target.department)
    if owner is None:
        raise UserError(item_strings.t(ctx.lang, "e.no_counterpart", dept=target.department.name))
    return owner


class TodoLineError(UserError):
    """A /todo line that cannot become an item; `gap` names what is missing ("owner", "deadline",
    "title", "one_owner"), so a caller reading many lines (minutes) can say it briefly."""

    def __init__(self, message: str, gap: str) -> None:
        super().__init__(message)
        self.gap = gap


@dataclass(frozen=True)
class TodoLine:
    """What one /todo line says: one item per target."""

    targets: tuple[Target, ...]
    title: str
    deadline: Reading | None
    standard: str | None
    approver: User | None
    note: str | None
    urgency: str
    fields: request_fields.RequestFields | None = None  # goal, cooperating departments, channel
    placement: Placement | None = None  # `项目 NAME[/MILESTONE]`: the project (and milestone) it joins


def create_item(ctx: Ctx, *, kind: str, target: Target, title: str, deadline: Reading | None,
                standard: str | None = None, urgency: str = "normal", approver=None, note: str | None = None,
                minutes_id: int | None = None, card: bool = True,
                fields: request_fields.RequestFields | None = None, placement: Placement | None = None) -> Item:
    """`note`: words the grammar found no field for; kept on the creation record, shown on the card.
    `card`: post the item's card now (minutes post theirs under the minutes card)."""
    now = ctx.now
    due = deadline.when if deadline else None
    item = Item(
        number=next_number(session=ctx.session, chat=ctx.chat),
        kind=kind, chat=ctx.chat, title=title, initiator=ctx.actor, owner=_owner_of(ctx, target),
        department=target.department, approver=approver, standard=standard, urgency=urgency,
        status="open", deadline=due, created_at=now, updated_at=now, version=1,
        history=[],  # known empty: recording its first row needs no query
        minutes_id=minutes_id,
        roles=[],  # known empty too: its card needs no query for them
    )
    if fields is not None:
        fields.apply(item)
    ctx.session.add(item)
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="created", now=now,
                   from_status=None, note=note, data={"deadline": due.isoformat() if due else None},
                   bump=False)
    joined = join_new_item(ctx, item, placement)  # `项目 NAME`: in a project
    if card:
        notes = tuple(when.notes(ctx, deadline)) if deadline else ()
        actions.post_card(ctx, item, notes=notes + joined)
    return item


def _people(ctx: Ctx, rest: str, command: str, missing: str) -> tuple[list[grammar.MentionRef], str]:
    """The owner(s) named first. A further one counts when picked from the platform's member list, or
    is a registered department; a typed "@所有人" or "@_all" is text of the task."""
    def names_someone(ref: grammar.MentionRef) -> bool:
        return ref.user_id is not None or find_department(
            session=ctx.session, platform=ctx.event.platform, tenant=ctx.event.tenant, name=ref.name) is not None

    refs, rest = grammar.take_leading_mentions(rest, names_someone)
    if not refs:
        raise TodoLineError(t(ctx.lang, missing) + "\n" + usage(ctx.lang, command), "owner")
    return refs, rest


def _one_each(ctx: Ctx, refs: list[grammar.MentionRef], flags: set[str], command: str, rest: str) -> None:
    """Several people named as owners: one item each only when asked (各一项), else ask."""
    if len(refs) < 2 or "each" in flags:
        return
    names = " ".join("@" + r.name for r in refs)  # plain names: a refusal pings nobody
    word = "/todo" if command == "todo" and ctx.lang == "en" else "/ask" if ctx.lang == "en" else (
        "/待办" if command == "todo" else "/需求")
    each = "each" if ctx.lang == "en" else "各一项"
    raise TodoLineError(t(ctx.lang, f"one_owner.{command}", names=names,
                          example=f"{word} {names} {each} {rest}".strip()), "one_owner")


def _deadline(ctx: Ctx, head: str, phrase: str | None) -> tuple[str, Reading | None]:
    """The deadline after a marker, else one said inside the task (taken out of the title)."""
    if phrase:
        return head, when.read(ctx, phrase)
    found = when.find(ctx, head)
    if found is None:
        return head, None
    return found.rest, found


def cmd_todo(ctx: Ctx, rest: str) -> None:
    line = read_todo(ctx, rest, deadline_required=not ctx.policy.allow_open_ended)
    for target in line.targets:
        create_item(ctx, kind="action", target=target, title=line.title, deadline=line.deadline,
                    standard=line.standard, approver=line.approver, note=line.note, urgency=line.urgency,
                    fields=line.fields, placement=line.placement)


def read_todo(ctx: Ctx, rest: str, *, deadline_required: bool) -> TodoLine:
    """Read one /todo line (owner, task, deadline, standard, approver, flags); refuse what is missing."""
    rest, placement = take_project(session=ctx.session, chat=ctx.chat, text=rest, lang=ctx.lang)
    flags, rest = grammar.take_flags(rest, FLAGS)  # "紧急 @bob …", "… 标准：ok 紧急"
    refs, rest = _people(ctx, rest, "todo", "need_owner")
    more, rest = grammar.take_flags(rest, FLAGS | EACH, leading_only=True)  # "@bob 紧急 …", "@a @b 各一项 …"
    flags |= more
    head, parts = when.split_with_deadline(
        ctx, rest, {"deadline": DEADLINE, "standard": STANDARD, "approver": APPROVER, **request_fields.MARKERS})
    parts = {name: _flags_off(segment, flags) for name, segment in parts.items()}
    head = _flags_off(head, flags)
    extra = request_fields.read(ctx, parts, "todo")
    approver, note = _approver(ctx, parts.get("approver", ""))
    if not head and note:  # "/todo @lee approver @wang write the spec": the task follows the approver
        head, note = note, None
    head, deadline = _deadline(ctx, head, parts.get("deadline"))
    if not head:
        raise TodoLineError(t(ctx.lang, "need_title") + "\n" + usage(ctx.lang, "todo"), "title")
    _one_each(ctx, refs, flags, "todo", rest)
    if deadline is None and deadline_required:
        raise TodoLineError(t(ctx.lang, "need_todo_deadline", example=_example(ctx, refs, head)), "deadline")
    targets = [resolve_target(ctx, ref) for ref in refs]
    return TodoLine(targets=tuple(dict.fromkeys(targets)), title=head, deadline=deadline,
                    standard=parts.get("standard") or None, approver=approver, note=note,
                    urgency=_urgency(flags), fields=extra, placement=placement)


def _example(ctx: Ctx, refs: list[grammar.MentionRef], head: str) -> str:
    owner = "@" + refs[0].name
    return t(ctx.lang, "todo_deadline_example", owner=owner, title=head)


def _flags_off(segment: str, flags: set[str]) -> str:
    found, kept = grammar.take_flags(segment, FLAGS)
    flags |= found
    return kept


def _urgency(flags: set[str]) -> str:
    return "emergency" if "emergency" in flags else "urgent" if "urgent" in flags else "normal"


def _approver(ctx: Ctx, segment: str):
    """The one person after "approver"/"审批人", and the words that follow them (kept as a note)."""
    refs = grammar.find_mentions(segment)
    if not refs:
        return None, None
    if len(refs) > 1:
        raise UserError(t(ctx.lang, "one_approver"))
    target = resolve_target(ctx, refs[0])
    if target.user is None:
        raise UserError(t(ctx.lang, "dept.dept_as_person", name=refs[0].name))
    note = segment[refs[0].span[1]:].strip(grammar.SEPARATORS + "\t\n")
    return target.user, note or None


def cmd_ask(ctx: Ctx, rest: str) -> None:
    rest, placement = take_project(session=ctx.session, chat=ctx.chat, text=rest, lang=ctx.lang)
    flags, rest = grammar.take_flags(rest, FLAGS)  # "紧急 @技术部 …", "… 截止 明天 紧急"
    refs, rest = _people(ctx, rest, "ask", "need_target")
    more, rest = grammar.take_flags(rest, FLAGS | EACH, leading_only=True)  # "@技术部 紧急 …"
    flags |= more
    head, parts = when.split_with_deadline(ctx, rest, {"deadline": DEADLINE, **request_fields.MARKERS})
    head = _flags_off(head, flags)  # "… 紧急 截止 明天"
    extra = request_fields.read(ctx, {k: _flags_off(v, flags) for k, v in parts.items()}, "ask")
    head, deadline = _deadline(ctx, head, _flags_off(parts.get("deadline", ""), flags))
    if not head:
        raise UserError(t(ctx.lang, "need_title") + "\n" + usage(ctx.lang, "ask"))
    _one_each(ctx, refs, flags, "ask", rest)
    targets = [resolve_target(ctx, ref) for ref in refs]
    for target in dict.fromkeys(targets):
        create_item(ctx, kind="request", target=target, title=head, deadline=deadline, urgency=_urgency(flags),
                    fields=extra, placement=placement)
