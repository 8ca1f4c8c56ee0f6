"""Suggestions on Slack, from recorded payloads: a plain channel message that asks a colleague for
work by a date gets one ephemeral offer for its author (chat.postEphemeral); the author's click on
that ephemeral message (no `message` in the payload) makes the request, as /genjin ask would."""

from __future__ import annotations

import copy
import json

from slack_support import load
from sqlalchemy import select

from storage.models import Item, Suggestion

COMMAND = {"team_id": "T1", "channel_id": "C1", "channel_name": "general", "command": "/genjin"}


def settings_on(bot) -> None:
    assert bot.post_form({**COMMAND, "user_id": "U1", "user_name": "pat", "text": "settings suggest on",
                          "trigger_id": "111.0.U1"}).status_code == 200
    assert bot.process() == 1
    bot.deliver()


def say(bot, text: str, *, ts: str = "1778466000.000100", user: str = "U1") -> int:
    payload = copy.deepcopy(load("message_request.json")["payload"])
    payload["event"].update(text=text, ts=ts, event_ts=ts, user=user)
    payload["event_id"] = "Ev" + ts
    assert bot.post_json(payload).status_code == 200
    taken = bot.process()
    bot.deliver()
    return taken


def click(bot, user: str, value: str, message_ts: str, action_ts: str = "1778466002.654321") -> None:
    payload = copy.deepcopy(load("block_actions_ephemeral.json")["payload"])
    payload["user"].update(id=user)
    payload["container"]["message_ts"] = message_ts
    payload["actions"][0].update(value=value, action_id=f"genjin:{value}", action_ts=action_ts)
    assert bot.post_form({"payload": json.dumps(payload)}).status_code == 200
    assert bot.process() == 1
    bot.deliver()


def shown(call: dict) -> str:
    blocks = call.get("blocks")
    return json.dumps(json.loads(blocks) if isinstance(blocks, str) else blocks, ensure_ascii=False) + call["text"]


def test_off_by_default_nothing_is_posted(http_bot):
    say(http_bot, load("message_request.json")["payload"]["event"]["text"])
    assert http_bot.fake.ephemeral == [] and http_bot.fake.posted == []


def test_the_author_sees_the_offer_alone_and_a_click_makes_the_request(http_bot):
    settings_on(http_bot)
    posted_before = len(http_bot.fake.posted)
    say(http_bot, load("message_request.json")["payload"]["event"]["text"])
    assert len(http_bot.fake.posted) == posted_before  # nothing in the channel
    [offer] = http_bot.fake.ephemeral
    assert (offer["channel"], offer["user"]) == ("C1", "U1")
    text = shown(offer)
    assert "Follow up?" in text and "@Lee send the deck · due 05-15 Fri 18:00" in text
    assert "follow:1" in text and "ignore:1" in text
    assert "<@U2>" not in text  # an offer pings nobody

    click(http_bot, "U1", "follow:1", offer["message_ts"])
    card = http_bot.fake.posted[-1]
    assert "#1 request: send the deck" in shown(card)  # the item's card, in the channel, as /ask posts it
    outcome = http_bot.fake.ephemeral[-1]  # Slack cannot edit an ephemeral message: a new one says so
    assert outcome["user"] == "U1" and "Created #1: send the deck" in shown(outcome)
    assert http_bot.fake.calls_to("chat.update") == []
    with http_bot.app.sessions() as s:
        item = s.scalar(select(Item))
        assert (item.kind, item.initiator.user_id, item.owner.user_id) == ("request", "U1", "U2")


def test_ignore_then_never_again(http_bot):
    settings_on(http_bot)
    say(http_bot, "<@U2> could you send the deck by Friday?")
    click(http_bot, "U1", "ignore:1", http_bot.fake.ephemeral[0]["message_ts"])
    assert "Ignored" in shown(http_bot.fake.ephemeral[-1])
    say(http_bot, "<@U2> could you send the deck by Friday?", ts="1778466100.000100")
    assert len(http_bot.fake.ephemeral) == 2  # the offer and its outcome; nothing new
    with http_bot.app.sessions() as s:
        assert s.scalars(select(Item)).all() == []
        assert s.scalar(select(Suggestion)).status == "dismissed"


def test_a_second_click_and_a_strangers_click_are_told_privately(http_bot):
    settings_on(http_bot)
    say(http_bot, "<@U2> could you send the deck by Friday?")
    ts = http_bot.fake.ephemeral[0]["message_ts"]
    click(http_bot, "U3", "follow:1", ts, action_ts="1778466003.1")
    refusal = http_bot.fake.ephemeral[-1]
    assert refusal["user"] == "U3" and "Only @Pat can answer this suggestion." in shown(refusal)
    click(http_bot, "U1", "follow:1", ts, action_ts="1778466004.1")
    click(http_bot, "U1", "follow:1", ts, action_ts="1778466005.1")
    again = http_bot.fake.ephemeral[-1]
    assert again["user"] == "U1" and "already handled" in shown(again)
    with http_bot.app.sessions() as s:
        assert len(s.scalars(select(Item)).all()) == 1


def test_the_daily_cap(http_bot):
    settings_on(http_bot)
    for n, text in enumerate(["<@U2> could you send the deck by Friday?", "I'll share the slides by Thursday",
                              "<@U2> please review the PR by Wednesday", "I will update the tracker by EOD"]):
        say(http_bot, text, ts=f"17784661{n}0.000100")
    assert len(http_bot.fake.ephemeral) == 3
