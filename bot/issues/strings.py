"""Every user-facing text of the issue log and emergencies, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

SEVERITY: dict[str, tuple[str, str]] = {"minor": ("一般", "minor"), "medium": ("中度", "medium"),
                                        "major": ("重大", "major")}

USAGE: dict[str, tuple[str, str]] = {
    "issue": (
        "/问题 一般|中度|重大 问题描述 [@部门 …] [项目 名称]\n"
        "例：/问题 中度 活动页排期冲突，技术部和市场部各执一词 @技术部 @市场部\n"
        "一般：对接人 1 个工作日内解决；中度：3 个工作日（项目牵头部门负责人，无项目时为部门负责人）；重大：5 个工作日（管理层）。",
        "/issue minor|medium|major DESCRIPTION [@dept …] [project NAME]\n"
        "e.g. /issue medium Tech and Marketing disagree on the page schedule @Tech @Marketing\n"
        "minor: the liaisons settle it within 1 working day; medium: 3 (the project lead, else the departments' heads); major: 5 (management).",
    ),
    "resolve": (
        "/解决 #编号 处理结果 [教训 经验教训]\n例：/解决 #7 双方同意 5月16日上线 教训 排期先对齐测试资源",
        "/resolve #N RESULT [lesson LESSON]\ne.g. /resolve #7 both agreed on a 05-16 launch lesson align QA first",
    ),
    "issues": ("/问题列表 [项目名称]\n例：/问题列表 618大促", "/issues [PROJECT]\ne.g. /issues 618"),
    "emergency": (
        "/紧急 事件描述 [@相关人 …] [影响 影响范围] [项目 名称] [建群]\n例：/紧急 支付页无法下单 @李工 影响 全部线上订单 建群\n"
        "建群（或 --群、--room）：另建临时协调群，拉入相关人及其负责人（飞书、Slack，需管理员开启）。",
        "/emergency DESCRIPTION [@people …] [impact WHO OR WHAT IS HIT] [project NAME] [--room]\n"
        "e.g. /emergency checkout is down @lee impact all online orders --room\n"
        "--room: also open a temporary coordination group with the people named and their heads "
        "(Feishu, Slack; an admin turns it on).",
    ),
    "plan": ("/方案 #编号 处理方案\n例：/方案 #8 切回旧版支付，30 分钟内恢复", "/plan #N TEXT\ne.g. /plan #8 roll back to the old checkout"),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "issue": ("登记问题/冲突", "log an issue or conflict"),
    "resolve": ("解决问题或紧急事务", "resolve an issue or emergency"),
    "issues": ("未解决的问题和紧急事务（可按项目）", "open issues and emergencies (of a project)"),
    "emergency": ("紧急事务：30 分钟响应", "an emergency: 30-minute response"),
    "plan": ("紧急事务的处理方案", "an emergency's plan"),
}

T: dict[str, tuple[str, str]] = {
    "usage": ("用法：{usage}", "Usage: {usage}"),
    "need_severity": ("请先写严重程度：一般、中度或重大。", "Start with the severity: minor, medium or major."),
    "need_description": ("请写上问题是什么。", "Say what the issue is."),
    "need_emergency": ("请写上发生了什么。", "Say what happened."),
    "need_item": ("请写明编号，例如 #7。", "Which one? Give its number, e.g. #7."),
    "need_result": ("请写上处理结果。", "Say how it was resolved."),
    "need_plan": ("请写上处理方案。", "Say what the plan is."),
    "not_dept": ("{name} 是个人，这里请 @ 部门（问题由部门对接人处理）。",
                 "{name} is a person; name departments here (their liaisons handle issues)."),
    "item_only": ("#{id} 是问题/紧急事务记录，不是事项：用「/解决 #{id} 结果」，紧急事务还可以「/收到 #{id}」「/方案 #{id} 方案」。",
                  "#{id} is an issue or emergency, not an item: use /resolve #{id} RESULT (emergencies also "
                  "/ack #{id} and /plan #{id} TEXT)."),
    "no_issue": ("本群没有编号 #{id} 的问题或紧急事务。", "There is no issue or emergency #{id} in this chat."),
    "not_emergency": ("#{id} 是问题记录，不是紧急事务：处理方案请写在「/解决 #{id} 结果」里。",
                      "#{id} is an issue, not an emergency: put what was done in /resolve #{id} RESULT."),
    "already_resolved": ("#{id} 已于 {when} 解决，无需再处理。", "#{id} was already resolved on {when}."),
    "not_involved": ("只有登记人、相关部门的对接人和负责人、项目牵头人、相关人员或上级可以处理 #{id}。",
                     "Only the reporter, the departments' liaisons and heads, the project lead, the people named "
                     "or the managers can handle #{id}."),
    "in_project": ("（项目「{name}」）", " (project {name})"),
    "need_project_name": ("「项目」后请写项目名称。", "Name the project after \"project\"."),
    # /issue
    "logged": ("📋 问题 #{id} 已登记（{severity}）：{description}", "📋 Issue #{id} logged ({severity}): {description}"),
    "logged.depts": ("涉及部门：{depts}", "Departments: {depts}"),
    "logged.owners": ("负责处理：{owners}", "Handled by: {owners}"),
    "logged.due": ("解决期限：{due}（{n} 个工作日），到期未解决将升级。", "Resolve by {due} ({n} working days); "
                   "escalated if still open then."),
    "nobody": ("还没有可负责的人：请用「/部门 名称 对接人 @人」或「/设置 上级 @人」指定。",
               "Nobody to handle it yet: name liaisons with /dept NAME liaison @person or managers with "
               "/settings managers @person."),
    # /resolve
    "resolved": ("✅ #{id}「{description}」已解决（用时 {took}）：{result}", "✅ #{id} \"{description}\" resolved "
                 "(took {took}): {result}"),
    "resolved.lesson": ("经验教训：{lesson}", "Lesson: {lesson}"),
    "resolved.late": ("（超过期限 {due}）", " (past its due time, {due})"),
    "review_ask": ("请做个简短复盘：「/复盘 add 问题 #{id} 原因」「/复盘 add 改进 #{id} 措施」。",
                   "Please add a short review: /retro add problem #{id} CAUSE, /retro add improvement #{id} FIX."),
    "took.hours": ("{n} 个工作小时", "{n} working hours"),
    "took.minutes": ("{n} 分钟", "{n} minutes"),
    # /issues
    "list.title": ("未解决的问题和紧急事务（{n}）", "Open issues and emergencies ({n})"),
    "list.title_project": ("项目「{name}」未解决的问题和紧急事务（{n}）", "Open issues and emergencies of {name} ({n})"),
    "list.empty_project": ("项目「{name}」没有未解决的问题或紧急事务。", "Project {name} has no open issues or emergencies."),
    "list.project": (" · 项目「{name}」", " · project {name}"),
    "list.empty": ("本群没有未解决的问题或紧急事务。", "No open issues or emergencies in this chat."),
    "list.issue": ("#{id} [{severity}] {description} · {owners} · 期限 {due}{late}",
                   "#{id} [{severity}] {description} · {owners} · due {due}{late}"),
    "list.emergency": ("#{id} 🆘 {description} · {state}", "#{id} 🆘 {description} · {state}"),
    "late": ("（已逾期）", " (overdue)"),
    "state.unanswered": ("待响应", "awaiting a response"),
    "state.no_plan": ("已响应，待方案", "answered, no plan yet"),
    "state.plan": ("方案：{plan}", "plan: {plan}"),
    # /emergency
    "emergency.logged": ("🆘 紧急事务 #{id}：{description}", "🆘 Emergency #{id}: {description}"),
    "emergency.impact": ("影响：{impact}", "Impact: {impact}"),
    "emergency.urgency": ("紧急程度：特急（响应时限按自然时间计算，夜间和节假日同样有效）",
                          "Urgency: emergency (wall-clock time, nights and holidays included)"),
    "emergency.people": ("相关人：{people}", "People: {people}"),
    "emergency.clock": ("请在 {respond} 前响应（/收到 #{id}），{plan} 前给出处理方案（/方案 #{id} 方案）。",
                        "Respond by {respond} (/ack #{id}) and post a plan by {plan} (/plan #{id} TEXT)."),
    "acked": ("✔ {actor} 已响应紧急事务 #{id}（{took}）。", "✔ {actor} is on emergency #{id} ({took})."),
    "acked.again": ("#{id} 已有人响应。", "#{id} was already answered."),
    "ack.reporter": ("#{id} 是你登记的，响应要由相关人给出；有方案请直接「/方案 #{id} 方案」。",
                     "You reported #{id}: the response has to come from someone else. Post a plan with "
                     "/plan #{id} TEXT."),
    "planned": ("🛠 #{id} 处理方案（{actor}）：{plan}", "🛠 #{id} plan ({actor}): {plan}"),
    # /show
    "show.issue": ("#{id} 问题（{severity}）：{description}", "#{id} issue ({severity}): {description}"),
    "show.emergency": ("#{id} 紧急事务：{description}", "#{id} emergency: {description}"),
    "f.status": ("状态", "Status"),
    "f.reporter": ("登记人", "Reported by"),
    "f.created": ("登记时间", "Logged"),
    "f.due": ("解决期限", "Resolve by"),
    "f.plan_due": ("方案期限", "Plan due"),
    "f.depts": ("涉及部门", "Departments"),
    "f.owners": ("负责处理", "Handled by"),
    "f.people": ("相关人", "People"),
    "f.impact": ("影响", "Impact"),
    "f.responded": ("响应", "Answered"),
    "f.plan": ("方案", "Plan"),
    "f.result": ("处理结果", "Result"),
    "f.lesson": ("经验教训", "Lesson"),
    "f.escalations": ("升级次数", "Escalations"),
    "status.open": ("未解决", "open"),
    "status.resolved": ("已解决", "resolved"),
    # reminders
    "escalate_group": ("🚨 问题 #{id}「{description}」（{severity}）已过解决期限 {due}，仍未解决，已上报 {who}。",
                       "🚨 Issue #{id} \"{description}\" ({severity}) is past its due time, {due}, and still open; "
                       "escalated to {who}."),
    "escalate_dm": ("🚨 升级提醒：{chat} 的问题 #{id}「{description}」（{severity}）已过解决期限 {due}，仍未解决。"
                    "负责处理 {owners}，登记人 {reporter}。",
                    "🚨 Escalation: issue #{id} \"{description}\" ({severity}) in {chat} is past its due time, {due}, "
                    "and still open. Handled by {owners}, reported by {reporter}."),
    "escalate_top": ("🚨 问题 #{id}「{description}」（{severity}）已过解决期限 {due}，仍未解决：{owners} 请尽快处理。",
                     "🚨 Issue #{id} \"{description}\" ({severity}) is past its due time, {due}, and still open: "
                     "{owners}, please settle it."),
    "response_group": ("🆘 紧急事务 #{id}「{description}」{n} 分钟无人响应，已通知 {who}。",
                       "🆘 Emergency #{id} \"{description}\" has had no response for {n} minutes; told {who}."),
    "response_dm": ("🆘 {chat} 的紧急事务 #{id}「{description}」{n} 分钟无人响应，请立即处理：/收到 #{id}。",
                    "🆘 Emergency #{id} \"{description}\" in {chat} has had no response for {n} minutes. "
                    "Please take it: /ack #{id}."),
    "plan_group": ("🆘 紧急事务 #{id}「{description}」{n} 小时仍没有处理方案，已上报 {who}。",
                   "🆘 Emergency #{id} \"{description}\" still has no plan after {n} hours; escalated to {who}."),
    "plan_dm": ("🆘 升级提醒：{chat} 的紧急事务 #{id}「{description}」{n} 小时仍没有处理方案。登记人 {reporter}。",
                "🆘 Escalation: emergency #{id} \"{description}\" in {chat} has no plan after {n} hours. "
                "Reported by {reporter}."),
    "nobody_above": ("还没有可以通知的人：请用「/部门 名称 负责人 @人」或「/设置 上级 @人」指定。",
                     "There is nobody to tell yet: name heads with /dept NAME head @person or managers with "
                     "/settings managers @person."),
    # monthly summary
    "summary.title": ("📊 {month} 问题台账月报", "📊 Issue log for {month}"),
    "summary.total": ("共登记 {n} 个问题：一般 {minor}，中度 {medium}，重大 {major}；已解决 {resolved}，按期解决 {on_time}。",
                      "{n} issues logged: minor {minor}, medium {medium}, major {major}; {resolved} resolved, "
                      "{on_time} on time."),
    "summary.depts": ("按部门：{depts}", "By department: {depts}"),
    "summary.top": ("冲突最多来自：{depts}（{n} 个）", "Most conflicts come from: {depts} ({n})"),
    "summary.emergencies": ("紧急事务 {n} 个，30 分钟内响应 {fast} 个。", "{n} emergencies, {fast} answered "
                            "within 30 minutes."),
    "summary.open": ("仍未解决：{n} 个（/问题列表）", "Still open: {n} (/issues)"),
    "none": ("—", "—"),
    # /emergency --room: the coordination group (bot/issues/rooms.py)
    "room.opening": ("正在建立临时协调群，拉入 {people}；群建好后会在群里发出事件概要。",
                     "Opening a coordination group with {people}; the facts will be posted there once it exists."),
    "room.unsupported": ("（未建群：本平台不支持由机器人建群，请在本群协调。）",
                         "(No group opened: the bot cannot create groups on this platform; coordinate here.)"),
    "room.disabled": ("（未建群：管理员尚未开启紧急事务建群功能（配置 emergency_rooms = true），请在本群协调。）",
                      "(No group opened: emergency groups are not turned on here (emergency_rooms = true in the "
                      "config); coordinate here.)"),
    "room.name": ("🆘 紧急 #{id} {description}", "🆘 Emergency #{id} {description}"),
    "room.facts": ("🆘 紧急事务协调群：{chat} 的 #{id}", "🆘 Coordination group for emergency #{id} of {chat}"),
    "room.commands": ("在本群可直接用「/收到」「/方案 方案」「/解决 结果」（编号可省略），两边同步。",
                      "Here /ack, /plan TEXT and /resolve RESULT work without the number; both places are kept "
                      "in step."),
    "room.reporter": ("登记人：{reporter}", "Reported by: {reporter}"),
    "room.opened": ("🆘 紧急事务 #{id} 的协调群已建好，后续方案和结果会同步到本群。",
                    "🆘 The coordination group of emergency #{id} is open; plans and results are mirrored here."),
    "mirror.origin": ("（来自协调群）", " (from the coordination group)"),
    "mirror.room": ("（来自 {chat}）", " (from {chat})"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def usage(lang: str, name: str) -> str:
    return t(lang, "usage", usage=render(USAGE, lang, name))


def severity(lang: str, value: str | None) -> str:
    return render(SEVERITY, lang, value or "minor")
