"""/dashboard (/看板): the link goes to the asker alone, scoped to the chat or one of its projects;
bad input is refused with usage; without [web] the reply says how to set it up."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from web_support import BASE_URL, LINK, SECRET, ask_link, scripted

from bot.events import EventKind, IncomingEvent
from genjin.app import App
from genjin.config import load_settings
from genjin.web.links import SignedLinks
from storage.models import Chat, OutboxMessage, Project
from tests.conftest import ChatDriver

READER = SignedLinks(BASE_URL, SECRET)


def grant_of(path: str, now: datetime):
    return READER.read(path.rsplit("/", 1)[1], now=now)


def test_the_link_goes_privately_to_the_asker_and_covers_the_chat(app):
    chat = scripted(app)
    path, out = ask_link(chat, ":chat ops\n@pm: /看板")
    group, private = out.split("[m", 2)[1:]
    assert " → #ops " in group and "@pm 看板链接已私信发给你。" in group and "/dashboard/" not in group
    assert " → @pm " in private and "📊 本群「618 战情室」的只读看板（7 天内有效，请勿转发）" in private
    with app.sessions() as s:
        ops = s.scalar(select(Chat).where(Chat.chat_id == "ops"))
        dm = s.scalar(select(OutboxMessage).where(OutboxMessage.payload["text"].as_string().contains("/dashboard/")))
        assert (dm.user_id, dm.chat_id) == ("pm", None)  # stored as a direct message, never to the group
    grant = grant_of(path, datetime(2026, 5, 11, 3, 0, tzinfo=UTC))
    assert (grant.scope.chat_id, grant.scope.project_id, grant.lang) == (ops.id, None, "zh")


def test_a_project_link_covers_that_project_in_the_chats_language(app):
    chat = scripted(app)
    chat.run(":chat ops\n@pm: /settings lang en")
    path, out = ask_link(chat, "@lee: /dashboard project 618")
    assert "@lee I've sent you the link privately." in out
    assert "📊 Read-only view of project 618 (valid 7 days; please don't forward it):" in out
    with app.sessions() as s:
        project = s.scalar(select(Project).where(Project.name == "618"))
    grant = grant_of(path, datetime(2026, 5, 12, tzinfo=UTC))
    assert (grant.scope.chat_id, grant.scope.project_id, grant.lang) == (project.chat_id, project.id, "en")
    path2, _ = ask_link(chat, "@lee: /dashboard 618")  # the word "project" may be left out
    assert grant_of(path2, datetime(2026, 5, 12, tzinfo=UTC)).scope == grant.scope


def test_bad_input_is_refused_with_help_and_sends_nothing(app):
    chat = scripted(app)
    with app.sessions() as s:
        before = s.query(OutboxMessage).count()
    out = chat.run(":chat ops\n@pm: /看板 项目 双11")
    assert "本群没有项目「双11」。现有项目：618。" in out and not LINK.search(out)
    out = chat.run("@pm: /看板 618 双11")
    assert "看不懂「618 双11」：请只写一个项目名称。" in out and "用法：/看板 [项目 名称]" in out
    out = chat.run("@pm: /看板 项目 payroll")  # another chat's project is not this chat's
    assert "本群没有项目「payroll」" in out
    with app.sessions() as s:
        assert s.query(OutboxMessage).count() == before + 3  # the three refusals, no link
        assert not s.scalar(select(OutboxMessage).where(OutboxMessage.user_id.is_not(None)))


def test_without_web_settings_the_reply_says_how_to_set_it_up(db_url):
    app = App(load_settings(None, environ={}), db_url=db_url)
    try:
        out = ChatDriver(app, datetime(2026, 5, 11, 10, 0)).run("@pm: /看板\n@pm: /settings lang en\n@pm: /dashboard")
    finally:
        app.close()
    assert "网页看板还没有开通：请管理员在配置的 [web] 里设置 base_url 和 secret" in out
    assert "The web view is not set up: an admin sets base_url and secret under [web]" in out
    assert "GENJIN_WEB_SECRET" in out and "/dashboard/" not in out


def test_asked_in_a_direct_chat_the_link_is_the_answer(app):
    event = IncomingEvent(platform="console", event_id="dm-1", chat_id="dm-pm", user_id="pm", user_name="pm",
                          kind=EventKind.MESSAGE, received_at=datetime(2026, 5, 11, 2, tzinfo=UTC),
                          text="/dashboard", is_direct=True, addressed_to_bot=True)
    assert app.process(event, now=event.received_at)
    with app.sessions() as s:
        [row] = s.scalars(select(OutboxMessage)).all()
    assert row.chat_id == "dm-pm" and LINK.search(row.payload["text"])
