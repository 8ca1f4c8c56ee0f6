"""The table's shape and an item's row in it, as neutral values the adapter turns into Bitable's.

Field names are fixed (the handbooks' column names), so a table keeps working whatever the chat's
language; the options of the two single-select fields follow the chat's language, and edits
coming back are read in either language.
"""

from __future__ import annotations

from bot.events import render_mentions
from bot.items.strings import RISK, STATUS, status_label
from storage.models import Item

TITLE, OWNER, DEADLINE, STATUS_F, PROGRESS, STANDARD, RISK_F, LINK = (
    "任务", "负责人", "截止", "状态", "进度", "完成标准", "风险", "链接")
# name -> kind (text | person | date | select | number | url): the adapter knows their type codes.
FIELDS: dict[str, str] = {TITLE: "text", OWNER: "person", DEADLINE: "date", STATUS_F: "select",
                          PROGRESS: "number", STANDARD: "text", RISK_F: "select", LINK: "url"}
CHAT_LINK = "https://applink.feishu.cn/client/chat/open?openChatId={chat}"


def options(lang: str) -> dict[str, list[str]]:
    """The options of the single-select fields, in the chat's language."""
    statuses = [status_label(lang, kind, s) for s in STATUS for kind in ("action", "request")]
    return {STATUS_F: list(dict.fromkeys(statuses)),
            RISK_F: [(en if lang == "en" else zh) for zh, en in RISK.values()]}


def plain(text: str | None) -> str:
    """Stored text with its mention tokens shown as @name (a table cell holds no mentions)."""
    return render_mentions(text or "", lambda user_id, name: "@" + (name or user_id))


def row(item: Item, lang: str) -> dict[str, object]:
    """The item as the table shows it: field name -> neutral value."""
    zh, en = RISK.get(item.risk, RISK["normal"])
    return {
        TITLE: plain(item.title),
        OWNER: item.owner.user_id if item.owner is not None else "",
        DEADLINE: int(item.deadline.timestamp() * 1000) if item.deadline else None,
        STATUS_F: status_label(lang, item.kind, item.status),
        PROGRESS: int(item.progress or 0),
        STANDARD: plain(item.standard),
        RISK_F: en if lang == "en" else zh,
        LINK: CHAT_LINK.format(chat=item.chat.chat_id),  # Feishu chat ids are letters, digits and _
    }


def status_of(label: str) -> str | None:
    """The status a label means, in either language and for either kind; None if none."""
    wanted = label.strip().lower()
    for status, (zh_request, zh_action, en) in STATUS.items():
        if wanted in (zh_request, zh_action, en.lower()):
            return status
    return None


def risk_of(label: str) -> str | None:
    wanted = label.strip().lower()
    return next((risk for risk, (zh, en) in RISK.items() if wanted in (zh, en.lower())), None)
