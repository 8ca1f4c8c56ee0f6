"""Usage, examples and parse errors of every command, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render
from bot.jira import strings as jira_strings
from bot.minutes import strings as minutes_strings
from bot.projects import strings as project_strings

USAGE: dict[str, tuple[str, str]] = {
    "todo": (
        "/待办 @负责人 任务（含截止时间） [标准：完成标准] [审批 @人] [紧急]\n"
        "例：/待办 @李工 5月15日前完成活动页前端开发 标准：测试环境验收通过\n"
        "截止时间可写在任务里（周五前提交设计稿、明天下午3点前完成报表），或写「截止 时间」。",
        "/todo @owner TASK by DEADLINE [standard: WHEN DONE] [approver @person] [urgent]\n"
        "e.g. /todo @lee Build the campaign page by 2026-05-15 standard: passes QA on staging\n"
        "The deadline may sit in the task itself: finish the deck by Friday, 周五前提交设计稿.",
    ),
    "ask": (
        "/需求 @人或部门 内容 [截止 时间] [紧急] [特急]\n例：/需求 @技术部 确认618活动页排期 截止 明天 紧急",
        "/ask @person-or-dept CONTENT [by DEADLINE] [urgent] [emergency]\n"
        "e.g. /ask @Tech confirm the 618 page schedule by tomorrow urgent",
    ),
    "ack": ("/收到 #编号\n例：/收到 #3", "/ack #N\ne.g. /ack #3"),
    "progress": ("/进度 #编号 百分比 [说明]\n例：/进度 #3 60% 前端联调中", "/progress #N PERCENT [NOTE]\ne.g. /progress #3 60% integrating the API"),
    "block": (
        "/受阻 #编号 原因 [预计 日期]\n例：/受阻 #3 测试环境资源不足 预计 5月14日",
        "/block #N REASON [eta DATE]\ne.g. /block #3 staging is short of resources eta 2026-05-14",
    ),
    "done": ("/完成 #编号 [说明]\n例：/完成 #3 已上线", "/done #N [NOTE]\ne.g. /done #3 live in production"),
    "confirm": ("/确认 #编号（或在卡片上点 ✅）\n例：/确认 #3", "/confirm #N (or react ✅ on its card)\ne.g. /confirm #3"),
    "reject": ("/驳回 #编号 原因\n例：/驳回 #3 移动端样式错位", "/reject #N REASON\ne.g. /reject #3 broken layout on mobile"),
    "extend": (
        "/延期 #编号 新截止时间 原因\n例：/延期 #3 5月20日 供应商延迟交付",
        "/extend #N DEADLINE REASON\ne.g. /extend #3 2026-05-20 vendor delivery slipped",
    ),
    "cancel": ("/关闭 #编号 [原因]\n例：/关闭 #3 活动取消", "/cancel #N [REASON]\ne.g. /cancel #3 campaign called off"),
    "risk": ("/风险 #编号 高|正常 [原因]\n例：/风险 #3 高 接口方未排期", "/risk #N high|normal [REASON]\ne.g. /risk #3 high vendor has not scheduled it"),
    "list": (
        "/列表 [我的 | 逾期 | 受阻 | 待确认 | 本周 | @某人 | @部门 | 全部]（可组合）\n例：/列表 技术部 受阻",
        "/list [mine | overdue | blocked | awaiting | this week | @user | @dept | all] (combine them)\n"
        "e.g. /list @Tech blocked",
    ),
    "show": ("/详情 #编号\n例：/详情 #3", "/show #N\ne.g. /show #3"),
    "dept": (
        "/部门 [部门名 [负责人 @人] [对接人 @人 @人] [成员 @人 ...]]\n例：/部门 技术部 负责人 @王总 对接人 @李工",
        "/dept [NAME [head @person] [liaison @person @person] [members @person ...]]\n"
        "e.g. /dept Tech head @wang liaison @lee",
    ),
    "settings": (
        "/设置 [名称 群名 | 语言 zh|en | 时区 Asia/Shanghai | 国家 CN | 日报 09:30 | 周报 17:00 | 上级 @人 ... | 无截止 允许|不允许 "
        "| 建议 开|关 | 邮件 [@人] 地址 | 邮件 删除 地址]\n"
        "例：/设置 日报 09:00",
        "/settings [name CHAT NAME | lang zh|en | timezone Asia/Shanghai | country US | daily 09:30 | weekly 17:00 | managers @person ... "
        "| open-ended on|off | suggest on|off | email [@person] ADDRESS | email remove ADDRESS]\ne.g. /settings weekly 16:30",
    ),
    "digest": ("/日报（或 /digest daily|weekly）\n例：/日报", "/digest [daily|weekly]\ne.g. /digest weekly"),
    "weekly": ("/周报\n例：/周报", "/weekly\ne.g. /weekly"),
    "snooze": ("/稍后 #编号 时长（30m、2h、1d；最多 3 个工作日）\n例：/稍后 #3 2h",
               "/snooze #N DURATION (30m, 2h, 1d; at most 3 working days)\ne.g. /snooze #3 2h"),
    "standard": ("/标准 #编号 完成标准\n例：/标准 #3 测试环境验收通过", "/standard #N TEXT\ne.g. /standard #3 passes QA on staging"),
    "reassign": (
        "/转交 #编号 @新负责人 原因\n例：/转交 #3 @王工 李工休假",
        "/reassign #N @new-owner REASON\ne.g. /reassign #3 @wang lee is on leave",
    ),
    "help": ("/帮助 [命令]\n例：/帮助 待办", "/help [COMMAND]\ne.g. /help todo"),
    "raci": (
        "/角色 #编号 [审批 @人] [咨询 @人 …] [知会 @人 …]（也可写 A / C / I；「无」清空；只有发起人可设）\n"
        "例：/角色 #3 审批 @王总 咨询 @运维 知会 @市场部老板",
        "/raci #N [A @person] [C @person …] [I @person …] (\"none\" clears a role; the initiator sets them)\n"
        "e.g. /raci #3 A @wang C @ops I @cmo",
    ),
    "approve": ("/同意 #编号（同意负责人的改期申请）\n例：/同意 #3", "/approve #N (a deadline change the owner asked for)\ne.g. /approve #3"),
    "decline": ("/拒绝 #编号 原因\n例：/拒绝 #3 活动日期不能动", "/decline #N REASON\ne.g. /decline #3 the launch date is fixed"),
}
USAGE.update(minutes_strings.USAGE)
USAGE.update(jira_strings.USAGE)  # each domain keeps its own texts; /help lists them all

SUMMARY: dict[str, tuple[str, str]] = {
    "todo": ("登记行动项", "register an action item"),
    "ask": ("发起沟通需求", "send a request to a person or department"),
    "ack": ("确认收到", "acknowledge"),
    "progress": ("更新进度", "report progress"),
    "block": ("报告受阻/需支持", "report a blocker"),
    "done": ("报告完成", "report done"),
    "confirm": ("验收确认（✅）", "confirm a finished item (✅)"),
    "reject": ("驳回返工（❌）", "reject for rework (❌)"),
    "extend": ("调整截止时间", "move a deadline"),
    "cancel": ("关闭事项", "cancel an item"),
    "risk": ("标记风险", "mark the risk"),
    "list": ("查看事项", "list items"),
    "show": ("查看详情和记录", "an item with its history"),
    "dept": ("登记部门、负责人和对接人", "register departments, heads and liaisons"),
    "settings": ("本群设置", "this chat's settings"),
    "digest": ("日报（按需）", "the daily digest, now"),
    "weekly": ("周报（按需）", "the weekly report, now"),
    "snooze": ("暂停某项的提醒", "pause an item's reminders"),
    "standard": ("补充完成标准", "set the completion standard"),
    "reassign": ("转交给别人", "hand an item over to someone else"),
    "help": ("帮助", "help"),
    "raci": ("设置审批人、咨询人、知会人", "name who approves, is consulted, is informed"),
    "approve": ("同意改期申请（✅）", "approve a deadline change (✅)"),
    "decline": ("拒绝改期申请（❌）", "decline a deadline change (❌)"),
}
SUMMARY.update(minutes_strings.SUMMARY)
SUMMARY.update(jira_strings.SUMMARY)

T: dict[str, tuple[str, str]] = {
    "usage": ("用法：{usage}", "Usage: {usage}"),
    "help.title": (
        "Genjin 跟进助手：登记需求和行动项，到点提醒，验收闭环。命令（也可 @我 + 命令）：",
        "Genjin keeps track of requests and action items, nudges, and closes the loop. Commands (or @mention me):",
    ),
    "help.footer": ("「/帮助 命令」看用法和例子。负责人在事项消息下回复即记入跟进记录（如「做完60%了」「搞定了」）。",
                    "/help COMMAND shows usage and an example. An owner's reply under an item's message is "
                    "a follow-up note (\"60% done\", \"done\")."),
    "help.line": ("/{alias} ({name}) — {summary}", "/{name} — {summary}"),
    "unknown": ("没有「{word}」这个命令。{hint}", "There is no command \"{word}\". {hint}"),
    "did_you_mean": ("你是想用「/{word}」吗？", "Did you mean /{word}? "),  # the hint follows
    "hint": ("发送「/帮助」看全部命令。", "Send /help for the list."),
    "need_item": ("请写明事项编号，例如 #3。", "Which item? Give its number, e.g. #3."),
    "need_owner": ("请用 @ 指定负责人。", "Name the owner with an @mention."),
    "need_todo_deadline": (
        "行动项需要截止时间，没有创建。请写明什么时候完成，例如：\n{example}\n"
        "也可以写在任务里：「周五前提交设计稿」「明天下午3点前完成报表」。",
        "An action item needs a deadline; nothing was created. Say when it is due, e.g.:\n{example}\n"
        "It may also sit in the task: \"finish the deck by Friday\".",
    ),
    "todo_deadline_example": ("/待办 {owner} {title} 截止 周五 标准：……", "/todo {owner} {title} by Friday standard: …"),
    "one_owner.todo": (
        "一个行动项只有一位负责人。要给 {names} 每人各建一项吗？是的话发送：\n{example}",
        "An action item has one owner. Create one for each of {names}? Then send:\n{example}",
    ),
    "one_owner.ask": (
        "一个需求只有一个对接方。要给 {names} 各发一项吗？是的话发送：\n{example}",
        "A request goes to one person or department. Send one to each of {names}? Then send:\n{example}",
    ),
    "one_new_owner": ("转交只能给一位新负责人，请只 @ 一位。", "Hand it over to one new owner; mention just one."),
    "need_standard": ("请写上完成标准。", "Say what \"done\" means for it."),
    "need_target": ("请用 @ 指定对接人或部门。", "Name the person or department with an @mention."),
    "need_title": ("请写上要做的事。", "Say what needs doing."),
    "need_reason": ("请写上原因。", "Please give a reason."),
    "need_percent": ("请写进度百分比（0-100%），例如 60%。", "Give the progress as a percentage (0-100%), e.g. 60%."),
    "need_deadline": ("请写新的截止时间。", "Give the new deadline."),
    "one_approver": (
        "一个事项只有一位审批人，请只 @ 一位（其他验收要求可写在「标准：」后面）。",
        "An item has one approver; mention just one (other sign-offs can go after \"standard:\").",
    ),
    "need_risk": ("风险请写「高」或「正常」。", "Risk is \"high\" or \"normal\"."),
    "dept.list_empty": ("还没有登记部门。{usage}", "No departments yet. {usage}"),
    "dept.list_title": ("部门（{n}）", "Departments ({n})"),
    "dept.line": ("{name}：负责人 {head}；对接人 {liaisons}；成员 {members}", "{name}: head {head}; liaisons {liaisons}; members {members}"),
    "dept.saved": ("已更新部门 {line}", "Department saved. {line}"),
    "dept.too_many_liaisons": ("每个部门最多 2 名对接人。", "A department has at most 2 liaisons."),
    "dept.need_mentions": ("「{role}」后面请 @ 具体的人。", "Mention people after \"{role}\"."),
    "dept.head_only": (
        "部门「{name}」由负责人 {head} 管理，只有 {head}{admins} 可以修改它。",
        "Department {name} is run by its head, {head}: only {head}{admins} can change it.",
    ),
    "dept.or_admins": (" 或管理员 {admins}", " or an admin ({admins})"),
    "dept.changed": ("🏢 {actor} 修改了部门「{name}」（在 {where}）：{after}", "🏢 {actor} changed department {name} (in {where}): {after}"),
    "dept.was": ("修改前：{before}", "Before: {before}"),
    "dept.in_dm": ("私聊", "a direct message"),
    "dept.stray": ("没看懂「{words}」：「{role}」后面只写 @人。", "I don't understand \"{words}\": only @people go after \"{role}\"."),
    "dept.one_head": ("每个部门只有一位负责人，请只 @ 一位。", "A department has one head; mention just one."),
    "dept.dept_as_person": ("{name} 是部门，这里需要具体的人。", "{name} is a department; a person is needed here."),
    "settings.show": (
        "本群设置：名称 {name}，语言 {lang}，时区 {timezone}，节假日 {country}，日报 {daily}，周报 {weekly}，周报和升级抄送 {managers}，"
        "行动项截止时间 {open_ended}。",
        "This chat: name {name}, language {lang}, timezone {timezone}, holidays {country}, daily digest {daily}, "
        "weekly report {weekly}, managers (weekly report, escalations) {managers}, action item deadlines {open_ended}.",
    ),
    "settings.open_ended": ("可不设", "optional"),
    "settings.no_name": ("未设（导出和周报图表用群 ID）", "not set (exports and charts use the chat's id)"),
    "settings.bad_name": (
        "群名称写 1–{n} 个字，不含换行和 @，例如：/设置 名称 618大促项目群。它用于导出文件名、周报图表和邮件。",
        "A chat name is 1–{n} characters, without line breaks or @mentions, e.g. /settings name 618 campaign. "
        "Exports, charts and emails are named after it.",
    ),
    "settings.deadline_required": ("必填", "required"),
    "settings.bad_switch": ("请写「允许」或「不允许」。", "Say on or off."),
    "settings.saved": ("已保存。{show}", "Saved. {show}"),
    "settings.bad_time": ("看不懂时间「{value}」，请写 HH:MM，例如 09:30。", "Can't read the time \"{value}\"; use HH:MM, e.g. 09:30."),
    "admin_only": ("只有管理员 {admins} 可以修改部门和设置。", "Only the admins, {admins}, can change departments and settings."),
    "settings.after_hours": (
        "{value} 不在工作时间（{start}-{end}）内，日报和周报只在工作时间发送。",
        "{value} is outside working hours ({start}-{end}); digests are posted during working hours only.",
    ),
    "settings.bad_country": ("不支持国家/地区代码「{value}」，例如 CN、US、SG。", "Unknown country code \"{value}\"; e.g. CN, US, SG."),
    "settings.bad_lang": ("语言只能是 zh 或 en。", "Language is zh or en."),
    "settings.bad_timezone": ("不认识时区「{tz}」，例如 Asia/Shanghai。", "Unknown timezone \"{tz}\"; e.g. Asia/Shanghai."),
    # request fields on /todo and /ask (bot/commands/request_fields.py)
    "field.need_goal": ("「目标：」后面请写目标，例如：目标：618 转化率提升 10%", "Say the goal after \"goal:\", e.g. goal: 10% more sign-ups"),
    "field.need_channel": ("「渠道：」后面请写沟通渠道，例如：渠道：飞书群", "Say the channel after \"channel:\", e.g. channel: email"),
    "field.channel_long": ("渠道最多 {n} 个字。", "A channel is at most {n} characters."),
    "field.need_partners": (
        "「配合：」后面请 @ 配合的部门或人，例如：配合：@技术部 @仓储部",
        "Mention the departments or people after \"with:\", e.g. with: @Tech @Warehouse",
    ),
    "field.partners_stray": (
        "没看懂「{words}」：「配合：」后面只写 @部门 或 @人，例如：配合：@技术部 @仓储部",
        "I don't understand \"{words}\": only @departments or @people go after \"with:\", e.g. with: @Tech",
    ),
    "error": (
        "抱歉，处理这条消息时出错了，什么都没有改动。请稍后再试；如果一直出错，请联系管理员。",
        "Sorry, something went wrong while handling that; nothing was changed. Try again, "
        "and tell your admin if it keeps happening.",
    ),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def usage(lang: str, name: str) -> str:
    return t(lang, "usage", usage=render(USAGE, lang, name))


# The issue log, retrospectives and projects keep their texts in their own domains; /help lists them too.
from bot.bitable import strings as _bitable  # noqa: E402
from bot.export import strings as _export  # noqa: E402
from bot.issues import strings as _issues  # noqa: E402
from bot.retro import strings as _retro  # noqa: E402

for _domain in (_issues, _retro, project_strings, _export, _bitable):
    USAGE.update(_domain.USAGE)
    SUMMARY.update(_domain.SUMMARY)

from bot.dashboard import strings as _dashboard  # noqa: E402

USAGE.update(_dashboard.USAGE)
SUMMARY.update(_dashboard.SUMMARY)
