"""End to end over HTTP: signed requests into the ASGI app, the core on a real DB,
the outbox delivered to the loopback fake of the Slack Web API."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from slack_support import NOW, count, load
from sqlalchemy import select

from storage.models import InboxEvent, Item, ProcessedEvent

TODO = {"team_id": "T1", "channel_id": "C1", "channel_name": "general", "user_id": "U1", "user_name": "pat",
        "command": "/genjin", "text": "todo <@U2|lee> write spec by 2026-12-01", "trigger_id": "111.222.abc"}


def blocks_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def item(app) -> Item | None:
    with app.sessions() as session:
        return session.scalar(select(Item))


def create_item(bot) -> dict:
    """Run the slash command, deliver, and return the posted card's chat.postMessage call."""
    assert bot.post_form(TODO).status_code == 200
    assert bot.process() == 1
    assert bot.deliver() >= 1
    return bot.fake.calls_to("chat.postMessage")[0]


def test_slash_command_posts_the_item_card(http_bot):
    card = create_item(http_bot)
    assert card["channel"] == "C1"
    shown = blocks_text(card["blocks"])
    assert "#1 action item: write spec" in shown
    assert "<@U2>" in shown and "<@U1>" in shown  # owner and initiator are real mentions
    assert '"value": "done:1"' in shown
    assert "<@U2>" in card["text"]  # the notification names the owner too
    found = item(http_bot.app)
    assert (found.title, found.status) == ("write spec", "open")


def click_done(bot, card: dict) -> None:
    """The owner (U2) presses Done on `card`, as recorded in data/block_actions.json."""
    click = load("block_actions.json")["payload"]
    click["channel"]["id"] = click["container"]["channel_id"] = card["channel"]
    click["message"]["ts"] = click["container"]["message_ts"] = card["ts"]
    assert bot.post_form({"payload": json.dumps(click)}).status_code == 200
    assert bot.process() == 1
    assert item(bot.app).status == "done"


def test_owner_presses_done_and_the_card_is_updated_in_place(http_bot):
    create_item(http_bot)
    card = http_bot.fake.posted[0]
    click_done(http_bot, card)
    http_bot.deliver()
    updates = http_bot.fake.calls_to("chat.update")
    assert [(u["channel"], u["ts"]) for u in updates] == [("C1", card["ts"])]
    assert "done, awaiting confirmation" in blocks_text(updates[0]["blocks"])
    assert '"value": "confirm:1"' in blocks_text(updates[0]["blocks"])


def test_initiator_reacts_with_a_check_mark_and_the_item_is_confirmed(http_bot):
    create_item(http_bot)
    card = http_bot.fake.posted[0]
    click_done(http_bot, card)
    reaction = load("reaction_added.json")["payload"]  # U1, the initiator, reacts on the card
    reaction["event"]["item"].update(channel=card["channel"], ts=card["ts"])
    assert http_bot.post_json(reaction).status_code == 200
    assert http_bot.process() == 1
    assert item(http_bot.app).status == "confirmed"
    with http_bot.app.sessions() as session:
        history = session.scalar(select(Item)).history
        assert [h.action for h in history] == ["created", "done", "confirm"]


def test_genjin_help_lists_the_commands_as_subcommands(http_bot):
    assert http_bot.post_form(TODO | {"text": "help", "trigger_id": "777.888.help"}).status_code == 200
    assert http_bot.process() == 1
    assert http_bot.deliver() == 1
    answer = http_bot.fake.calls_to("chat.postMessage")[0]
    assert answer["channel"] == "C1"
    shown = blocks_text(answer["blocks"])
    assert "/genjin todo" in shown and "/genjin done" in shown


def test_app_mention_delivered_three_times_makes_one_item(http_bot):
    mention = load("app_mention.json")["payload"]
    first = http_bot.post_json(mention)
    retries = [http_bot.post_json(mention, headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
               for n in (1, 2)]
    assert [r.status_code for r in (first, *retries)] == [200, 200, 200]
    copy = load("message_mentioning_bot.json")["payload"]  # the message.channels copy of the same message
    assert http_bot.post_json(copy).status_code == 200
    assert count(http_bot.app, InboxEvent) == 1  # stored once, whatever Slack sent again
    assert http_bot.process() == 1
    assert count(http_bot.app, Item) == 1
    assert http_bot.deliver() == 1
    assert len(http_bot.fake.calls_to("chat.postMessage")) == 1


def test_forged_signature_is_refused_and_changes_nothing(http_bot):
    body = json.dumps(load("app_mention.json")["payload"]).encode()
    response = http_bot.client.post("/slack/events", content=body, headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status_code == 401
    assert count(http_bot.app, InboxEvent) == 0 and http_bot.process() == 0


def test_stale_timestamp_is_refused(http_bot):
    old = int(time.time()) - 6 * 60  # signed correctly, but outside Slack's 5-minute window
    assert http_bot.post_form(TODO, timestamp=old).status_code == 401
    assert count(http_bot.app, InboxEvent) == 0 and http_bot.process() == 0


def test_a_garbled_timestamp_is_refused_not_a_server_error(http_bot):
    body = json.dumps(load("app_mention.json")["payload"]).encode()
    response = http_bot.client.post("/slack/events", content=body, headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": "yesterday",
        "X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status_code == 401


def test_url_verification_is_answered(http_bot):
    payload = load("url_verification.json")["payload"]
    response = http_bot.post_json(payload)
    assert response.status_code == 200 and response.json() == {"challenge": payload["challenge"]}


def test_rate_limited_card_is_delivered_once_after_retry_after(http_bot):
    http_bot.fake.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"})
    http_bot.post_form(TODO)
    http_bot.process()
    assert http_bot.deliver(NOW) == 0
    assert http_bot.deliver(NOW + timedelta(seconds=20)) == 0  # still inside Retry-After: not even tried
    assert len(http_bot.fake.calls_to("chat.postMessage")) == 1
    assert http_bot.deliver(NOW + timedelta(seconds=31)) == 1
    assert len(http_bot.fake.calls_to("chat.postMessage")) == 2  # the refused try and the one that landed
    assert http_bot.deliver(NOW + timedelta(minutes=5)) == 0


def test_a_command_where_the_bot_cannot_post_is_answered_privately_and_records_nothing(http_bot):
    http_bot.fake.closed_channels.add("G9")
    form = TODO | {"channel_id": "G9", "channel_name": "privategroup", "response_url": http_bot.fake.response_url}
    assert http_bot.post_form(form).status_code == 200
    assert http_bot.process() == 1
    [answer] = http_bot.fake.responses
    assert answer["response_type"] == "ephemeral" and "/invite @genjin" in answer["text"]
    assert count(http_bot.app, Item) == 0 and count(http_bot.app, ProcessedEvent) == 0
    assert http_bot.fake.calls_to("chat.postMessage") == []
