"""The loop end to end through the console: create, acknowledge, finish, confirm."""

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
    from storage.models import ProcessedEvent, User

    out = chat.run("@pm: lunch anyone?\n@lee: sure\n@pm react 👍 m1")
    assert out == ""
    with app.sessions() as s:
        assert s.scalars(select(ProcessedEvent)).all() == []
        assert s.scalars(select(User)).all() == []
