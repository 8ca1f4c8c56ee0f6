"""Every user-facing text of reminders and digests, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

T: dict[str, tuple[str, str]] = {
    # reminders
    "nudge1": (
        "⏰ {owner}，#{id}「{title}」已等待回复 {waited}，请回复「/收到 #{id}」或点 👀。",
        "⏰ {owner}, #{id} \"{title}\" has waited {waited} for a reply: /ack #{id} or react 👀.",
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
        "🚨 #{id}「{title}」{why}。还没有可上报的负责人：请 {initiator} 协调，或用「/设置 上级 @人」指定。",
        "🚨 #{id} \"{title}\" {why}. There is no manager to tell yet: {initiator}, please step in, "
        "or name one with /settings managers @person.",
    ),
    "bundle": ("🔔 {owner}，有 {n} 项需要你关注：", "🔔 {owner}, {n} items need you:"),
    "bundle.nudge1": ("#{id}「{title}」等待你回复", "#{id} \"{title}\" awaits your reply"),
    "bundle.warn": ("#{id}「{title}」{deadline} 截止", "#{id} \"{title}\" due {deadline}"),
    "bundle.overdue": ("#{id}「{title}」已逾期（{deadline}）", "#{id} \"{title}\" overdue ({deadline})"),
    "hours": ("{n} 个工作小时", "{n} working hours"),
    "minutes": ("{n} 分钟", "{n} minutes"),
    # digests
    "daily.title": ("📋 日报 · {date}", "📋 Daily digest · {date}"),
    "weekly.title": ("📊 周报 · {start} – {end}", "📊 Weekly report · {start} – {end}"),
    "s.overdue": ("逾期", "Overdue"),
    "s.due_soon": ("今明截止", "Due today or tomorrow"),
    "s.blocked": ("受阻 / 需支持", "Blocked / needs support"),
    "s.awaiting": ("待验收", "Awaiting confirmation"),
    "s.unanswered": ("待回复的需求", "Requests awaiting a reply"),
    "s.moved": ("昨日以来的进展", "Moved since yesterday"),
    "s.completed": ("本周完成", "Completed this week"),
    "s.in_progress": ("进行中", "In progress"),
    "s.risks": ("风险", "Risks"),
    "s.coordination": ("需要协调", "Needs coordination"),
    "line.overdue": ("#{id} {title} · {owner} · 逾期 {days} 个工作日", "#{id} {title} · {owner} · {days} working days late"),
    "line.due": ("#{id} {title} · {owner} · {deadline}", "#{id} {title} · {owner} · {deadline}"),
    "line.blocked": ("#{id} {title} · {owner} · {reason}", "#{id} {title} · {owner} · {reason}"),
    "line.simple": ("#{id} {title} · {owner}", "#{id} {title} · {owner}"),
    "line.progress": ("#{id} {title} · {owner} · {progress}%", "#{id} {title} · {owner} · {progress}%"),
    "line.moved": ("#{id} {title} · {what}", "#{id} {title} · {what}"),
    "figures": (
        "完成 {done} 项，按时率 {rate}，返工 {rework} 次，进行中 {open} 项，逾期 {late} 项。",
        "{done} completed, on-time rate {rate}, {rework} reworks, {open} open, {late} overdue.",
    ),
    "rate_none": ("—", "—"),
    "more": ("……另有 {n} 项", "...and {n} more"),
    "nothing": (
        "今天没有逾期、临近截止、受阻、待回复或待验收的事项。🎈 发送「/列表」查看全部进行中的事项。",
        "Nothing is overdue, due soon, blocked, unanswered or awaiting confirmation. 🎈 /list shows all open items.",
    ),
    # commands
    "snoozed": ("😴 #{id} 的提醒暂停到 {until}。", "😴 Reminders for #{id} paused until {until}."),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
