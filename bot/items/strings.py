"""Every user-facing text about items, in Chinese and English."""

from __future__ import annotations

from bot.i18n import for_platform, render
from bot.policy import Policy

STATUS = {
    # status: (request zh, action zh, en)
    "open": ("待沟通", "未开始", "open"),
    "in_progress": ("沟通中", "进行中", "in progress"),
    "blocked": ("需支持", "受阻", "blocked"),
    "done": ("已完成，待确认", "已完成，待确认", "done, awaiting confirmation"),
    "confirmed": ("已确认", "已确认", "confirmed"),
    "cancelled": ("已关闭", "已关闭", "cancelled"),
}
KIND = {"request": ("沟通需求", "request"), "action": ("行动项", "action item")}
URGENCY = {"urgent": ("紧急", "urgent"), "emergency": ("特急", "emergency")}
RISK = {"normal": ("正常", "normal"), "late": ("滞后", "late"), "high": ("高", "high")}


# Names of China's statutory holidays (as the calendar data spells them) -> as people say them.
HOLIDAYS_ZH = {"new year's day": "元旦", "spring festival": "春节", "chinese new year (spring festival)": "春节",
               "chinese new year's eve": "春节", "tomb-sweeping day": "清明", "labour day": "劳动节",
               "labor day": "劳动节", "dragon boat festival": "端午", "national day": "国庆",
               "mid-autumn festival": "中秋"}


def holiday_name(lang: str, name: str) -> str:
    """A holiday's name for the reader; "holiday" when the calendar has none."""
    if name == "holiday":
        return "节" if lang != "en" else "holiday"
    name = name.replace(" (observed)", "")
    return name if lang == "en" else HOLIDAYS_ZH.get(name.lower(), name)


def status_label(lang: str, kind: str, status: str) -> str:
    zh_request, zh_action, en = STATUS[status]
    if lang == "en":
        return en
    return zh_request if kind == "request" else zh_action


