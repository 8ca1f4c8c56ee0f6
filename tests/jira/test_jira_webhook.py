"""POST /jira/events: Jira's status changes, checked against the secret, stored before the answer,
applied once to the linked items: in their history, and a "done" status reports the item done
(its initiator still confirms)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging

import pytest
from jira_support import NOW, SECRET, Chat, jira_settings
from sqlalchemy import func, select
from starlette.testclient import TestClient

from adapters.jira.runtime import JiraRuntime
from genjin.app import App
from genjin.serve import Runner, build_asgi
from storage.models import InboxEvent, Item, ItemEvent, JiraLink

UPDATED = {
    "timestamp": 1778464800000, "webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_generic",
    "user": {"accountId": "557058:1", "displayName": "Lee Wei"},
    "issue": {"id": "10001", "key": "SHOP-42", "fields": {
        "summary": "修复登录页",
        "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate", "name": "In Progress"}}}},
    "changelog": {"id": "20001", "items": [
        {"field": "status", "fieldtype": "jira", "from": "10000", "fromString": "To Do", "to": "3",
         "toString": "In Progress"}]},
}


def status_event(to: str, category: str, *, changelog: str, key: str = "SHOP-42") -> dict:
    body = copy.deepcopy(UPDATED)
    body["issue"]["key"] = key
    body["issue"]["fields"]["status"] = {"name": to, "statusCategory": {"key": category, "name": to}}
    body["changelog"]["id"] = changelog
    body["changelog"]["items"][0].update(toString=to)
    return body


def signed(body: dict, secret: str = SECRET, delivery: str | None = None) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json",
               "X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()}
    if delivery:
        headers["X-Atlassian-Webhook-Identifier"] = delivery
    return raw, headers


@pytest.fixture
def team(fake, db_url):
    app = App(jira_settings(fake.url), db_url=db_url)
    runner = Runner(app, clock=lambda: NOW)
    runtime = JiraRuntime(app.settings.jira, runner)
    chat = Chat(app)
    chat.say("pm", "/todo @bob 修复登录页 周五前")
    chat.say("pm", "/jira #1 SHOP-42")
    with TestClient(build_asgi([runtime])) as client:
        yield app, runner, client, chat
    runner.stop()
    app.close()


def post(client, body: dict, **kw):
    raw, headers = signed(body, **kw)
    return client.post("/jira/events", content=raw, headers=headers)


def item(app) -> Item:
    with app.sessions() as s:
        return s.scalar(select(Item))


def count(app, model) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_forged_or_missing_secret_is_refused_and_nothing_is_stored(team):
    app, runner, client, _ = team
    raw, headers = signed(UPDATED, secret="guess")
    assert client.post("/jira/events", content=raw, headers=headers).status_code == 401
    raw, headers = signed(UPDATED)
    assert client.post("/jira/events", content=raw, headers={"Content-Type": "application/json"}).status_code == 401
    tampered = raw.replace(b"In Progress", b"Done")
    assert client.post("/jira/events", content=tampered, headers=headers).status_code == 401
    assert client.post("/jira/events?secret=guess", content=raw).status_code == 401
    assert count(app, InboxEvent) == 0


def test_a_status_change_goes_into_the_items_history(team, fake):
    app, runner, client, chat = team
    assert post(client, UPDATED, delivery="d-1").status_code == 200
    assert count(app, InboxEvent) == 1  # stored before the answer
    assert runner.drain() == 1
    with app.sessions() as s:
        row = s.scalar(select(ItemEvent).where(ItemEvent.action == "jira"))
        assert row.note == "Jira SHOP-42：To Do → In Progress（Lee Wei）。" and row.actor_id is None
        assert s.scalar(select(JiraLink.status)) == "In Progress"
    assert item(app).status == "open"  # work started in Jira reports no progress here
    chat.deliver()
    assert chat.card().endswith(f"Jira：{fake.url}/browse/SHOP-42（In Progress）")  # the card, edited in place
    assert any("Jira 状态 · Jira SHOP-42：To Do → In Progress" in s for s in chat.say("pm", "/show #1"))


def test_done_in_jira_marks_the_item_done_awaiting_the_initiators_confirmation(team):
    app, runner, client, chat = team
    assert post(client, status_event("Done", "done", changelog="20002"), delivery="d-2").status_code == 200
    runner.drain()
    found = item(app)
    assert found.status == "done" and found.progress == 100
    said = chat.deliver()
    assert said[0].startswith("🎉 #1 在 Jira 已完成（SHOP-42：Done（Lee Wei）），等待验收。")
    assert "<@pm|Pat> 请验收" in said[0]
    assert any("✅ #1 已由" in s for s in chat.say("pm", "/confirm #1"))  # the initiator closes the loop
    assert item(app).status == "confirmed"


def test_a_redelivered_webhook_is_applied_once(team):
    app, runner, client, chat = team
    body = status_event("Done", "done", changelog="20003")
    assert post(client, body, delivery="d-3").status_code == 200
    assert post(client, body, delivery="d-3").status_code == 200  # Jira's retry: same delivery id
    runner.drain()
    assert post(client, body).status_code == 200  # no delivery id: the changelog id tells it apart
    assert post(client, body).status_code == 200
    runner.drain()
    assert count(app, InboxEvent) == 2
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ItemEvent).where(ItemEvent.action == "done")) == 1
    assert len([s for s in chat.deliver() if s.startswith("🎉")]) == 1


def test_an_issue_no_item_is_linked_to_is_ignored_and_logged(team, caplog):
    app, runner, client, chat = team
    before = count(app, ItemEvent)
    with caplog.at_level(logging.INFO, logger="bot.jira.status"):
        assert post(client, status_event("Done", "done", changelog="9", key="OPS-9")).status_code == 200
        runner.drain()
    assert "no item is linked to OPS-9; ignored" in caplog.text
    assert count(app, ItemEvent) == before and item(app).status == "open" and chat.deliver() == []


def test_other_events_and_bad_bodies_change_nothing(team):
    app, runner, client, chat = team
    before = count(app, ItemEvent)
    comment = {"timestamp": 1, "webhookEvent": "comment_created", "issue": UPDATED["issue"],
               "comment": {"id": "5", "body": "<@pm|Pat> look"}}
    assert post(client, comment).status_code == 200
    no_status = copy.deepcopy(UPDATED)
    no_status["changelog"]["items"] = [{"field": "summary", "fromString": "a", "toString": "b"}]
    assert post(client, no_status).status_code == 200
    raw = b"not json"
    headers = {"X-Hub-Signature": "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()}
    assert client.post("/jira/events", content=raw, headers=headers).status_code == 400
    runner.drain()
    assert count(app, ItemEvent) == before and chat.deliver() == []


def test_jira_words_never_become_mentions(team):
    app, runner, client, chat = team
    body = status_event("<@pm|Pat> Done", "done", changelog="20009")
    body["user"]["displayName"] = "<@all>"
    post(client, body)
    runner.drain()
    said = chat.deliver()[0]
    assert "<@all>" not in said and said.count("<@pm|Pat>") == 1  # only the real "please check" mention


def test_the_secret_may_ride_in_the_url_for_jira_server(team):
    app, runner, client, _ = team
    raw = json.dumps(status_event("Done", "done", changelog="7")).encode()
    assert client.post(f"/jira/events?secret={SECRET}", content=raw).status_code == 200
    runner.drain()
    assert item(app).status == "done"


def test_without_a_webhook_secret_there_is_no_route(fake, tmp_path):
    app = App(jira_settings(fake.url, GENJIN_JIRA_WEBHOOK_SECRET=""), db_url=f"sqlite:///{tmp_path / 'j.db'}")
    try:
        runtime = JiraRuntime(app.settings.jira, Runner(app, clock=lambda: NOW))
        with TestClient(build_asgi([runtime])) as client:
            assert client.post("/jira/events", content=b"{}").status_code == 404
    finally:
        app.close()


def test_genjin_run_serves_jira_only_when_configured(fake, tmp_path):
    from genjin.config import load_settings
    from genjin.serve import build_runtimes

    app = App(jira_settings(fake.url), db_url=f"sqlite:///{tmp_path / 'r.db'}")
    try:
        runner = Runner(app, clock=lambda: NOW)
        assert [r.platform for r in build_runtimes(app.settings, runner)] == ["jira"]
        assert build_runtimes(load_settings(None, environ={}), runner) == []
    finally:
        app.close()


def test_the_done_reply_speaks_the_chats_language(team):
    app, runner, client, chat = team
    chat.say("pm", "/settings lang en")
    post(client, status_event("Closed", "done", changelog="31"), delivery="d-31")
    runner.drain()
    said = chat.deliver()[0]
    assert said.startswith("🎉 #1 was finished in Jira (SHOP-42: Closed (by Lee Wei)); it awaits confirmation.")
    assert "<@pm|Pat>, please check it" in said
