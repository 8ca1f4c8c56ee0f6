"""Every user-facing text about projects, milestones and dependencies, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {
    "project": (
        "/项目 新建 名称 [目标 目标] [截止 日期] [牵头 @部门] | /项目 列表 | /项目 详情 名称 | /项目 周报 名称 | "
        "/项目 关闭 名称\n例：/项目 新建 618大促 目标 活动页按时上线 截止 6月18日 牵头 @市场部",
        "/project new NAME [goal GOAL] [due DATE] [lead @dept] | /project list | /project show NAME | "
        "/project report NAME | /project close NAME\n"
        "e.g. /project new 618 goal launch the campaign page on time due 2026-06-18 lead @Marketing",
    ),
    "milestone": (
        "/里程碑 名称 日期 [项目 名称]\n例：/里程碑 设计定稿 5月12日 项目 618大促",
        "/milestone NAME DATE [project NAME]\ne.g. /milestone design-final 2026-05-12 project 618",
    ),
    "link": (
        "/关联 #编号 [#编号 …] 项目[/里程碑]（写「无」移出项目）\n例：/关联 #3 618大促/设计定稿",
        "/link #N [#N …] PROJECT[/MILESTONE] (\"none\" takes it out)\ne.g. /link #3 618/design-final",
    ),
    "after": (
        "/依赖 #编号 #前置编号（前者要等后者完成；末尾加「取消」解除）\n例：/依赖 #4 #2",
        "/after #N #M (N cannot really finish before M; add \"off\" to remove it)\ne.g. /after #4 #2",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "project": ("协同项目：新建、查看、周报、关闭", "projects: create, show, report, close"),
    "milestone": ("给项目加里程碑", "add a milestone to a project"),
    "link": ("把事项加入项目或里程碑", "put items in a project or milestone"),
    "after": ("事项依赖（关键路径）", "a dependency between items (critical path)"),
}

STATE = {"late": ("滞后", "late"), "done": ("已完成", "done"), "on_track": ("正常", "on track"),
         "empty": ("暂无事项", "no items yet")}

T: dict[str, tuple[str, str]] = {
    # creating, closing, listing
    "created": ("📁 已创建项目「{name}」", "📁 Project {name} created"),
    "how_to_join": (
        "加入事项：/待办 或 /需求 末尾写「项目 {name}」，或「/关联 #编号 {name}」；加里程碑：「/里程碑 名称 日期 项目 {name}」。",
        "Add items: end /todo or /ask with \"project {name}\", or /link #N {name}; "
        "milestones: /milestone NAME DATE project {name}.",
    ),
    "closed": ("📁 项目「{name}」已由 {actor} 关闭。{left}", "📁 Project {name} was closed by {actor}.{left}"),
    "closed_left": ("仍有 {n} 项未完成，事项本身照常跟进。", " {n} items are still open; they are followed up as before."),
    "list.title": ("进行中的项目（{n}）", "Open projects ({n})"),
    "list.line": ("{name} · 进度 {percent}%（已确认 {done}/{total}）{late}{deadline}",
                  "{name} · {percent}% ({done}/{total} confirmed){late}{deadline}"),
    "list.late": (" · 逾期 {n} 项", " · {n} late"),
    "list.deadline": (" · 截止 {when}", " · due {when}"),
    "list.closed": ("另有已关闭项目 {n} 个。", "{n} closed projects not shown."),
    "list.empty": ("本群还没有项目。{usage}", "No projects here yet. {usage}"),
    # the project view and the weekly project report
    "f.goal": ("目标", "Goal"),
    "f.lead": ("牵头部门", "Lead"),
    "f.deadline": ("截止", "Due"),
    "f.creator": ("创建人", "Created by"),
    "f.progress": ("总体进度", "Progress"),
    "f.status": ("状态", "Status"),
    "f.on_time": ("按时率（至今）", "On time so far"),
    "status.open": ("进行中", "open"),
    "status.closed": ("已关闭", "closed"),
    "progress": ("{percent}%（已确认 {done}/{total} 项）", "{percent}% ({done}/{total} confirmed)"),
    "on_time": ("{rate}（{on_time}/{total}）", "{rate} ({on_time}/{total})"),
    "none": ("—", "—"),
    "show.title": ("📁 项目：{name}", "📁 Project: {name}"),
    "weekly.title": ("📁 项目周报 · {name} · {start} – {end}", "📁 Project report · {name} · {start} – {end}"),
    "weekly.figures": (
        "总体进度 {percent}%（已确认 {done}/{total} 项），本周完成 {week} 项，逾期 {late} 项，按时率（至今）{rate}。",
        "Progress {percent}% ({done}/{total} confirmed), {week} completed this week, {late} late, on time so far {rate}.",
    ),
    "milestone.line": ("🏁 {name} · {due} · {done}/{total} · {state}", "🏁 {name} · {due} · {done}/{total} · {state}"),
    "milestone.none": ("（未分里程碑）", "(no milestone)"),
    "item.line": ("  #{id} {title} · {owner} · {status}{progress}", "  #{id} {title} · {owner} · {status}{progress}"),
    "s.milestones": ("里程碑", "Milestones"),
    "s.items": ("事项", "Items"),
    "s.week_done": ("本周完成", "Completed this week"),
    "s.late": ("逾期（原因）", "Late, and why"),
    "s.risks": ("风险", "Risks"),
    "s.coordination": ("需要协调", "Needs coordination"),
    "s.issues": ("未解决的问题和紧急事务", "Open issues and emergencies"),
    "line.late": ("#{id} {title} · {owner} · 逾期 {days} 个工作日 · 原因：{reason}",
                  "#{id} {title} · {owner} · {days} working days late · why: {reason}"),
    "line.simple": ("#{id} {title} · {owner}", "#{id} {title} · {owner}"),
    "line.high": ("#{id} {title} · {owner} · 高风险{reason}", "#{id} {title} · {owner} · high risk{reason}"),
    "line.blocked": ("#{id} {title} · {owner} · 受阻：{reason}", "#{id} {title} · {owner} · blocked: {reason}"),
    "line.unanswered": ("#{id} {title} · {owner} · 待回复", "#{id} {title} · {owner} · awaiting a reply"),
    "reason_none": ("未说明", "not given"),
    "empty": ("还没有事项加入本项目。", "No items in this project yet."),
    # the critical path
    "s.critical": ("关键路径风险", "At risk on the critical path"),
    "risk.line": ("#{id} {title} · {cause}", "#{id} {title} · {cause}"),
    "cause.late": ("因 #{id}「{title}」逾期 {days} 个工作日而有风险{via}", "at risk: #{id} \"{title}\" is {days} working days late{via}"),
    "cause.blocked": ("因 #{id}「{title}」受阻（{reason}）而有风险{via}", "at risk: #{id} \"{title}\" is blocked ({reason}){via}"),
    "cause.later": ("依赖的 #{id}「{title}」截止 {when}，晚于本项截止", "at risk: #{id} \"{title}\" it waits for is due {when}, after it"),
    "via": ("（经 #{id}）", " (via #{id})"),
    "show.project": ("📁 项目：{name}", "📁 Project: {name}"),
    "show.depends": ("⛓ 依赖：{items}", "⛓ Waits for: {items}"),
    "show.needed_by": ("⛓ 被依赖：{items}", "⛓ Needed by: {items}"),
    "show.risk": ("⚠️ 关键路径：{cause}", "⚠️ Critical path: {cause}"),
    "dep.item": ("#{id}（{status}）", "#{id} ({status})"),
    # milestones
    "milestone.added": ("🏁 项目「{project}」新增里程碑「{name}」：{due}。加入事项：/关联 #编号 {project}/{name}",
                        "🏁 Milestone {name} of project {project}: {due}. Add items: /link #N {project}/{name}"),
    "milestone.exists": ("项目「{project}」已有里程碑「{name}」。", "Project {project} already has a milestone {name}."),
    "milestone.need_name": ("请写里程碑名称和日期。", "Give the milestone a name and a date."),
    "milestone.need_date": ("请写里程碑日期。", "Give the milestone a date."),
    "which_project": ("本群有多个项目（{names}），请写明是哪一个，例如：\n{example}",
                      "There are several projects here ({names}); say which, e.g.:\n{example}"),
    "no_project_yet": ("本群还没有项目，先创建一个：\n{usage}", "There is no project here yet; create one first:\n{usage}"),
    # linking
    "linked": ("📁 {items} 已加入项目「{where}」{moved}。", "📁 {items} now in project {where}{moved}."),
    "moved": ("（原属项目「{old}」）", " (was in {old})"),
    "unlinked": ("📁 {items} 已移出项目。", "📁 {items} taken out of its project."),
    "not_linked": ("#{id} 不在任何项目中。", "#{id} is in no project."),
    "after_milestone": ("注意：#{id} 截止 {deadline}，晚于里程碑「{name}」的 {due}。",
                        "Note: #{id} is due {deadline}, after milestone {name} ({due})."),
    "joined": ("📁 项目：{where}", "📁 Project: {where}"),
    "need_item": ("请写明事项编号，例如 #3。", "Which item? Give its number, e.g. #3."),
    "need_project": ("请写项目名称。", "Which project? Give its name."),
    "one_project_each": ("每个事项只属于一个项目。", "An item is in one project only."),
    # dependencies
    "dep.added": ("⛓ #{n} 要等 #{m}「{title}」完成后才能真正完成。{risk}",
                  "⛓ #{n} cannot really finish before #{m} \"{title}\".{risk}"),
    "dep.removed": ("⛓ 已解除：#{n} 不再依赖 #{m}。", "⛓ Removed: #{n} no longer waits for #{m}."),
    "dep.absent": ("#{n} 本来就不依赖 #{m}。", "#{n} does not wait for #{m}."),
    "dep.exists": ("#{n} 已经依赖 #{m}。", "#{n} already waits for #{m}."),
    "dep.self": ("一个事项不能依赖它自己。", "An item cannot wait for itself."),
    "dep.cycle": ("不能这样设：#{m} 已经（直接或间接）依赖 #{n}，会形成循环：{path}。",
                  "That would make a loop: #{m} already waits (directly or not) for #{n}: {path}."),
    "dep.need_two": ("请写两个事项编号：先写要等待的，再写它依赖的。", "Give two item numbers: the one that waits, then the one it waits for."),
    "dep.other_chat": ("#{n} 和 #{m} 不在同一个群，不能设依赖。", "#{n} and #{m} are in different chats; they cannot depend on each other."),
    "dep.finished": ("#{n} 状态为「{status}」，不需要再设依赖。", "#{n} is already {status}; no dependency needed."),
    "done_waiting": ("⛓ 注意：#{id} 要等的 #{dep}「{title}」还没完成（{status}），验收前请确认。",
                     "⛓ Note: #{id} waits for #{dep} \"{title}\", which is not finished ({status}); check before confirming."),
    "dep.now_at_risk": ("\n⚠️ {cause}", "\n⚠️ {cause}"),
    # refusals
    "e.no_project": ("本群没有项目「{name}」。{known}", "There is no project \"{name}\" here. {known}"),
    "e.known": ("现有项目：{names}。", "Projects here: {names}."),
    "e.known_none": ("用「/项目 新建 {name}」创建。", "Create it with /project new {name}."),
    "e.no_milestone": ("项目「{project}」没有里程碑「{name}」。{known}", "Project {project} has no milestone \"{name}\". {known}"),
    "e.known_milestones": ("现有里程碑：{names}。", "Its milestones: {names}."),
    "e.known_milestones_none": ("用「/里程碑 {name} 日期 项目 {project}」添加。",
                                "Add it with /milestone {name} DATE project {project}."),
    "e.project_closed": ("项目「{name}」已关闭，不能再{action}。", "Project {name} is closed; cannot {action}."),
    "e.exists": ("本群已有项目「{name}」（{status}），请换一个名称，例如 {example}。",
                 "There is already a project {name} here ({status}); pick another name, e.g. {example}."),
    "e.name": ("项目名称请写成一个词（不含空格、#、@、/），例如 618大促 或 summer-sale。",
               "A project name is one word (no spaces, #, @ or /), e.g. 618 or summer-sale."),
    "e.milestone_name": ("里程碑名称请写成一个词（不含空格、#、@、/），例如 设计定稿。",
                         "A milestone name is one word (no spaces, #, @ or /), e.g. design-final."),
    "e.lead_dept": ("牵头方需要是已登记的部门（{name} 不是）。先用「/部门 名称 负责人 @人」登记。",
                    "The lead must be a registered department ({name} is not). Register it: /dept NAME head @person."),
    "e.one_lead": ("只能有一个牵头部门。", "A project has one lead department."),
    "e.empty_marker": ("「{marker}」后面请写内容。", "Say something after \"{marker}\"."),
    "e.only_closers": ("只有项目创建人 {creator}{head}{managers} 可以{action}。",
                       "Only the project's creator {creator}{head}{managers} can {action}."),
    "steer.close": ("关闭项目「{name}」", "close project {name}"),
    "steer.milestone": ("给项目「{name}」加里程碑", "add milestones to project {name}"),
    "e.closers_head": ("、牵头部门负责人 {head}", ", the lead department's head {head}"),
    "e.closers_managers": (" 或本群上级", " or the chat's managers"),
    "a.close": ("关闭", "close"),
    "a.milestone": ("添加里程碑", "add milestones"),
    "a.link": ("加入事项", "take items"),
    "e.only_item_people": ("只有 #{id} 的发起人 {initiator} 或负责人 {owner} 可以{action}。",
                           "Only #{id}'s initiator {initiator} or owner {owner} can {action}."),
    "a.link_item": ("把它加入项目", "put it in a project"),
    "a.depend": ("给它设依赖", "set what it waits for"),
    "e.already_closed": ("项目「{name}」已经关闭了。", "Project {name} is already closed."),
    "e.sub": ("没看懂「{word}」。{usage}", "I don't understand \"{word}\". {usage}"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)


def pair(lang: str, table: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = table[key]
    return en if lang == "en" else zh
