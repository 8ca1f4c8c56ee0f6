"""Every user-facing text of retrospectives, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

NOTE_KIND: dict[str, tuple[str, str]] = {"highlight": ("亮点", "Highlights"), "problem": ("问题", "Problems"),
                                         "improvement": ("改进", "Improvements")}

USAGE: dict[str, tuple[str, str]] = {
    "retro": (
        "/复盘 [项目名] [自 日期]　生成复盘报告\n/复盘 add 亮点|问题|改进 内容　记一条复盘要点\n"
        "例：/复盘 自 2026-05-01；/复盘 618大促；/复盘 add 亮点 周五同步会节省了时间",
        "/retro [PROJECT] [since DATE]  post the retrospective\n/retro add highlight|problem|improvement TEXT  "
        "note a point for it\ne.g. /retro since 2026-05-01; /retro 618; /retro add highlight the Friday sync saved time",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {"retro": ("复盘：数据和要点（全群或一个项目）",
                                                  "retrospective: figures and notes (the chat's or a project's)")}

T: dict[str, tuple[str, str]] = {
    "usage": ("用法：{usage}", "Usage: {usage}"),
    "need_kind": ("请写明类型：亮点、问题或改进。", "Say which: highlight, problem or improvement."),
    "need_text": ("请写上内容。", "Say what to note."),
    "bad_date": ("看不懂日期「{value}」，请写 2026-05-01 或 5月1日。", "Can't read the date \"{value}\"; "
                 "write 2026-05-01."),
    "future_date": ("{value} 还没到，复盘只能从过去的日期算起。", "{value} is in the future; a retrospective starts "
                    "from a past date."),
    "one_project": ("看不懂「{name}」：请写一个项目名称。", "Can't read \"{name}\": name one project."),
    "noted": ("📝 已记入复盘（{kind}）：{text}", "📝 Noted for the retrospective ({kind}): {text}"),
    "title": ("📘 复盘报告（{scope}）", "📘 Retrospective ({scope})"),
    "scope.all": ("本群全部", "the whole chat"),
    "scope.project": ("项目「{name}」", "project {name}"),
    "scope.sep": ("，", ", "),
    "scope.since": ("自 {date} 起", "since {date}"),
    "items": ("事项 {n} 个，问题 {issues} 个，紧急事务 {emergencies} 个。", "{n} items, {issues} issues, "
              "{emergencies} emergencies."),
    "figures": ("数据（目标）：", "Figures (target):"),
    "response": ("首次响应：中位 {median} 个工作小时，P90 {p90}；按时响应 {within}/{counted}（{share}）"
                 "（目标：{hours} 个工作小时内，紧急 {urgent}）{mark}",
                 "First response: median {median} working hours, p90 {p90}; within the SLA {within}/{counted} "
                 "({share}) (target: within {hours} working hours, urgent {urgent}){mark}"),
    "response.none": ("首次响应：暂无数据（目标：{hours} 个工作小时内，紧急 {urgent}）",
                      "First response: no data yet (target: within {hours} working hours, urgent {urgent})"),
    "emergency": ("紧急响应：中位 {median} 分钟；{within}/{counted} 在 {minutes} 分钟内（目标：{minutes} 分钟内）{mark}",
                  "Emergency response: median {median} minutes; {within}/{counted} within {minutes} minutes "
                  "(target: within {minutes} minutes){mark}"),
    "on_time": ("按期交付率：{on_time}/{confirmed} = {rate}（目标 ≥ 95%）{mark}",
                "On-time delivery: {on_time}/{confirmed} = {rate} (target ≥ 95%){mark}"),
    "on_time.none": ("按期交付率：暂无已确认事项（目标 ≥ 95%）", "On-time delivery: nothing confirmed yet "
                     "(target ≥ 95%)"),
    "no_deadline": ("（另有 {n} 个无截止时间的事项未计入）", " ({n} without a deadline not counted)"),
    "rework": ("返工率：驳回 {rejections} / 完成报告 {done} = {rate}（目标 < 8%）{mark}",
               "Rework: {rejections} rejections / {done} done reports = {rate} (target < 8%){mark}"),
    "rework.none": ("返工率：暂无完成报告（目标 < 8%）", "Rework: no done reports yet (target < 8%)"),
    "others": ("升级 {escalations} 次；受阻 {blocked} 个工作小时；调整截止时间 {changes} 次（越少越好，每次需有原因）",
               "Escalations {escalations}; blocked {blocked} working hours; deadline changes {changes} "
               "(the fewer the better, each with its reason)"),
    "issues": ("问题解决（目标：一般 1、中度 3、重大 5 个工作日）：", "Issue resolution (target: minor 1, medium 3, "
               "major 5 working days):"),
    "issue_line": ("· {severity}：{logged} 个，已解决 {resolved}，按期 {on_time}，中位用时 {median} 个工作日"
                   "（目标 {target}）{late}{mark}",
                   "· {severity}: {logged} logged, {resolved} resolved, {on_time} on time, median {median} working "
                   "days (target {target}){late}{mark}"),
    "issue_late": ("，{n} 个逾期未解决", ", {n} open past due"),
    "notes": ("{kind}：", "{kind}:"),
    "note_line": ("· {text}（{author}）", "· {text} ({author})"),
    "no_notes": ("还没有复盘要点：「/复盘 add 亮点|问题|改进 内容」。", "No notes yet: /retro add "
                 "highlight|problem|improvement TEXT."),
    "emergencies": ("紧急事务：", "Emergencies:"),
    "emergency_line": ("· #{id} {description}：{state}{review}", "· #{id} {description}: {state}{review}"),
    "em.resolved": ("已解决，用时 {n} 分钟", "resolved in {n} minutes"),
    "em.open": ("未解决", "still open"),
    "em.no_review": ("，待复盘（/复盘 add 问题 #{id} …）", ", review missing (/retro add problem #{id} …)"),
    "ok": (" ✓", " ✓"),
    "miss": (" ✗", " ✗"),
    "na": ("—", "—"),
    "reminder": ("📘 {lead}，项目「{project}」已结束 {n} 个工作日，还没有复盘：请发送「/复盘 {project}」。",
                 "📘 {lead}, project {project} closed {n} working days ago and has no retrospective yet: "
                 "/retro {project}."),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def usage(lang: str, name: str = "retro") -> str:
    return t(lang, "usage", usage=render(USAGE, lang, name))
