"""/settings email (/设置 邮件): who gets formal records by email; every mistake refused, nothing changed."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from genjin.app import App
from genjin.config import load_settings
from storage.models import Chat
from tests.conftest import ChatDriver


def stored(app) -> list[dict]:
    with app.sessions() as s:
        return (s.scalar(select(Chat)).settings or {}).get("email", [])


def test_addresses_are_added_listed_reassigned_and_removed(chat, app):
    assert chat.run("@pm: /设置 邮件").splitlines()[1] == "还没有邮件地址，会议纪要和周报只发在群里。"
    out = chat.run("@pm: /设置 邮件 @lee Lee@Example.COM")
    assert out.splitlines()[1:] == ["已添加 Lee@example.com。", "会议纪要和周报同时发邮件给：", "· Lee@example.com（@lee）"]
    chat.run("@pm: /settings email wang@例子.中国")
    out = chat.run("@pm: /settings email @bob lee@example.com")  # the same address, now bob's
    assert "Lee@example.com 已在名单中，已更新对应的人。" in out and "· Lee@example.com（@bob）" in out
    assert stored(app) == [{"address": "Lee@example.com", "user_id": "bob"},
                           {"address": "wang@例子.中国", "user_id": None}]
    out = chat.run("@pm: /settings email remove LEE@example.com")
    assert "已删除 LEE@example.com。" in out and "· wang@例子.中国" in out and "Lee@" not in out.split("。", 1)[1]
    assert stored(app) == [{"address": "wang@例子.中国", "user_id": None}]
    assert "还没有配置邮件服务" not in out  # [email] is configured in these tests


@pytest.mark.parametrize(("typed", "said"), [
    ("/settings email nope@", "「nope@」不是有效的邮件地址"),
    ("/settings email lee@localhost", "「lee@localhost」不是有效的邮件地址"),
    ("/settings email a@b.com c@d.com", "一次只写一个地址，请分开发送：a@b.com c@d.com"),
    ("/settings email @lee", "请写一个邮件地址，例如 wang@example.com。"),
    ("/settings email @lee @bob lee@example.com", "一个地址只对应一个人，请只 @ 一位。"),
    ("/settings email remove keep@example.com x@example.com", "一次只写一个地址"),
    ("/settings email please lee@example.com", "没看懂「please」。"),
    ("/settings email remove", "请写一个邮件地址"),
    ("/settings email remove x@example.com", "x@example.com 不在本群的邮件名单中，没有改动。"),
    ("/settings email @Tech tech@example.com", "一个地址只对应一个人"),
])
def test_mistakes_are_explained_and_change_nothing(chat, app, typed, said):
    chat.run("@pm: /dept Tech head @wang\n@pm: /settings email keep@example.com")
    out = chat.run(f"@pm: {typed}")
    assert said in out
    assert stored(app) == [{"address": "keep@example.com", "user_id": None}]


def test_english_replies_and_a_slack_mailto_link(chat, app):
    chat.run("@pm: /settings lang en")
    out = chat.run("@pm: /settings email <mailto:ops@example.com|ops@example.com>")
    assert out.splitlines()[1:] == ["Added ops@example.com.", "Minutes and weekly reports also go by email to:",
                                    "· ops@example.com"]
    assert "is not a valid email address" in chat.run("@pm: /settings email ops@@example.com")
    assert "Usage: /settings email [@person] ADDRESS" in chat.run("@pm: /settings email @lee")


def test_a_chat_keeps_at_most_twenty_addresses(chat, app):
    chat.run("\n".join(f"@pm: /settings email p{n}@example.com" for n in range(20)))
    assert "每个群最多 20 个邮件地址" in chat.run("@pm: /settings email one-more@example.com")
    assert len(stored(app)) == 20


def test_only_admins_change_the_list_but_anyone_reads_it(db_url, mailbox):
    settings = load_settings(None, environ={"GENJIN_RULES_ADMINS": "pm", "GENJIN_EMAIL_HOST": "127.0.0.1",
                                            "GENJIN_EMAIL_FROM_ADDRESS": "genjin@example.com"})
    app = App(settings, db_url=db_url)
    try:
        chat = ChatDriver(app, datetime(2026, 5, 11, 10, 0))
        chat.run("@pm: /settings email boss@example.com")
        assert "只有管理员" in chat.run("@lee: /settings email remove boss@example.com")
        assert "· boss@example.com" in chat.run("@lee: /settings email")
        assert stored(app) == [{"address": "boss@example.com", "user_id": None}]
    finally:
        app.close()
