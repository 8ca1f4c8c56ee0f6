"""Where bots see no reactions (DingTalk), the bot points to the card's buttons, never to an emoji."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.events import EventKind, IncomingEvent, Mention
from storage.models import OutboxMessage

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def say(app, platform: str, n: int, user: str, text: str, mentions=()) -> None:
    app.process(IncomingEvent(platform=platform, event_id=f"e{n}", chat_id="g", user_id=user, user_name=user,
                              kind=EventKind.MESSAGE, text=text, mentions=mentions, addressed_to_bot=True,
                              received_at=NOW), now=NOW)


def said(app, platform: str) -> str:
    with app.sessions() as s:
        payloads = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.platform == platform)
                             .order_by(OutboxMessage.id))
        return "\n".join((p["text"] or "") + "\n".join((p["card"] or {}).get("lines") or ()) for p in payloads)


def test_dingtalk_cards_point_to_buttons_and_feishu_cards_to_reactions(app):
    lee = (Mention("lee", "lee"),)
    for platform in ("dingtalk", "feishu"):
        say(app, platform, 1, "pm", "/需求 <@lee|lee> 确认排期", lee)
        say(app, platform, 2, "pm", "/待办 <@lee|lee> 周五前提交设计稿 标准：总监确认", lee)
        say(app, platform, 3, "lee", "/完成 #2 交付了")
    ding, feishu = said(app, "dingtalk"), said(app, "feishu")
    assert "点「收到」按钮" in ding and "点「确认」或「驳回」按钮" in ding
    assert "👀" not in ding and "点 ✅" not in ding
    assert "或点 👀" in feishu and "点 ✅ 确认" in feishu
