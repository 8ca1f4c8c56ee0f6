"""Item commands: parse the command line, then hand over to bot.items.actions."""

from __future__ import annotations

from datetime import datetime

from bot.commands import grammar
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.deadlines import DeadlineError, format_deadline, parse_deadline, split_deadline
from bot.directory import Target, counterpart, member_ids, resolve
from bot.items import actions
from bot.items import strings as item_strings
from storage.models import Item

DEADLINE = r"截止(?:时间|日期)?\s*[:：]?|(?<!\S)(?:by|due|deadline:?)(?=\s)"
STANDARD = r"(?:完成标准|交付标准|验收标准|标准)\s*[:：]|(?<!\S)(?:standard|done when)\s*:"
APPROVER = r"(?:审批人?|验收人)\s*[:：]?(?=\s*(?:@|<@))|(?<!\S)approver:?(?=\s*(?:@|<@))"
ETA = r"(?<!\S)(?:预计|eta|expected)\s*[:：]?"
URGENCY_FLAGS = {"urgent": ("紧急", "加急", "urgent"), "emergency": ("特急", "非常紧急", "emergency")}
RISK_WORDS = {"high": ("高", "高风险", "风险", "high"), "normal": ("正常", "低", "normal", "low", "ok")}


def deadline_from(ctx: Ctx, text: str) -> datetime:
    """Parse a deadline phrase or refuse with a reply that says what we understood."""
    try:
        return parse_deadline(text, now=ctx.now, calendar=ctx.calendar)
    except DeadlineError as err:
        raise UserError(_deadline_error(ctx, text, err)) from None


def _deadline_error(ctx: Ctx, text: str, err: DeadlineError) -> str:
    if err.code == "past" and err.when is not None:
        return item_strings.t(ctx.lang, "e.deadline_past", text=err.text or text,
                              when=format_deadline(err.when, lang=ctx.lang, calendar=ctx.calendar))
    return item_strings.t(ctx.lang, "e.deadline", text=text)


