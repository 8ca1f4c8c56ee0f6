"""Socket Mode: the SDK's client connects to the fake's websocket, gets envelopes, acks them."""

from __future__ import annotations

from slack_fake import wait_for
from slack_support import NOW, Probe, count, load
from sqlalchemy import select

from adapters.slack.runtime import SlackRuntime
from genjin.config import SlackSettings
from genjin.serve import Runner
from storage.models import Item


def envelope(envelope_id: str, kind: str, payload: dict, retry: int = 0) -> dict:
    return {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry, "retry_reason": "timeout" if retry else ""}


def test_socket_mode_events_are_acked_and_handled_once(app, fake):
    settings = SlackSettings(mode="socket", bot_token="xoxb-test", app_token="xapp-test", api_url=fake.api_url)
    probe = Probe(app)
    runner = Runner(probe, clock=lambda: NOW)
    runtime = SlackRuntime(settings, runner)
    assert runtime.routes() == []  # no public URL in Socket Mode
    runtime.start()
    try:
        mention = load("app_mention.json")["payload"]
        command = load("slash_command.json")["payload"] | {"text": "todo <@U1|pat> book the venue by 2026-12-02"}
        pushes = [envelope("env-1", "events_api", mention),
                  envelope("env-2", "events_api", mention, retry=1),  # Slack redelivers: same event id
                  envelope("env-3", "slash_commands", command)]
        for sent in pushes:  # all at once: the first events of a new chat race on the workers
            fake.push(sent)
        for sent in pushes:
            wait_for(lambda sent=sent: sent["envelope_id"] in {a.get("envelope_id") for a in fake.acks},
                     what=f"the ack of {sent['envelope_id']}")
        wait_for(lambda: len(probe.processed) == len(pushes), what="every event processed")
    finally:
        runtime.stop()  # the SDK client takes up to 3 s to close its socket
        runner.stop()
    assert fake.calls_to("apps.connections.open") and fake.calls_to("auth.test")
    assert count(app, Item) == 2
    with app.sessions() as session:
        titles = sorted(session.scalars(select(Item.title)))
    assert titles == ["book the venue", "write spec & plan"]
    assert app.deliver(platform="slack", sender=runtime.sender, now=NOW) == 2
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")] == ["C1", "C1"]
