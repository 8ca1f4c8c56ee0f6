"""Every user-facing text of /dashboard (/看板), in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

USAGE: dict[str, tuple[str, str]] = {
    "dashboard": (
        "/看板 [项目 名称]（私信你一个只读网页链接，7 天内有效）\n例：/看板 项目 618大促",
        "/dashboard [project NAME] (sends you, privately, a read-only web link, valid 7 days)\n"
        "e.g. /dashboard project 618",
    ),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "dashboard": ("只读网页看板（私信链接）", "a read-only web view (link sent privately)"),
}

T: dict[str, tuple[str, str]] = {
    "not_set_up": (
        "网页看板还没有开通：请管理员在配置的 [web] 里设置 base_url 和 secret"
        "（环境变量 GENJIN_WEB_BASE_URL、GENJIN_WEB_SECRET），然后重启 Genjin。",
        "The web view is not set up: an admin sets base_url and secret under [web] in the settings "
        "(GENJIN_WEB_BASE_URL, GENJIN_WEB_SECRET) and restarts Genjin.",
    ),
    "one_project": ("看不懂「{name}」：请只写一个项目名称。", "Can't read \"{name}\": name one project."),
    "scope.chat": ("本群「{name}」", "this chat, {name}"),
    "scope.chat_unnamed": ("本群", "this chat"),
    "scope.project": ("项目「{name}」", "project {name}"),
    "link": (
        "📊 {scope}的只读看板（{days} 天内有效，请勿转发）：\n{url}",
        "📊 Read-only view of {scope} (valid {days} days; please don't forward it):\n{url}",
    ),
    "sent": ("{who} 看板链接已私信发给你。", "{who} I've sent you the link privately."),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
