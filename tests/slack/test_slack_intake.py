"""Durable intake over HTTP: what got a 200 is stored; what could not be stored got no 200;
and the request shapes Bolt and Slack throw at the route."""

from __future__ import annotations

import json

from slack_support import HttpBot, count, load
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from storage.models import InboxEvent, Item

TODO = {"team_id": "T1", "channel_id": "C1", "channel_name": "general", "user_id": "U1", "user_name": "pat",
        "command": "/genjin", "text": "todo <@U2|lee> write spec by 2026-12-01", "trigger_id": "111.222.abc"}


def titles(app) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(Item.title).order_by(Item.id)))


def test_an_acknowledged_command_survives_a_crash_and_is_handled_after_restart(app, fake):
    first = HttpBot(app, fake)
    assert first.post_form(TODO).status_code == 200
    # The process dies here: no worker ever ran (close() only stops threads that never started).
    first.close()
    assert [r.status for r in _rows(app)] == ["pending"]

    restarted = HttpBot(app, fake)
    try:
        assert restarted.process() == 1
        assert titles(app) == ["write spec"]
        assert restarted.deliver() == 1 and len(fake.calls_to("chat.postMessage")) == 1
        assert restarted.post_form(TODO).status_code == 200  # Slack's late retry of the same request
        assert restarted.process() == 0 and titles(app) == ["write spec"]
    finally:
        restarted.close()


def _rows(app) -> list[InboxEvent]:
    with app.sessions() as session:
        return list(session.scalars(select(InboxEvent)))


def test_a_request_that_cannot_be_stored_gets_no_200(http_bot, monkeypatch):
    def database_down(**_kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(http_bot.app, "store", database_down)
    assert http_bot.post_form(TODO).status_code == 500  # Slack shows an error and may retry
    monkeypatch.undo()
    assert http_bot.post_form(TODO).status_code == 200
    assert count(http_bot.app, InboxEvent) == 1


def test_ssl_check_is_answered_like_bolt_does(http_bot):
    response = http_bot.client.post("/slack/events", content=b"ssl_check=1&token=x",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and count(http_bot.app, InboxEvent) == 0


def test_an_oversized_or_unreadable_body_is_refused_before_anything_else(http_bot):
    huge = b"x" * (1 << 20 | 1)
    assert http_bot.post(huge, "application/x-www-form-urlencoded").status_code == 413
    assert http_bot.post(b"{not json", "application/json").status_code == 400
    assert http_bot.post(b"payload=%7Bnot+json", "application/x-www-form-urlencoded").status_code == 400
    assert count(http_bot.app, InboxEvent) == 0


def test_a_command_mentioning_the_word_payload_is_not_lost(http_bot):
    # Bolt 1.30 reads any form containing "payload" as an empty body: acked, then dropped.
    assert http_bot.post_form(TODO | {"text": "todo <@U2|lee> check the payload size by 2026-12-01"}).status_code == 200
    assert http_bot.process() == 1
    assert titles(http_bot.app) == ["check the payload size"]


def test_a_bot_let_into_a_private_channel_answers_there_without_a_restart(http_bot):
    fake = http_bot.fake
    fake.closed_channels.add("G9")
    form = TODO | {"channel_id": "G9", "channel_name": "privategroup", "response_url": fake.response_url}
    assert http_bot.post_form(form).status_code == 200
    http_bot.process()
    assert len(fake.responses) == 1 and titles(http_bot.app) == []  # "invite me first", privately

    fake.closed_channels.discard("G9")  # /invite @genjin: Slack tells the app the bot joined
    joined = {"type": "event_callback", "team_id": "T1", "event_id": "Ev20", "event": {
        "type": "member_joined_channel", "user": "UBOT", "channel": "G9", "channel_type": "G", "team": "T1"}}
    assert http_bot.post_json(joined).status_code == 200
    assert http_bot.post_form(form | {"trigger_id": "555.666.again"}).status_code == 200
    http_bot.process()
    assert titles(http_bot.app) == ["write spec"] and len(fake.responses) == 1


def test_a_command_in_a_group_dm_is_seen(http_bot):
    mpim = load("message_mpim.json")["payload"]
    assert http_bot.post_json(mpim).status_code == 200
    assert http_bot.process() == 1
    assert titles(http_bot.app) == ["book the room"]
    assert http_bot.deliver() == 1
    assert http_bot.fake.calls_to("chat.postMessage")[0]["channel"] == "G0MPIM1"


def test_typed_mass_mentions_and_forged_mentions_never_ping_anyone(http_bot):
    # Real @channel / @here / @everyone typed in the command, and the same typed as text
    # (Slack escapes a typed "<"), plus a typed user mention: none may come back as markup.
    text = ("todo <@U2|lee> tell <!channel> and <!here|here> and <!everyone> that &lt;!here&gt; "
            "&lt;!channel&gt; &lt;@U9&gt; &lt;!subteam^S1&gt; &amp; <@U1> by 2026-12-01")
    assert http_bot.post_form(TODO | {"text": text}).status_code == 200
    http_bot.process()
    assert http_bot.deliver() == 1
    fake = http_bot.fake
    assert fake.traps() == []
    posted = json.dumps(fake.calls_to("chat.postMessage"))
    assert "<@U9>" not in posted and "<@U2>" in posted  # only the real mention of the owner is live
    for block in fake.calls_to("chat.postMessage")[0]["blocks"]:
        for text_object in [block.get("text"), *block.get("fields", ())]:
            if text_object and text_object["type"] == "mrkdwn":  # no auto-parsing of "@here"
                assert text_object.get("verbatim") is True

