"""The loop end to end through the console: create, acknowledge, finish, confirm."""

import pytest
from sqlalchemy import select

from storage.models import Item


def test_action_item_closes_the_loop(chat, app):
    out = chat.run("""
@pm: /todo @lee Build the campaign page by 2026-05-15 standard: passes QA
@lee: /done #1 live
@pm react ✅ m3
""")
    assert "#1 行动项：Build the campaign page" in out
    assert "截止：2026-05-15 周五 18:00" in out
    assert "✅ #1 已由 @pm 确认验收，闭环。" in out
    with app.sessions() as s:
        item = s.scalar(select(Item))
        assert item.status == "confirmed"
        assert [h.action for h in item.history] == ["created", "done", "confirm"]


def test_chatter_leaves_no_trace(chat, app):
    from adapters.console.script import ScriptError
    from storage.models import ProcessedEvent, User

    out = chat.run("@pm: lunch anyone?\n@lee: sure")
    assert out == ""
    # The bot posted nothing, so there is no m1 to react to: the console says so, nothing is stored.
    with pytest.raises(ScriptError, match="no message m1"):
        chat.run("@pm react 👍 m1")
    with app.sessions() as s:
        assert s.scalars(select(ProcessedEvent)).all() == []
        assert s.scalars(select(User)).all() == []


def test_a_direct_chat_reaches_only_the_items_one_is_involved_in(chat, app):
    from datetime import datetime

    from bot.events import EventKind, IncomingEvent

    chat.run(":chat hr-private\n@pm: /todo @lee salary plan by 2026-05-15")
    when = datetime.fromisoformat("2026-05-11T10:00:00+08:00")

    def dm(user: str, n: int) -> None:
        app.process(IncomingEvent(platform="console", event_id=f"dm{n}", chat_id=f"dm-{user}", user_id=user,
                                  user_name=user, kind=EventKind.MESSAGE, text="/show #1", is_direct=True,
                                  received_at=when), now=when)

    dm("zed", 1)
    dm("lee", 2)
    with app.sessions() as s:
        from storage.models import OutboxMessage

        replies = {r.chat_id: r.payload for r in s.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id.like("dm-%")))}
    assert replies["dm-zed"]["text"] == "找不到 #1。用「/列表」看本群的事项。"
    assert replies["dm-lee"]["card"]["title"] == "#1 行动项：salary plan"


def test_with_admins_set_only_they_and_a_department_head_change_set_up(settings, tmp_path):
    from dataclasses import replace
    from datetime import datetime

    from genjin.app import App
    from storage.models import Department
    from tests.conftest import ChatDriver

    app = App(settings, db_url=f"sqlite:///{tmp_path / 'a.db'}")
    app.policy = replace(app.policy, admins=("boss",))
    chat = ChatDriver(app, datetime(2026, 5, 11, 10, 0))
    chat.run("@boss: hi\n@boss: /dept Tech head @wang")
    out = chat.run("@lee: /dept Tech head @lee\n@lee: /settings lang en\n@wang: /dept Tech liaison @lee")
    assert "只有 @wang 或管理员 @boss 可以修改它。" in out  # Tech has a head: they or an admin
    assert out.count("只有管理员 @boss 可以修改部门和设置。") == 1  # /settings: admins only
    assert "对接人 @lee" in out  # the head may edit their own department
    with app.sessions() as s:
        dept = s.scalar(select(Department))
        assert dept.head.user_id == "wang"
    assert "语言 zh，时区 Asia/Shanghai" in chat.run("@lee: /settings")  # viewing is open to all
    app.close()
