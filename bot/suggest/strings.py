"""What the suggestion says, zh and en (the one place for this domain's words)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "要跟进吗？",
        "line": "{person}{title} · 截止 {when}",
        "commitment_line": "{title}{to} · 截止 {when}",
        "to": "（答应 {person}）",
        "b.accept": "跟进",
        "b.dismiss": "忽略",
        "accepted": "✓ 已建 #{number}：{title}",
        "dismissed": "已忽略，不会再提。",
        "e.gone": "这条建议已处理（{status}），按钮只能用一次。",
        "e.not_yours": "这条建议只有 {who} 能处理。",
        "e.missing": "找不到这条建议。",
        "e.deadline_passed": "截止 {when} 已过，没有建事项。需要的话用「/待办」重新写一个截止。",
        "status.accepted": "已跟进",
        "status.dismissed": "已忽略",
        "settings.show": "跟进建议 {state}（每天最多 {cap} 条）。",
        "settings.bad_switch": "请写「开」或「关」，例如：/设置 建议 开",
        "settings.on": "开",
        "settings.off": "关",
    },
    "en": {
        "title": "Follow up?",
        "line": "{person}{title} · due {when}",
        "commitment_line": "{title}{to} · due {when}",
        "to": " (promised to {person})",
        "b.accept": "Follow up",
        "b.dismiss": "Ignore",
        "accepted": "✓ Created #{number}: {title}",
        "dismissed": "Ignored; it won't come up again.",
        "e.gone": "This suggestion was already handled ({status}); its buttons work once.",
        "e.not_yours": "Only {who} can answer this suggestion.",
        "e.missing": "That suggestion no longer exists.",
        "e.deadline_passed": "The deadline {when} has passed, so no item was made. Use /todo with a new deadline.",
        "status.accepted": "followed up",
        "status.dismissed": "ignored",
        "settings.show": " Follow-up suggestions {state} (at most {cap} a day).",
        "settings.bad_switch": "Say on or off, e.g. /settings suggest on",
        "settings.on": "on",
        "settings.off": "off",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    table = STRINGS.get(lang, STRINGS["zh"])
    return table.get(key, STRINGS["zh"][key]).format(**values)
