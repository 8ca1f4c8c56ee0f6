"""What delivery says in a chat when a message cannot be delivered, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

T: dict[str, tuple[str, str]] = {
    "lost": ("⚠️ 有一条消息未能送达（{about}）：{reason}",
             "⚠️ A message could not be delivered ({about}): {reason}"),
    "lost_many": ("⚠️ 有 {n} 条消息未能送达，第一条（{about}）：{reason}",
                  "⚠️ {n} messages could not be delivered; the first ({about}): {reason}"),
    "about": ("「{title}」", "\"{title}\""),
    "about_dm": ("发给 {who} 的私信「{title}」", "a direct message to {who}: \"{title}\""),
    "expired": ("平台 24 小时内一直无法接收", "the platform kept failing for 24 hours"),
}


def undeliverable(*, count: int, title: str, who: str, reason: str, expired: bool) -> str:
    """Both languages, one under the other: delivery does not know which one the chat reads."""
    lines = []
    for lang in ("zh", "en"):
        about = render(T, lang, "about_dm" if who else "about", title=title, who=who)
        why = render(T, lang, "expired") if expired else reason
        lines.append(render(T, lang, "lost" if count == 1 else "lost_many", n=count, about=about, reason=why))
    return "\n".join(lines)
