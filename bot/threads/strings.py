"""What Genjin says about thread replies, in Chinese and English."""

from __future__ import annotations

from bot.i18n import render

T: dict[str, tuple[str, str]] = {
    "noted": ("📝 已记入 #{id} 的跟进记录。", "📝 Added to #{id}'s follow-up record."),
    "noted_started": ("📝 已记入 #{id} 的跟进记录，#{id} 进行中。", "📝 Added to #{id}'s follow-up record; #{id} is in progress."),
    "ask_done": ("标记 #{id} 完成？（之后由 {initiator} 确认）", "Mark #{id} done? ({initiator} then confirms it.)"),
}


def t(lang: str, key: str, /, **kw: object) -> str:
    return render(T, lang, key, **kw)