def split_with_deadline(ctx: Ctx, text: str, markers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Split at the markers, choosing the deadline marker whose phrase reads as a deadline.

    "by" also occurs in plain words ("approved by legal"); the latest occurrence that
    parses wins, and when none does the latest one is kept so the reply can name it.
    """
    for position in reversed(grammar.marker_positions(text, markers["deadline"])):
        head, parts = grammar.split_markers(text, markers, at={"deadline": position})
        phrase = parts.get("deadline", "")
        try:
            parse_deadline(phrase, now=ctx.now, calendar=ctx.calendar)
        except DeadlineError as err:
            if err.code == "past":
                return head, parts
            if not head and (title := _title_after_deadline(ctx, phrase)):
                # "截止周五 完成前端": the deadline came first and the task follows it.
                return title, {**parts, "deadline": phrase[:len(phrase) - len(title)].strip()}
            continue
        return head, parts
    return grammar.split_markers(text, markers)


def _title_after_deadline(ctx: Ctx, phrase: str) -> str:
    try:
        return split_deadline(phrase, now=ctx.now, calendar=ctx.calendar)[1]
    except DeadlineError:
        return ""


def resolve_target(ctx: Ctx, ref: grammar.MentionRef) -> Target:
    target = resolve(session=ctx.session, platform=ctx.event.platform, tenant=ctx.event.tenant, ref=ref)
    if target is None:
        raise UserError(item_strings.t(ctx.lang, "e.unknown_person", name="@" + ref.name))
    return target


def _owner_of(ctx: Ctx, target: Target):
    if target.department is None:
        return target.user
    owner = counterpart(target.department)
    if owner is None:
        raise UserError(item_strings.t(ctx.lang, "e.no_counterpart", dept=target.department.name))
    return owner


def _create(ctx: Ctx, *, kind: str, target: Target, title: str, deadline: datetime | None,
            standard: str | None = None, urgency: str = "normal", approver=None, note: str | None = None) -> None:
    """`note`: words the grammar found no field for; kept on the creation record, shown on the card."""
    now = ctx.now
    item = Item(
        kind=kind, chat=ctx.chat, title=title, initiator=ctx.actor, owner=_owner_of(ctx, target),
        department=target.department, approver=approver, standard=standard, urgency=urgency,
        status="open", deadline=deadline, created_at=now, updated_at=now, version=1,
    )
    ctx.session.add(item)
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="created", now=now,
                   from_status=None, note=note, data={"deadline": deadline.isoformat() if deadline else None},
                   bump=False)
    actions.post_card(ctx, item)


def cmd_todo(ctx: Ctx, rest: str) -> None:
    ref, rest = grammar.take_leading_mention(rest)
    if ref is None:
        raise UserError(t(ctx.lang, "need_owner") + "\n" + usage(ctx.lang, "todo"))
    head, parts = split_with_deadline(ctx, rest, {"deadline": DEADLINE, "standard": STANDARD, "approver": APPROVER})
    approver, note = _approver(ctx, parts.get("approver", ""))
    if not head and note:  # "/todo @lee approver @wang write the spec": the task follows the approver
        head, note = note, None
    if not head:
        raise UserError(t(ctx.lang, "need_title") + "\n" + usage(ctx.lang, "todo"))
    target = resolve_target(ctx, ref)
    deadline = deadline_from(ctx, parts["deadline"]) if parts.get("deadline") else None
    _create(ctx, kind="action", target=target, title=head, deadline=deadline,
            standard=parts.get("standard") or None, approver=approver, note=note)


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
    flags, rest = grammar.take_flags(rest, URGENCY_FLAGS)  # "紧急 @技术部 …", "… 截止 明天 紧急"
    ref, rest = grammar.take_leading_mention(rest)
    if ref is None:
        raise UserError(t(ctx.lang, "need_target") + "\n" + usage(ctx.lang, "ask"))
    more, rest = grammar.take_flags(rest, URGENCY_FLAGS)  # "@技术部 紧急 …"
    head, parts = split_with_deadline(ctx, rest, {"deadline": DEADLINE})
    last, head = grammar.take_flags(head, URGENCY_FLAGS)  # "… 紧急 截止 明天"
    flags |= more | last
    if not head:
        raise UserError(t(ctx.lang, "need_title") + "\n" + usage(ctx.lang, "ask"))
    target = resolve_target(ctx, ref)
    deadline = deadline_from(ctx, parts["deadline"]) if parts.get("deadline") else None
    urgency = "emergency" if "emergency" in flags else "urgent" if "urgent" in flags else "normal"
    _create(ctx, kind="request", target=target, title=head, deadline=deadline, urgency=urgency)


def load_item(ctx: Ctx, item_id: int) -> Item:
    """The item `#item_id` as this chat may act on it, or a refusal.

    The row is locked until the event commits, so two events on one item (two replicas,
    two worker threads) apply one after the other, each to the state the other left.
    In a direct chat only the people involved may reach an item of another chat.
    """
    item = ctx.session.get(Item, item_id, with_for_update=True)
    if item is None or item.chat.platform != ctx.event.platform:
        raise UserError(item_strings.t(ctx.lang, "e.no_item", id=item_id))
    if item.chat_id != ctx.chat.id:
        if not ctx.event.is_direct:
            raise UserError(item_strings.t(ctx.lang, "e.other_chat", id=item_id))
        if not involved(ctx.actor, item):
            raise UserError(item_strings.t(ctx.lang, "e.no_item", id=item_id))
    return item


def involved(user, item: Item) -> bool:
    if user.id in (item.owner_id, item.initiator_id, item.approver_id):
        return True
    return item.department is not None and user.id in member_ids(item.department)


def item_and_rest(ctx: Ctx, rest: str, command: str) -> tuple[Item, str]:
    item_id, rest = grammar.take_item_ref(rest)
    if item_id is None:
        raise UserError(t(ctx.lang, "need_item") + "\n" + usage(ctx.lang, command))
    return load_item(ctx, item_id), rest


def _require(ctx: Ctx, value: str, what: str, command: str) -> str:
    if not value:
        raise UserError(t(ctx.lang, what) + "\n" + usage(ctx.lang, command))
    return value


def cmd_ack(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "ack")
    actions.ack(ctx, item, note or None)


def cmd_progress(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "progress")
    word, _, note = rest.partition(" ")
    percent = grammar.parse_percent(word)
    if percent is None:
        raise UserError(t(ctx.lang, "need_percent") + "\n" + usage(ctx.lang, "progress"))
    actions.progress(ctx, item, percent, note.strip() or None)


def cmd_block(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "block")
    reason, parts = grammar.split_markers(rest, {"eta": ETA})
    _require(ctx, reason, "need_reason", "block")
    eta = deadline_from(ctx, parts["eta"]) if parts.get("eta") else None
    actions.block(ctx, item, reason, eta)


def cmd_done(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "done")
    actions.done(ctx, item, note or None)


def cmd_confirm(ctx: Ctx, rest: str) -> None:
    item, note = item_and_rest(ctx, rest, "confirm")
    actions.confirm(ctx, item, note or None)


def cmd_reject(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "reject")
    actions.check_allowed(ctx, item, "reject")
    actions.reject(ctx, item, _require(ctx, reason, "need_reason", "reject"))


def cmd_extend(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "extend")
    actions.check_allowed(ctx, item, "extend")
    _require(ctx, rest, "need_deadline", "extend")
    try:
        deadline, reason = split_deadline(rest, now=ctx.now, calendar=ctx.calendar)
    except DeadlineError as err:
        raise UserError(_deadline_error(ctx, err.text or rest.split(" ")[0], err) + "\n"
                        + usage(ctx.lang, "extend")) from None
    actions.extend(ctx, item, deadline, _require(ctx, reason, "need_reason", "extend"))


def cmd_cancel(ctx: Ctx, rest: str) -> None:
    item, reason = item_and_rest(ctx, rest, "cancel")
    actions.cancel(ctx, item, reason or None)


def cmd_risk(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "risk")
    word, _, reason = rest.partition(" ")
    risk = next((r for r, words in RISK_WORDS.items() if word.lower() in words), None)
    if risk is None:
        raise UserError(t(ctx.lang, "need_risk") + "\n" + usage(ctx.lang, "risk"))
    actions.set_risk(ctx, item, risk, reason.strip() or None)

