"""Every user-facing text of the Jira links, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {
    "jira": (
        "/jira #编号 问题编号 — 关联 Jira 问题；/jira #编号 — 查看；/jira #编号 移除 — 取消关联；"
        "/jira 创建 #编号 项目 — 在 Jira 项目里新建问题（需管理员配置 [jira]）\n"
        "例：/jira #3 SHOP-42　/jira 创建 #3 SHOP",
        "/jira #N KEY-123 links an item to a Jira issue; /jira #N shows it; /jira #N remove unlinks it; "
        "/jira create #N PROJECT creates the issue in a Jira project (an admin configures [jira])\n"
        "e.g. /jira #3 SHOP-42   /jira create #3 SHOP",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "jira": ("关联或新建 Jira 问题", "link an item to a Jira issue, or create one"),
}

T: dict[str, tuple[str, str]] = {
    "line": ("Jira：{link}", "Jira: {link}"),
    "line.status": ("Jira：{link}（{status}）", "Jira: {link} ({status})"),
    "line.creating": ("Jira：正在 {project} 项目中创建…", "Jira: being created in project {project}…"),
    "linked": ("🔗 #{id} 已关联 Jira 问题 {link}。", "🔗 #{id} is linked to Jira issue {link}."),
    "relinked": ("🔗 #{id} 的 Jira 关联已从 {old} 改为 {link}。", "🔗 #{id} is now linked to {link} (was {old})."),
    "same": ("#{id} 已经关联 {link}，没有变化。", "#{id} is already linked to {link}; nothing changed."),
    "none": ("#{id} 还没有关联 Jira 问题。关联：/jira #{id} 问题编号（如 SHOP-42）。",
             "#{id} has no Jira issue yet. Link one: /jira #{id} KEY-123."),
    "shown": ("#{id} {title}\n{line}", "#{id} {title}\n{line}"),
    "removed": ("#{id} 已取消与 {link} 的关联。", "#{id} is no longer linked to {link}."),
    "creating": ("⏳ 正在为 #{id} 在 Jira 项目 {project} 中创建问题，完成后会在这里告诉大家。",
                 "⏳ Creating a Jira issue for #{id} in project {project}; you will hear here when it is done."),
    "created": ("🔗 已为 #{id} 在 Jira 创建问题 {link}，并已关联。", "🔗 Jira issue {link} was created for #{id} and linked."),
    "created_unlinked": ("已为 #{id} 在 Jira 创建问题 {link}，但创建期间关联已被移除，所以没有关联。",
                         "Jira issue {link} was created for #{id}, but the link was removed meanwhile, so it is not linked."),
    "create_refused": ("❌ Jira 没有为 #{id} 创建问题（项目 {project}）：{reason}\n请检查项目编号和权限后重试。",
                       "❌ Jira did not create an issue for #{id} (project {project}): {reason}\n"
                       "Check the project key and the permissions, then try again."),
    "status": ("Jira {key}：{old} → {new}{by}。", "Jira {key}: {old} → {new}{by}."),
    "status.by": ("（{who}）", " (by {who})"),
    "done": ("🎉 #{id} 在 Jira 已完成（{key}：{status}{by}），等待验收。",
             "🎉 #{id} was finished in Jira ({key}: {status}{by}); it awaits confirmation."),
    "e.bad_key": ("「{word}」不是 Jira 问题编号。问题编号形如 SHOP-42（项目编号-数字）。",
                  "\"{word}\" is not a Jira issue key. A key looks like SHOP-42 (PROJECT-number)."),
    "e.bad_project": ("「{word}」不是 Jira 项目编号。项目编号是大写字母开头的字母数字，如 SHOP。",
                      "\"{word}\" is not a Jira project key. A project key is letters and digits starting "
                      "with a letter, e.g. SHOP."),
    "e.need_project": ("请写明在哪个 Jira 项目中创建，例如：/jira 创建 #{id} SHOP。",
                       "Which Jira project? e.g. /jira create #{id} SHOP."),
    "e.no_api": ("本机器人没有配置 Jira（[jira] 的 url、user 和 API token），不能新建 Jira 问题。"
                 "可以请管理员配置，或先在 Jira 新建，再用 /jira #{id} 问题编号 关联。",
                 "Jira is not configured for this bot ([jira] url, user and API token), so it cannot create "
                 "issues. Ask an admin to set it up, or create the issue in Jira and link it: /jira #{id} KEY-123."),
    "e.already": ("#{id} 已经关联 {link}。要新建请先 /jira #{id} 移除。",
                  "#{id} is already linked to {link}. To create a new one, first /jira #{id} remove."),
    "e.still_creating": ("#{id} 的 Jira 问题正在 {project} 项目中创建，请稍候。",
                         "#{id}'s Jira issue is still being created in project {project}; please wait."),
    "e.nothing_to_remove": ("#{id} 没有关联 Jira 问题，无需移除。", "#{id} is not linked to Jira; nothing to remove."),
    "e.extra": ("看不懂「{word}」。\n{usage}", "I don't understand \"{word}\".\n{usage}"),
    "e.issue": ("#{id} 是问题/紧急事务记录，不是事项；Jira 关联只用于事项（需求和行动项）。",
                "#{id} is an issue or emergency of the issue log, not an item; Jira links are for items "
                "(requests and action items)."),
    # The issue created in Jira: its description.
    "d.owner": ("负责人：{name}", "Owner: {name}"),
    "d.initiator": ("发起人：{name}", "Initiator: {name}"),
    "d.deadline": ("截止：{when}", "Deadline: {when}"),
    "d.standard": ("完成标准：{text}", "Completion standard: {text}"),
    "d.back": ("来自 Genjin：{chat} 的 #{id}", "From Genjin: #{id} in {chat}"),
}

# Words for "remove" and "create" after /jira (any case).
REMOVE = frozenset({"remove", "unlink", "delete", "rm", "移除", "取消", "解除", "删除"})
CREATE = frozenset({"create", "new", "创建", "新建"})


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
