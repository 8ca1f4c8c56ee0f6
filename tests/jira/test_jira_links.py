"""/jira #N KEY: linking an item to a Jira issue by hand, in Chinese and English, with and without
a Jira URL configured; what /show and the item's history say; every mistake refused with nothing
changed."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from storage.models import ItemEvent, JiraLink

TODO = "@alice: /todo @bob 修复登录页 周五前 标准：回归通过"


def links(app) -> list[tuple[int, str | None]]:
    with app.sessions() as s:
        return [(link.item_id, link.key) for link in s.scalars(select(JiraLink).order_by(JiraLink.id))]


def history(app, action: str) -> list[str | None]:
    with app.sessions() as s:
        return list(s.scalars(select(ItemEvent.note).where(ItemEvent.action == action).order_by(ItemEvent.id)))


def test_link_show_and_unlink_in_chinese(app, chat):
    chat.run(TODO)
    out = chat.run("@alice: /jira #1 shop-42")
    assert "#1 已关联 Jira 问题 SHOP-42" in out
    assert links(app) == [(1, "SHOP-42")]
    assert "Jira：SHOP-42" in chat.run("@bob: /jira #1")
    shown = chat.run("@bob: /show #1")
    assert "Jira：SHOP-42" in shown and "关联 Jira · SHOP-42" in shown  # the line, and the history row
    out = chat.run("@alice: /关联jira #1 移除")
    assert "#1 已取消与 SHOP-42 的关联" in out
    assert links(app) == [] and history(app, "jira_unlink") == ["SHOP-42"]
    assert "还没有关联 Jira 问题" in chat.run("@alice: /jira #1")


def test_relinking_records_both_keys_and_a_pasted_url_is_read_as_its_key(app, chat):
    chat.run("@alice: /settings lang en\n" + TODO)
    chat.run("@alice: /jira #1 SHOP-42")
    out = chat.run("@alice: /jira #1 https://acme.atlassian.net/browse/OPS-7")
    assert "#1 is now linked to OPS-7 (was SHOP-42)" in out
    assert links(app) == [(1, "OPS-7")]
    assert history(app, "jira_link") == ["SHOP-42", "SHOP-42 → OPS-7"]
    assert "already linked to OPS-7; nothing changed" in chat.run("@alice: /jira #1 ops-7")


def test_with_the_jira_url_known_the_link_is_the_issue_page(app, chat):
    app.policies = {p: replace(policy, jira_url="https://acme.atlassian.net") for p, policy in app.policies.items()}
    app.policy = replace(app.policy, jira_url="https://acme.atlassian.net")
    chat.run(TODO)
    out = chat.run("@alice: /jira #1 SHOP-42")
    assert "https://acme.atlassian.net/browse/SHOP-42" in out
    assert "Jira：https://acme.atlassian.net/browse/SHOP-42" in chat.run("@alice: /show #1")


def test_bad_inputs_are_refused_and_change_nothing(app, chat):
    chat.run(TODO)
    before = chat.run("@alice: /show #1")
    cases = {
        "/jira #1 SHOP": "「SHOP」不是 Jira 问题编号",
        "/jira #1 SHOP-0": "「SHOP-0」不是 Jira 问题编号",
        "/jira #1 42": "「42」不是 Jira 问题编号",
        "/jira #9 SHOP-1": "找不到 #9",
        "/jira SHOP-1": "看不懂「SHOP-1」",
        "/jira #1 SHOP-1 SHOP-2": "看不懂「SHOP-2」",
        "/jira #1 remove": "#1 没有关联 Jira 问题，无需移除",
        "/jira create #1 SHOP": "本机器人没有配置 Jira",  # no [jira]: nothing can be created
        "/jira create #1": "请写明在哪个 Jira 项目中创建",
        "/jira": "/jira #编号 问题编号",
    }
    for line, said in cases.items():
        assert said in chat.run(f"@alice: {line}"), line
    assert links(app) == []
    assert chat.run("@alice: /show #1").split("\n", 1)[1] == before.split("\n", 1)[1]  # the same card, history


def test_bad_inputs_in_english(app, chat):
    chat.run("@alice: /settings lang en\n" + TODO)
    assert "\"boom\" is not a Jira issue key" in chat.run("@alice: /jira #1 boom")
    assert "There is no #7" in chat.run("@alice: /jira #7 SHOP-1")
    assert "\"1shop\" is not a Jira project key" in chat.run("@alice: /jira create #1 1shop")
    assert "Jira is not configured for this bot" in chat.run("@alice: /jira create #1 SHOP")
    assert links(app) == []


def test_an_issue_of_the_issue_log_cannot_be_linked(app, chat):
    chat.run("@alice: /issue minor 排期冲突")
    out = chat.run("@alice: /jira #1 SHOP-1")
    assert "#1 是问题/紧急事务记录，不是事项" in out
    with app.sessions() as s:
        assert s.scalar(select(func.count(JiraLink.id))) == 0
