"""Every text of the web view's pages, in Chinese and English (the link's language, or ?lang=)."""

from __future__ import annotations

from bot.i18n import render

T: dict[str, tuple[str, str]] = {
    "title.chat": ("{name} · 事项看板", "{name} · items"),
    "title.chat_unnamed": ("本群事项看板", "This chat's items"),
    "title.project": ("项目「{name}」· 事项看板", "Project {name} · items"),
    "readonly": ("只读页面，链接 {days} 天内有效；要改动请在群里发命令。",
                 "Read-only; the link is valid for {days} days. Change things with commands in the chat."),
    "other_lang": ("English", "中文"),
    "colon": ("：", ": "),
    # filters
    "filters": ("筛选", "Filter"),
    "f.status": ("状态", "State"),
    "f.owner": ("负责人", "Owner"),
    "f.department": ("部门", "Department"),
    "f.overdue": ("只看逾期", "Overdue only"),
    "f.apply": ("筛选", "Apply"),
    "f.reset": ("清除", "Clear"),
    "any": ("全部", "Any"),
    "status.active": ("未完结（默认）", "Not finished (default)"),
    "status.all": ("全部状态", "Every state"),
    "ignored": ("已忽略无法识别的筛选：{what}", "Ignored a filter that could not be read: {what}"),
    # the list
    "count": ("共 {n} 项", "{n} items"),
    "count_capped": ("共 {n} 项，显示前 {shown} 项（请缩小筛选范围）", "{n} items; the first {shown} shown (narrow the filter)"),
    "empty": ("没有符合条件的事项。", "No item matches."),
    "c.deadline": ("截止", "Due"),
    "c.no_deadline": ("未设截止", "no deadline"),
    "c.progress": ("进度", "Progress"),
    "c.risk": ("风险", "Risk"),
    "overdue": ("已逾期", "overdue"),
    "chart": ("周报图表", "Weekly chart"),
    "chart_alt": ("各状态未完结事项、按时率趋势、各部门逾期事项", "Open items by state, on-time rate, overdue items by department"),
    "export": ("导出", "Export"),
    "export.xlsx": ("Excel（.xlsx）", "Excel (.xlsx)"),
    "export.md": ("Markdown（.md）", "Markdown (.md)"),
    # one item
    "back": ("← 返回列表", "← Back to the list"),
    "project": ("所属项目", "Project"),
    "history": ("跟进记录", "History"),
    "history_empty": ("还没有记录。", "Nothing recorded yet."),
    # refusals
    "e.forbidden.title": ("链接无效或已过期", "This link is not valid"),
    "e.forbidden": ("这个看板链接无效或已超过有效期。请在群里发送「/看板」获取新链接。",
                    "The link is wrong or has expired. Send /dashboard in the chat for a new one."),
    "e.not_found.title": ("没有找到", "Not found"),
    "e.not_found": ("这个看板里没有这一项。", "There is no such item in this view."),
    "e.gone": ("这个看板所指的群或项目已不存在。", "The chat or project this link was for no longer exists."),
    "e.no_charts": ("这个版本的 Genjin 还不能生成图表。", "This build of Genjin cannot draw charts."),
    "e.no_export": ("这个版本的 Genjin 还不能导出文件。", "This build of Genjin cannot export files."),
    "e.bad_format": ("只能导出 xlsx 或 md。", "Only xlsx and md can be exported."),
    "e.nothing": ("没有可导出的内容。", "There is nothing to export."),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
