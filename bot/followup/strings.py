"""Every user-facing text of reminders and digests, in Chinese and English."""

from __future__ import annotations

from bot.i18n import for_platform, render
from bot.policy import Policy

T: dict[str, tuple[str, str]] = {
    # reminders
    "nudge1": (
        "⏰ {owner}，#{id}「{title}」已等待回复 {waited}，请回复「/收到 #{id}」或点 👀。",
        "⏰ {owner}, #{id} \"{title}\" has waited {waited} for a reply: /ack #{id} or react 👀.",
    ),
    "nudge1.buttons": (  # where bots see no reactions (buttons_only)
        "⏰ {owner}，#{id}「{title}」已等待回复 {waited}，请回复「/收到 #{id}」或点卡片上的「收到」。",
        "⏰ {owner}, #{id} \"{title}\" has waited {waited} for a reply: /ack #{id} or press Acknowledge on its card.",
    ),
    "nudge2": (
        "⏰⏰ {owner}，#{id}「{title}」仍未回复（已 {waited}），发起人 {initiator} 在等。请回复「/收到 #{id}」。",
        "⏰⏰ {owner}, #{id} \"{title}\" is still unanswered after {waited}; {initiator} is waiting. "
        "Please /ack #{id}.",
    ),
    "nudge2_head": (
        "📣 {head}：{owner} 尚未回复 #{id}「{title}」（{chat}，已等 {waited}）。",
        "📣 {head}: {owner} has not answered #{id} \"{title}\" ({chat}, waiting {waited}).",
    ),
    "warn": (
        "🔔 {owner}，#{id}「{title}」将于 {deadline} 截止，进度 {progress}%。如会延误，请「/延期 #{id} 新日期 原因」。",
        "🔔 {owner}, #{id} \"{title}\" is due {deadline} ({progress}% done). "
        "If it will slip, /extend #{id} DATE REASON.",
    ),
    "overdue": (
        "⚠️ {owner}，#{id}「{title}」已到截止时间 {deadline}，尚未完成。请更新进度或申请延期。",
        "⚠️ {owner}, #{id} \"{title}\" was due {deadline} and isn't done. Update progress or ask to extend.",
    ),
    "escalate_group": (
        "🚨 #{id}「{title}」{why}，已上报 {managers}。",
        "🚨 #{id} \"{title}\" {why}; escalated to {managers}.",
    ),
    "escalate_dm": (
        "🚨 升级提醒：{chat} 的 #{id}「{title}」{why}。负责人 {owner}，发起人 {initiator}。",
        "🚨 Escalation: #{id} \"{title}\" in {chat} {why}. Owner {owner}, initiator {initiator}.",
    ),
    "why_late": ("已逾期 {days} 个工作日", "is {days} working days overdue"),
    "why_risk": ("被标记为高风险{reason}", "was marked high risk{reason}"),
    "escalate_nobody": (
        "🚨 #{id}「{title}」{why}。还没有可上报的负责人：请 {initiator} 协调。",
        "🚨 #{id} \"{title}\" {why}. There is no one above to tell yet: {initiator}, please step in.",
    ),
    "climb_group": (
        "📣 #{id}「{title}」仍未回复（已等 {waited}），已告知 {who}。",
        "📣 #{id} \"{title}\" is still unanswered after {waited}; told {who}.",
    ),
    "climb_nobody": (
        "📣 #{id}「{title}」仍未回复（已等 {waited}），还没有可以上报的人：请 {initiator} 协调。",
        "📣 #{id} \"{title}\" is still unanswered after {waited} and there is no one above to tell: "
        "{initiator}, please step in.",
    ),
    "told_now": ("已告知 {who}。", " Told {who}."),
    "told_now_line": (" · 已告知 {who}", " · told {who}"),
    "bundle.climb": ("{owner} 尚未回复 #{id}「{title}」（{chat}，已等 {waited}）。", "{owner} has not answered #{id} \"{title}\" ({chat}, waiting {waited})."),
    "bundle.escalate": ("{chat} 的 #{id}「{title}」{why}（负责人 {owner}）。", "#{id} \"{title}\" in {chat} {why} (owner {owner})."),
    "told_before": ("此前已通知：{who}。", " Already told: {who}."),
    "hint.head": (
        "部门「{dept}」还没有负责人，升级时只能跳过：请用「/部门 {dept} 负责人 @人」指定。",
        "Department {dept} has no head, so escalations skip it: name one with /dept {dept} head @person.",
    ),
    "hint.no_department": (
        "{owner} 还没有登记在任何部门，升级找不到部门负责人：请用「/部门 部门名 负责人 @人 成员 {owner}」登记。",
        "{owner} is in no registered department, so there is no head to escalate to: "
        "/dept NAME head @person members {owner}",
    ),
    "hint.managers": (
        "本群还没有上级（分管领导），升级到此为止：请用「/设置 上级 @人」指定。",
        "This chat has no managers, so escalations stop here: name them with /settings managers @person.",
    ),
    "standard": (
        "📝 {initiator}，#{id}「{title}」还没有完成标准，验收时没有依据。请补充：「/标准 #{id} 完成标准」。",
        "📝 {initiator}, #{id} \"{title}\" has no completion standard yet, so there is nothing to check it "
        "against. Add one: /standard #{id} TEXT.",
    ),
    "unconfirmed": (
        "📝 {owner}，会议纪要分给你的 #{id}「{title}」（截止 {deadline}）还没有确认。请回复「/收到 #{id}」或点 👀；"
        "有不同意见请「/异议 #{id} 原因」。",
        "📝 {owner}, you have not confirmed #{id} \"{title}\" (due {deadline}) from the meeting minutes. "
        "/ack #{id} or react 👀; if you disagree, /dispute #{id} REASON.",
    ),
    "unconfirmed.buttons": (
        "📝 {owner}，会议纪要分给你的 #{id}「{title}」（截止 {deadline}）还没有确认。请回复「/收到 #{id}」或点卡片上的「收到」；"
        "有不同意见请「/异议 #{id} 原因」。",
        "📝 {owner}, you have not confirmed #{id} \"{title}\" (due {deadline}) from the meeting minutes. "
        "/ack #{id} or press Acknowledge on its card; if you disagree, /dispute #{id} REASON.",
    ),
    "bundle.unconfirmed": ("#{id}「{title}」待确认（会议纪要）", "#{id} \"{title}\" awaits your confirmation (minutes)"),
    "bundle": ("🔔 {owner}，有 {n} 项需要你关注：", "🔔 {owner}, {n} items need you:"),
    "bundle.dm": ("🔔 有 {n} 项需要你关注：", "🔔 {n} items need you:"),
    "bundle.escalations": ("📣 {n} 项已上报：", "📣 {n} items escalated:"),
    "bundle.nudge1": ("#{id}「{title}」等待你回复", "#{id} \"{title}\" awaits your reply"),
    "bundle.nudge2": ("#{id}「{title}」仍未回复（已 {waited}）", "#{id} \"{title}\" still unanswered ({waited})"),
    "bundle.standard": ("#{id}「{title}」缺完成标准（/标准 #{id} 内容）", "#{id} \"{title}\" needs a standard (/standard #{id} TEXT)"),
    "bundle.warn": ("#{id}「{title}」{deadline} 截止", "#{id} \"{title}\" due {deadline}"),
    "bundle.overdue": ("#{id}「{title}」已逾期（{deadline}）", "#{id} \"{title}\" overdue ({deadline})"),
    "hours": ("{n} 个工作小时", "{n} working hours"),
    "minutes": ("{n} 分钟", "{n} minutes"),
    # digests
    "daily.title": ("📋 日报 · {date}", "📋 Daily digest · {date}"),
    "daily.since": ("（{since} 以来）", "(since {since})"),
    "weekly.title": ("📊 周报 · {start} – {end}", "📊 Weekly report · {start} – {end}"),
    # the weekly report's chart (genjin/charts.py draws it)
    "chart.file": ("{scope}-周报图表-{day}.png", "{scope}-weekly-chart-{day}.png"),
    "chart.title": ("{scope} · 近 {weeks} 周", "{scope} · last {weeks} weeks"),
    "chart.by_state": ("未关闭事项（按状态，周末时）", "Open items by state (at each week's end)"),
    "chart.on_time": ("按时完成率（当周确认的事项）", "On-time rate (items confirmed that week)"),
    "chart.overdue": ("逾期事项（按部门，当前）", "Overdue items by department (now)"),
    "chart.no_department": ("未指定部门", "no department"),
    "chart.none_overdue": ("当前没有逾期事项 ✓", "Nothing is overdue ✓"),
    "chart.no_data": ("无", "n/a"),
    "chart.state.open": ("未开始", "open"),
    "chart.state.in_progress": ("进行中", "in progress"),
    "chart.state.blocked": ("受阻", "blocked"),
    "chart.state.done": ("待确认", "awaiting confirmation"),
    "s.overdue": ("逾期", "Overdue"),
    "s.due_soon": ("今明截止", "Due today or tomorrow"),
    "s.blocked": ("受阻 / 需支持", "Blocked / needs support"),
    "s.awaiting": ("待验收", "Awaiting confirmation"),
    "s.unanswered": ("待回复的需求", "Requests awaiting a reply"),
    "s.moved": ("上次日报以来的进展", "Moved since the last digest"),
    "s.late": ("逾期（原因）", "Late, and why"),
    "s.changed": ("截止调整（原因）", "Deadlines moved, and why"),
    "s.untouched": ("一周无更新", "Untouched all week"),
    "s.completed": ("本周完成", "Completed this week"),
    "s.in_progress": ("进行中", "In progress"),
    "s.risks": ("风险", "Risks"),
    "s.coordination": ("需要协调", "Needs coordination"),
    "s.critical": ("关键路径风险", "At risk on the critical path"),
    "line.overdue": ("#{id} {title} · {owner} · 逾期 {days} 个工作日", "#{id} {title} · {owner} · {days} working days late"),
    "line.due": ("#{id} {title} · {owner} · {deadline}", "#{id} {title} · {owner} · {deadline}"),
    "line.blocked": ("#{id} {title} · {owner} · {reason}", "#{id} {title} · {owner} · {reason}"),
    "line.simple": ("#{id} {title} · {owner}", "#{id} {title} · {owner}"),
    "line.late": ("#{id} {title} · {owner} · 逾期 {days} 个工作日 · 原因：{reason}",
                  "#{id} {title} · {owner} · {days} working days late · why: {reason}"),
    "line.unanswered": ("#{id} {title} · {owner} · 待回复", "#{id} {title} · {owner} · awaiting a reply"),
    "line.changed": ("#{id} {title} · {old} → {new} · {reason}", "#{id} {title} · {old} → {new} · {reason}"),
    "reason_none": ("未说明", "not given"),
    "line.progress": ("#{id} {title} · {owner} · {progress}%", "#{id} {title} · {owner} · {progress}%"),
    "line.moved": ("#{id} {title} · {what}", "#{id} {title} · {what}"),
    "figures": (
        "完成 {done} 项，按时率 {rate}，返工 {rework} 次，进行中 {open} 项，逾期 {late} 项。",
        "{done} completed, on-time rate {rate}, {rework} reworks, {open} open, {late} overdue.",
    ),
    "rate_none": ("—", "—"),
    # deadline proposals (bot/items/proposals.py): a late request, an item moved again and again
    "flag.late_proposal": ("（晚报：距截止不足 {n} 个工作日才提出）", " (late: asked less than {n} working days ahead)"),
    "flag.moved_often": (" · ⚠ 已改期 {n} 次", " · ⚠ deadline moved {n} times"),
    "more": ("……另有 {n} 项", "...and {n} more"),
    "nothing": (
        "今天没有逾期、临近截止、受阻、待回复或待验收的事项。🎈 发送「/列表」查看全部进行中的事项。",
        "Nothing is overdue, due soon, blocked, unanswered or awaiting confirmation. 🎈 /list shows all open items.",
    ),
    # commands
    "snoozed": ("😴 #{id} 的提醒暂停到 {until}。", "😴 Reminders for #{id} paused until {until}."),
    "snooze_too_long": (
        "提醒最多暂停 {n} 个工作日（到 {latest}）。需要更久，请调整截止时间：「/延期 #{id} 新日期 原因」。",
        "Reminders can be paused for at most {n} working days (until {latest}). "
        "For longer, move the deadline: /extend #{id} DATE REASON.",
    ),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def for_policy(key: str, policy: Policy) -> str:
    """`key`, or its variant pointing to buttons where the platform has no reactions."""
    return for_platform(T, key, policy.buttons_only)
