"""Every user-facing text of meeting minutes and disputes, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {
    "minutes": (
        "/纪要 会议名称，下面每行一项（顺序随意，只有会议名称必填）：\n"
        "时间: … / 地点: … / 主持: @人 / 记录: @人 / 参会: @人 … / 议题: … / 决议: …\n"
        "- @负责人 任务 截止 时间 [标准：完成标准] [审批 @人]（以 -、*、•、1. 或 1、开头，每行一个行动项）\n"
        "例：/纪要 618活动协同推进会\n记录: @carol\n- @alice 提交最终版设计稿 截止 5月12日 标准：市场总监确认\n"
        "查看：/纪要 列表，/纪要 查看 编号",
        "/minutes TITLE, then one line each (any order, only the title is required):\n"
        "time: … / place: … / host: @person / recorder: @person / attendees: @people … / topics: … / decisions: …\n"
        "- @owner TASK by DEADLINE [standard: …] [approver @person] (lines starting -, *, •, 1. or 1、 "
        "are action items)\n"
        "e.g. /minutes 618 kickoff\nrecorder: @carol\n- @alice final design by May 12 standard: approved by marketing\n"
        "Also: /minutes list, /minutes show N",
    ),
    "dispute": (
        "/异议 #编号 原因（负责人对纪要中分给自己的事项有不同意见）\n例：/异议 #3 库存由仓储部负责，不是市场部",
        "/dispute #N REASON (the owner disagrees with the line given to them)\n"
        "e.g. /dispute #3 stock is Warehousing's job, not Marketing's",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "minutes": ("登记会议纪要，行动项逐条建档", "post meeting minutes; each action line becomes an item"),
    "dispute": ("对纪要中的事项提出异议", "disagree with an action item given to you"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "time": ("时间", "Time"),
    "place": ("地点", "Place"),
    "host": ("主持", "Host"),
    "recorder": ("记录", "Recorder"),
    "attendees": ("参会", "Attendees"),
    "topics": ("议题", "Topics"),
    "decisions": ("决议", "Decisions"),
    "notes": ("其他", "Notes"),
    "poster": ("发布", "Posted by"),
}

T: dict[str, tuple[str, str]] = {
    "title": ("📝 会议纪要 #{n}：{title}", "📝 Minutes #{n}: {title}"),
    "actions": ("行动项（{n}）：", "Action items ({n}):"),
    "no_actions": ("（没有行动项）", "(no action items)"),
    "line": ("#{id} {title} · {owner} · 截止 {deadline}{standard}", "#{id} {title} · {owner} · due {deadline}{standard}"),
    "line.standard": (" · 标准：{standard}", " · standard: {standard}"),
    "confirm_hint": (
        "请各负责人在 {days} 个工作日内确认自己的行动项：点下面的「收到 #编号」、「/收到 #编号」，或在事项卡片上点 👀；"
        "有不同意见：「/异议 #编号 原因」。",
        "Owners, confirm your lines within {days} working day(s): press \"Ack #N\" below, /ack #N, or 👀 on the "
        "item's card. Disagree? /dispute #N REASON.",
    ),
    "b.ack": ("收到 #{id}", "Ack #{id}"),
    "need_title": ("请写上会议名称。", "Give the meeting a title."),
    "bad_lines": (
        "会议纪要没有登记，什么都没有创建：{n} 行行动项需要改正。\n{lines}\n"
        "行动项写法：- @负责人 任务 截止 时间 [标准：…]。改好后请重新发送整份纪要。",
        "The minutes were not taken and nothing was created: {n} action line(s) need fixing.\n{lines}\n"
        "An action line reads: - @owner TASK by DEADLINE [standard: …]. Send the whole minutes again once fixed.",
    ),
    "bad_line": ("第 {lineno} 行「{typed}」：{why}", "line {lineno} \"{typed}\": {why}"),
    "gap.owner": ("缺负责人（行首用 @ 指定一位）", "no owner (start the line with an @mention)"),
    "gap.deadline": ("缺截止时间（例如「截止 5月12日」）", "no deadline (e.g. \"by May 12\")"),
    "gap.title": ("缺任务内容", "no task"),
    "gap.one_owner": ("一行只能有一位负责人（或写「各一项」为每人各建一项）", "one owner per line (or say \"each\")"),
    # list / show
    "list.title": ("会议纪要（{n}）", "Minutes ({n})"),
    "list.line": ("#{n} {title} · {when} · {poster} · 行动项 {items} 项，未确认 {pending}",
                  "#{n} {title} · {when} · {poster} · {items} action items, {pending} unconfirmed"),
    "list.empty": ("本群还没有会议纪要。{usage}", "No minutes in this chat yet. {usage}"),
    "no_minutes": ("本群没有 #{n} 号会议纪要。发送「/纪要 列表」查看。", "There are no minutes #{n} here. /minutes list shows them."),
    "need_number": ("请写纪要编号，例如「/纪要 查看 1」。", "Which minutes? e.g. /minutes show 1"),
    "show.line": ("#{id} {title} · {owner} · {deadline} · {status} · {confirmed}",
                  "#{id} {title} · {owner} · {deadline} · {status} · {confirmed}"),
    "show.confirmed": ("✓ 已确认 {when}", "✓ confirmed {when}"),
    "show.pending": ("未确认", "not confirmed"),
    "show.disputed": ("有异议：{reason}", "disputed: {reason}"),
    "show.waiting": ("尚未确认：{names}", "Not confirmed yet: {names}"),
    "show.all_confirmed": ("所有负责人都已确认。", "Every owner has confirmed."),
    "show.posted": ("{poster} 发布于 {when}", "posted by {poster} on {when}"),
    # dispute
    "dispute.only_owner": ("只有负责人 {owner} 可以对 #{id} 提出异议。", "Only the owner, {owner}, can dispute #{id}."),
    "dispute.closed": ("#{id} 已{status}，不能再提出异议。", "#{id} is already {status}; there is nothing to dispute."),
    "dispute.need_reason": ("请写上异议的原因。", "Please say why you disagree."),
    "dispute.said": (
        "⚠️ {owner} 对 #{id}「{title}」有异议：{reason}\n{who} 请协调；事项保持打开，未改动。",
        "⚠️ {owner} disagrees with #{id} \"{title}\": {reason}\n{who}, please sort it out; the item stays open, unchanged.",
    ),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def label(lang: str, name: str) -> str:
    return render(FIELD_LABELS, lang, name)