def pair(lang: str, table: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = table[key]
    return en if lang == "en" else zh


T: dict[str, tuple[str, str]] = {
    # card fields
    "f.owner": ("负责人", "Owner"),
    "f.counterpart": ("对接人", "Counterpart"),
    "f.department": ("对接部门", "Department"),
    "f.initiator": ("发起人", "Initiator"),
    "f.approver": ("审批人", "Approver"),
    "f.deadline": ("截止", "Deadline"),
    "f.status": ("状态", "Status"),
    "f.progress": ("进度", "Progress"),
    "f.standard": ("完成标准", "Done when"),
    "f.risk": ("风险", "Risk"),
    "f.blocker": ("受阻原因", "Blocked by"),
    "f.blocker_eta": ("预计解决", "Expected fix"),
    "f.rework": ("返工", "Rework"),
    "f.note": ("备注", "Note"),
    "f.urgency": ("优先级", "Priority"),
    "no_deadline": ("未设置（/延期 #{id} 日期 原因）", "none (/extend #{id} DATE REASON)"),
    "overdue_suffix": ("（已逾期）", " (overdue)"),
    # buttons
    "b.ack": ("收到", "Acknowledge"),
    "b.done": ("完成", "Done"),
    "b.confirm": ("确认", "Confirm"),
    "b.reject": ("驳回", "Reject"),
    "b.approve": ("同意", "Approve"),
    "b.decline": ("拒绝", "Decline"),
    # card lines
    "card.created_request": (
        "{owner} 请在 {sla}内回复「/收到 #{id}」或点 👀。",
        "{owner}, please acknowledge within {sla}: /ack #{id} or react 👀.",
    ),
    "card.created_action": (
        "{owner} 请确认并跟进；完成后发送「/完成 #{id}」。",
        "{owner}, this is yours; report with /done #{id} when finished.",
    ),
    "card.await_confirm": (
        "{initiator} 请验收：点 ✅ 确认，❌ 驳回（或 /确认 #{id}、/驳回 #{id} 原因）。",
        "{initiator}, please check it: react ✅ to confirm, ❌ to reject (or /confirm #{id}, /reject #{id} REASON).",
    ),
    # Where bots see no reactions (buttons_only), the same lines point to the card's buttons.
    "card.created_request.buttons": (
        "{owner} 请在 {sla}内回复「/收到 #{id}」或点「收到」按钮。",
        "{owner}, please acknowledge within {sla}: /ack #{id} or press Acknowledge.",
    ),
    "card.await_confirm.buttons": (
        "{initiator} 请验收：点「确认」或「驳回」按钮（或 /确认 #{id}、/驳回 #{id} 原因）。",
        "{initiator}, please check it: press Confirm or Reject (or /confirm #{id}, /reject #{id} REASON).",
    ),
    "sla.hours": ("{n} 个工作小时", "{n} working hours"),
    "sla.minutes": ("{n} 分钟", "{n} minutes"),
    # replies to state changes
    "r.ack": ("✔ #{id} 已收到，{actor} 跟进中{note}。", "✔ #{id} acknowledged; {actor} is on it{note}."),
    "r.progress": ("📈 #{id} 进度 {progress}%{note}", "📈 #{id} at {progress}%{note}"),
    "r.unblocked": ("（受阻已解除）", " (no longer blocked)"),
    "r.block": (
        "⚠ #{id} 受阻：{reason}{eta}。{initiator} 需要协调支持。",
        "⚠ #{id} is blocked: {reason}{eta}. {initiator}, support is needed.",
    ),
    "r.block_eta": ("，预计 {eta} 解决", ", expected fix {eta}"),
    "r.done": ("🎉 #{id} {actor} 已完成{note}。", "🎉 #{id} reported done by {actor}{note}."),
    "r.confirm": ("✅ #{id} 已由 {actor} 确认验收，闭环{note}。", "✅ #{id} confirmed by {actor}; closed{note}."),
    "r.reject": (
        "❌ #{id} 被 {actor} 驳回：{reason}。{owner} 请返工（第 {n} 次）。",
        "❌ #{id} rejected by {actor}: {reason}. {owner}, please rework it (rework count: {n}).",
    ),
    "r.extend": (
        "🗓 #{id} 截止时间调整：{old} → {new}（{actor}：{reason}）",
        "🗓 #{id} deadline moved: {old} → {new} ({actor}: {reason})",
    ),
    "r.cancel": ("🚫 #{id} 已由 {actor} 关闭{reason}。", "🚫 #{id} cancelled by {actor}{reason}."),
    "r.risk": ("#{id} 风险：{risk}{reason}", "#{id} risk: {risk}{reason}"),
    "reason_to_follow": ("原因待补充", "reason to follow"),
    "r.ask_reason": (
        "{actor} 请补充驳回 #{id} 的原因，负责人才知道要改什么：发送「/驳回 #{id} 原因」。",
        "{actor}, please say why #{id} was rejected, so the owner knows what to change: /reject #{id} REASON.",
    ),
    "r.reject_reason": (
        "📝 #{id} 驳回原因（{actor}）：{reason}。{owner} 请按此返工。",
        "📝 #{id} was rejected by {actor} because: {reason}. {owner}, please rework it accordingly.",
    ),
    "r.standard": ("📝 #{id} 完成标准：{standard}（{actor}）", "📝 #{id} done when: {standard} ({actor})"),
    "r.reassign": (
        "🔁 #{id} 已由 {actor} 转交：{old} → {new}（原因：{reason}）。{new} 请跟进。",
        "🔁 #{id} handed over by {actor}: {old} → {new} (why: {reason}). {new}, it is yours now.",
    ),
    "dm.reassigned": (
        "🔁 {actor} 把 {chat} 的 #{id}「{title}」转交给你（原负责人 {old}）：{reason}。",
        "🔁 {actor} handed #{id} \"{title}\" in {chat} over to you (was {old}): {reason}.",
    ),
    "card.need_standard": (
        "完成标准待补充：发起人请发送「/标准 #{id} 完成标准」，验收时以此为准。",
        "No completion standard yet: the initiator adds one with /standard #{id} TEXT; it is what the item is checked against.",
    ),
    "standard_missing": ("待补充（/标准 #{id} 内容）", "to be added (/standard #{id} TEXT)"),
    # about a deadline just given
    "note.rolled": (
        "⚠ 注意：「{phrase}」已经过去（{passed}），按 = {date} 处理；如果不对，请用「/延期」改。",
        "⚠ Note: \"{phrase}\" has passed ({passed}); taken as = {date}. If that is wrong, change it with /extend.",
    ),
    "note.holiday": ("📅 {date} 是{name}假期，不是工作日。", "📅 {date} is a holiday ({name}), not a working day."),
    "note.weekend": ("📅 {date} 是{weekday}，不是工作日。", "📅 {date} is a {weekday}, not a working day."),
    "r.note": ("：{note}", ": {note}"),
    # refusals (nothing changed)
    "e.no_item": ("找不到 #{id}。用「/列表」看本群的事项。", "There is no #{id}. Try /list for this chat's items."),
    "e.other_chat": (
        "本群没有 #{id}。#{id}「{title}」属于另一个群（{chat}），请在那里操作。",
        "This chat has no #{id}. #{id} \"{title}\" belongs to another chat ({chat}); act on it there.",
    ),
    "e.which": ("有几个 #{id}：{items}。请到对应的群里操作。", "There are several #{id}: {items}. Act on it in its chat."),
    "e.which_line": ("{chat} 的「{title}」", "\"{title}\" in {chat}"),
    "e.only_reassigner": (
        "只有发起人或负责人所在部门的负责人（{who}）可以转交 #{id}。",
        "Only the initiator or the owner's department head ({who}) can hand #{id} over.",
    ),
    "e.same_owner": ("#{id} 的负责人已经是 {owner}。", "#{id} is already {owner}'s."),
    "e.closed": ("#{id} 当前状态为「{status}」，不能再{action}。", "#{id} is already {status}; it can't be changed now."),
    "e.only_owner": (
        "只有负责人 {owner} 可以{action} #{id}。",
        "Only the owner, {owner}, can {action} #{id}.",
    ),
    "e.only_initiator": (
        "只有发起人 {initiator}{approver} 可以{action} #{id}。",
        "Only the initiator, {initiator}{approver}, can {action} #{id}.",
    ),
    "e.only_involved": (
        "只有负责人 {owner} 或发起人 {initiator} 可以{action} #{id}。",
        "Only the owner, {owner}, or the initiator, {initiator}, can {action} #{id}.",
    ),
    "e.approver_suffix": (" 或审批人 {approver}", " or the approver, {approver}"),
    "e.already_acked": ("#{id} 已经在跟进中了。", "#{id} is already acknowledged."),
    "e.not_done": (
        "#{id} 还没有报告完成（当前：{status}），负责人 {owner} 完成后发送「/完成 #{id}」。",
        "#{id} isn't reported done yet (now: {status}); {owner} reports it with /done #{id}.",
    ),
    "e.awaiting_confirmation": (
        "#{id} 已报告完成，待确认：正在等 {initiator} 验收。如需返工，请发起人驳回（/驳回 #{id} 原因）。",
        "#{id} is done, awaiting confirmation by {initiator}. To rework it, the initiator rejects it "
        "(/reject #{id} REASON).",
    ),
    "e.no_counterpart": (
        "部门「{dept}」还没有对接人或负责人。用「/部门 {dept} 对接人 @某人」设置。",
        "Department {dept} has no liaison or head yet. Set one: /dept {dept} liaison @someone",
    ),
    "e.unknown_person": (
        "不认识 {name}：请用 @ 选择群成员，或先用「/部门」登记这个部门。",
        "I don't know {name}: pick the person with @, or register the department with /dept.",
    ),
    "e.deadline": (
        "看不懂截止时间「{text}」。可以写：明天下班前、下周五、5月20日15点、月底、国庆前、3天内、2026-05-20 14:00。",
        "I can't read the deadline \"{text}\". Try: tomorrow, next friday, EOD, in 3 days, "
        "end of next week, 2026-05-20 14:00.",
    ),
    "e.deadline_past": (
        "截止时间「{text}」（{when}）已经过去了，请给一个将来的时间。",
        "The deadline \"{text}\" ({when}) has already passed; give a future time.",
    ),
    "e.same_deadline": ("#{id} 的截止时间已经是 {when}。", "#{id} is already due {when}."),
    # actions, for "only X can <action>"
    "a.ack": ("确认收到", "acknowledge"),
    "a.progress": ("更新进度", "report progress on"),
    "a.block": ("报告受阻", "mark as blocked"),
    "a.done": ("报告完成", "report done"),
    "a.confirm": ("确认验收", "confirm"),
    "a.reject": ("驳回", "reject"),
    "a.extend": ("调整截止时间", "move the deadline of"),
    "a.cancel": ("关闭", "cancel"),
    "a.risk": ("标记风险", "set the risk of"),
    "a.snooze": ("暂停提醒", "snooze"),
    "a.standard": ("设置完成标准", "set the completion standard of"),
    "a.reassign": ("转交", "hand over"),
    "a.note": ("记录跟进", "add a follow-up note to"),
    # list and show
    "list.empty": ("本群没有进行中的事项。🎈", "No open items in this chat. 🎈"),
    "list.none": ("没有符合条件的事项。", "No items match."),
    "list.title": ("本群事项（{n}）", "Items in this chat ({n})"),
    "list.title_filtered": ("本群事项 · {what}（{n}）", "Items in this chat · {what} ({n})"),
    "list.title_mine": ("我的事项（{n}）", "My items ({n})"),
    "list.title_overdue": ("逾期事项（{n}）", "Overdue items ({n})"),
    "list.title_blocked": ("受阻事项（{n}）", "Blocked items ({n})"),
    "list.title_awaiting": ("待确认事项（{n}）", "Items awaiting confirmation ({n})"),
    "list.title_week": ("本周到期事项（{n}）", "Due this week ({n})"),
    "list.title_user": ("{user} 的事项（{n}）", "Items of {user} ({n})"),
    "list.title_all": ("本群全部事项（{n}）", "All items in this chat ({n})"),
    "list.f.mine": ("我的", "mine"),
    "list.f.overdue": ("逾期", "overdue"),
    "list.f.blocked": ("受阻", "blocked"),
    "list.f.awaiting": ("待确认", "awaiting confirmation"),
    "list.f.week": ("本周到期", "due this week"),
    "list.f.all": ("全部", "all"),
    "list.unknown_filter": ("看不懂筛选条件「{word}」。", "Can't filter by \"{word}\"."),
    "list.more": ("……另有 {n} 项，用「/详情 #N」查看。", "...and {n} more; /show #N for one."),
    "list.line": ("#{id} {title} · {owner} · {deadline} · {status}", "#{id} {title} · {owner} · {deadline} · {status}"),
    "show.history": ("记录：", "History:"),
    # history actions
    "h.created": ("创建", "created"),
    "h.ack": ("确认收到", "acknowledged"),
    "h.progress": ("进度", "progress"),
    "h.block": ("受阻", "blocked"),
    "h.done": ("报告完成", "reported done"),
    "h.jira": ("Jira 状态", "Jira status"),
    "h.jira_link": ("关联 Jira", "linked to Jira"),
    "h.jira_unlink": ("取消 Jira 关联", "unlinked from Jira"),
    "h.jira_create": ("请求新建 Jira 问题", "asked Jira for an issue"),
    "h.jira_created": ("Jira 问题已创建", "Jira issue created"),
    "h.jira_refused": ("Jira 拒绝新建", "Jira refused to create"),
    "h.confirm": ("确认验收", "confirmed"),
    "h.reject": ("驳回", "rejected"),
    "h.extend": ("调整截止", "deadline changed"),
    "h.cancel": ("关闭", "cancelled"),
    "h.risk": ("风险", "risk"),
    "h.snooze": ("暂停提醒", "snoozed"),
    "h.reassign": ("转交", "reassigned"),
    "h.standard": ("完成标准", "completion standard"),
    "h.reject_reason": ("补充驳回原因", "rejection reason"),
    "h.remind": ("提醒", "reminded"),
    "h.escalate": ("上报", "escalated"),
    "h.note": ("跟进", "follow-up"),
    # -- RACI roles, request fields, deadline proposals (bot/items/roles.py, raci.py, proposals.py) --
    "f.consulted": ("咨询人", "Consulted"),
    "f.informed": ("知会人", "Informed"),
    "f.goal": ("目标", "Goal"),
    "f.partners": ("配合部门", "Working with"),
    "f.channel": ("渠道", "Channel"),
    "f.proposal": ("改期申请", "Deadline change asked"),
    "role.A": ("审批人", "approver"),
    "role.C": ("咨询人", "consulted"),
    "role.I": ("知会人", "informed"),
    "role.none": ("无", "none"),
    "h.raci": ("角色", "roles"),
    "h.retitle": ("修改任务名称", "renamed"),
    "h.bitable_overridden": ("多维表格中的修改（被本群更晚的变更覆盖）", "edit in the Bitable (overridden by a later change here)"),
    "h.via_bitable": ("经多维表格", "via Bitable"),
    "h.propose": ("申请改期", "asked to move the deadline"),
    "h.decline": ("拒绝改期", "declined the deadline change"),
    "h.late": ("（距截止不足 {n} 个工作日才提出）", " (asked less than {n} working days ahead)"),
    "h.proposed_by": ("（{who} 申请）", " (asked by {who})"),
    "r.raci": ("👥 #{id} 角色已更新（{actor}）：{roles}", "👥 #{id} roles updated by {actor}: {roles}"),
    "r.raci_show": ("👥 #{id} 的角色：{roles}", "👥 #{id} roles: {roles}"),
    "r.raci_same": ("#{id} 的角色没有变化：{roles}", "#{id} roles are unchanged: {roles}"),
    "r.support": ("咨询人 {people} 请协助。", " Consulted: {people}, please help."),
    "r.informed": ("知会：{people}", "For your information: {people}"),
    "a.raci": ("设置角色（RACI）", "set the roles of"),
    "a.approve": ("同意改期", "approve a deadline change of"),
    "a.decline": ("拒绝改期", "decline a deadline change of"),
    "e.only_initiator_raci": ("只有发起人 {initiator} 可以设置 #{id} 的角色。", "Only the initiator, {initiator}, can set the roles of #{id}."),
    "e.owner_as_approver": (
        "{owner} 是 #{id} 的负责人，不能同时做审批人：审批人替发起人验收，应是另一个人。",
        "{owner} owns #{id} and can't also approve it: the approver checks the work for the initiator.",
    ),
    "e.one_role_approver": ("每个事项只有一位审批人（A），请只 @ 一位。", "An item has one approver (A); mention just one."),
    "e.role_stray": (
        "没看懂「{words}」：「{role}」后面只写 @人（清空写「无」）。",
        "I don't understand \"{words}\": only @people go after \"{role}\" (\"none\" clears it).",
    ),
    "e.role_need_people": ("「{role}」后面请 @ 具体的人（清空写「无」）。", "Mention people after \"{role}\" (\"none\" clears it)."),
    # deadline proposals (改期申请)
    "p.title": ("#{id} 改期申请：{title}", "#{id} deadline change asked: {title}"),
    "p.f.proposer": ("申请人", "Asked by"),
    "p.f.in_force": ("当前截止", "Deadline in force"),
    "p.f.new": ("申请改为", "Asked for"),
    "p.f.reason": ("原因", "Reason"),
    "p.f.status": ("状态", "Status"),
    "p.late": (
        "⚠ 距当前截止不足 {n} 个工作日才提出（按规定应至少提前 {n} 个工作日预警），已记为晚报。",
        "⚠ Asked less than {n} working days before the deadline in force (the rule is {n} working days' warning); "
        "marked late.",
    ),
    "p.ask": (
        "{checkers} 请处理：点 ✅ 同意、❌ 拒绝，或点按钮（也可 /同意 #{id}、/拒绝 #{id} 原因）。同意前截止时间不变。",
        "{checkers}, please decide: react ✅ to approve, ❌ to decline, or press a button "
        "(or /approve #{id}, /decline #{id} REASON). Until then the deadline stays as it is.",
    ),
    "p.ask.buttons": (
        "{checkers} 请处理：点「同意」或「拒绝」按钮（也可 /同意 #{id}、/拒绝 #{id} 原因）。同意前截止时间不变。",
        "{checkers}, please decide: press Approve or Decline (or /approve #{id}, /decline #{id} REASON). "
        "Until then the deadline stays as it is.",
    ),
    "p.replaces": ("这份申请替换了之前的申请（改为 {old}）。", "This replaces the earlier request (for {old})."),
    "p.open": ("待处理", "awaiting a decision"),
    "p.approved": ("已同意（{actor}，{at}）", "approved ({actor}, {at})"),
    "p.declined": ("已拒绝（{actor}，{at}）", "declined ({actor}, {at})"),
    "p.replaced": ("已被新的申请替换", "replaced by a newer request"),
    "p.overtaken": ("已作废（截止时间已被直接调整）", "void (the deadline was set directly)"),
    "p.pending_field": ("改为 {when}（待 {checkers} 同意）", "to {when} (awaiting {checkers})"),
    "r.proposed": (
        "🗓 {actor} 申请把 #{id} 的截止时间从 {old} 改为 {new}：{reason}",
        "🗓 {actor} asks to move #{id} from {old} to {new}: {reason}",
    ),
    "r.approved": (
        "✅ #{id} 改期申请已由 {actor} 同意：截止时间 {old} → {new}。{proposer} 请按新时间完成。",
        "✅ {actor} approved the change of #{id}: deadline {old} → {new}. {proposer}, the new deadline applies.",
    ),
    "r.declined": (
        "🚫 #{id} 改期申请被 {actor} 拒绝{reason}，截止时间仍为 {old}。{proposer} 请按原时间完成，或与 {actor} 沟通。",
        "🚫 {actor} declined the change of #{id}{reason}; the deadline stays {old}. {proposer}, "
        "please keep to it or talk it over with {actor}.",
    ),
    "r.overtaken": ("（{proposer} 之前的改期申请随之作废。）", " ({proposer}'s pending request is void now.)"),
    "e.no_proposal": ("#{id} 没有待处理的改期申请。", "#{id} has no deadline change awaiting a decision."),
    "e.proposal_done": ("这份改期申请{status}，不用再处理。", "That deadline change request is {status} already."),
    "e.only_decider": (
        "只有发起人 {initiator}{approver} 可以{action} #{id}。",
        "Only the initiator, {initiator}{approver}, can {action} #{id}.",
    ),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def for_policy(key: str, policy: Policy) -> str:
    """`key`, or its variant pointing to buttons where the platform has no reactions."""
    return for_platform(T, key, policy.buttons_only)
