"""/settings name: the chat's own name, which exports, charts and emails are named after."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Chat


def _name(app) -> str | None:
    with app.sessions() as s:
        return s.scalar(select(Chat.name).where(Chat.chat_id == "demo"))


def test_a_named_chat_names_its_exports_and_charts(chat, app):
    out = chat.run("@pm: /设置 名称 618大促项目群")
    assert "名称 618大促项目群" in out
    assert _name(app) == "618大促项目群"
    chat.run("@pm: /todo @lee 活动页开发 by 周五 standard: 测试通过")
    files = [line.rsplit("/", 1)[1] for line in chat.run("@pm: /export").splitlines() if line.startswith("📎")]
    assert "618大促项目群-跟进台账-20260511.xlsx" in files
    assert chat.run("@pm: /周报").splitlines()[-1].endswith("/618大促项目群-周报图表-20260511.png")


def test_an_unnamed_chat_says_so_and_a_bad_name_changes_nothing(chat, app):
    assert "名称 未设（导出和周报图表用群 ID）" in chat.run("@pm: /设置")
    chat.run("@pm: /settings name Ops room")
    for bad in ("@pm: /settings name", "@pm: /settings name <@U1|boss> room", "@pm: /设置 名称 " + "长" * 61):
        out = chat.run(bad)
        assert "1–60" in out
    assert _name(app) == "Ops room"
