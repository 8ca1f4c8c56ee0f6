"""What /settings email says, and the names of the files sent with an email, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

T: dict[str, tuple[str, str]] = {
    "usage": (
        "用法：/设置 邮件 [@人] 地址（添加）｜/设置 邮件 删除 地址｜/设置 邮件（查看）\n"
        "例：/设置 邮件 @王总 wang@example.com",
        "Usage: /settings email [@person] ADDRESS (add) | /settings email remove ADDRESS | /settings email (list)\n"
        "e.g. /settings email @wang wang@example.com",
    ),
    "list": ("会议纪要和周报同时发邮件给：\n{lines}", "Minutes and weekly reports also go by email to:\n{lines}"),
    "list.empty": ("还没有邮件地址，会议纪要和周报只发在群里。\n{usage}",
                   "No email addresses yet: minutes and weekly reports are posted in the chat only.\n{usage}"),
    "added": ("已添加 {address}。", "Added {address}."),
    "updated": ("{address} 已在名单中，已更新对应的人。", "{address} was already listed; its person is updated."),
    "removed": ("已删除 {address}。", "Removed {address}."),
    "not_listed": ("{address} 不在本群的邮件名单中，没有改动。", "{address} is not on this chat's email list; nothing changed."),
    "need_address": ("请写一个邮件地址，例如 wang@example.com。", "Give an email address, e.g. wang@example.com."),
    "one_address": ("一次只写一个地址，请分开发送：{addresses}", "One address at a time, please send them one by one: {addresses}"),
    "one_person": ("一个地址只对应一个人，请只 @ 一位。", "An address belongs to one person; mention just one."),
    # email-validator explains in English only: the Chinese reply says what to check instead.
    "bad_address": ("「{typed}」不是有效的邮件地址，请检查拼写（例如 wang@example.com），没有改动。",
                    "\"{typed}\" is not a valid email address ({why}); nothing changed."),
    "stray": ("没看懂「{words}」。", "I don't understand \"{words}\"."),
    "too_many": ("每个群最多 {n} 个邮件地址，请先删除不用的。", "A chat has at most {n} email addresses; remove one first."),
    "not_configured": (
        "注意：管理员还没有配置邮件服务（配置文件的 [email]），地址已保存，配置好之后才会发送。",
        "Note: email is not set up yet ([email] in the settings file); the addresses are kept and used once it is.",
    ),
    "line": ("· {address}{who}", "· {address}{who}"),
    "who": ("（{name}）", " ({name})"),
    # file names: 项目名称-文档类型-YYYYMMDD (the handbooks' archive names)
    "doc.weekly": ("周报", "weekly-report"),
    "doc.minutes": ("会议纪要", "minutes"),
    "doc.chart": ("周报图表", "weekly-chart"),
    "subject": ("{where} · {title}", "{where} · {title}"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
