"""/jira create #N PROJECT against the loopback fake of Jira: the issue made from the item, once,
whatever delivery retries; Jira's refusals told in the chat; nothing created twice."""

from __future__ import annotations

from datetime import timedelta

from jira_support import NOW, Chat
from sqlalchemy import select

from adapters.jira.sender import JiraSender
from storage.models import ItemEvent, JiraLink, OutboxMessage

TODO = "/todo @bob 修复登录页 周五前 标准：回归测试全部通过"


def deliver_jira(app, now=NOW) -> int:
    return app.deliver(platform="jira", sender=JiraSender(app.settings.jira), now=now)


def link(app) -> tuple[str | None, str | None] | None:
    with app.sessions() as s:
        row = s.scalar(select(JiraLink))
        return (row.key, row.project) if row else None


def test_create_makes_the_issue_from_the_item_and_links_it(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    said = chat.say("pm", "/jira create #1 shop")
    assert any("正在为 #1 在 Jira 项目 SHOP 中创建问题" in s for s in said)
    assert link(jira_app) == (None, "SHOP") and fake.issues == {}  # nothing leaves before delivery
    assert deliver_jira(jira_app) == 1
    [(key, fields)] = fake.issues.items()
    assert key == "SHOP-1" and fields["project"] == {"key": "SHOP"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == "修复登录页"
    desc = fields["description"]
    assert "负责人：Bob" in desc and "发起人：Pat" in desc and "截止：2026-05-15" in desc
    assert "完成标准：回归测试全部通过" in desc and "#1" in desc  # and where it came from
    assert "<@" not in desc  # chat mention tokens are names in Jira
    url = f"{fake.url}/browse/SHOP-1"
    assert chat.deliver() == [f"🔗 已为 #1 在 Jira 创建问题 {url}，并已关联。"]
    assert link(jira_app) == ("SHOP-1", None)
    assert f"Jira：{url}" in chat.say("pm", "/jira #1")[0]
    with jira_app.sessions() as s:
        notes = list(s.scalars(select(ItemEvent.action).order_by(ItemEvent.id)))
    assert notes[-2:] == ["jira_create", "jira_created"]


def test_a_lost_answer_is_retried_without_a_second_issue(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    chat.say("pm", "/jira create #1 SHOP")
    fake.lose_answer_next()  # Jira creates SHOP-1 but the answer is a 503
    assert deliver_jira(jira_app) == 0
    assert list(fake.issues) == ["SHOP-1"] and link(jira_app) == (None, "SHOP")
    assert deliver_jira(jira_app, NOW + timedelta(minutes=1)) == 1  # the retry finds SHOP-1 by its label
    assert fake.creates() == 1 and list(fake.issues) == ["SHOP-1"]
    assert ("GET", "/rest/api/2/search/jql") in fake.calls
    assert link(jira_app) == ("SHOP-1", None)
    assert deliver_jira(jira_app, NOW + timedelta(minutes=2)) == 0  # sent: never again
    assert fake.creates() == 1
    assert any("SHOP-1" in s for s in chat.deliver(NOW + timedelta(minutes=2)))


def test_a_second_create_is_refused_while_one_is_pending_and_after(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    chat.say("pm", "/jira create #1 SHOP")
    assert any("正在 SHOP 项目中创建，请稍候" in s for s in chat.say("pm", "/jira create #1 OPS"))
    assert any("正在 SHOP 项目中创建，请稍候" in s for s in chat.say("pm", "/jira #1 OPS-3"))
    deliver_jira(jira_app)
    assert any("#1 已经关联" in s and "SHOP-1" in s for s in chat.say("pm", "/jira create #1 OPS"))
    deliver_jira(jira_app)
    assert fake.creates() == 1
    with jira_app.sessions() as s:
        assert len(s.scalars(select(OutboxMessage).where(OutboxMessage.platform == "jira")).all()) == 1


def test_jira_refusing_is_told_and_the_item_stays_unlinked(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    chat.say("pm", "/jira create #1 NOPE")
    assert deliver_jira(jira_app) == 1  # Jira's answer is in: the request is settled
    said = chat.deliver()
    assert said == ["❌ Jira 没有为 #1 创建问题（项目 NOPE）：valid project is required\n请检查项目编号和权限后重试。"]
    assert fake.issues == {} and link(jira_app) is None
    chat.say("pm", "/jira create #1 SHOP")  # and may be asked again, elsewhere
    deliver_jira(jira_app)
    assert link(jira_app) == ("SHOP-1", None)


def test_a_wrong_token_is_a_refusal_the_chat_hears(jira_app, fake, monkeypatch):
    monkeypatch.setattr(jira_app.settings.jira, "api_token", "wrong")
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    chat.say("pm", "/jira create #1 SHOP")
    deliver_jira(jira_app)
    assert any("Jira 没有为 #1 创建问题" in s for s in chat.deliver())
    assert fake.issues == {} and link(jira_app) is None


def test_unlinking_while_creating_keeps_the_issue_unlinked_and_says_so(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", "/settings lang en")
    chat.say("pm", "/todo @bob fix the login page by friday")
    chat.say("pm", "/jira create #1 SHOP")
    assert any("#1 is no longer linked to SHOP" in s for s in chat.say("pm", "/jira #1 remove"))
    deliver_jira(jira_app)
    assert any("was removed meanwhile, so it is not linked" in s for s in chat.deliver())
    assert link(jira_app) is None and list(fake.issues) == ["SHOP-1"]


def test_jiras_rate_limit_is_waited_out(jira_app, fake):
    chat = Chat(jira_app)
    chat.say("pm", TODO)
    chat.say("pm", "/jira create #1 SHOP")
    fake.busy_next(120)
    assert deliver_jira(jira_app) == 0 and fake.issues == {}
    assert deliver_jira(jira_app, NOW + timedelta(seconds=60)) == 0  # Retry-After not over yet: not asked
    assert fake.creates() == 1
    assert deliver_jira(jira_app, NOW + timedelta(seconds=121)) == 1
    assert list(fake.issues) == ["SHOP-1"] and link(jira_app) == ("SHOP-1", None)
