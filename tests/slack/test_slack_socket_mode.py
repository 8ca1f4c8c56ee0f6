"""Socket Mode: Bolt's handler connects to the fake's websocket, gets envelopes, acks them
only once they are stored."""

from __future__ import annotations

import time

import pytest
from slack_fake import wait_for
from slack_support import NOW, count, load
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from adapters.slack.runtime import SlackRuntime
from genjin.config import SlackSettings
from genjin.serve import Runner
from storage.models import InboxEvent, Item


def envelope(envelope_id: str, kind: str, payload: dict, retry: int = 0) -> dict:
    return {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry, "retry_reason": "timeout" if retry else ""}


@pytest.fixture
def socket_bot(app, fake):
    settings = SlackSettings(mode="socket", bot_token="xoxb-test", app_token="xapp-test", api_url=fake.api_url)
    runner = Runner(app, clock=lambda: NOW)
    runtime = SlackRuntime(settings, runner)
    assert runtime.routes() == []  # no public URL in Socket Mode
    runtime.start()
    yield runner, runtime
    runtime.stop()  # the SDK client takes up to 3 s to close its socket
    runner.stop()


def acked(fake, envelope_id: str) -> bool:
    return envelope_id in {a.get("envelope_id") for a in fake.acks}


def test_socket_mode_events_are_stored_acked_and_handled_once(app, fake, socket_bot):
    runner, runtime = socket_bot
    mention = load("app_mention.json")["payload"]
    command = load("slash_command.json")["payload"] | {"text": "todo <@U1|pat> book the venue by 2026-12-02"}
    pushes = [envelope("env-1", "events_api", mention),
              envelope("env-2", "events_api", mention, retry=1),  # Slack redelivers: same message
              envelope("env-3", "slash_commands", command)]
    for sent in pushes:  # all at once: the first events of a new chat race on the socket's threads
        fake.push(sent)
    for sent in pushes:
        wait_for(lambda sent=sent: acked(fake, sent["envelope_id"]), what=f"the ack of {sent['envelope_id']}")
    assert count(app, InboxEvent) == 2  # stored before each ack; the redelivery is not stored again
    assert count(app, Item) == 0  # nothing processed yet: the ack did not wait for the core
    assert runner.drain() == 2
    assert fake.calls_to("apps.connections.open") and fake.calls_to("auth.test")
    with app.sessions() as session:
        titles = sorted(session.scalars(select(Item.title)))
    assert titles == ["book the venue", "write spec & plan"]
    assert app.deliver(platform="slack", sender=runtime.sender, now=NOW) == 2
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")] == ["C1", "C1"]


def test_an_envelope_that_cannot_be_stored_is_not_acked(app, fake, socket_bot, monkeypatch):
    def database_down(**_kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(app, "store", database_down)
    fake.push(envelope("env-9", "slash_commands", load("slash_command.json")["payload"]))
    time.sleep(0.5)  # what Bolt would have done by now, it has done
    assert not acked(fake, "env-9")  # so Slack sends it again
    monkeypatch.undo()
    fake.push(envelope("env-10", "slash_commands", load("slash_command.json")["payload"], retry=1))
    wait_for(lambda: acked(fake, "env-10"), what="the ack of the redelivery")
    assert count(app, InboxEvent) == 1
